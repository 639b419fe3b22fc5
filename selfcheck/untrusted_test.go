package selfcheck

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/toolchain"
)

// TestSymlinksStayInRoot gives selfcheck roots whose paths lead out of
// them through absolute symlinks — the toolchains directory linked to
// this machine's /etc, an intermediate directory linked to a directory
// of this machine holding a toolchain of its own, the alternatives state
// behind a link to another of this machine's directories — and expects
// every one to be followed inside the root, as the root's own processes
// would see it.
func TestSymlinksStayInRoot(t *testing.T) {
	older, _ := releases(t)
	// Host directories selfcheck must never read: one holds a toolchain
	// of its own, the other an alternatives state.
	hostTools, hostState := t.TempDir(), t.TempDir()
	layToolchain(t, older, filepath.Join(hostTools, "go-toolchain", "go1.99.0"))
	writeFile(t, filepath.Join(hostTools, "go-toolchain", "go1.99.0", "VERSION"), "go1.99.0\n", 0o644)
	writeFile(t, filepath.Join(hostState, "dpkg", "alternatives", "go"), "manual\n/usr/bin/go\n\n/elsewhere/bin/go\n1\n\n", 0o644)

	// hide moves what is at from in the root to to in the root and
	// links from to to, an absolute target.
	hide := func(t *testing.T, root, from, to string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(to, filepath.Join(root, from)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, root string)
	}{
		{"toolchains directory linked to /etc", func(t *testing.T, root string) {
			dir := filepath.Join(root, "/usr/libexec/go-toolchain")
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(root, "etc", e.Name())); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Remove(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/etc", dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"intermediate directory linked to a host directory", func(t *testing.T, root string) {
			hide(t, root, "/usr/libexec", hostTools)
		}},
		{"alternatives state behind a link to a host directory", func(t *testing.T, root string) {
			hide(t, root, "/usr/libexec", hostTools)
			hide(t, root, "/var/lib", hostState)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, _, _ := fakeRoot(t)
			tc.setup(t, root)
			rep, err := Check(toolchain.Defaults(), Options{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Toolchains) != 2 || rep.Toolchains[0].GoVersion != older.version || rep.Mode != "auto" || rep.Errors != 0 {
				t.Errorf("report %+v; findings:\n%s", rep, describe(rep.Findings))
			}
		})
	}
}

// escapingGo is a go command that tries to write outside its root — at
// an absolute path of this machine, at the top of the root, and by
// climbing out with ".." — and then answers go version with what it saw
// at /inside, which only the root has (read with the shell's own read:
// the root has no cat).
func escapingGo(outside string) string {
	return fmt.Sprintf(`#!/bin/sh
echo escaped > %[1]s
echo escaped > /escaped
cd / && cd ../../../../.. && echo escaped > escaped-by-dotdot
echo escaped > ../../../../../../..%[1]s
read inside < /inside
echo "go version go0.0-$inside linux/amd64"
`, outside)
}

// TestForeignGoNotRun: the go command of a root other than / is a script
// that writes outside the root; without RunRoot it must not run at all.
func TestForeignGoNotRun(t *testing.T) {
	root, _, newer := fakeRoot(t)
	outside := filepath.Join(t.TempDir(), "escaped")
	writeFile(t, filepath.Join(root, newer.dir(), "bin/go"), escapingGo(outside), 0o755)
	shellInRoot(t, root)
	rep, err := Check(toolchain.Defaults(), Options{Root: root, Run: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatalf("selfcheck ran the root's go command: it wrote %s", outside)
	}
	if len(rep.Skipped) == 0 || !strings.Contains(rep.Skipped[0], "not run") {
		t.Errorf("the report does not say the programs were not run: %q", rep.Skipped)
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Message, "go version") || strings.Contains(f.Message, "-V=full") {
			t.Errorf("a finding from running a program: %s", f)
		}
	}
}

// TestConfinedGo: with RunRoot the script runs, chrooted into the root:
// what it reads is the root's, and nothing it writes lands outside the
// root — nor, when selfcheck runs as root and the program as nobody,
// inside it.
func TestConfinedGo(t *testing.T) {
	root, _, newer := fakeRoot(t)
	outside := filepath.Join(t.TempDir(), "escaped")
	writeFile(t, filepath.Join(root, newer.dir(), "bin/go"), escapingGo(outside), 0o755)
	writeFile(t, filepath.Join(root, "inside"), "in-the-root", 0o644)
	shellInRoot(t, root)
	before := snapshot(t, root)
	rep, err := Check(toolchain.Defaults(), withRoot(confinedRun, root))
	var ce *ConfineError
	if errors.As(err, &ce) {
		t.Fatalf("this machine cannot confine a program (the tests need chroot or user namespaces): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatalf("the confined go command wrote %s", outside)
	}
	want := `go version printed "go version go0.0-in-the-root linux/amd64"`
	found := false
	for _, f := range rep.Findings {
		found = found || f.Path == newer.dir()+"/bin/go" && strings.Contains(f.Message, want)
	}
	if !found {
		t.Errorf("no finding saying %s: the script did not run in the root; findings:\n%s", want, describe(rep.Findings))
	}
	if os.Geteuid() == 0 {
		if after := snapshot(t, root); after != before {
			t.Errorf("the confined go command, run as nobody, wrote into the root")
		}
	}
}

// TestConfinedInUserNamespace runs the confined checks the way selfcheck
// runs them when it is not root: chrooted in a new user namespace, as the
// calling user. The real go commands and tools must answer as they do
// confined as nobody, and the escaping script must still not reach
// outside the root.
func TestConfinedInUserNamespace(t *testing.T) {
	saved := inUserNS
	inUserNS = func() bool { return true }
	defer func() { inUserNS = saved }()
	root, _, newer := fakeRoot(t)
	rep, err := Check(toolchain.Defaults(), withRoot(confinedRun, root))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Fatalf("findings on a clean root:\n%s", describe(rep.Findings))
	}
	outside := filepath.Join(t.TempDir(), "escaped")
	writeFile(t, filepath.Join(root, newer.dir(), "bin/go"), escapingGo(outside), 0o755)
	writeFile(t, filepath.Join(root, "inside"), "in-the-root", 0o644)
	shellInRoot(t, root)
	rep, err = Check(toolchain.Defaults(), withRoot(confinedRun, root))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatalf("the confined go command wrote %s", outside)
	}
	if !strings.Contains(describe(rep.Findings), "go0.0-in-the-root") {
		t.Errorf("the script did not run in the root; findings:\n%s", describe(rep.Findings))
	}
}

// TestCacheNeedsTheRunningSystem: a build cache is checked with the
// running system's toolchains only, never by building in another root.
func TestCacheNeedsTheRunningSystem(t *testing.T) {
	root, _, _ := fakeRoot(t)
	for _, opt := range []Options{
		{Root: root, Run: true, RunRoot: true, Cache: t.TempDir()},
		{Root: "/", Cache: t.TempDir()},
	} {
		_, err := Check(toolchain.Defaults(), opt)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%+v: error %v, want a usage error", opt, err)
		}
	}
}
