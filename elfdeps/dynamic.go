package elfdeps

import (
	"debug/elf"
	"fmt"
)

func (a *analyzer) dynSize() uint64 {
	if a.is64 {
		return 16
	}
	return 8
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
