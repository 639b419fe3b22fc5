package elfdeps

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
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
