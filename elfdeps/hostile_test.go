package elfdeps

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"testing"
	"time"
)

// patched returns a copy of data changed by f.
func patched(data []byte, f func(b []byte)) []byte {
	b := bytes.Clone(data)
	f(b)
	return b
}

// shdrAt returns the offset of section header i of a 64-bit synth file.
func (l layout) shdrAt(i int) int { return l.shoff + i*l.shsz }

// hostileCase is one malformed or unusual input. Unless noTool, elfdeps
// is run on it too and must print exactly what Analyze returns (or crash,
// and then Analyze returns nothing and an error).
type hostileCase struct {
	name   string
	base   string // file name for the soname fallback
	data   []byte
	exec   bool
	want   error // nil, ErrMalformed or ErrTooLarge
	noTool bool  // elfdeps would loop for minutes or print gigabytes
}

func hostileCases(t testing.TB) []hostileCase {
	lib, ll := synthLib.build()
	prog, pl := synthProg.build()
	le := binary.LittleEndian
	dyn, vn, vd, str := ll.sec[".dynamic"], ll.sec[".gnu.version_r"], ll.sec[".gnu.version_d"], ll.sec[".dynstr"]
	libSec := func(i, field int, v uint64, width int) []byte {
		return patched(lib, func(b []byte) {
			p := b[ll.shdrAt(i)+field:]
			switch width {
			case 4:
				le.PutUint32(p, uint32(v))
			case 8:
				le.PutUint64(p, v)
			}
		})
	}
	// Section header fields of ELF64.
	const (
		shType, shFlags, shOffset, shSize, shLink, shInfo, shEntsize = 4, 8, 24, 32, 40, 44, 56
	)
	// Many section headers that all describe the .dynamic section.
	manyDyn := func(n int) []byte {
		b := bytes.Clone(lib)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		shoff := len(b)
		b = append(b, lib[ll.shdrAt(0):ll.shdrAt(0)+64]...)
		b = append(b, lib[ll.shdrAt(str):ll.shdrAt(str)+64]...)
		for i := 2; i < n; i++ {
			b = append(b, lib[ll.shdrAt(dyn):ll.shdrAt(dyn)+64]...)
		}
		le.PutUint64(b[40:], uint64(shoff))
		le.PutUint16(b[60:], uint16(n))
		return b
	}
	// Sections of the whole file's size, far more than the file: reading
	// them all would take gigabytes.
	wholeFile := func(n int) []byte {
		b := manyDyn(n)
		for i := 2; i < n; i++ {
			h := b[int(le.Uint64(b[40:]))+i*64:]
			le.PutUint64(h[shOffset:], 0)
			le.PutUint64(h[shSize:], uint64(len(b)/16*16))
		}
		return b
	}

	return []hostileCase{
		{name: "empty", data: nil},
		{name: "short-magic", data: []byte("\x7fEL")},
		{name: "script", data: []byte("#!/bin/sh\necho hi\n"), exec: true},
		{name: "archive", data: []byte("!<arch>\nfoo.o/          0           0     0     644     4         `\n\x7fELF"), exec: true},
		{name: "magic-only", data: []byte("\x7fELF"), exec: true, want: ErrMalformed},
		{name: "garbage-after-magic", data: append([]byte("\x7fELF"), bytes.Repeat([]byte{0xaa}, 200)...), exec: true, want: ErrMalformed},
		{name: "bad-ident-version", data: patched(lib, func(b []byte) { b[elf.EI_VERSION] = 0 }), exec: true, want: ErrMalformed},
		{name: "bad-class", data: patched(lib, func(b []byte) { b[elf.EI_CLASS] = 3 }), exec: true, want: ErrMalformed},
		{name: "truncated-ident", data: lib[:10], exec: true, want: ErrMalformed},
		{name: "truncated-header", data: lib[:40], exec: true, want: ErrMalformed},
		{name: "truncated-half", base: "libsyn.so.1", data: lib[:len(lib)/2], exec: true, want: ErrMalformed},
		{name: "truncated-before-shtab-end", data: lib[:len(lib)-1], exec: true, want: ErrMalformed},
		{name: "ident-and-zeros", data: append(bytes.Clone(lib[:16]), make([]byte, 200)...), exec: true},
		{name: "no-section-headers", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint64(b[40:], 0); le.PutUint16(b[60:], 0) }), exec: true},
		{name: "shoff-huge", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint64(b[40:], 1<<62) }), exec: true, want: ErrMalformed},
		{name: "shnum-huge", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint16(b[60:], 0xffff) }), exec: true, want: ErrMalformed},
		{name: "extended-shnum", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], uint64(le.Uint16(b[60:])))
			le.PutUint16(b[60:], 0)
		}), exec: true},
		{name: "extended-shnum-over-32-bits", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], 1<<40)
			le.PutUint16(b[60:], 0)
		}), exec: true, want: ErrMalformed},
		{name: "extended-shnum-truncated", base: "libsyn.so.1", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], 0xffffffff)
			le.PutUint16(b[60:], 0)
		}), exec: true, want: ErrMalformed},
		{name: "phoff-huge-noexec", data: patched(prog, func(b []byte) { le.PutUint64(b[32:], 1<<40) }), want: ErrMalformed},
		{name: "phnum-huge-noexec", data: patched(prog, func(b []byte) { le.PutUint16(b[56:], 0xfffe) }), want: ErrMalformed},
		{name: "pn-xnum-noexec", data: patched(prog, func(b []byte) {
			le.PutUint16(b[56:], 0xffff)
			le.PutUint32(b[pl.shdrAt(0)+shInfo:], 1)
		})},
		{name: "interp-outside-noexec", data: patched(prog, func(b []byte) { le.PutUint64(b[pl.phoff+8:], 1<<40) }), want: ErrMalformed},
		{name: "dynamic-entsize-zero", base: "libsyn.so.1", data: libSec(dyn, shEntsize, 0, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-entsize-8", data: libSec(dyn, shEntsize, 8, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-entsize-32", data: libSec(dyn, shEntsize, 32, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-size-odd", base: "libsyn.so.1", data: libSec(dyn, shSize, uint64(ll.dynLen-4), 8), exec: true, want: ErrMalformed},
		{name: "dynamic-outside", base: "libsyn.so.1", data: libSec(dyn, shOffset, 1<<40, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-compressed", base: "libsyn.so.1", data: libSec(dyn, shFlags, uint64(elf.SHF_COMPRESSED), 8), exec: true, want: ErrMalformed},
		{name: "dynamic-link-out-of-range", base: "libsyn.so.1", data: libSec(dyn, shLink, 99, 4), exec: true, want: ErrMalformed},
		{name: "dynamic-after-null", data: patched(lib, func(b []byte) {
			// Move DT_NULL first: elfdeps reads past it.
			d := b[ll.dynOff : ll.dynOff+ll.dynLen]
			copy(d[16:], bytes.Clone(d[:len(d)-16]))
			clear(d[:16])
		}), exec: true},
		{name: "strtab-wrong-type", base: "libsyn.so.1", data: libSec(str, shType, uint64(elf.SHT_PROGBITS), 4), exec: true, want: ErrMalformed},
		{name: "strtab-unterminated", data: patched(lib, func(b []byte) { b[ll.strOff+ll.strLen-1] = 'X' }), exec: true, want: ErrMalformed},
		{name: "strtab-outside", base: "libsyn.so.1", data: libSec(str, shOffset, 1<<40, 8), exec: true, want: ErrMalformed},
		{name: "strtab-compressed", base: "libsyn.so.1", data: libSec(str, shFlags, uint64(elf.SHF_COMPRESSED), 8), exec: true, want: ErrMalformed},
		{name: "verneed-cycle", data: libSec(vn, shInfo, 5000, 4), exec: true, want: ErrMalformed},
		{name: "verneed-info-int-min", data: libSec(vn, shInfo, 1<<31, 4), exec: true, want: ErrTooLarge, noTool: true},
		{name: "verneed-info-negative", data: libSec(vn, shInfo, 0xffffffff, 4), exec: true},
		{name: "verneed-misaligned-aux", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vnOff+8:], 8) }), exec: true, want: ErrMalformed},
		{name: "verneed-aux-outside", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vnOff+8:], 0xfffffff0) }), exec: true, want: ErrMalformed},
		{name: "verneed-size-not-16", data: libSec(vn, shSize, uint64(len(lib))%16+4, 8), exec: true, want: ErrMalformed},
		{name: "verneed-many-aux", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vnOff+2:], 5000) }), exec: true, want: ErrMalformed},
		{name: "verdef-cycle", data: libSec(vd, shInfo, 5000, 4), exec: true, want: ErrMalformed},
		{name: "verdef-info-int-min", data: libSec(vd, shInfo, 1<<31, 4), exec: true, want: ErrTooLarge, noTool: true},
		{name: "verdef-misaligned-aux", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vdOff+12:], 2) }), exec: true, want: ErrMalformed},
		{name: "verdef-repeat-5000", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vdOff+20+8+6:], 5000) }), exec: true},
		{name: "verdef-base-repeat", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vdOff+6:], 0xffff) }), exec: true},
		{name: "verdef-next-loop", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vdOff+16:], 0) }), exec: true},
		{name: "et-rel", data: patched(lib, func(b []byte) { le.PutUint16(b[16:], uint16(elf.ET_REL)) }), exec: true},
		{name: "et-core", data: patched(lib, func(b []byte) { le.PutUint16(b[16:], uint16(elf.ET_CORE)) }), exec: true},
		{name: "many-dynamic-sections", data: manyDyn(3000), exec: true},
		{name: "sections-larger-than-file", data: wholeFile(3000), exec: true, want: ErrTooLarge, noTool: true},
	}
}

// analyzeBytes runs AnalyzeNamed on data.
func analyzeBytes(base string, data []byte, exec bool) (Deps, error) {
	return AnalyzeNamed("/buildroot/usr/lib64/"+base, bytes.NewReader(data), int64(len(data)), exec)
}

// TestHostile checks malformed and unusual inputs: Analyze never panics,
// classifies the defect, and (where elfdeps finishes in reasonable time)
// returns exactly what elfdeps prints, since rpmbuild keeps that.
func TestHostile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			base := c.base
			if base == "" {
				base = "libhostile.so.1"
			}
			start := time.Now()
			got, err := analyzeBytes(base, c.data, c.exec)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Analyze took %v", d)
			}
			switch {
			case c.want == nil && err != nil:
				t.Errorf("Analyze: %v, want no error", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("Analyze: %v, want %v", err, c.want)
			}
			if errors.Is(err, ErrTooLarge) && len(got.Requires)+len(got.Provides) != 0 {
				t.Errorf("ErrTooLarge with dependencies %+v", got)
			}
			if c.noTool {
				return
			}
			mode := os.FileMode(0o644)
			if c.exec {
				mode = 0o755
			}
			p := writeCase(t, dir, c.name, base, c.data, mode)
			want, crashed := toolDeps(t, p)
			if crashed {
				if err == nil || len(got.Requires)+len(got.Provides) != 0 {
					t.Errorf("elfdeps crashes (and prints nothing); Analyze: %+v, %v", got, err)
				}
				return
			}
			if !sameLines(got.Requires, want.Requires) {
				t.Errorf("Requires\n got  %s\n want %s", clip(got.Requires), clip(want.Requires))
			}
			if !sameLines(got.Provides, want.Provides) {
				t.Errorf("Provides\n got  %s\n want %s", clip(got.Provides), clip(want.Provides))
			}
		})
	}
	t.Run("reader-shorter-than-size", func(t *testing.T) {
		lib, _ := synthLib.build()
		_, err := AnalyzeNamed("libsyn.so.1", bytes.NewReader(lib[:len(lib)/2]), int64(len(lib)), true)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %v, want an unexpected EOF", err)
		}
	})
	t.Run("negative-size", func(t *testing.T) {
		if _, err := AnalyzeNamed("x", bytes.NewReader(nil), -1, true); err == nil {
			t.Error("no error for a negative size")
		}
	})
}

// mutate changes a few bytes or fields of data, mostly inside the
// structures elfdeps reads (l), sometimes truncating it.
func mutate(rng *rand.Rand, data []byte, l layout, bo binary.ByteOrder) []byte {
	d := bytes.Clone(data)
	type region struct{ off, n int }
	regions := []region{{0, 64}, {l.shoff, len(d) - l.shoff}, {l.dynOff, l.dynLen}, {l.strOff, l.strLen}}
	if l.vnOff > 0 {
		regions = append(regions, region{l.vnOff, l.dynOff - l.vnOff}, region{l.vnOff, 48})
	}
	if l.vdOff > 0 {
		regions = append(regions, region{l.vdOff, 64}, region{l.vdOff, 64})
	}
	if l.phoff > 0 {
		regions = append(regions, region{l.phoff, 56})
	}
	values := []uint64{0, 1, 2, 4, 8, 12, 16, 20, 32, 0xff, 0xffff, 0x7fffffff, 1 << 31, 0xffffffff, 1 << 32, ^uint64(0)}
	for range 1 + rng.Intn(3) {
		r := regions[rng.Intn(len(regions))]
		if r.n <= 0 || r.off >= len(d) {
			continue
		}
		pos := r.off + rng.Intn(min(r.off+r.n, len(d))-r.off)
		switch rng.Intn(5) {
		case 0:
			d[pos] ^= 1 << rng.Intn(8)
		case 1:
			d[pos] = byte(rng.Intn(256))
		case 2, 3:
			v := values[rng.Intn(len(values))]
			if rng.Intn(4) == 0 {
				v = uint64(len(d) + rng.Intn(64) - 32)
			}
			w := []int{2, 4, 8}[rng.Intn(3)]
			pos &^= w - 1
			if pos+w > len(d) {
				continue
			}
			switch w {
			case 2:
				bo.PutUint16(d[pos:], uint16(v))
			case 4:
				bo.PutUint32(d[pos:], uint32(v))
			default:
				bo.PutUint64(d[pos:], v)
			}
		default:
			d = d[:rng.Intn(len(d))]
		}
	}
	return d
}

// TestDifferentialMutations compares Analyze with elfdeps on randomly
// damaged files (a fixed seed, so failures reproduce): where elfdeps
// reads past a defect, Analyze must print the same partial result.
func TestDifferentialMutations(t *testing.T) {
	n := 160
	if testing.Short() {
		n = 40
	}
	seeds := []struct {
		name string
		s    synth
	}{
		{"libsyn.so.1", synthLib},
		{"prog", synthProg},
		{"libsyn32.so.1", synthLib.with(func(s *synth) { s.is32 = true })},
		{"libsynbe.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_S390 })},
		{"prog32be", synthProg.with(func(s *synth) { s.is32, s.big, s.machine = true, true, elf.EM_PPC })},
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	var stats struct{ same, crashed, slow, errs int }
	for i := 0; i < n; i++ {
		sd := seeds[i%len(seeds)]
		data, l := sd.s.build()
		var bo binary.ByteOrder = binary.LittleEndian
		if sd.s.big {
			bo = binary.BigEndian
		}
		m := mutate(rng, data, l, bo)
		exec := rng.Intn(3) != 0
		mode := os.FileMode(0o644)
		if exec {
			mode = 0o755
		}
		p := writeCase(t, dir, fmt.Sprint(i), sd.name, m, mode)
		got, err := analyzeFile(p)
		if err != nil {
			stats.errs++
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Errorf("mutation %d of %s: unexpected error kind: %v", i, sd.name, err)
			}
		}
		r := runTool(t, "-R", 5*time.Second, p)
		pp := runTool(t, "-P", 5*time.Second, p)
		switch {
		case r.timeout || pp.timeout:
			stats.slow++ // elfdeps loops for long; nothing to compare
		case r.crashed || pp.crashed:
			stats.crashed++
			if err == nil || len(got.Requires)+len(got.Provides) != 0 {
				t.Errorf("mutation %d of %s: elfdeps crashes; Analyze: %+v, %v", i, sd.name, got, err)
			}
		case !sameLines(got.Requires, r.lines) || !sameLines(got.Provides, pp.lines):
			t.Errorf("mutation %d of %s (kept in %s): err %v\n Requires got %s\n          want %s\n Provides got %s\n          want %s",
				i, sd.name, p, err, clip(got.Requires), clip(r.lines), clip(got.Provides), clip(pp.lines))
		default:
			stats.same++
		}
	}
	t.Logf("%d mutations: %d identical (%d with an error), %d elfdeps crashes, %d too slow to compare", n, stats.same, stats.errs, stats.crashed, stats.slow)
}
