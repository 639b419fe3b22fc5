package elfdeps

import (
	"debug/elf"
	"errors"
	"os"
	"reflect"
	"testing"
)

// FuzzAnalyze checks that no input panics Analyze or breaks its
// contract. Seeds: the synthesized files, the hostile table and small
// real binaries.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []synth{synthLib, synthProg, synthLib.with(func(s *synth) { s.is32, s.big = true, true })} {
		d, _ := s.build()
		f.Add(d, true)
	}
	for _, c := range hostileCases(f) {
		if !c.noTool {
			f.Add(c.data, c.exec)
		}
	}
	for _, p := range []string{"/usr/bin/true", "/usr/lib/x86_64-linux-gnu/libdl.so.2", "/usr/lib/perf-core/perf-read-vdso32"} {
		if data, err := os.ReadFile(p); err == nil && len(data) < 256<<10 {
			f.Add(data, true)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, exec bool) {
		d, err := analyzeBytes("libfuzz.so.1", data, exec)
		n := len(d.Requires) + len(d.Provides)
		if len(data) < 4 || string(data[:4]) != elf.ELFMAG {
			if err != nil || n != 0 {
				t.Fatalf("non-ELF input: %+v, %v", d, err)
			}
		}
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if errors.Is(err, ErrTooLarge) && n != 0 {
			t.Fatalf("ErrTooLarge with dependencies")
		}
		s := d.Sorted()
		if !reflect.DeepEqual(s.Sorted(), s) {
			t.Fatalf("Sorted is not idempotent")
		}
	})
}
