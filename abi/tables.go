package abi

import (
	"debug/elf"
	"fmt"
)

// Flags of version definitions and needs.
const (
	verFlgBase = 0x1 // VER_FLG_BASE: the definition naming the file
	verFlgWeak = 0x2 // VER_FLG_WEAK
	df1PIE     = 0x08000000
	maxSymbols = 1 << 22 // dynamic symbols looked at
)

// dynamicInfo is what the analysis takes from the dynamic section.
type dynamicInfo struct {
	needed []string
	soname string
	pie    bool // DF_1_PIE in DT_FLAGS_1
}

// dynamic reads the first SHT_DYNAMIC section up to DT_NULL.
func (f *elfFile) dynamic() (dynamicInfo, error) {
	var d dynamicInfo
	i := f.firstSection(elf.SHT_DYNAMIC)
	if i == 0 {
		return d, nil
	}
	data, err := f.sectionData(i)
	if err != nil {
		return d, err
	}
	entsz := 8
	if f.is64 {
		entsz = 16
	}
	var strs []byte
	name := func(val uint64) (string, error) {
		if strs == nil {
			if strs, err = f.strtab(f.sections[i].link); err != nil {
				return "", fmt.Errorf("dynamic section: %w", err)
			}
		}
		s, err := str(strs, val)
		if err != nil {
			return "", fmt.Errorf("dynamic section: %w", err)
		}
		return s, nil
	}
	for off := 0; off+entsz <= len(data); off += entsz {
		if err := f.step(); err != nil {
			return d, err
		}
		var tag elf.DynTag
		var val uint64
		if f.is64 {
			tag, val = elf.DynTag(int64(f.bo.Uint64(data[off:]))), f.bo.Uint64(data[off+8:])
		} else {
			tag, val = elf.DynTag(int32(f.bo.Uint32(data[off:]))), uint64(f.bo.Uint32(data[off+4:]))
		}
		switch tag {
		case elf.DT_NULL:
			return d, nil
		case elf.DT_NEEDED:
			s, err := name(val)
			if err != nil {
				return d, err
			}
			d.needed = append(d.needed, s)
		case elf.DT_SONAME:
			if d.soname, err = name(val); err != nil {
				return d, err
			}
		case elf.DT_FLAGS_1:
			d.pie = val&df1PIE != 0
		}
	}
	return d, nil
}

// verneed is one Vernaux record: a version the file needs of a library.
type verneed struct {
	file, name string
	index      uint16 // vna_other, the index .gnu.version uses for it
	flags      uint16
}

// record returns the n bytes at off of a version section, which must be
// inside it and 4-byte aligned.
func record(data []byte, off uint64, n int, what string) ([]byte, error) {
	if off%4 != 0 || off > uint64(len(data)) || uint64(len(data))-off < uint64(n) {
		return nil, malformedf("%s at offset %d is outside its section (%d bytes) or misaligned", what, off, len(data))
	}
	return data[off : off+uint64(n)], nil
}

// versionSection returns the data of the first section of type typ and
// of the string table it links to; nil data when there is none.
func (f *elfFile) versionSection(typ elf.SectionType, what string) (data, strs []byte, err error) {
	i := f.firstSection(typ)
	if i == 0 {
		return nil, nil, nil
	}
	if data, err = f.sectionData(i); err != nil {
		return nil, nil, err
	}
	if strs, err = f.strtab(f.sections[i].link); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return data, strs, nil
}

// versionNeeds reads .gnu.version_r (SHT_GNU_verneed) the way the
// dynamic linker walks it: from offset 0, following vn_next and vna_next
// until they are 0.
func (f *elfFile) versionNeeds() ([]verneed, error) {
	data, strs, err := f.versionSection(elf.SHT_GNU_VERNEED, "version needs")
	if err != nil || data == nil {
		return nil, err
	}
	var out []verneed
	for off := uint64(0); ; {
		if err := f.step(); err != nil {
			return nil, err
		}
		rec, err := record(data, off, 16, "version need")
		if err != nil {
			return nil, err
		}
		if v := f.bo.Uint16(rec); v != 1 {
			return nil, malformedf("version need at offset %d has revision %d", off, v)
		}
		file, err := str(strs, uint64(f.bo.Uint32(rec[4:])))
		if err != nil {
			return nil, fmt.Errorf("version need at offset %d: %w", off, err)
		}
		for aux := off + uint64(f.bo.Uint32(rec[8:])); ; {
			if err := f.step(); err != nil {
				return nil, err
			}
			a, err := record(data, aux, 16, "version need record")
			if err != nil {
				return nil, err
			}
			name, err := str(strs, uint64(f.bo.Uint32(a[8:])))
			if err != nil {
				return nil, fmt.Errorf("version need record at offset %d: %w", aux, err)
			}
			out = append(out, verneed{file: file, name: name, flags: f.bo.Uint16(a[4:]), index: f.bo.Uint16(a[6:])})
			next := f.bo.Uint32(a[12:])
			if next == 0 {
				break
			}
			aux += uint64(next)
		}
		next := f.bo.Uint32(rec[12:])
		if next == 0 {
			return out, nil
		}
		off += uint64(next)
	}
}

// verdef is one version definition.
type verdef struct {
	name  string
	index uint16
	flags uint16
}

// versionDefs reads .gnu.version_d (SHT_GNU_verdef): each definition's
// name is its first Verdaux record.
func (f *elfFile) versionDefs() ([]verdef, error) {
	data, strs, err := f.versionSection(elf.SHT_GNU_VERDEF, "version definitions")
	if err != nil || data == nil {
		return nil, err
	}
	var out []verdef
	for off := uint64(0); ; {
		if err := f.step(); err != nil {
			return nil, err
		}
		rec, err := record(data, off, 20, "version definition")
		if err != nil {
			return nil, err
		}
		if v := f.bo.Uint16(rec); v != 1 {
			return nil, malformedf("version definition at offset %d has revision %d", off, v)
		}
		aux, err := record(data, off+uint64(f.bo.Uint32(rec[12:])), 8, "version definition name")
		if err != nil {
			return nil, err
		}
		name, err := str(strs, uint64(f.bo.Uint32(aux)))
		if err != nil {
			return nil, fmt.Errorf("version definition at offset %d: %w", off, err)
		}
		out = append(out, verdef{name: name, flags: f.bo.Uint16(rec[2:]), index: f.bo.Uint16(rec[4:])})
		next := f.bo.Uint32(rec[16:])
		if next == 0 {
			return out, nil
		}
		off += uint64(next)
	}
}

// symbol is an undefined dynamic symbol.
type symbol struct {
	name string
	weak bool // STB_WEAK
}

// undefinedSymbols returns, for each version index in want, the
// undefined dynamic symbols .gnu.version binds to it.
func (f *elfFile) undefinedSymbols(want map[uint16]bool) (map[uint16][]symbol, error) {
	vs := f.firstSection(elf.SHT_GNU_VERSYM)
	if vs == 0 || len(want) == 0 {
		return nil, nil
	}
	ds := int(f.sections[vs].link)
	if ds <= 0 || ds >= len(f.sections) || f.sections[ds].typ != elf.SHT_DYNSYM {
		return nil, malformedf("symbol versions (section %d) do not link to a dynamic symbol table", vs)
	}
	versym, err := f.sectionData(vs)
	if err != nil {
		return nil, err
	}
	syms, err := f.sectionData(ds)
	if err != nil {
		return nil, err
	}
	strs, err := f.strtab(f.sections[ds].link)
	if err != nil {
		return nil, fmt.Errorf("dynamic symbols: %w", err)
	}
	entsz := 16
	if f.is64 {
		entsz = 24
	}
	n := min(len(syms)/entsz, len(versym)/2)
	if n > maxSymbols {
		return nil, fmt.Errorf("%w: %d dynamic symbols", ErrTooLarge, n)
	}
	out := map[uint16][]symbol{}
	for i := 1; i < n; i++ {
		idx := f.bo.Uint16(versym[2*i:]) & 0x7fff
		if !want[idx] {
			continue
		}
		s := syms[i*entsz:]
		var info byte
		var shndx uint16
		if f.is64 {
			info, shndx = s[4], f.bo.Uint16(s[6:])
		} else {
			info, shndx = s[12], f.bo.Uint16(s[14:])
		}
		if elf.SectionIndex(shndx) != elf.SHN_UNDEF {
			continue
		}
		name, err := str(strs, uint64(f.bo.Uint32(s)))
		if err != nil {
			return nil, fmt.Errorf("dynamic symbol %d: %w", i, err)
		}
		if name != "" {
			out[idx] = append(out[idx], symbol{name: name, weak: elf.ST_BIND(info) == elf.STB_WEAK})
		}
	}
	return out, nil
}
