package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
