package selfcheck

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// linkTree makes dst a copy of the tree at src whose files are hard
// links (copies across filesystems): a whole GOROOT in little time and
// no space. Nothing may write into the files.
func linkTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		default:
			linkFile(t, p, to)
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cacheFindings are the findings of the build cache check.
func cacheFindings(rep *Report, cache string) []findings.Finding {
	var out []findings.Finding
	for _, f := range rep.Findings {
		if f.Path == cache || strings.Contains(f.Message, "build cache") {
			out = append(out, f)
		}
	}
	return out
}

// TestBuildCache checks a real build cache with this machine's
// toolchain (the running system's: root /, the toolchain in a scratch
// toolchains directory). A cache the toolchain filled itself is clean;
// one whose compiled archive of the fixed program was altered (same
// size, so the go command takes it) makes a different binary, and the
// finding names the fix, go clean -cache; run, it clears the finding.
func TestBuildCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program three times with an empty build cache")
	}
	older, _ := releases(t)
	tools := t.TempDir()
	linkTree(t, older.goroot, filepath.Join(tools, older.version))
	cfg := toolchain.Defaults()
	cfg.Layout.Root = tools
	cache := t.TempDir()
	opt := Options{Root: "/", Run: true, Cache: cache}

	rep, err := Check(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if fs := cacheFindings(rep, cache); len(fs) != 0 || len(rep.Toolchains) != 1 {
		t.Fatalf("a cache the toolchain filled itself:\n%s", describe(fs))
	}

	// Alter the cached archive of the fixed program's main package: its
	// string, in place.
	marker := []byte("gotc selfcheck build cache probe")
	altered := 0
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(p, "-d") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, marker) {
			return err
		}
		altered++
		return os.WriteFile(p, bytes.ReplaceAll(data, marker, bytes.ToUpper(marker)), 0o644)
	})
	if altered == 0 {
		t.Fatal("no cache entry holds the fixed program")
	}
	rep, err = Check(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	fs := cacheFindings(rep, cache)
	if len(fs) != 1 || fs[0].Level != findings.Error || !strings.Contains(fs[0].Message, "another binary than with an empty one") {
		t.Fatalf("an altered cache:\n%s", describe(rep.Findings))
	}
	_, fix, _ := strings.Cut(fs[0].Message, "fix: ")
	words := strings.Fields(fix)
	if len(words) != 4 || words[0] != "GOCACHE="+cache || words[2] != "clean" || words[3] != "-cache" {
		t.Fatalf("fix %q", fix)
	}
	cmd := exec.Command(words[1], words[2:]...)
	cmd.Env = append(os.Environ(), words[0])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", fix, err, out)
	}
	rep, err = Check(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if fs := cacheFindings(rep, cache); len(fs) != 0 {
		t.Errorf("after %s:\n%s", fix, describe(fs))
	}
}
