package abi

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Kind is what sort of ELF file a File is.
type Kind string

// The kinds of ELF file. Statically linked programs (StaticExecutable,
// StaticPIE) need no glibc at run time.
const (
	// StaticExecutable is an ET_EXEC program without PT_INTERP: Go's own
	// toolchain, gcc -static.
	StaticExecutable Kind = "static executable"
	// StaticPIE is an ET_DYN program that relocates itself: no PT_INTERP,
	// DF_1_PIE and no DT_NEEDED (gcc -static-pie).
	StaticPIE Kind = "static-pie executable"
	// DynamicExecutable is a program the dynamic linker loads: it has
	// PT_INTERP and is ET_EXEC, a PIE (DF_1_PIE) or has no DT_SONAME.
	DynamicExecutable Kind = "dynamic executable"
	// SharedObject is any other ET_DYN file: a library (libc.so.6 too,
	// although it has PT_INTERP), the dynamic linker, a plugin.
	SharedObject Kind = "shared object"
	// Relocatable is an ET_REL object file.
	Relocatable Kind = "relocatable object"
	// OtherKind is a core file or an ELF type the analysis does not know.
	OtherKind Kind = "other ELF file"
)

// Static reports whether the kind is a statically linked program.
func (k Kind) Static() bool { return k == StaticExecutable || k == StaticPIE }

// Need is one glibc symbol version an ELF file needs.
type Need struct {
	// Library is the glibc library the version is needed from:
	// "libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2".
	Library string `json:"library"`
	// Version is the version name: "GLIBC_2.34", "GLIBC_ABI_DT_RELR",
	// "GLIBC_PRIVATE".
	Version string `json:"version"`
	// Release is the glibc release that introduced Version ("2.34"); ""
	// for GLIBC_PRIVATE and undated markers (see Release).
	Release string `json:"release,omitempty"`
	// Weak is set for a need marked VER_FLG_WEAK whose symbols are all
	// weak references: the dynamic linker loads the file without it, and
	// the symbols are then null.
	Weak bool `json:"weak,omitempty"`
}

func (n Need) String() string {
	s := n.Library + " " + n.Version
	if n.Weak {
		s += " (weak)"
	}
	return s
}

// counts reports whether the need decides where the file runs: not
// weak and not GLIBC_PRIVATE.
func (n Need) counts() bool { return !n.Weak && n.Version != Private }

// File is what one ELF file needs of glibc.
type File struct {
	// Path names the file: as given, or its path in a package payload.
	Path string `json:"path"`
	Kind Kind   `json:"kind"`
	// Machine is the architecture: "x86-64", "aarch64", "ppc64le".
	Machine string `json:"machine"`
	// Interpreter is the PT_INTERP path, "" without one.
	Interpreter string `json:"interpreter,omitempty"`
	// Needs are the glibc versions the file needs (version needs of
	// glibc libraries, see IsGlibcLibrary), sorted by library and
	// release.
	Needs []Need `json:"needs"`
	// Newest is the need with the newest release among those that count
	// (not weak, not GLIBC_PRIVATE), nil without one.
	Newest *Need `json:"newest,omitempty"`
	// Symbols are the undefined dynamic symbols bound to Newest, sorted;
	// empty for a marker such as GLIBC_ABI_DT_RELR.
	Symbols []string `json:"symbols,omitempty"`
	// Error is set, for a file in a package, when the file starts like
	// ELF but cannot be analysed; the other fields are then empty.
	Error string `json:"error,omitempty"`

	arch arch
}

// arch identifies the libc.so.6 a file can use.
type arch struct {
	machine elf.Machine
	class   elf.Class
	big     bool
}

// String names the architecture as distributions do.
func (a arch) String() string {
	switch a.machine {
	case elf.EM_X86_64:
		if a.class == elf.ELFCLASS32 {
			return "x32"
		}
		return "x86-64"
	case elf.EM_386:
		return "i386"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_PPC64:
		if a.big {
			return "ppc64"
		}
		return "ppc64le"
	case elf.EM_PPC:
		return "ppc"
	case elf.EM_S390:
		if a.class == elf.ELFCLASS64 {
			return "s390x"
		}
		return "s390"
	case elf.EM_RISCV:
		if a.class == elf.ELFCLASS64 {
			return "riscv64"
		}
		return "riscv32"
	case elf.EM_LOONGARCH:
		return "loongarch64"
	}
	return strings.ToLower(strings.TrimPrefix(a.machine.String(), "EM_"))
}

// Analyze reads the ELF file in r (size bytes) and returns what it needs
// of glibc. The error wraps ErrNotELF for input without the ELF magic,
// ErrMalformed for a broken ELF file and ErrTooLarge for tables beyond
// the analysis limits; read errors are returned wrapped. Analyze reads
// the section headers, .dynamic, .gnu.version_r, .gnu.version and
// .dynsym, and never more than 256 MiB of them.
func Analyze(path string, r io.ReaderAt, size int64) (*File, error) {
	f, err := openELF(r, size)
	if err != nil {
		return nil, err
	}
	out := &File{Path: path, Interpreter: f.interp, Needs: []Need{}, arch: f.arch()}
	out.Machine = out.arch.String()
	if f.hasDynamic && len(f.sections) == 0 {
		return nil, malformedf("a dynamically linked file without section headers")
	}
	dyn, err := f.dynamic()
	if err != nil {
		return nil, err
	}
	out.Kind = kind(f, dyn)
	needs, err := f.versionNeeds()
	if err != nil {
		return nil, err
	}
	// Symbols bound to glibc needs: those of the newest, and whether a
	// need marked weak has a strong reference.
	index := map[uint16]bool{}
	for _, n := range needs {
		if glibcNeed(n) {
			index[n.index] = true
		}
	}
	syms, err := f.undefinedSymbols(index)
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		if !glibcNeed(n) {
			continue
		}
		rel, _ := Release(n.name)
		weak := n.flags&verFlgWeak != 0 && !slices.ContainsFunc(syms[n.index], func(s symbol) bool { return !s.weak })
		out.Needs = append(out.Needs, Need{Library: n.file, Version: n.name, Release: rel, Weak: weak})
	}
	out.Needs = sortNeeds(out.Needs)
	out.Newest = newest(out.Needs)
	if out.Newest != nil {
		for _, n := range needs {
			if n.file == out.Newest.Library && n.name == out.Newest.Version {
				for _, s := range syms[n.index] {
					out.Symbols = append(out.Symbols, s.name)
				}
			}
		}
		slices.Sort(out.Symbols)
		out.Symbols = slices.Compact(out.Symbols)
	}
	return out, nil
}

// glibcNeed reports whether a version need is one of glibc's.
func glibcNeed(n verneed) bool {
	return IsGlibcLibrary(n.file) && strings.HasPrefix(n.name, "GLIBC_")
}

// kind classifies the file by its type, program headers and dynamic
// section.
func kind(f *elfFile, d dynamicInfo) Kind {
	switch f.typ {
	case elf.ET_REL:
		return Relocatable
	case elf.ET_EXEC:
		if !f.hasInterp {
			return StaticExecutable
		}
		return DynamicExecutable
	case elf.ET_DYN:
		switch {
		case f.hasInterp && (d.pie || d.soname == ""):
			return DynamicExecutable
		case !f.hasInterp && f.hasDynamic && d.pie && len(d.needed) == 0:
			return StaticPIE
		}
		return SharedObject
	}
	return OtherKind
}

// sortNeeds sorts needs by library, release (undated last) and version,
// and merges duplicates, which stay weak only if every copy is.
func sortNeeds(needs []Need) []Need {
	slices.SortFunc(needs, func(a, b Need) int {
		if c := strings.Compare(a.Library, b.Library); c != 0 {
			return c
		}
		if c := compareNeeds(a, b); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	out := needs[:0]
	for _, n := range needs {
		if k := len(out) - 1; k >= 0 && out[k].Library == n.Library && out[k].Version == n.Version {
			out[k].Weak = out[k].Weak && n.Weak
			continue
		}
		out = append(out, n)
	}
	return out
}

// compareNeeds orders needs by release, undated ones after every dated
// one, and at one release a GLIBC_x.y before a marker.
func compareNeeds(a, b Need) int {
	switch {
	case a.Release == "" && b.Release == "":
		return 0
	case a.Release == "":
		return 1
	case b.Release == "":
		return -1
	}
	if c := Compare(a.Release, b.Release); c != 0 {
		return c
	}
	am, bm := markers[a.Version] != "", markers[b.Version] != ""
	switch {
	case am && !bm:
		return 1
	case bm && !am:
		return -1
	}
	return 0
}

// newest returns the dated need that counts with the newest release; at
// one release a GLIBC_x.y before a marker, then the first library by
// name.
func newest(needs []Need) *Need {
	var best *Need
	for _, n := range needs {
		if !n.counts() || n.Release == "" {
			continue
		}
		if best == nil || better(n, *best) {
			c := n
			best = &c
		}
	}
	return best
}

// better reports whether need a is newer than b for newest.
func better(a, b Need) bool {
	if c := Compare(a.Release, b.Release); c != 0 {
		return c > 0
	}
	am, bm := markers[a.Version] != "", markers[b.Version] != ""
	if am != bm {
		return bm
	}
	return a.Library < b.Library
}

// DefaultMaxInMemory is the largest ELF file AnalyzeStream keeps in
// memory; larger ones are spooled to a temporary file.
const DefaultMaxInMemory = 8 << 20

// SpoolOptions say where AnalyzeStream keeps a file it reads from a
// stream.
type SpoolOptions struct {
	// MaxInMemory is the largest file analysed from memory
	// (DefaultMaxInMemory when 0 or less).
	MaxInMemory int64
	// TempDir is where larger files are spooled (os.TempDir() when
	// empty). The spool file is unlinked as soon as it is created.
	TempDir string
}

// SpoolError is a failure to write the spool file: a problem of the
// machine, not of the file analysed.
type SpoolError struct{ Err error }

func (e *SpoolError) Error() string { return "spooling an ELF file: " + e.Err.Error() }
func (e *SpoolError) Unwrap() error { return e.Err }

// AnalyzeStream analyses an ELF file read from a stream: head holds its
// first bytes, already read (the caller looked at the magic), body the
// rest; size is the whole file's size. It reads body to its end, so a
// hash the caller tees from body sees every byte. Errors reading body
// are returned as they are, spool failures as *SpoolError, and the
// file's defects as from Analyze.
func AnalyzeStream(path string, head []byte, body io.Reader, size int64, opt SpoolOptions) (*File, error) {
	if size < int64(len(head)) {
		return nil, fmt.Errorf("%s: size %d is less than the %d bytes already read", path, size, len(head))
	}
	limit := opt.MaxInMemory
	if limit <= 0 {
		limit = DefaultMaxInMemory
	}
	if size <= limit {
		buf := bytes.NewBuffer(make([]byte, 0, size))
		buf.Write(head)
		if _, err := io.Copy(buf, body); err != nil {
			return nil, err
		}
		return Analyze(path, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	}
	f, err := os.CreateTemp(opt.TempDir, "gotc-abi-elf-")
	if err != nil {
		return nil, &SpoolError{err}
	}
	defer f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, &SpoolError{err}
	}
	w := &spoolWriter{f: f}
	if _, err := w.Write(head); err != nil {
		return nil, &SpoolError{err}
	}
	n, err := io.Copy(w, body)
	if err != nil {
		if w.err != nil {
			return nil, &SpoolError{w.err}
		}
		return nil, err
	}
	return Analyze(path, f, int64(len(head))+n)
}

// spoolWriter remembers its own write errors, to tell them from the
// stream's read errors.
type spoolWriter struct {
	f   *os.File
	err error
}

func (w *spoolWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		w.err = err
	}
	return n, err
}
