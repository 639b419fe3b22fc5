package abi

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

// hostVersions returns the GLIBC_ versions the host's libc.so.6
// defines, as binutils' readelf -V prints them, up to release.
func hostVersions(t testing.TB, release string) []string {
	t.Helper()
	out := testenv.Run(t, "", nil, testenv.NeedTool(t, "readelf"), "-V", "--wide", hostLibc(t))
	var vers []string
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Version definition section"):
			in = true
		case strings.HasPrefix(line, "Version"):
			in = false
		case in && strings.Contains(line, "Name: ") && !strings.Contains(line, "Flags: BASE"):
			v := strings.Fields(line[strings.Index(line, "Name: ")+6:])[0]
			if r, ok := Release(v); ok && Compare(r, release) <= 0 {
				vers = append(vers, v)
			}
		}
	}
	if len(vers) < 10 {
		t.Fatalf("readelf shows only %q in the host's libc.so.6", vers)
	}
	return vers
}

// fakeLibc builds a libc.so.6 whose version definitions are the host
// glibc's up to release (GLIBC_2.28 emulates Enterprise Linux 8), with
// a version script, and returns its path.
func fakeLibc(t testing.TB, release string) string {
	t.Helper()
	dir := filepath.Join(scratch, "fake-"+release)
	lib := filepath.Join(dir, "libc.so.6")
	if _, err := os.Stat(lib); err == nil {
		return lib
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var script, src strings.Builder
	for i, v := range hostVersions(t, release) {
		fmt.Fprintf(&script, "%s { global: fake_%d; };\n", v, i)
		fmt.Fprintf(&src, "int fake_%d(void) { return %d; }\n", i, i)
	}
	os.WriteFile(filepath.Join(dir, "v.map"), []byte(script.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "fake.c"), []byte(src.String()), 0o644)
	testenv.Run(t, dir, nil, testenv.NeedTool(t, "gcc"), "-shared", "-fPIC", "-nostdlib", "-o", "libc.so.6",
		"-Wl,-soname,libc.so.6", "-Wl,--version-script,v.map", "fake.c")
	return lib
}

// tree builds a root file system from a list of entries: "path" for a
// directory, "path=@src" for a copy of src, "path->target" for a
// symlink, "path=|" for a FIFO.
func tree(t *testing.T, entries ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, e := range entries {
		if name, target, ok := strings.Cut(e, "->"); ok {
			p := filepath.Join(root, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		name, what, ok := strings.Cut(e, "=")
		p := filepath.Join(root, name)
		if !ok {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		switch {
		case what == "|":
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(what, "@"):
			data, err := os.ReadFile(what[1:])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o755); err != nil {
				t.Fatal(err)
			}
		default:
			if err := os.WriteFile(p, []byte(what), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// rootGlibc reads the glibc of root for the file f, failing the test if
// it takes more than ten seconds (a FIFO that blocks, a loop).
func rootGlibc(t *testing.T, dir string, f *File) (*Glibc, error) {
	t.Helper()
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type result struct {
		g   *Glibc
		err error
	}
	done := make(chan result, 1)
	go func() {
		g, err := r.Glibc(f)
		done <- result{g, err}
	}()
	select {
	case res := <-done:
		return res.g, res.err
	case <-time.After(10 * time.Second):
		t.Fatalf("reading the glibc of %s hangs", dir)
		return nil, nil
	}
}

// TestRootGlibc reads the glibc of crafted roots laid out as Fedora,
// Enterprise Linux and Debian lay them out, with relative and absolute
// symlinks resolved inside the root, and of this machine, whose glibc
// getconf reports.
func TestRootGlibc(t *testing.T) {
	prog := analyzeFile(t, built(t, "pthread"))
	el8, el9 := fakeLibc(t, "2.28"), fakeLibc(t, "2.34")
	cases := []struct {
		name          string
		root          string
		path, release string
	}{
		{"el8-usrmerge", tree(t, "usr/lib64/libc.so.6=@"+el8, "lib64->usr/lib64"), "/usr/lib64/libc.so.6", "2.28"},
		{"el8-lib64-only", tree(t, "usr/lib64", "lib64/libc.so.6=@"+el8), "/lib64/libc.so.6", "2.28"},
		{"absolute-links", tree(t, "usr/lib64/libc-2.34.so=@"+el9, "usr/lib64/libc.so.6->/usr/lib64/libc-2.34.so"), "/usr/lib64/libc-2.34.so", "2.34"},
		{"absolute-dir-link", tree(t, "real/lib64/libc.so.6=@"+el9, "usr/lib64->/real/lib64"), "/real/lib64/libc.so.6", "2.34"},
		{"dotdot-clamped", tree(t, "usr/lib64/libc.so.6->../../../../../../../x/libc.so.6", "x/libc.so.6=@"+el8), "/x/libc.so.6", "2.28"},
		{"debian-multiarch", tree(t, "usr/lib/x86_64-linux-gnu/libc.so.6=@"+el9, "lib->usr/lib"), "/usr/lib/x86_64-linux-gnu/libc.so.6", "2.34"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := rootGlibc(t, c.root, prog)
			if err != nil {
				t.Fatal(err)
			}
			if g.Path != c.path || g.Release != c.release || g.Machine != "x86-64" {
				t.Errorf("got %s %s %s, want %s %s", g.Path, g.Release, g.Machine, c.path, c.release)
			}
			if want := hostVersions(t, c.release); !reflect.DeepEqual(g.Versions, want) {
				t.Errorf("versions\n got  %q\n want %q", g.Versions, want)
			}
		})
	}
	t.Run("this-machine", func(t *testing.T) {
		g, err := rootGlibc(t, "/", prog)
		if err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSpace(testenv.Run(t, "", nil, testenv.NeedTool(t, "getconf"), "GNU_LIBC_VERSION"))
		if out != "glibc "+g.Release {
			t.Errorf("root / has glibc %s (%s); getconf says %q", g.Release, g.Path, out)
		}
	})
}

// TestHostileRoot plants in a root what must not be followed: links to
// the host's own libc.so.6 and library directories (absolute, relative
// and through "..."), to /etc/passwd, a FIFO, a loop, a directory and a
// library that is not glibc's. The host's glibc must never be found,
// nothing may block, and the verdict is "does not run".
func TestHostileRoot(t *testing.T) {
	prog := analyzeFile(t, built(t, "pthread"))
	host := hostLibc(t)
	up := strings.Repeat("../", 20)
	cases := []struct {
		name string
		root string
		note string // in the error
	}{
		{"link-to-host-libc", tree(t, "usr/lib64/libc.so.6->"+host, "lib64/libc.so.6->"+host), "no libc.so.6"},
		{"relative-escape", tree(t, "usr/lib64/libc.so.6->"+up+strings.TrimPrefix(host, "/")), "no libc.so.6"},
		{"dir-link-to-host", tree(t, "usr/lib64->"+filepath.Dir(host), "lib64->/lib/x86_64-linux-gnu", "usr/lib->/usr/lib", "lib->/lib"), "no libc.so.6"},
		{"passwd", tree(t, "usr/lib64/libc.so.6->/etc/passwd", "etc/passwd=root:x:0:0::/root:/bin/sh\n"), "not an ELF file"},
		{"fifo", tree(t, "usr/lib64/libc.so.6=|"), "not a regular file"},
		{"loop", tree(t, "usr/lib64/libc.so.6->libc.so.6"), "too many levels of symbolic links"},
		{"directory", tree(t, "usr/lib64/libc.so.6"), "not a regular file"},
		{"not-glibc", tree(t, "usr/lib64/libc.so.6=@"+built(t, "libold.so")), "defines no GLIBC_x.y version"},
		{"file-as-dir", tree(t, "usr=x"), "no libc.so.6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := rootGlibc(t, c.root, prog)
			if err == nil {
				t.Fatalf("found glibc %s at %s", g.Release, g.Path)
			}
			if !errors.Is(err, ErrNoGlibc) || !strings.Contains(err.Error(), c.note) {
				t.Errorf("got %v, want ErrNoGlibc mentioning %q", err, c.note)
			}
			r, _ := OpenRoot(c.root)
			defer r.Close()
			in := NewInput("pthread", []*File{prog})
			v, err := in.CheckRoot(r)
			if err != nil || v.Runs || !strings.Contains(v.Note, "no libc.so.6") {
				t.Errorf("verdict %+v, %v; want does not run, no libc.so.6", v, err)
			}
		})
	}
	t.Run("missing-root", func(t *testing.T) {
		if _, err := OpenRoot(filepath.Join(t.TempDir(), "none")); err == nil {
			t.Error("no error")
		}
	})
}
