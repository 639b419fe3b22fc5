package abi

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/toolchain"
)

// FuzzAnalyze checks that no input panics Analyze, the version
// definition reader a root uses, the verdicts or the writers, and that
// what Analyze returns keeps its invariants. Seeds: the files the unit
// tests build, the fake libc.so.6, Go's debug/elf test files and the
// broken inputs of TestAnalyzeNotELF.
func FuzzAnalyze(f *testing.F) {
	for _, name := range []string{"pthread", "libold.so", "libweak-marked.so"} {
		if data, err := os.ReadFile(built(f, name)); err == nil {
			f.Add(data)
			f.Add(data[:len(data)/2])
		}
	}
	if data, err := os.ReadFile(fakeLibc(f, "2.28")); err == nil {
		f.Add(data)
	}
	if files, err := filepath.Glob(filepath.Join(goroot(f), "src", "debug", "elf", "testdata", "*")); err == nil {
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{"", "\x7fELF", "\x7fELF\x02\x01\x01", "\x7fELF\x01\x02\x01", "#!/bin/sh\n"} {
		f.Add([]byte(s))
	}
	targets := toolchain.Targets()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Analyze("fuzz", bytes.NewReader(data), int64(len(data)))
		if ef, err := openELF(bytes.NewReader(data), int64(len(data))); err == nil {
			ef.versionDefs()
		}
		if err != nil {
			if !errors.Is(err, ErrNotELF) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if file != nil {
				t.Fatalf("a file with the error %v", err)
			}
			return
		}
		if !slices.IsSortedFunc(file.Needs, func(a, b Need) int {
			if a.Library != b.Library {
				return strings.Compare(a.Library, b.Library)
			}
			return compareNeeds(a, b)
		}) {
			t.Fatalf("needs not sorted: %v", file.Needs)
		}
		for i, n := range file.Needs {
			if !IsGlibcLibrary(n.Library) {
				t.Fatalf("need of %q", n.Library)
			}
			if i > 0 && file.Needs[i-1].Library == n.Library && file.Needs[i-1].Version == n.Version {
				t.Fatalf("duplicate need %v", n)
			}
		}
		if file.Newest != nil && (!slices.Contains(file.Needs, *file.Newest) || !file.Newest.counts()) {
			t.Fatalf("newest %v not a counting need of %v", *file.Newest, file.Needs)
		}
		in := NewInput("fuzz", []*File{file})
		for _, tg := range targets {
			in.Check(tg)
		}
		rep := &Report{Inputs: []*Input{in}}
		if err := rep.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
