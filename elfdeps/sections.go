package elfdeps

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

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
