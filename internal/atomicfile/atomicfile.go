// Package atomicfile writes output files so that readers see either the
// old file or the complete new one: data goes to a temporary file in the
// same directory, which is renamed over the target only after a
// successful write, sync and close. On any error the temporary file is
// removed and the target is left as it was. MkdirAll creates an output
// directory that can be taken back the same way.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write creates path with mode perm from what fill writes.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) (err error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory, not a file", path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming %s: %w", path, err)
	}
	return nil
}

// MkdirAll creates dir and any missing parents with mode perm, as
// os.MkdirAll does, and returns remove, which removes again the
// directories it created, deepest first, as long as they are empty. A
// command that creates its output directory before checking its inputs
// calls remove when it fails, so that it leaves nothing behind;
// directories that existed are never touched.
func MkdirAll(dir string, perm os.FileMode) (remove func(), err error) {
	var created []string // deepest first
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break // there, or os.MkdirAll will say what is wrong
		}
		created = append(created, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return nil, err
	}
	return func() {
		for _, d := range created {
			if os.Remove(d) != nil {
				return // not empty: neither are its parents
			}
		}
	}, nil
}
