package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	if err := Write(path, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("content %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", fi.Mode())
	}

	// A failing fill leaves the old file and no temporary file.
	err := Write(path, 0o644, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") })
	if err == nil || err.Error() != "boom" {
		t.Errorf("err %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestWriteDirectory: a directory in the target's place is named as such,
// not reported as a failed rename of a temporary file.
func TestWriteDirectory(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "adir")
	os.Mkdir(target, 0o755)
	err := Write(target, 0o644, func(w io.Writer) error { return nil })
	if err == nil || err.Error() != target+" is a directory, not a file" {
		t.Errorf("err %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || strings.Contains(entries[0].Name(), "tmp") {
		t.Errorf("left behind: %v", entries)
	}
}

// TestMkdirAll checks that MkdirAll's remove takes away exactly the
// empty directories it created.
func TestMkdirAll(t *testing.T) {
	tests := []struct {
		name   string
		dir    string   // under the test's directory
		exist  []string // directories there before
		write  string   // a file written after MkdirAll, "" for none
		remain []string // directories left after remove
	}{
		{name: "new", dir: "out", remain: nil},
		{name: "new with parents", dir: "a/b/c", remain: nil},
		{name: "existing", dir: "out", exist: []string{"out"}, remain: []string{"out"}},
		{name: "existing parent", dir: "a/b/c", exist: []string{"a"}, remain: []string{"a"}},
		{name: "written into", dir: "a/b", write: "a/b/x.rpm", remain: []string{"a", "a/b"}},
		{name: "written beside", dir: "a/b/c", write: "a/x.rpm", remain: []string{"a"}},
		{name: "trailing slash", dir: "a/b/", remain: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			for _, d := range tc.exist {
				if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			remove, err := MkdirAll(filepath.Join(top, tc.dir), 0o755)
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(filepath.Join(top, tc.dir)); err != nil || !fi.IsDir() {
				t.Fatalf("%s not created: %v", tc.dir, err)
			}
			if tc.write != "" {
				if err := os.WriteFile(filepath.Join(top, tc.write), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			remove()
			var left []string
			filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
				if err == nil && d.IsDir() && p != top {
					rel, _ := filepath.Rel(top, p)
					left = append(left, rel)
				}
				return err
			})
			if !slices.Equal(left, tc.remain) {
				t.Errorf("left %q, want %q", left, tc.remain)
			}
			if _, err := os.Stat(top); err != nil {
				t.Errorf("the directory that existed is gone: %v", err)
			}
		})
	}
}

// TestMkdirAllFails checks a parent that is a file is refused, and
// nothing is created.
func TestMkdirAllFails(t *testing.T) {
	top := t.TempDir()
	if err := os.WriteFile(filepath.Join(top, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := MkdirAll(filepath.Join(top, "f", "out"), 0o755); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("MkdirAll under a file: %v, want an error", err)
	}
}
