package abi

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gotc-project/gotc/internal/testenv"
)

// goroot is the Go toolchain's root, for its real binaries.
func goroot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedTool(t, "go"), "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// hostLibc is the running system's libc.so.6.
func hostLibc(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6"} {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
	}
	t.Fatal("no libc.so.6 on this machine")
	return ""
}

// TestAnalyzeReal analyses real files — programs and libraries gcc
// builds here, a cgo program, the Go toolchain's binaries and the
// host's libc.so.6 — and compares the glibc needs with binutils'
// readelf -V and the symbols bound to the newest with readelf
// --dyn-syms.
func TestAnalyzeReal(t *testing.T) {
	root := goroot(t)
	tools := filepath.Join(root, "pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH)
	cases := []struct {
		name    string
		path    string
		kind    Kind
		newest  string   // "" for none
		symbols []string // must be among the newest's symbols
		lib     string   // a library some need must be of
	}{
		{"pthread-program", built(t, "pthread"), DynamicExecutable, "GLIBC_2.34", []string{"__libc_start_main", "pthread_create"}, ""},
		{"libm-program", built(t, "math"), DynamicExecutable, "GLIBC_2.34", []string{"__libc_start_main"}, "libm.so.6"},
		{"static", built(t, "static"), StaticExecutable, "", nil, ""},
		{"static-pie", built(t, "static-pie"), StaticPIE, "", nil, ""},
		{"old-library", built(t, "libold.so"), SharedObject, "GLIBC_2.2.5", []string{"puts"}, ""},
		{"weak-reference", built(t, "libweak.so"), SharedObject, "GLIBC_2.34", []string{"closefrom"}, ""},
		{"weak-need", built(t, "libweak-marked.so"), SharedObject, "GLIBC_2.2.5", []string{"puts"}, ""},
		{"weak-need-strong-symbol", built(t, "libstrong-marked.so"), SharedObject, "GLIBC_2.34", []string{"closefrom"}, ""},
		{"cgo-program", built(t, "cgo"), DynamicExecutable, "GLIBC_2.34", []string{"__libc_start_main", "pthread_create"}, ""},
		{"host-libc", hostLibc(t), SharedObject, "GLIBC_2.35", []string{"__rseq_size"}, "ld-linux-x86-64.so.2"},
		{"go-command", filepath.Join(root, "bin", "go"), StaticExecutable, "", nil, ""},
		{"go-compile", filepath.Join(tools, "compile"), StaticExecutable, "", nil, ""},
		{"go-testdata-program", filepath.Join(root, "src", "debug", "elf", "testdata", "gcc-amd64-linux-exec"), DynamicExecutable, "GLIBC_2.2.5", []string{"puts"}, ""},
		{"go-testdata-object", filepath.Join(root, "src", "debug", "elf", "testdata", "go-relocation-test-gcc441-x86-64.obj"), Relocatable, "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := analyzeFile(t, c.path)
			if f.Kind != c.kind {
				t.Errorf("kind %q, want %q", f.Kind, c.kind)
			}
			if f.Machine != "x86-64" {
				t.Errorf("machine %q", f.Machine)
			}
			// The versions are readelf's, whatever the weak flags say.
			want := readelfNeeds(t, c.path)
			got := needStrings(f.Needs)
			strip := func(l []string) []string {
				var out []string
				for _, s := range l {
					out = append(out, strings.TrimSuffix(s, " weak"))
				}
				return out
			}
			if !reflect.DeepEqual(strip(got), strip(want)) {
				t.Errorf("needs\n got  %q\n want %q (readelf -V)", got, want)
			}
			if c.kind.Static() && len(f.Needs) > 0 {
				t.Errorf("static file with needs %q", got)
			}
			if c.lib != "" && !slices.ContainsFunc(f.Needs, func(n Need) bool { return n.Library == c.lib }) {
				t.Errorf("no need of %s in %q", c.lib, got)
			}
			switch {
			case c.newest == "" && f.Newest != nil:
				t.Errorf("newest %v, want none", *f.Newest)
			case c.newest != "" && (f.Newest == nil || f.Newest.Version != c.newest):
				t.Errorf("newest %v, want %s", f.Newest, c.newest)
			case c.newest != "":
				if w := readelfSymbols(t, c.path, c.newest); !reflect.DeepEqual(f.Symbols, w) {
					t.Errorf("symbols of %s\n got  %q\n want %q (readelf --dyn-syms)", c.newest, f.Symbols, w)
				}
				for _, s := range c.symbols {
					if !slices.Contains(f.Symbols, s) {
						t.Errorf("symbols %q lack %s", f.Symbols, s)
					}
				}
			}
		})
	}
}

// TestWeak checks what a need marked VER_FLG_WEAK means: it does not
// count when every symbol bound to it is a weak reference, and it does
// when a strong one is.
func TestWeak(t *testing.T) {
	for _, c := range []struct {
		file       string
		flag, weak bool
	}{
		{"libweak.so", false, false},
		{"libweak-marked.so", true, true},
		{"libstrong-marked.so", true, false},
	} {
		f := analyzeFile(t, built(t, c.file))
		i := slices.IndexFunc(f.Needs, func(n Need) bool { return n.Version == "GLIBC_2.34" })
		if i < 0 {
			t.Fatalf("%s: no GLIBC_2.34 need in %v", c.file, f.Needs)
		}
		if got := slices.Contains(readelfNeeds(t, built(t, c.file)), "libc.so.6 GLIBC_2.34 weak"); got != c.flag {
			t.Errorf("%s: readelf shows the weak flag: %v, want %v", c.file, got, c.flag)
		}
		if f.Needs[i].Weak != c.weak {
			t.Errorf("%s: Weak = %v, want %v", c.file, f.Needs[i].Weak, c.weak)
		}
	}
}

// TestAnalyzeNotELF checks the errors for input that is not ELF or is
// broken, and that a reader failing is reported as such.
func TestAnalyzeNotELF(t *testing.T) {
	prog, err := os.ReadFile(built(t, "pthread"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotELF},
		{"script", []byte("#!/bin/sh\n"), ErrNotELF},
		{"magic-only", []byte("\x7fELF"), ErrMalformed},
		{"bad-class", append([]byte("\x7fELF\x03\x01\x01"), make([]byte, 60)...), ErrMalformed},
		{"truncated-header", prog[:40], ErrMalformed},
		{"truncated-half", prog[:len(prog)/2], ErrMalformed},
		{"no-end", prog[:len(prog)-1], ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Analyze(c.name, bytes.NewReader(c.data), int64(len(c.data)))
			if !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
	t.Run("reader-error", func(t *testing.T) {
		r := &failingReader{data: prog, after: 64}
		if _, err := Analyze("x", r, int64(len(prog))); err == nil || errors.Is(err, ErrMalformed) {
			t.Errorf("got %v, want the read error", err)
		}
	})
	t.Run("negative-size", func(t *testing.T) {
		if _, err := Analyze("x", bytes.NewReader(nil), -1); err == nil {
			t.Error("no error")
		}
	})
}

// failingReader fails every read beyond after.
type failingReader struct {
	data  []byte
	after int64
}

func (r *failingReader) ReadAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) > r.after {
		return 0, iotest.ErrTimeout
	}
	return copy(b, r.data[off:]), nil
}

// TestAnalyzeStream checks the stream form, from memory and spooled:
// the same result, the whole body read, no spool file left.
func TestAnalyzeStream(t *testing.T) {
	path := built(t, "pthread")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := analyzeFile(t, path)
	want.Path = "/usr/bin/pthread"
	for _, limit := range []int64{0, 1} {
		dir := t.TempDir()
		body := &countingReader{r: bytes.NewReader(data[4:])}
		got, err := AnalyzeStream("/usr/bin/pthread", data[:4], body, int64(len(data)), SpoolOptions{MaxInMemory: limit, TempDir: dir})
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: got %+v, want %+v", limit, got, want)
		}
		if body.n != int64(len(data)-4) {
			t.Errorf("limit %d: read %d body bytes of %d", limit, body.n, len(data)-4)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("limit %d: spool files left: %v", limit, left)
		}
	}
	t.Run("spool-dir-missing", func(t *testing.T) {
		_, err := AnalyzeStream("x", data[:4], bytes.NewReader(data[4:]), int64(len(data)), SpoolOptions{MaxInMemory: 1, TempDir: filepath.Join(t.TempDir(), "no")})
		var se *SpoolError
		if !errors.As(err, &se) {
			t.Errorf("got %v, want a *SpoolError", err)
		}
	})
	t.Run("body-error", func(t *testing.T) {
		_, err := AnalyzeStream("x", data[:4], iotest.TimeoutReader(bytes.NewReader(data[4:])), int64(len(data)), SpoolOptions{})
		if !errors.Is(err, iotest.ErrTimeout) {
			t.Errorf("got %v, want the body's error", err)
		}
	})
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
