package rootfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestResolve pins how FS follows paths: as the kernel does after a
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
	f, err := Open(root)
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
		got, err := f.Resolve(tc.path, tc.followLast)
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
	f, err := Open(root)
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

func writeFile(t testing.TB, p, content string, mode os.FileMode) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// TestHostileRoot: a root whose directories are symlinks to the host's
// /etc, and whose files link to the host's files, gives the host's
// files to no reader.
func TestHostileRoot(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/libexec"), 0o755)
	os.Symlink("/etc", filepath.Join(root, "usr/libexec/go-toolchain"))
	os.Symlink("/etc/passwd", filepath.Join(root, "passwd"))
	os.Symlink("/proc/self/root/etc/passwd", filepath.Join(root, "proc-passwd"))
	f, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range []string{"/usr/libexec/go-toolchain/passwd", "/passwd", "/proc-passwd"} {
		if data, err := f.ReadFile(p, 1<<20); err == nil {
			t.Errorf("%s: read %d bytes through the root", p, len(data))
		}
	}
	if _, entries, err := f.ReadDir("/usr/libexec/go-toolchain"); err == nil && len(entries) > 0 {
		t.Errorf("listed the host's /etc through the root: %d entries", len(entries))
	}
	if got, err := f.Resolve("/usr/libexec/go-toolchain/passwd", true); err == nil {
		t.Errorf("resolved to %s", got)
	}
	if h := f.Host("/usr/bin/go"); h != filepath.Join(root, "usr/bin/go") {
		t.Errorf("Host = %s", h)
	}
}
