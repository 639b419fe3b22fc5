package elfdeps

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

func TestSorted(t *testing.T) {
	cases := []struct {
		name     string
		in, want []string
	}{
		{"empty", nil, nil},
		{"dedup-and-sort", []string{"libz.so.1(ZLIB_1.2.9)(64bit)", "libc.so.6()(64bit)", "libz.so.1(ZLIB_1.2.9)(64bit)", "libz.so.1()(64bit)"},
			[]string{"libc.so.6()(64bit)", "libz.so.1()(64bit)", "libz.so.1(ZLIB_1.2.9)(64bit)"}},
		{"byte-order", []string{"rtld(GNU_HASH)", "libc.so.6(GLIBC_2.2.5)(64bit)", "libc.so.6(GLIBC_2.10)(64bit)", "ld-linux-x86-64.so.2()(64bit)"},
			[]string{"ld-linux-x86-64.so.2()(64bit)", "libc.so.6(GLIBC_2.10)(64bit)", "libc.so.6(GLIBC_2.2.5)(64bit)", "rtld(GNU_HASH)"}},
		{"whitespace-splits", []string{"lib a.so()(64bit)", "", "\t"}, []string{"a.so()(64bit)", "lib"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Deps{Requires: c.in, Provides: c.in}.Sorted()
			if !reflect.DeepEqual(got.Requires, c.want) || !reflect.DeepEqual(got.Provides, c.want) {
				t.Errorf("Sorted(%q) = %q, want %q", c.in, got.Requires, c.want)
			}
		})
	}
}

// TestName checks where the soname fallback name comes from.
func TestName(t *testing.T) {
	data, _ := synthLib.with(func(s *synth) { s.soname = "" }).build()
	want := []string{"libfallback.so.2()(64bit)"}
	if d, err := AnalyzeNamed("/some/dir/libfallback.so.2", bytes.NewReader(data), int64(len(data)), true); err != nil || !reflect.DeepEqual(d.Provides[len(d.Provides)-1:], want) {
		t.Errorf("AnalyzeNamed: %q, %v; want the last provide %q", d.Provides, err, want)
	}
	if d, err := Analyze(bytes.NewReader(data), int64(len(data)), true); err != nil || contains(d.Provides, want[0]) {
		t.Errorf("Analyze without a name: %q, %v; want no fallback provide", d.Provides, err)
	}
	p := writeCase(t, t.TempDir(), "x", "libfallback.so.2", data, 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if d, err := Analyze(f, int64(len(data)), false); err != nil || !contains(d.Provides, want[0]) {
		t.Errorf("Analyze of an *os.File: %q, %v; want %q", d.Provides, err, want)
	}
}
