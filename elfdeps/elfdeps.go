// Package elfdeps computes the automatic Requires and Provides that
// rpmbuild 4.18 derives from an ELF file with /usr/lib/rpm/elfdeps, so a
// native builder stores the same dependencies rpmbuild would.
//
// # What rpm 4.18 does
//
// The elf file attribute (/usr/lib/rpm/fileattrs/elf.attr) runs
// "elfdeps --provides" and "elfdeps --requires" on every file libmagic
// calls "ELF 32-bit" or "ELF 64-bit". Unlike perl.attr and script.attr it
// sets no %__elf_flags, so there is no exeonly filter for ELF files: the
// generator runs on executables, shared libraries and non-executable files
// alike. The execute bits matter inside elfdeps instead, and only for
// Requires: a file that has a PT_INTERP program header (a program, PIE or
// not, and also glibc's libc.so.6) yields no Requires unless some execute
// bit is set; a shared library without PT_INTERP yields its Requires even
// with mode 0644. Provides never depend on the mode. Analyze takes the
// execute bits as its executable parameter.
//
// The rules Analyze reproduces, in elfdeps' order (sections are visited in
// section-header order; .gnu.version_d, .gnu.version_r and .dynamic are
// read, the dynamic segment and symbol tables are not):
//
//   - .gnu.version_r (SHT_GNU_verneed): for each needed file and version,
//     Requires "file(VERSION)(64bit)". Weak references (VER_FLG_WEAK) and
//     GLIBC_PRIVATE are not filtered: rpm 4.18 removed --filter-private
//     and never looked at vna_flags.
//   - .gnu.version_d (SHT_GNU_verdef): the VER_FLG_BASE entry names the
//     file; every other definition is Provides "base(VERSION)(64bit)",
//     once per Verdaux record of the definition (elfdeps does not advance
//     to the parent record, so a definition that inherits from another
//     is printed twice). Also done for executables.
//   - .dynamic: DT_NEEDED is Requires "soname()(64bit)"; DT_SONAME, the
//     last one, is remembered; DT_HASH, DT_GNU_HASH and DT_DEBUG are noted.
//     Entries after DT_NULL are read too (elfdeps reads sh_size/sh_entsize
//     entries).
//   - "rtld(GNU_HASH)" is required when there is DT_GNU_HASH and no
//     DT_HASH (and Requires are generated at all).
//   - An ET_DYN object without DT_DEBUG provides "soname()(64bit)" from
//     DT_SONAME, or, without DT_SONAME, from the base name of the file.
//     PIE executables carry DT_DEBUG and so provide nothing here.
//   - Every soname (needed, provided, version base, basename fallback)
//     must contain ".so" and start with "lib", "ld.", "ld-" or "ld6"
//     (elfdeps compares only three bytes of "ld64."), else the dependency
//     is dropped. So a plugin "foo.so" without DT_SONAME provides nothing.
//   - The marker "(64bit)" is appended for ELFCLASS64 files except
//     EM_ALPHA and EM_FAKE_ALPHA; 32-bit files (x32 included) get none,
//     and then a bare DT_NEEDED dependency is just "soname", without "()".
//   - ET_REL and ET_CORE files yield nothing, and so do statically
//     linked programs (ET_EXEC without a dynamic section) such as Go's own
//     toolchain. A static PIE is ET_DYN and gets the rules above.
//
// elfdeps prints each dependency followed by a newline and rpmbuild sorts
// and de-duplicates what it reads; Deps keeps elfdeps' order and
// duplicates and Deps.Sorted gives the form rpmbuild stores.
//
// # Malformed files
//
// rpmbuild neither fails nor warns because of a broken ELF file (rpmbuild
// 4.18 packages a truncated ELF file, or one with a bad identification,
// silently and without dependencies): when libelf cannot open the file
// elfdeps prints nothing, and when a table inside is broken elfdeps stops
// reading that table and prints what it collected until then. Analyze mirrors this
// libelf behaviour (elfutils 0.188, the library rpm 4.18 uses) and returns
// the dependencies elfdeps would print together with an error wrapping
// ErrMalformed that names the first defect. A builder that mirrors
// rpmbuild keeps the returned Deps (often empty) and reports the error at
// most as a warning. Where elfdeps itself would crash (a SHT_DYNAMIC
// section with sh_entsize 0 divides by zero) it prints nothing, and so
// Analyze returns empty Deps. Where elfdeps would loop for billions of
// iterations or print gigabytes (version tables whose offsets form cycles)
// Analyze gives up with ErrTooLarge and empty Deps instead.
//
// Version tables of big-endian files are converted the way libelf does on
// a little-endian build host. The one known difference, for files no
// linker writes: a compressed (SHF_COMPRESSED) string table is treated as
// unreadable where libelf would decompress it.
package elfdeps

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Sentinel errors for errors.Is.
var (
	// ErrMalformed: the input starts with the ELF magic but a structure in
	// it is broken. The Deps returned with it are what elfdeps prints.
	ErrMalformed = errors.New("malformed elf file")
	// ErrTooLarge: the file would make elfdeps loop or print far more than
	// any real file does; no Deps are returned.
	ErrTooLarge = errors.New("elf dependency data exceeds limit")
)

// Deps are the automatic Requires and Provides rpmbuild's elfdeps derives
// from one file, as the lines elfdeps prints, in its order and with its
// duplicates: for example "libc.so.6(GLIBC_2.34)(64bit)",
// "libc.so.6()(64bit)", "rtld(GNU_HASH)", "libfoo.so.1()(64bit)".
type Deps struct {
	Requires, Provides []string
}

// Sorted returns the dependencies the way rpmbuild stores them: rpmbuild
// splits the generator output at spaces, tabs and newlines, and its
// dependency sets are sorted by byte value without duplicates. Empty
// lists are nil. (elfdeps output never holds whitespace unless a soname
// does; rpmbuild would read a token after it that starts with '<', '=' or
// '>' as a version comparison, which Sorted does not model.)
func (d Deps) Sorted() Deps {
	return Deps{Requires: sortedUnique(d.Requires), Provides: sortedUnique(d.Provides)}
}

func sortedUnique(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.FieldsFunc(l, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r'
		})...)
	}
	sort.Strings(out)
	w := 0
	for i, s := range out {
		if i == 0 || s != out[w-1] {
			out[w] = s
			w++
		}
	}
	if w == 0 {
		return nil
	}
	return out[:w]
}

// RequiredGlibc returns the highest numeric GLIBC_x.y[.z] version named by
// d's Requires, for example "GLIBC_2.34", comparing versions numerically
// (GLIBC_2.10 is above GLIBC_2.9). Non-numeric versions such as
// GLIBC_PRIVATE or GLIBC_ABI_DT_RELR are ignored. It returns "" if there
// is none.
func RequiredGlibc(d Deps) string {
	var best string
	var bestParts []int
	for _, req := range d.Requires {
		for rest := req; ; {
			i := strings.Index(rest, "(GLIBC_")
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				break
			}
			v := rest[:end]
			parts, ok := glibcParts(strings.TrimPrefix(v, "GLIBC_"))
			if ok && (best == "" || compareParts(parts, bestParts) > 0) {
				best, bestParts = v, parts
			}
		}
	}
	return best
}

// glibcParts parses "2.34" or "2.2.5" into its numeric components.
func glibcParts(s string) ([]int, bool) {
	fields := strings.Split(s, ".")
	if len(fields) < 2 {
		return nil, false
	}
	parts := make([]int, len(fields))
	for i, f := range fields {
		if f == "" || strings.TrimLeft(f, "0123456789") != "" {
			return nil, false
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, false
		}
		parts[i] = n
	}
	return parts, true
}

func compareParts(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// Analyze reads the ELF file from r (size bytes) and returns what
// "/usr/lib/rpm/elfdeps -R" and "-P" print for it. executable tells
// whether the file has any execute permission bit (elfdeps takes it from
// fstat). If r has a method Name() string, as *os.File does, the part of
// the name after the last '/' is the file name elfdeps falls back to for a
// shared library without DT_SONAME; use AnalyzeNamed to give it
// explicitly. A non-ELF input returns empty Deps and no error; for a
// malformed ELF file see the package documentation.
func Analyze(r io.ReaderAt, size int64, executable bool) (Deps, error) {
	name := ""
	if n, ok := r.(interface{ Name() string }); ok {
		name = n.Name()
	}
	return AnalyzeNamed(name, r, size, executable)
}

// AnalyzeFile analyzes the file at path, taking its size and execute bits
// from the file system and the base name from path, as elfdeps does when
// rpmbuild feeds it that path.
func AnalyzeFile(path string) (Deps, error) {
	f, err := os.Open(path)
	if err != nil {
		return Deps{}, fmt.Errorf("elfdeps: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Deps{}, fmt.Errorf("elfdeps: %w", err)
	}
	return AnalyzeNamed(path, f, st.Size(), st.Mode().Perm()&0o111 != 0)
}

// AnalyzeNamed is Analyze with the file name given: name is the path
// elfdeps would be given (only the part after the last '/' is used, for
// the soname fallback of shared libraries without DT_SONAME; with "" that
// fallback yields nothing).
func AnalyzeNamed(name string, r io.ReaderAt, size int64, executable bool) (Deps, error) {
	if size < 0 {
		return Deps{}, fmt.Errorf("elfdeps: negative size %d", size)
	}
	a := &analyzer{
		r:      r,
		size:   uint64(size),
		budget: min(uint64(size), math.MaxInt64)*2 + readSlack,
		name:   name,
		isExec: executable,
	}
	if err := a.run(); err != nil {
		return Deps{}, err
	}
	return a.deps, a.bad
}

// Limits on what a hostile file can make Analyze do. Real files stay far
// below: libc.so.6 has about a hundred version definitions.
const (
	readSlack = 1 << 20  // bytes read beyond twice the file size
	maxSteps  = 1 << 20  // version-table loop iterations
	maxLines  = 1 << 20  // dependencies
	maxBytes  = 64 << 20 // bytes of dependencies
)

const (
	emFakeAlpha = 0x9026 // EM_FAKE_ALPHA, which debug/elf does not name
	verFlgBase  = 0x1    // VER_FLG_BASE
	pnXnum      = 0xffff // PN_XNUM
	verdefSize  = 20     // Elf32_Verdef and Elf64_Verdef
	verdauxSize = 8
	verneedSize = 16
	vernauxSize = 16
	verAlign    = 4 // offsets of Verdef and Verdaux are multiples of this
)

// analyzer holds the state of one elfdeps run over one file. Fatal
// problems are returned as errors; defects elfdeps reads past are
// recorded in bad.
type analyzer struct {
	r      io.ReaderAt
	size   uint64
	budget uint64
	name   string
	bad    error
	steps  int

	bo    binary.ByteOrder
	is64  bool
	shnum uint64
	shtab []byte
	strs  map[uint32]strtab

	isExec, isDSO, interp         bool
	gotDebug, gotHash, gotGNUHash bool
	soname                        *string
	marker                        string

	deps   Deps
	lines  int
	nbytes int
}

type strtab struct {
	data []byte
	ok   bool
}

// malformed records the first defect of the file.
func (a *analyzer) malformed(format string, args ...any) {
	if a.bad == nil {
		a.bad = fmt.Errorf("elfdeps: %w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
}

// readAt reads n bytes at off; the caller has checked off+n <= a.size.
func (a *analyzer) readAt(off, n uint64) ([]byte, error) {
	if n > a.budget || n > math.MaxInt32 {
		return nil, fmt.Errorf("elfdeps: %w: reading %d bytes at offset %d", ErrTooLarge, n, off)
	}
	a.budget -= n
	buf := make([]byte, n)
	got, err := a.r.ReadAt(buf, int64(off))
	if got == len(buf) {
		return buf, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("elfdeps: read %d bytes at offset %d: %w", n, off, err)
}

// fits reports whether [off, off+n) lies in the file, the test libelf
// applies before reading a table.
func (a *analyzer) fits(off, n uint64) bool {
	return off <= a.size && a.size-off >= n
}

func (a *analyzer) run() error {
	identLen := min(a.size, 64)
	ident, err := a.readAt(0, identLen)
	if err != nil {
		return err
	}
	if len(ident) < 4 || string(ident[:4]) != elf.ELFMAG {
		return nil // not ELF: elfdeps prints nothing, rpmbuild does not even run it
	}
	// libelf's determine_kind: anything else is ELF_K_NONE and skipped.
	if len(ident) < elf.EI_NIDENT {
		a.malformed("truncated identification (%d bytes)", len(ident))
		return nil
	}
	class, data, version := elf.Class(ident[elf.EI_CLASS]), elf.Data(ident[elf.EI_DATA]), elf.Version(ident[elf.EI_VERSION])
	if (class != elf.ELFCLASS32 && class != elf.ELFCLASS64) ||
		(data != elf.ELFDATA2LSB && data != elf.ELFDATA2MSB) || version != elf.EV_CURRENT {
		a.malformed("unsupported identification: class %d, data %d, version %d", class, data, version)
		return nil
	}
	a.is64 = class == elf.ELFCLASS64
	a.bo = binary.ByteOrder(binary.LittleEndian)
	if data == elf.ELFDATA2MSB {
		a.bo = binary.BigEndian
	}
	ehsize := 52
	if a.is64 {
		ehsize = 64
	}
	if len(ident) < ehsize {
		a.malformed("truncated ELF header (%d of %d bytes)", len(ident), ehsize)
		return nil
	}
	h := ident
	etype := elf.Type(a.bo.Uint16(h[16:]))
	machine := elf.Machine(a.bo.Uint16(h[18:]))
	var phoff, shoff uint64
	var phnum, shnum uint16
	if a.is64 {
		phoff, shoff = a.bo.Uint64(h[32:]), a.bo.Uint64(h[40:])
		phnum, shnum = a.bo.Uint16(h[56:]), a.bo.Uint16(h[60:])
	} else {
		phoff, shoff = uint64(a.bo.Uint32(h[28:])), uint64(a.bo.Uint32(h[32:]))
		phnum, shnum = a.bo.Uint16(h[44:]), a.bo.Uint16(h[48:])
	}
	if ok, err := a.sectionCount(shoff, shnum); err != nil || !ok {
		return err
	}

	if etype != elf.ET_DYN && etype != elf.ET_EXEC {
		return nil
	}
	if a.is64 && machine != elf.EM_ALPHA && machine != emFakeAlpha {
		a.marker = "(64bit)"
	}
	a.isDSO = etype == elf.ET_DYN
	if a.shnum > 0 {
		// libelf reads every section header at the first gelf_getshdr;
		// sectionCount checked that they are inside the file.
		if a.shtab, err = a.readAt(shoff, a.shnum*a.shdrSize()); err != nil {
			return err
		}
	}
	if err := a.programHeaders(phoff, phnum); err != nil {
		return err
	}
	if err := a.sections(); err != nil {
		return err
	}

	if a.genRequires() && a.gotGNUHash && !a.gotHash {
		if err := a.emit(&a.deps.Requires, "rtld(GNU_HASH)", 1); err != nil {
			return err
		}
	}
	if a.isDSO && !a.gotDebug {
		if a.soname == nil {
			base := a.name[strings.LastIndexByte(a.name, '/')+1:]
			a.soname = &base
		}
		if err := a.addDep(&a.deps.Provides, *a.soname, nil, 1); err != nil {
			return err
		}
	}
	return nil
}

func (a *analyzer) shdrSize() uint64 {
	if a.is64 {
		return 64
	}
	return 40
}

// sectionCount mirrors libelf's get_shnum: extended numbering through
// section 0, and a table that does not fit in the file counts as none.
// It reports false when libelf refuses the file altogether.
func (a *analyzer) sectionCount(shoff uint64, shnum uint16) (bool, error) {
	n := uint64(shnum)
	shsz := a.shdrSize()
	if n == 0 && shoff != 0 {
		if !a.fits(shoff, shsz) {
			a.malformed("section header table at offset %d is outside the file", shoff)
			return true, nil
		}
		sizeOff, sizeLen := uint64(20), uint64(4)
		if a.is64 {
			sizeOff, sizeLen = 32, 8
		}
		b, err := a.readAt(shoff+sizeOff, sizeLen)
		if err != nil {
			return false, err
		}
		if a.is64 {
			n = a.bo.Uint64(b)
			if n > math.MaxUint32 {
				// elf_begin fails: elfdeps prints nothing.
				a.malformed("extended section count %d is too large", n)
				return false, nil
			}
		} else {
			n = uint64(a.bo.Uint32(b))
		}
	}
	if n > 0 && (shoff > a.size || a.size-shoff < shsz*n) {
		a.malformed("section header table (%d entries at offset %d) is truncated", n, shoff)
		n = 0
	}
	a.shnum = n
	return true, nil
}

// shdr is the part of a section header elfdeps and libelf look at.
type shdr struct {
	typ     elf.SectionType
	flags   elf.SectionFlag
	off     uint64
	size    uint64
	link    uint32
	info    uint32
	entsize uint64
}

func (a *analyzer) section(i uint64) shdr {
	b := a.shtab[i*a.shdrSize():]
	if a.is64 {
		return shdr{
			typ:     elf.SectionType(a.bo.Uint32(b[4:])),
			flags:   elf.SectionFlag(a.bo.Uint64(b[8:])),
			off:     a.bo.Uint64(b[24:]),
			size:    a.bo.Uint64(b[32:]),
			link:    a.bo.Uint32(b[40:]),
			info:    a.bo.Uint32(b[44:]),
			entsize: a.bo.Uint64(b[56:]),
		}
	}
	return shdr{
		typ:     elf.SectionType(a.bo.Uint32(b[4:])),
		flags:   elf.SectionFlag(a.bo.Uint32(b[8:])),
		off:     uint64(a.bo.Uint32(b[16:])),
		size:    uint64(a.bo.Uint32(b[20:])),
		link:    a.bo.Uint32(b[24:]),
		info:    a.bo.Uint32(b[28:]),
		entsize: uint64(a.bo.Uint32(b[36:])),
	}
}

// programHeaders looks for a PT_INTERP header whose offset is inside the
// file, as elfdeps' processProgHeaders does through gelf_getphdr.
func (a *analyzer) programHeaders(phoff uint64, ephnum uint16) error {
	phnum := uint64(ephnum)
	if ephnum == pnXnum && a.shnum > 0 {
		phnum = uint64(a.section(0).info)
	}
	if phnum == 0 || phoff == 0 {
		return nil
	}
	phsz := uint64(32)
	if a.is64 {
		phsz = 56
	}
	if !a.fits(phoff, phnum*phsz) {
		a.malformed("program header table (%d entries at offset %d) is truncated", phnum, phoff)
		return nil
	}
	n := min(phnum, uint64(ephnum)) // elfdeps loops to e_phnum
	tab, err := a.readAt(phoff, n*phsz)
	if err != nil {
		return err
	}
	for i := uint64(0); i < n; i++ {
		p := tab[i*phsz:]
		if elf.ProgType(a.bo.Uint32(p)) != elf.PT_INTERP {
			continue
		}
		var off uint64
		if a.is64 {
			off = a.bo.Uint64(p[8:])
		} else {
			off = uint64(a.bo.Uint32(p[4:]))
		}
		if off < a.size {
			a.interp = true
			break
		}
		a.malformed("PT_INTERP at offset %d is outside the file", off)
	}
	return nil
}

// genRequires is elfdeps' rule: no Requires for a non-executable file
// with a program interpreter.
func (a *analyzer) genRequires() bool {
	return !(a.interp && !a.isExec)
}

func (a *analyzer) sections() error {
	for i := uint64(1); i < a.shnum; i++ {
		sh := a.section(i)
		var err error
		switch sh.typ {
		case elf.SHT_GNU_VERDEF:
			err = a.verdef(i, sh)
		case elf.SHT_GNU_VERNEED:
			err = a.verneed(i, sh)
		case elf.SHT_DYNAMIC:
			err = a.dynamic(i, sh)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sectionData mirrors elf_getdata: typed reports whether the data has the
// section's own type (false for SHF_COMPRESSED, whose getters then fail);
// ok is false when libelf returns no data.
func (a *analyzer) sectionData(idx uint64, sh shdr) (data []byte, typed, ok bool, err error) {
	typed = sh.flags&elf.SHF_COMPRESSED == 0
	if sh.size == 0 {
		return nil, typed, true, nil
	}
	entsize := uint64(1)
	if typed {
		switch sh.typ {
		case elf.SHT_DYNAMIC:
			entsize = a.dynSize()
		case elf.SHT_GNU_VERNEED:
			entsize = verneedSize
		}
	}
	if sh.size%entsize != 0 {
		a.malformed("section %d: size %d is not a multiple of %d", idx, sh.size, entsize)
		return nil, typed, false, nil
	}
	if !a.fits(sh.off, sh.size) {
		a.malformed("section %d: %d bytes at offset %d are outside the file", idx, sh.size, sh.off)
		return nil, typed, false, nil
	}
	data, err = a.readAt(sh.off, sh.size)
	if err != nil {
		return nil, typed, false, err
	}
	if typed && a.bo == binary.BigEndian {
		switch sh.typ {
		case elf.SHT_GNU_VERDEF:
			data = convertVerdef(data)
		case elf.SHT_GNU_VERNEED:
			data = convertVerneed(data)
		}
	}
	return data, typed, true, nil
}

// Version tables are read in host byte order: libelf converts those of
// big-endian files when it loads them. Analyze behaves as rpm does on a
// little-endian build host (x86_64, aarch64, ppc64le, riscv64).
var host = binary.LittleEndian

// convertVerdef is libelf's elf_cvt_Verdef for a big-endian file on a
// little-endian host: it walks the chain of definitions and their
// auxiliary records from offset 0, converting each record it reaches;
// what it does not reach stays as stored. The next-definition offset is
// taken from the converted buffer after the auxiliary records were
// written, so overlapping records behave as in libelf.
func convertVerdef(src []byte) []byte {
	dst := bytes.Clone(src)
	n := uint64(len(src))
	for def := uint64(0); ; {
		if def > n || n-def < verdefSize || def%verAlign != 0 {
			return dst
		}
		s, d := src[def:], dst[def:]
		swap16(d, s, 0, 2, 4, 6)
		swap32(d, s, 8, 12, 16)
		for aux := def + uint64(host.Uint32(d[12:])); ; {
			if aux > n || n-aux < verdauxSize || aux%verAlign != 0 {
				return dst
			}
			swap32(dst[aux:], src[aux:], 0, 4)
			next := host.Uint32(dst[aux+4:])
			if next == 0 {
				break
			}
			aux += uint64(next)
		}
		def += uint64(host.Uint32(d[16:]))
		if binary.BigEndian.Uint32(s[16:]) == 0 {
			return dst
		}
	}
}

// convertVerneed is libelf's elf_cvt_Verneed, as convertVerdef.
func convertVerneed(src []byte) []byte {
	dst := bytes.Clone(src)
	n := uint64(len(src))
	for need := uint64(0); ; {
		if need > n || n-need < verneedSize || need%verAlign != 0 {
			return dst
		}
		s, d := src[need:], dst[need:]
		swap16(d, s, 0, 2)
		swap32(d, s, 4, 8, 12)
		for aux := need + uint64(host.Uint32(d[8:])); ; {
			if aux > n || n-aux < vernauxSize || aux%verAlign != 0 {
				return dst
			}
			swap32(dst[aux:], src[aux:], 0)
			swap16(dst[aux:], src[aux:], 4, 6)
			swap32(dst[aux:], src[aux:], 8, 12)
			next := host.Uint32(dst[aux+12:])
			if next == 0 {
				break
			}
			aux += uint64(next)
		}
		need += uint64(host.Uint32(d[12:]))
		if binary.BigEndian.Uint32(s[12:]) == 0 {
			return dst
		}
	}
}

func swap16(dst, src []byte, offs ...int) {
	for _, o := range offs {
		host.PutUint16(dst[o:], binary.BigEndian.Uint16(src[o:]))
	}
}

func swap32(dst, src []byte, offs ...int) {
	for _, o := range offs {
		host.PutUint32(dst[o:], binary.BigEndian.Uint32(src[o:]))
	}
}

func (a *analyzer) dynSize() uint64 {
	if a.is64 {
		return 16
	}
	return 8
}

// str mirrors elf_strptr: the NUL-terminated string at off in string
// table section link.
func (a *analyzer) str(link uint32, off uint64) (string, bool, error) {
	if uint64(link) >= a.shnum {
		return "", false, nil
	}
	sh := a.section(uint64(link))
	if sh.typ != elf.SHT_STRTAB || sh.flags&elf.SHF_COMPRESSED != 0 || off >= sh.size {
		return "", false, nil
	}
	st, seen := a.strs[link]
	if !seen {
		if a.fits(sh.off, sh.size) {
			data, err := a.readAt(sh.off, sh.size)
			if err != nil {
				return "", false, err
			}
			st = strtab{data: data, ok: true}
		}
		if a.strs == nil {
			a.strs = make(map[uint32]strtab)
		}
		a.strs[link] = st
	}
	if !st.ok {
		return "", false, nil
	}
	rest := st.data[off:]
	end := bytes.IndexByte(rest, 0)
	if end < 0 {
		return "", false, nil
	}
	return string(rest[:end]), true, nil
}

// strOrBad is str that records a failed look-up as a defect.
func (a *analyzer) strOrBad(idx uint64, link uint32, off uint64) (string, bool, error) {
	s, ok, err := a.str(link, off)
	if err == nil && !ok {
		a.malformed("section %d: no string at offset %d of section %d", idx, off, link)
	}
	return s, ok, err
}

// record returns the size bytes at off in data, applying the checks of
// gelf_getverdef and its siblings: off is an int there, so offsets of
// 2^31 and above are negative and fail, and off must be a multiple of
// align, which libelf takes as 4 for Verdef and Verdaux (their alignment)
// but as 16 for Verneed and Vernaux (their size).
func record(data []byte, off uint32, size int, align uint32) []byte {
	if int32(off) < 0 || int(off)+size > len(data) || off%align != 0 {
		return nil
	}
	return data[off : int(off)+size]
}

func (a *analyzer) step() error {
	a.steps++
	if a.steps > maxSteps {
		return fmt.Errorf("elfdeps: %w: version tables need more than %d steps", ErrTooLarge, maxSteps)
	}
	return nil
}

// loopCount is the number of iterations of elfdeps' "for (int i =
// shdr->sh_info; --i >= 0; )": sh_info as an int, none when negative,
// except that --i wraps INT_MIN (sh_info 0x80000000) around to INT_MAX.
func loopCount(info uint32) int {
	if info == 1<<31 {
		return math.MaxInt32
	}
	return max(int(int32(info)), 0)
}

// cycle tracks the states an outer version loop has visited. elfdeps
// runs sh_info iterations whatever the records say, so records whose
// next-offsets form a cycle repeat until sh_info runs out; once a state
// repeats, whole periods are replayed instead of re-read. Loops shorter
// than cycleMin iterations are not tracked.
type cycle struct {
	iter  []int32 // per aligned offset: iteration+1 of the last visit
	lines []int32 // per aligned offset: output length at that visit
	state []int32 // per aligned offset: interned loop state at that visit
	ids   map[string]int32
	done  bool
}

const cycleMin = 16

func newCycle(total, dataLen int) *cycle {
	if total < cycleMin {
		return &cycle{done: true}
	}
	n := dataLen/verAlign + 1
	return &cycle{iter: make([]int32, n), lines: make([]int32, n), state: make([]int32, n), ids: map[string]int32{}}
}

// visit is called at the start of iteration i (of total) at offset off,
// with out the list the loop appends to and state the rest of the loop's
// state. It returns the number of iterations to skip, having appended
// their output.
func (c *cycle) visit(a *analyzer, out *[]string, i, total int, off uint32, state string) (int, error) {
	if c.done {
		return 0, nil
	}
	k := int(off / verAlign)
	if off%verAlign != 0 || k >= len(c.iter) {
		return 0, nil // the record read will fail and end the loop
	}
	id, ok := c.ids[state]
	if !ok {
		id = int32(len(c.ids))
		c.ids[state] = id
	}
	if c.iter[k] == 0 || c.state[k] != id {
		c.iter[k], c.lines[k], c.state[k] = int32(i+1), int32(len(*out)), id
		return 0, nil
	}
	c.done = true
	a.malformed("version table records form a cycle at offset %d", off)
	period := i - int(c.iter[k]-1)
	reps := (total - i) / period
	per := (*out)[c.lines[k]:]
	if len(per) > 0 && reps > 0 {
		if reps > (maxLines-a.lines)/len(per) {
			return 0, fmt.Errorf("elfdeps: %w: more than %d dependencies", ErrTooLarge, maxLines)
		}
		n := 0
		for _, s := range per {
			n += len(s)
		}
		if n > 0 && reps > (maxBytes-a.nbytes)/n {
			return 0, fmt.Errorf("elfdeps: %w: more than %d bytes of dependencies", ErrTooLarge, maxBytes)
		}
		per = append([]string(nil), per...)
		for range reps {
			*out = append(*out, per...)
		}
		a.lines += len(per) * reps
		a.nbytes += n * reps
	}
	return reps * period, nil
}

// verdef mirrors elfdeps' processVerDef.
func (a *analyzer) verdef(idx uint64, sh shdr) error {
	data, typed, ok, err := a.sectionData(idx, sh)
	if err != nil || !ok {
		return err
	}
	total := loopCount(sh.info)
	if total > 0 && !typed {
		a.malformed("section %d: compressed version definitions", idx)
		return nil
	}
	var (
		off    uint32
		base   string
		isBase bool // base is set
		cyc    = newCycle(loopCount(sh.info), len(data))
	)
	for i := 0; i < total; i++ {
		state := "\x00"
		if isBase {
			state = "\x01" + base
		}
		skip, err := cyc.visit(a, &a.deps.Provides, i, total, off, state)
		if err != nil {
			return err
		}
		if i += skip; i >= total {
			break
		}
		if err := a.step(); err != nil {
			return err
		}
		def := record(data, off, verdefSize, verAlign)
		if def == nil {
			a.malformed("section %d: version definition at offset %d is outside the section or misaligned", idx, off)
			break
		}
		flags, cnt := host.Uint16(def[2:]), int(host.Uint16(def[6:]))
		aux := off + host.Uint32(def[12:])
		off += host.Uint32(def[16:])
		for j := cnt; j > 0; j-- {
			if err := a.step(); err != nil {
				return err
			}
			r := record(data, aux, verdauxSize, verAlign)
			if r == nil {
				a.malformed("section %d: version name record at offset %d is outside the section or misaligned", idx, aux)
				break
			}
			s, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(r)))
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			next := host.Uint32(r[4:])
			if flags&verFlgBase != 0 {
				base, isBase = s, true
				if next == 0 {
					break // the remaining iterations re-read this record
				}
				aux += next
				continue
			}
			// elfdeps does not advance to the next Verdaux here: the
			// remaining iterations print this name again.
			if isBase {
				if err := a.addDep(&a.deps.Provides, base, &s, j); err != nil {
					return err
				}
			}
			break
		}
	}
	return nil
}

// verneed mirrors elfdeps' processVerNeed.
func (a *analyzer) verneed(idx uint64, sh shdr) error {
	data, typed, ok, err := a.sectionData(idx, sh)
	if err != nil || !ok {
		return err
	}
	total := loopCount(sh.info)
	if total > 0 && !typed {
		a.malformed("section %d: compressed version needs", idx)
		return nil
	}
	var off uint32
	cyc := newCycle(total, len(data))
	for i := 0; i < total; i++ {
		skip, err := cyc.visit(a, &a.deps.Requires, i, total, off, "")
		if err != nil {
			return err
		}
		if i += skip; i >= total {
			break
		}
		if err := a.step(); err != nil {
			return err
		}
		need := record(data, off, verneedSize, verneedSize)
		if need == nil {
			a.malformed("section %d: version need at offset %d is outside the section or misaligned", idx, off)
			break
		}
		file, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(need[4:])))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		cnt := int(host.Uint16(need[2:]))
		aux := off + host.Uint32(need[8:])
		for j := cnt; j > 0; j-- {
			if err := a.step(); err != nil {
				return err
			}
			r := record(data, aux, vernauxSize, vernauxSize)
			if r == nil {
				a.malformed("section %d: version need record at offset %d is outside the section or misaligned", idx, aux)
				break
			}
			name, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(r[8:])))
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			next := host.Uint32(r[12:])
			n := 1
			if next == 0 && j > 1 {
				// The chain ends before vn_cnt records: the remaining
				// iterations re-read this record.
				a.malformed("section %d: version need at offset %d has fewer than %d records", idx, off, cnt)
				n = j
			}
			if a.genRequires() {
				if err := a.addDep(&a.deps.Requires, file, &name, n); err != nil {
					return err
				}
			}
			if next == 0 {
				break
			}
			aux += next
		}
		off += host.Uint32(need[12:])
	}
	return nil
}

// dynamic mirrors elfdeps' processDynamic.
func (a *analyzer) dynamic(idx uint64, sh shdr) error {
	data, typed, ok, err := a.sectionData(idx, sh)
	if err != nil || !ok {
		return err
	}
	if sh.entsize == 0 {
		// elfdeps computes sh_size / sh_entsize and dies of SIGFPE
		// before printing anything.
		return fmt.Errorf("elfdeps: %w: section %d: SHT_DYNAMIC with sh_entsize 0 (elfdeps crashes)", ErrMalformed, idx)
	}
	n := sh.size / sh.entsize
	dsz := a.dynSize()
	avail := uint64(len(data)) / dsz
	if !typed {
		avail = 0
	}
	if sh.entsize != dsz {
		a.malformed("section %d: SHT_DYNAMIC with sh_entsize %d", idx, sh.entsize)
	}
	for i := uint64(0); i < n; i++ {
		if i >= avail {
			a.malformed("section %d: dynamic entry %d is outside the section", idx, i)
			break
		}
		var tag elf.DynTag
		var val uint64
		if a.is64 {
			tag, val = elf.DynTag(int64(a.bo.Uint64(data[i*16:]))), a.bo.Uint64(data[i*16+8:])
		} else {
			tag, val = elf.DynTag(int32(a.bo.Uint32(data[i*8:]))), uint64(a.bo.Uint32(data[i*8+4:]))
		}
		switch tag {
		case elf.DT_HASH:
			a.gotHash = true
		case elf.DT_GNU_HASH:
			a.gotGNUHash = true
		case elf.DT_DEBUG:
			a.gotDebug = true
		case elf.DT_SONAME:
			s, ok, err := a.strOrBad(idx, sh.link, val)
			if err != nil {
				return err
			}
			if ok {
				a.soname = &s
			}
		case elf.DT_NEEDED:
			if !a.genRequires() {
				break
			}
			s, ok, err := a.strOrBad(idx, sh.link, val)
			if err != nil {
				return err
			}
			if ok {
				if err := a.addDep(&a.deps.Requires, s, nil, 1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// skipSoname is elfdeps' filter (with its default --filter-soname): a
// soname must contain ".so" and start with "lib" or be the dynamic linker.
func skipSoname(soname string) bool {
	if strings.TrimLeft(soname, " \t\n\v\f\r") == "" {
		return true
	}
	if !strings.Contains(soname, ".so") {
		return true
	}
	// elfdeps compares 3 bytes for "ld64." and "ld64-" too, so any "ld6".
	for _, p := range []string{"ld.", "ld-", "ld6", "lib"} {
		if strings.HasPrefix(soname, p) {
			return false
		}
	}
	return true
}

// addDep is elfdeps' addDep, appended n times.
func (a *analyzer) addDep(out *[]string, soname string, ver *string, n int) error {
	if skipSoname(soname) {
		return nil
	}
	dep := soname
	if ver != nil || a.marker != "" {
		v := ""
		if ver != nil {
			v = *ver
		}
		dep = soname + "(" + v + ")" + a.marker
	}
	return a.emit(out, dep, n)
}

// emit appends dep n times as the lines elfdeps prints for it.
func (a *analyzer) emit(out *[]string, dep string, n int) error {
	lines := strings.Split(dep, "\n")
	if n > (maxLines-a.lines)/len(lines) {
		return fmt.Errorf("elfdeps: %w: more than %d dependencies", ErrTooLarge, maxLines)
	}
	if len(dep) > 0 && n > (maxBytes-a.nbytes)/len(dep) {
		return fmt.Errorf("elfdeps: %w: more than %d bytes of dependencies", ErrTooLarge, maxBytes)
	}
	for range n {
		*out = append(*out, lines...)
	}
	a.lines += len(lines) * n
	a.nbytes += len(dep) * n
	return nil
}
