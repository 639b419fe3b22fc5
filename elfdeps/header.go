package elfdeps

import (
	"debug/elf"
	"math"
)

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
