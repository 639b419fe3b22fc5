package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Sentinel errors for errors.Is.
var (
	// ErrNotELF: the input does not start with the ELF magic.
	ErrNotELF = errors.New("not an ELF file")
	// ErrMalformed: the input starts like ELF but a structure the
	// analysis reads is broken.
	ErrMalformed = errors.New("malformed ELF file")
	// ErrTooLarge: the file asks for more reading or work than any real
	// file does.
	ErrTooLarge = errors.New("ELF tables exceed the analysis limits")
)

// Limits on what a hostile file can make the analysis do. Real files
// stay far below: libc.so.6 has about 3,000 dynamic symbols and 40
// version definitions.
const (
	maxTableBytes = 256 << 20 // bytes of tables read from one file
	maxRecords    = 1 << 20   // version records and dynamic entries walked
	maxInterp     = 4096      // bytes of PT_INTERP
)

// section is the part of a section header the analysis looks at.
type section struct {
	typ     elf.SectionType
	flags   elf.SectionFlag
	off     uint64
	size    uint64
	link    uint32
	info    uint32
	entsize uint64
}

// elfFile reads the headers and tables of one ELF file with every
// offset and size checked against the file before it is used.
type elfFile struct {
	r      io.ReaderAt
	size   uint64
	budget uint64
	steps  int

	bo      binary.ByteOrder
	is64    bool
	typ     elf.Type
	machine elf.Machine
	class   elf.Class

	interp     string
	hasInterp  bool
	hasDynamic bool
	sections   []section
	data       map[int][]byte
}

// malformedf returns an error wrapping ErrMalformed.
func malformedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// step counts one record or entry walked.
func (f *elfFile) step() error {
	f.steps++
	if f.steps > maxRecords {
		return fmt.Errorf("%w: more than %d version records and dynamic entries", ErrTooLarge, maxRecords)
	}
	return nil
}

// fits reports whether [off, off+n) lies inside the file.
func (f *elfFile) fits(off, n uint64) bool {
	return off <= f.size && f.size-off >= n
}

// read reads n bytes at off, which must fit in the file.
func (f *elfFile) read(off, n uint64, what string) ([]byte, error) {
	if !f.fits(off, n) {
		return nil, malformedf("%s: %d bytes at offset %d are outside the file (%d bytes)", what, n, off, f.size)
	}
	if n > f.budget {
		return nil, fmt.Errorf("%w: %s: reading %d more bytes", ErrTooLarge, what, n)
	}
	f.budget -= n
	buf := make([]byte, n)
	got, err := f.r.ReadAt(buf, int64(off))
	if got == len(buf) {
		return buf, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("reading %s: %w", what, err)
}

// openELF reads the ELF header, the program headers and the section
// header table.
func openELF(r io.ReaderAt, size int64) (*elfFile, error) {
	if size < 0 {
		return nil, fmt.Errorf("negative size %d", size)
	}
	f := &elfFile{r: r, size: uint64(size), budget: maxTableBytes, data: map[int][]byte{}}
	if f.size < 4 {
		return nil, ErrNotELF
	}
	h, err := f.read(0, min(f.size, 64), "ELF header")
	if err != nil {
		return nil, err
	}
	if string(h[:4]) != elf.ELFMAG {
		return nil, ErrNotELF
	}
	if len(h) < elf.EI_NIDENT {
		return nil, malformedf("truncated identification (%d bytes)", len(h))
	}
	f.class = elf.Class(h[elf.EI_CLASS])
	switch f.class {
	case elf.ELFCLASS32:
	case elf.ELFCLASS64:
		f.is64 = true
	default:
		return nil, malformedf("unknown class %d", h[elf.EI_CLASS])
	}
	switch elf.Data(h[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		f.bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		f.bo = binary.BigEndian
	default:
		return nil, malformedf("unknown byte order %d", h[elf.EI_DATA])
	}
	if elf.Version(h[elf.EI_VERSION]) != elf.EV_CURRENT {
		return nil, malformedf("unknown ELF version %d", h[elf.EI_VERSION])
	}
	ehsize := 52
	if f.is64 {
		ehsize = 64
	}
	if len(h) < ehsize {
		return nil, malformedf("truncated ELF header (%d of %d bytes)", len(h), ehsize)
	}
	f.typ = elf.Type(f.bo.Uint16(h[16:]))
	f.machine = elf.Machine(f.bo.Uint16(h[18:]))
	var phoff, shoff uint64
	var phentsize, phnum, shentsize, shnum uint16
	if f.is64 {
		phoff, shoff = f.bo.Uint64(h[32:]), f.bo.Uint64(h[40:])
		phentsize, phnum, shentsize, shnum = f.bo.Uint16(h[54:]), f.bo.Uint16(h[56:]), f.bo.Uint16(h[58:]), f.bo.Uint16(h[60:])
	} else {
		phoff, shoff = uint64(f.bo.Uint32(h[28:])), uint64(f.bo.Uint32(h[32:]))
		phentsize, phnum, shentsize, shnum = f.bo.Uint16(h[42:]), f.bo.Uint16(h[44:]), f.bo.Uint16(h[46:]), f.bo.Uint16(h[48:])
	}
	if err := f.sectionHeaders(shoff, shentsize, shnum); err != nil {
		return nil, err
	}
	if err := f.programHeaders(phoff, phentsize, phnum); err != nil {
		return nil, err
	}
	return f, nil
}

// arch is the file's architecture.
func (f *elfFile) arch() arch {
	return arch{machine: f.machine, class: f.class, big: f.bo == binary.BigEndian}
}

// sectionHeaders reads the section header table, with extended
// numbering (e_shnum 0, the count in section 0's sh_size).
func (f *elfFile) sectionHeaders(shoff uint64, entsize, num uint16) error {
	if shoff == 0 {
		return nil
	}
	want := uint16(40)
	if f.is64 {
		want = 64
	}
	if entsize < want {
		return malformedf("section header size %d, want at least %d", entsize, want)
	}
	first, err := f.read(shoff, uint64(entsize), "section header 0")
	if err != nil {
		return err
	}
	n := uint64(num)
	if n == 0 {
		if f.is64 {
			n = f.bo.Uint64(first[32:])
		} else {
			n = uint64(f.bo.Uint32(first[20:]))
		}
	}
	if n == 0 {
		return nil
	}
	if n > f.size/uint64(entsize) {
		return malformedf("%d section headers of %d bytes do not fit in the file", n, entsize)
	}
	tab, err := f.read(shoff, n*uint64(entsize), "section header table")
	if err != nil {
		return err
	}
	f.sections = make([]section, n)
	for i := range f.sections {
		b := tab[uint64(i)*uint64(entsize):]
		s := &f.sections[i]
		if f.is64 {
			s.typ, s.flags = elf.SectionType(f.bo.Uint32(b[4:])), elf.SectionFlag(f.bo.Uint64(b[8:]))
			s.off, s.size = f.bo.Uint64(b[24:]), f.bo.Uint64(b[32:])
			s.link, s.info, s.entsize = f.bo.Uint32(b[40:]), f.bo.Uint32(b[44:]), f.bo.Uint64(b[56:])
		} else {
			s.typ, s.flags = elf.SectionType(f.bo.Uint32(b[4:])), elf.SectionFlag(f.bo.Uint32(b[8:]))
			s.off, s.size = uint64(f.bo.Uint32(b[16:])), uint64(f.bo.Uint32(b[20:]))
			s.link, s.info, s.entsize = f.bo.Uint32(b[24:]), f.bo.Uint32(b[28:]), uint64(f.bo.Uint32(b[36:]))
		}
	}
	return nil
}

// programHeaders notes PT_INTERP (and reads the interpreter's name) and
// PT_DYNAMIC. A count of PN_XNUM is taken from section 0's sh_info.
func (f *elfFile) programHeaders(phoff uint64, entsize, num uint16) error {
	n := uint64(num)
	if num == 0xffff && len(f.sections) > 0 {
		n = uint64(f.sections[0].info)
	}
	if n == 0 || phoff == 0 {
		return nil
	}
	want := uint16(32)
	if f.is64 {
		want = 56
	}
	if entsize < want {
		return malformedf("program header size %d, want at least %d", entsize, want)
	}
	if n > f.size/uint64(entsize) {
		return malformedf("%d program headers of %d bytes do not fit in the file", n, entsize)
	}
	tab, err := f.read(phoff, n*uint64(entsize), "program header table")
	if err != nil {
		return err
	}
	for i := uint64(0); i < n; i++ {
		p := tab[i*uint64(entsize):]
		var off, filesz uint64
		if f.is64 {
			off, filesz = f.bo.Uint64(p[8:]), f.bo.Uint64(p[32:])
		} else {
			off, filesz = uint64(f.bo.Uint32(p[4:])), uint64(f.bo.Uint32(p[16:]))
		}
		switch elf.ProgType(f.bo.Uint32(p)) {
		case elf.PT_DYNAMIC:
			f.hasDynamic = true
		case elf.PT_INTERP:
			if f.hasInterp {
				continue
			}
			f.hasInterp = true
			b, err := f.read(off, min(filesz, maxInterp), "PT_INTERP")
			if err != nil {
				return err
			}
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			f.interp = string(b)
		}
	}
	return nil
}

// sectionData returns the contents of section i, read once.
func (f *elfFile) sectionData(i int) ([]byte, error) {
	if i <= 0 || i >= len(f.sections) {
		return nil, malformedf("section index %d out of range (%d sections)", i, len(f.sections))
	}
	if d, ok := f.data[i]; ok {
		return d, nil
	}
	s := f.sections[i]
	if s.typ == elf.SHT_NOBITS {
		return nil, malformedf("section %d (%s) has no data in the file", i, s.typ)
	}
	if s.flags&elf.SHF_COMPRESSED != 0 {
		return nil, malformedf("section %d (%s) is compressed", i, s.typ)
	}
	d, err := f.read(s.off, s.size, fmt.Sprintf("section %d (%s)", i, s.typ))
	if err != nil {
		return nil, err
	}
	f.data[i] = d
	return d, nil
}

// strtab returns the string table section i.
func (f *elfFile) strtab(i uint32) ([]byte, error) {
	if int(i) >= len(f.sections) || f.sections[i].typ != elf.SHT_STRTAB {
		return nil, malformedf("section %d is not a string table", i)
	}
	return f.sectionData(int(i))
}

// str returns the NUL-terminated string at off in table.
func str(table []byte, off uint64) (string, error) {
	if off >= uint64(len(table)) {
		return "", malformedf("string offset %d outside its table (%d bytes)", off, len(table))
	}
	rest := table[off:]
	end := bytes.IndexByte(rest, 0)
	if end < 0 {
		return "", malformedf("string at offset %d is not terminated", off)
	}
	return string(rest[:end]), nil
}

// firstSection returns the index of the first section of type typ, or 0.
func (f *elfFile) firstSection(typ elf.SectionType) int {
	for i := 1; i < len(f.sections); i++ {
		if f.sections[i].typ == typ {
			return i
		}
	}
	return 0
}
