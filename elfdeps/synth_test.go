package elfdeps

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// synthNeed is one file of a synthesized .gnu.version_r.
type synthNeed struct {
	file string
	vers []string
	weak bool
}

// synthDef is one record of a synthesized .gnu.version_d.
type synthDef struct {
	name    string
	base    bool
	parents []string
}

// synth describes a small ELF file with the structures elfdeps reads,
// for the classes, byte orders and machines no compiler here produces.
type synth struct {
	is32, big            bool
	typ                  elf.Type
	machine              elf.Machine
	interp               string
	needed               []string
	soname               string
	debug, hash, gnuHash bool
	defs                 []synthDef
	needs                []synthNeed
}

// layout says where build put things, for hostile mutations.
type layout struct {
	phoff, shoff   int
	shsz           int
	sec            map[string]int // section name -> index
	dynOff, vnOff  int
	vdOff, strOff  int
	strLen, dynLen int
}

func (s synth) build() ([]byte, layout) {
	var bo binary.ByteOrder = binary.LittleEndian
	if s.big {
		bo = binary.BigEndian
	}
	ehsize, phsz, shsz, dynsz := 64, 56, 64, 16
	if s.is32 {
		ehsize, phsz, shsz, dynsz = 52, 32, 40, 8
	}
	str := []byte{0}
	add := func(x string) uint32 {
		off := len(str)
		str = append(append(str, x...), 0)
		return uint32(off)
	}
	type dyn struct {
		tag elf.DynTag
		val uint64
	}
	var dyns []dyn
	for _, n := range s.needed {
		dyns = append(dyns, dyn{elf.DT_NEEDED, uint64(add(n))})
	}
	if s.soname != "" {
		dyns = append(dyns, dyn{elf.DT_SONAME, uint64(add(s.soname))})
	}
	if s.hash {
		dyns = append(dyns, dyn{elf.DT_HASH, 0x1000})
	}
	if s.gnuHash {
		dyns = append(dyns, dyn{elf.DT_GNU_HASH, 0x1000})
	}
	if s.debug {
		dyns = append(dyns, dyn{elf.DT_DEBUG, 0})
	}
	dyns = append(dyns, dyn{elf.DT_NULL, 0})

	var vd []byte
	for i, d := range s.defs {
		names := append([]string{d.name}, d.parents...)
		next := uint32(verdefSize + verdauxSize*len(names))
		if i == len(s.defs)-1 {
			next = 0
		}
		flags := uint16(0)
		if d.base {
			flags = verFlgBase
		}
		rec := make([]byte, verdefSize)
		bo.PutUint16(rec[0:], 1)
		bo.PutUint16(rec[2:], flags)
		bo.PutUint16(rec[4:], uint16(i+1))
		bo.PutUint16(rec[6:], uint16(len(names)))
		bo.PutUint32(rec[12:], verdefSize)
		bo.PutUint32(rec[16:], next)
		vd = append(vd, rec...)
		for k, n := range names {
			aux := make([]byte, verdauxSize)
			bo.PutUint32(aux[0:], add(n))
			if k < len(names)-1 {
				bo.PutUint32(aux[4:], verdauxSize)
			}
			vd = append(vd, aux...)
		}
	}
	var vn []byte
	for i, n := range s.needs {
		next := uint32(verneedSize + vernauxSize*len(n.vers))
		if i == len(s.needs)-1 {
			next = 0
		}
		rec := make([]byte, verneedSize)
		bo.PutUint16(rec[0:], 1)
		bo.PutUint16(rec[2:], uint16(len(n.vers)))
		bo.PutUint32(rec[4:], add(n.file))
		bo.PutUint32(rec[8:], verneedSize)
		bo.PutUint32(rec[12:], next)
		vn = append(vn, rec...)
		for k, v := range n.vers {
			aux := make([]byte, vernauxSize)
			if n.weak {
				bo.PutUint16(aux[4:], 2) // VER_FLG_WEAK
			}
			bo.PutUint16(aux[6:], uint16(k+2))
			bo.PutUint32(aux[8:], add(v))
			if k < len(n.vers)-1 {
				bo.PutUint32(aux[12:], vernauxSize)
			}
			vn = append(vn, aux...)
		}
	}
	dynb := make([]byte, dynsz*len(dyns))
	for i, d := range dyns {
		if s.is32 {
			bo.PutUint32(dynb[i*8:], uint32(int32(d.tag)))
			bo.PutUint32(dynb[i*8+4:], uint32(d.val))
		} else {
			bo.PutUint64(dynb[i*16:], uint64(int64(d.tag)))
			bo.PutUint64(dynb[i*16+8:], d.val)
		}
	}

	var l layout
	l.sec = map[string]int{}
	l.shsz = shsz
	out := make([]byte, ehsize)
	align := func() {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
	}
	nph := 0
	if s.interp != "" {
		nph = 1
		l.phoff = len(out)
		out = append(out, make([]byte, phsz)...)
	}
	interpOff := len(out)
	if s.interp != "" {
		out = append(append(out, s.interp...), 0)
	}
	type sect struct {
		name       string
		typ        elf.SectionType
		off, size  int
		link, info uint32
		entsize    int
	}
	sects := []sect{{name: ""}}
	place := func(name string, typ elf.SectionType, data []byte, link, info uint32, entsize int) int {
		align()
		off := len(out)
		out = append(out, data...)
		sects = append(sects, sect{name, typ, off, len(data), link, info, entsize})
		l.sec[name] = len(sects) - 1
		return off
	}
	l.strOff = place(".dynstr", elf.SHT_STRTAB, str, 0, 0, 0)
	l.strLen = len(str)
	if len(vd) > 0 {
		l.vdOff = place(".gnu.version_d", elf.SHT_GNU_VERDEF, vd, 1, uint32(len(s.defs)), 0)
	}
	if len(vn) > 0 {
		l.vnOff = place(".gnu.version_r", elf.SHT_GNU_VERNEED, vn, 1, uint32(len(s.needs)), 0)
	}
	l.dynOff = place(".dynamic", elf.SHT_DYNAMIC, dynb, 1, 0, dynsz)
	l.dynLen = len(dynb)
	align()
	l.shoff = len(out)
	for _, sc := range sects {
		h := make([]byte, shsz)
		if s.is32 {
			bo.PutUint32(h[4:], uint32(sc.typ))
			bo.PutUint32(h[16:], uint32(sc.off))
			bo.PutUint32(h[20:], uint32(sc.size))
			bo.PutUint32(h[24:], sc.link)
			bo.PutUint32(h[28:], sc.info)
			bo.PutUint32(h[36:], uint32(sc.entsize))
		} else {
			bo.PutUint32(h[4:], uint32(sc.typ))
			bo.PutUint64(h[24:], uint64(sc.off))
			bo.PutUint64(h[32:], uint64(sc.size))
			bo.PutUint32(h[40:], sc.link)
			bo.PutUint32(h[44:], sc.info)
			bo.PutUint64(h[56:], uint64(sc.entsize))
		}
		out = append(out, h...)
	}

	copy(out, elf.ELFMAG)
	out[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	if s.is32 {
		out[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	}
	out[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	if s.big {
		out[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	}
	out[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	typ, machine := s.typ, s.machine
	if typ == 0 {
		typ = elf.ET_DYN
	}
	if machine == 0 {
		machine = elf.EM_X86_64
	}
	bo.PutUint16(out[16:], uint16(typ))
	bo.PutUint16(out[18:], uint16(machine))
	bo.PutUint32(out[20:], 1)
	if s.is32 {
		bo.PutUint32(out[28:], uint32(l.phoff))
		bo.PutUint32(out[32:], uint32(l.shoff))
		bo.PutUint16(out[40:], uint16(ehsize))
		bo.PutUint16(out[42:], uint16(phsz))
		bo.PutUint16(out[44:], uint16(nph))
		bo.PutUint16(out[46:], uint16(shsz))
		bo.PutUint16(out[48:], uint16(len(sects)))
	} else {
		bo.PutUint64(out[32:], uint64(l.phoff))
		bo.PutUint64(out[40:], uint64(l.shoff))
		bo.PutUint16(out[52:], uint16(ehsize))
		bo.PutUint16(out[54:], uint16(phsz))
		bo.PutUint16(out[56:], uint16(nph))
		bo.PutUint16(out[58:], uint16(shsz))
		bo.PutUint16(out[60:], uint16(len(sects)))
	}
	if nph == 1 {
		p := out[l.phoff:]
		bo.PutUint32(p[0:], uint32(elf.PT_INTERP))
		if s.is32 {
			bo.PutUint32(p[4:], uint32(interpOff))
			bo.PutUint32(p[16:], uint32(len(s.interp)+1))
		} else {
			bo.PutUint64(p[8:], uint64(interpOff))
			bo.PutUint64(p[32:], uint64(len(s.interp)+1))
		}
	}
	return out, l
}

// A library and a program in the shapes real linkers write.
var (
	synthLib = synth{
		soname: "libsyn.so.1", needed: []string{"libc.so.6"}, gnuHash: true,
		defs: []synthDef{{name: "libsyn.so.1", base: true}, {name: "SYN_1.0"}, {name: "SYN_1.1", parents: []string{"SYN_1.0"}}},
		needs: []synthNeed{{file: "libc.so.6", vers: []string{"GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_PRIVATE"}},
			{file: "libdl.so.2", vers: []string{"GLIBC_2.2.5"}, weak: true}},
	}
	synthProg = synth{
		interp: "/lib64/ld-linux-x86-64.so.2", debug: true, gnuHash: true, hash: true,
		needed: []string{"libsyn.so.1", "libc.so.6"},
		needs:  []synthNeed{{file: "libsyn.so.1", vers: []string{"SYN_1.1"}}, {file: "libc.so.6", vers: []string{"GLIBC_2.17", "GLIBC_2.4"}}},
	}
)

// with returns s changed by f, leaving s alone.
func (s synth) with(f func(*synth)) synth {
	f(&s)
	return s
}

// writeCase writes data as a file named base in a fresh directory.
func writeCase(t *testing.T, dir, sub, base string, data []byte, mode os.FileMode) string {
	t.Helper()
	d := filepath.Join(dir, sub)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, base)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDifferentialSynthetic covers classes, byte orders, machines and
// soname shapes with synthesized files, each checked against elfdeps.
func TestDifferentialSynthetic(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		base string // file name (soname fallback)
		s    synth
	}{
		{"lib64", "libsyn.so.1", synthLib},
		{"prog64", "prog", synthProg},
		{"lib32", "libsyn.so.1", synthLib.with(func(s *synth) { s.is32 = true })},
		{"prog32", "prog", synthProg.with(func(s *synth) { s.is32, s.machine, s.interp = true, elf.EM_386, "/lib/ld-linux.so.2" })},
		{"x32", "prog", synthProg.with(func(s *synth) { s.is32 = true })},
		{"lib64be", "libsyn.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_S390 })},
		{"prog32be", "prog", synthProg.with(func(s *synth) { s.is32, s.big, s.machine = true, true, elf.EM_PPC })},
		{"ppc64", "libsyn.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_PPC64 })},
		{"alpha", "libsyn.so.1", synthLib.with(func(s *synth) { s.machine = elf.EM_ALPHA })},
		{"exec-type", "prog", synthProg.with(func(s *synth) { s.typ = elf.ET_EXEC })},
		{"rel", "x.o", synthLib.with(func(s *synth) { s.typ = elf.ET_REL })},
		{"core", "core", synthLib.with(func(s *synth) { s.typ = elf.ET_CORE })},
		{"no-soname-lib-name", "libfallback.so.7", synthLib.with(func(s *synth) { s.soname = "" })},
		{"no-soname-plugin-name", "plugin.so", synthLib.with(func(s *synth) { s.soname = "" })},
		{"no-soname-32", "libfallback.so.7", synthLib.with(func(s *synth) { s.soname, s.is32 = "", true })},
		{"dso-with-debug", "libdebug.so", synthLib.with(func(s *synth) { s.soname, s.debug = "", true })},
		{"pie-with-interp", "libpie.so", synthProg.with(func(s *synth) { s.debug = false })},
		{"both-hashes", "libsyn.so.1", synthLib.with(func(s *synth) { s.hash = true })},
		{"sysv-hash", "libsyn.so.1", synthLib.with(func(s *synth) { s.hash, s.gnuHash = true, false })},
		{"soname-ld", "x", synthLib.with(func(s *synth) {
			s.soname = "ld-linux-x86-64.so.2"
			s.needed = []string{"ld.so.1", "ld64.so.2", "ld64-x.so", "ld6.so", "ldx.so", "lib", "libnoso", "foo.so.1", "xlib.so", " ", "", "lib\tx.so"}
		})},
		{"soname-filtered", "libx.so", synthLib.with(func(s *synth) { s.soname = "notalib.so.1" })},
		{"soname-no-so", "libx.so", synthLib.with(func(s *synth) { s.soname = "libnoso" })},
		{"verdef-base-filtered", "libx.so", synthLib.with(func(s *synth) {
			s.defs = []synthDef{{name: "plugin.so", base: true}, {name: "V1"}}
		})},
		{"verdef-no-base", "libx.so", synthLib.with(func(s *synth) { s.defs = []synthDef{{name: "V1"}, {name: "V2", parents: []string{"V1", "V0"}}} })},
		{"verdef-two-bases", "libx.so", synthLib.with(func(s *synth) {
			s.defs = []synthDef{{name: "libone.so", base: true}, {name: "V1"}, {name: "libtwo.so", base: true, parents: []string{"libthree.so"}}, {name: "V2"}}
		})},
		{"verneed-filtered-file", "libx.so", synthLib.with(func(s *synth) { s.needs = []synthNeed{{file: "weird", vers: []string{"V1"}}} })},
		{"newline-soname", "libx.so", synthLib.with(func(s *synth) { s.soname = "libnl.so\nsecond" })},
	}
	for _, c := range cases {
		data, _ := c.s.build()
		for _, mode := range []os.FileMode{0o755, 0o644} {
			t.Run(fmt.Sprintf("%s/%o", c.name, mode), func(t *testing.T) {
				p := writeCase(t, dir, fmt.Sprintf("%s-%o", c.name, mode), c.base, data, mode)
				checkFile(t, p, true)
			})
		}
	}
}
