package selfcheck

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestResolve pins how rootFS follows paths: as the kernel does after a
// chroot into the root.
func TestResolve(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret"), "host", 0o644)
	writeFile(t, filepath.Join(root, "etc/real"), "root", 0o644)
	for p, target := range map[string]string{
		"/abs":         "/etc",
		"/rel":         "etc",
		"/up":          "../../../../etc",
		"/host":        outside,
		"/usr/lib/x":   "../../etc/real",
		"/loop1":       "/loop2",
		"/loop2":       "/loop1",
		"/etc/self":    ".",
		"/dangling":    "/nowhere",
		"/file-as-dir": "/etc/real/x",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		if err := os.Symlink(target, filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := openRootFS(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		path       string
		followLast bool
		want       string
		err        error
	}{
		{"/abs/real", true, "/etc/real", nil},
		{"/rel/real", true, "/etc/real", nil},
		{"/up/real", true, "/etc/real", nil},
		{"/../../etc/real", true, "/etc/real", nil},
		{"/usr/lib/x", true, "/etc/real", nil},
		{"/usr/lib/x", false, "/usr/lib/x", nil},
		{"/etc/self/self/real", true, "/etc/real", nil},
		{"/host/secret", true, "", fs.ErrNotExist}, // the root's own /tmp/..., which it does not have
		{"/loop1", true, "", syscall.ELOOP},
		{"/loop1", false, "/loop1", nil},
		{"/dangling/x", true, "", fs.ErrNotExist},
		{"/etc/real/x", true, "", syscall.ENOTDIR},
		{"/file-as-dir", true, "", syscall.ENOTDIR},
	}
	for _, tc := range tests {
		got, err := f.resolve(tc.path, tc.followLast)
		if got != tc.want || (tc.err == nil) != (err == nil) || tc.err != nil && !errors.Is(err, tc.err) {
			t.Errorf("resolve(%q, %v) = %q, %v; want %q, %v", tc.path, tc.followLast, got, err, tc.want, tc.err)
		}
	}
	if data, err := f.ReadFile("/abs/real", 100); err != nil || string(data) != "root" {
		t.Errorf("ReadFile: %q, %v", data, err)
	}
	if _, err := f.ReadFile("/abs/real", 2); err == nil {
		t.Error("ReadFile read past its bound")
	}
}

// TestOpenRefusesSpecialFiles: a FIFO or a directory in the root is not
// opened for reading — a FIFO would block selfcheck forever.
func TestOpenRefusesSpecialFiles(t *testing.T) {
	root := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(root, "dir"), 0o755)
	f, err := openRootFS(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range []string{"/fifo", "/dir"} {
		done := make(chan error, 1)
		go func() { _, err := f.ReadFile(p, 100); done <- err }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s: read", p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: reading blocks", p)
		}
	}
}

// fileLines are lines of queryFormat as rpm 4.18 prints them, and broken
// ones.
var fileLines = []struct {
	line string
	ok   bool
	want installedFile
}{
	{"go-toolchain-1.26-1.26.8-1.x86_64\tgo-toolchain-1.26\t8\t/usr/libexec/go-toolchain/go1.26.8/go.env\t0\t1\t4294967295\t33188\t98\t1763640000\tab12\troot\troot\t\t0", true,
		installedFile{path: "/usr/libexec/go-toolchain/go1.26.8/go.env", flags: 1, verify: 0xffffffff, mode: 0o100644, size: 98, mtime: 1763640000, digest: "ab12", user: "root", group: "root"}},
	{"p-1-1.noarch\tp\t(none)\t/usr/bin/x\t255\t64\t4294967295\t41471\t5\t1\t\troot\troot\t/etc/alternatives/x\t0", true,
		installedFile{path: "/usr/bin/x", state: -1, flags: 64, verify: 0xffffffff, mode: 0o120777, size: 5, mtime: 1, user: "root", group: "root", link: "/etc/alternatives/x"}},
	{"p-1-1.noarch\tp\t8\t/a\tb\t0\t0\t0\t0\t0\t\troot\troot\t\t0", false, installedFile{}},
	{"p-1-1.noarch\tp\t8\t/a with\ttab\t0\t0\t0\t0\t0\t0\t\troot\troot\t\t0", false, installedFile{}},
	{"", false, installedFile{}},
}

func TestParseFileLine(t *testing.T) {
	for _, tc := range fileLines {
		p, f, err := parseFileLine(tc.line)
		if (err == nil) != tc.ok || err == nil && f != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.line, f, err, tc.want)
		}
		if err == nil && (p.nvra == "" || p.name == "" || p.digestAlgo == 0) {
			t.Errorf("%q: package %+v", tc.line, p)
		}
	}
}

// FuzzParseFileLine: any line gives a file or an error, never a panic.
func FuzzParseFileLine(f *testing.F) {
	for _, tc := range fileLines {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		parseFileLine(line)
	})
}
