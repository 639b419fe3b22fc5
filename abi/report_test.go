package abi

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenReport is a report of fixed inputs: a program that needs
// GLIBC_2.34, a static Go tool, a package whose library needs GLIBC_2.40
// and has a broken member, and a file with an undated marker, checked
// against targets and a root.
func goldenReport(t *testing.T) *Report {
	t.Helper()
	need := func(lib, version string, weak bool) Need {
		r, _ := Release(version)
		return Need{Library: lib, Version: version, Release: r, Weak: weak}
	}
	file := func(path string, kind Kind, syms []string, needs ...Need) *File {
		needs = sortNeeds(needs)
		f := &File{Path: path, Kind: kind, Machine: "x86-64", Needs: needs, Newest: newest(needs), Symbols: syms}
		if !kind.Static() && kind != SharedObject {
			f.Interpreter = "/lib64/ld-linux-x86-64.so.2"
		}
		f.Needs = append([]Need{}, f.Needs...)
		return f
	}
	prog := file("cgotool", DynamicExecutable, []string{"__libc_start_main", "pthread_create"},
		need("libc.so.6", "GLIBC_2.2.5", false), need("libc.so.6", "GLIBC_2.34", false), need("libc.so.6", "GLIBC_PRIVATE", false))
	static := file("go", StaticExecutable, nil)
	lib := file("/usr/lib64/libx.so.1", SharedObject, []string{"a", "b", "c", "d", "e"},
		need("libc.so.6", "GLIBC_2.17", false), need("libc.so.6", "GLIBC_2.40", false), need("libm.so.6", "GLIBC_2.29", true))
	broken := &File{Path: "/usr/lib64/broken", Needs: []Need{}, Error: "malformed ELF file: truncated identification (8 bytes)"}
	undated := file("plt", DynamicExecutable, nil, need("libc.so.6", "GLIBC_2.17", false), need("libc.so.6", "GLIBC_ABI_DT_X86_64_PLT", false))
	g := &Glibc{Path: "/usr/lib64/libc.so.6", Machine: "x86-64", Release: "2.34", Versions: []string{"GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.34"}}
	rep := &Report{Root: "/srv/el9", RootGlibc: []*Glibc{g}, Targets: []string{"epel-8", "epel-10", "fedora-43"}}
	pkg := NewInput("x-1-1.x86_64.rpm", []*File{lib, broken, file("/usr/bin/x", StaticPIE, nil)})
	pkg.Package, pkg.Skipped = "x-1-1.x86_64", []string{"/usr/share/x/testdata/y"}
	for _, in := range []*Input{NewInput("cgotool", []*File{prog}), NewInput("go", []*File{static}), pkg, NewInput("plt", []*File{undated})} {
		for _, n := range rep.Targets {
			in.Check(target(t, n))
		}
		if _, err := in.checkGlibc(func(*File) (*Glibc, error) { return g, nil }); err != nil {
			t.Fatal(err)
		}
		rep.Inputs = append(rep.Inputs, in)
	}
	return rep
}

// TestWriters compares the text and JSON writers with golden files
// (go test -update rewrites them) and checks that the JSON escapes no
// HTML and that writing twice gives the same bytes.
func TestWriters(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer, *Report) error
	}{
		{"report.txt", func(b *bytes.Buffer, r *Report) error { return r.WriteText(b) }},
		{"report.json", func(b *bytes.Buffer, r *Report) error { return r.WriteJSON(b) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := c.write(&a, goldenReport(t)); err != nil {
				t.Fatal(err)
			}
			if err := c.write(&b, goldenReport(t)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two writes differ")
			}
			golden := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, a.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, a.String())
			}
		})
	}
	var b bytes.Buffer
	rep := &Report{Inputs: []*Input{NewInput("a<b>&c", []*File{{Path: "a<b>&c", Kind: OtherKind, Needs: []Need{}}})}}
	if err := rep.WriteJSON(&b); err != nil || !bytes.Contains(b.Bytes(), []byte(`"a<b>&c"`)) {
		t.Errorf("JSON escapes HTML: %s", b.String())
	}
	if err := goldenReport(t).WriteText(failWriter{}); err == nil {
		t.Error("WriteText ignores write errors")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }
