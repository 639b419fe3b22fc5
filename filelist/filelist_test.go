package filelist

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// testConfig is a configuration with one subpackage, marks, an exclude
// and the default alternatives and versioned commands.
const testConfig = `subpackages:
  - name: src
    summary: "Go {version} sources"
    match: [src, "src/*"]
doc_files: ["doc/*"]
license_files: [LICENSE]
exclude: ["misc/chrome", "misc/chrome/*"]
go_env:
  GOFLAGS: "-modcacherw"
toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {file: go1.26.8.linux-amd64.tar.gz, sha256: "` + "0000000000000000000000000000000000000000000000000000000000000000" + `"}
    changelog:
      - {date: 2026-11-20, author: "Test <test@example.org>", changes: ["Test build"]}
`

// buildTime is the clamp of the test: 2026-11-20 12:00 UTC.
var buildTime = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// testTree writes a small GOROOT holding version: files by path,
// "->target" for a symlink, "#!" for an executable. Files and
// directories get an mtime before the build time, but go.env gets one
// after it (symlinks keep theirs: now).
func testTree(t *testing.T, version string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	files := map[string]string{
		"VERSION":                version + "\ntime 2026-08-28T16:20:00Z\n",
		"LICENSE":                "license\n",
		"go.env":                 "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n",
		"bin/go":                 "#!exec",
		"doc/go_spec.html":       "<html>\n",
		"misc/chrome/gophertool": "x",
		"misc/wasm/wasm_exec.js": "js\n",
		"src/runtime/a.go":       "package runtime\n",
		"src/runtime/lnk":        "->a.go",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasPrefix(body, "->"):
			err = os.Symlink(strings.TrimPrefix(body, "->"), p)
		case strings.HasPrefix(body, "#!"):
			err = os.WriteFile(p, []byte(body), 0o775)
		default:
			err = os.WriteFile(p, []byte(body), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(2026, 8, 28, 16, 20, 0, 0, time.UTC)
	var paths []string
	filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		paths = append(paths, p)
		return err
	})
	slices.Reverse(paths) // what a directory holds before the directory
	for _, p := range paths {
		when := old
		if filepath.Base(p) == "go.env" {
			when = buildTime.Add(time.Hour)
		}
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink == 0 {
			if err := os.Chtimes(p, when, when); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// describe renders a file list entry: path, octal mode, size, mtime as
// old/clamp, flags and link target.
func describe(f File) string {
	mtime := "old"
	if f.MTime == uint32(buildTime.Unix()) {
		mtime = "clamp"
	}
	s := fmt.Sprintf("%s %o %d %s %x", f.Path, f.Mode, f.Size, mtime, f.Flags)
	if f.LinkTo != "" {
		s += " -> " + f.LinkTo
	}
	return s
}

func TestOf(t *testing.T) {
	c, _, err := toolchain.Parse("gotc.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Plans()[0]
	tree, err := srctree.ReadGOROOT(testTree(t, "go1.26.8"))
	if err != nil {
		t.Fatal(err)
	}
	lists, err := Of(p, tree, buildTime)
	if err != nil {
		t.Fatal(err)
	}
	const root = "/usr/libexec/go-toolchain/go1.26.8"
	want := map[string][]string{
		"go-toolchain-1.26": {
			"/etc/alternatives/go 100644 0 clamp 40",
			"/etc/alternatives/go-toolchain-current 100644 0 clamp 40",
			"/etc/alternatives/gofmt 100644 0 clamp 40",
			"/usr/bin/go 120777 20 clamp 40 -> /etc/alternatives/go",
			"/usr/bin/go1.26 120777 39 clamp 0 -> ../libexec/go-toolchain/go1.26.8/bin/go",
			"/usr/bin/go1.26.8 120777 39 clamp 0 -> ../libexec/go-toolchain/go1.26.8/bin/go",
			"/usr/bin/gofmt 120777 23 clamp 40 -> /etc/alternatives/gofmt",
			"/usr/bin/gofmt1.26 120777 42 clamp 0 -> ../libexec/go-toolchain/go1.26.8/bin/gofmt",
			"/usr/bin/gofmt1.26.8 120777 42 clamp 0 -> ../libexec/go-toolchain/go1.26.8/bin/gofmt",
			"/usr/libexec/go-toolchain 40755 0 clamp 0",
			"/usr/libexec/go-toolchain/current 120777 38 clamp 40 -> /etc/alternatives/go-toolchain-current",
			root + " 40755 0 clamp 0",
			root + "/LICENSE 100644 8 old 80", // %license
			root + "/VERSION 100644 35 old 0",
			root + "/bin 40755 0 old 0",
			root + "/bin/go 100755 6 old 0",
			root + "/doc 40755 0 old 0",
			root + "/doc/go_spec.html 100644 7 old 2", // %doc
			root + "/go.env 100644 78 clamp 0",        // rewritten, mtime after the build time
			root + "/misc 40755 0 old 0",
			root + "/misc/wasm 40755 0 old 0",
			root + "/misc/wasm/wasm_exec.js 100644 3 old 0", // misc/chrome excluded
		},
		"go-toolchain-1.26-src": {
			"/usr/libexec/go-toolchain 40755 0 clamp 0",
			root + " 40755 0 clamp 0",
			root + "/src 40755 0 old 0",
			root + "/src/runtime 40755 0 old 0",
			root + "/src/runtime/a.go 100644 16 old 0",
			root + "/src/runtime/lnk 120777 4 clamp 0 -> a.go", // mtime now
		},
	}
	if len(lists) != len(want) {
		t.Errorf("%d packages, want %d", len(lists), len(want))
	}
	for name, w := range want {
		var got []string
		for _, f := range lists[name] {
			got = append(got, describe(f))
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s:\n%s\nwant:\n%s", name, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
	bodies := map[string]string{
		root + "/go.env":           "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=local\nGOFLAGS=-modcacherw\n",
		root + "/src/runtime/a.go": "package runtime\n",
	}
	for _, list := range lists {
		for _, f := range list {
			isRegular := f.Mode&0o170000 == 0o100000 && f.Flags&0x40 == 0
			if (f.Open != nil) != isRegular || (f.Entry != nil) != strings.HasPrefix(f.Path, root+"/") {
				t.Errorf("%s: Open set %v, Entry set %v", f.Path, f.Open != nil, f.Entry != nil)
			}
			want, ok := bodies[f.Path]
			if !ok {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || string(b) != want || int64(len(b)) != f.Size {
				t.Errorf("%s: body %q (%v), size %d; want %q", f.Path, b, err, f.Size, want)
			}
		}
	}
}

// TestOfWrongTree checks a tree of another version, or none, is refused.
func TestOfWrongTree(t *testing.T) {
	c, _, err := toolchain.Parse("gotc.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Plans()[0]
	root := testTree(t, "go1.26.7")
	tree, err := srctree.ReadGOROOT(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Of(p, tree, buildTime); err == nil || err.Error() != `toolchain tree is "go1.26.7", but go-toolchain-1.26 packages go1.26.8` {
		t.Errorf("another version: %v", err)
	}
	os.Remove(filepath.Join(root, "VERSION"))
	if tree, err = srctree.ReadGOROOT(root); err != nil {
		t.Fatal(err)
	}
	if _, err := Of(p, tree, buildTime); err == nil || !strings.Contains(err.Error(), `toolchain tree is ""`) {
		t.Errorf("no VERSION: %v", err)
	}
}
