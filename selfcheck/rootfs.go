package selfcheck

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
)

// maxSymlinks is how many symlinks one lookup follows, as Linux's
// MAXSYMLINKS.
const maxSymlinks = 40

// maxSmallFile bounds what is read of VERSION, go.env and the
// alternatives state files.
const maxSmallFile = 1 << 20

// rootFS reads an install root from outside it the way the root's own
// processes would see it after a chroot: every component of every path
// is resolved inside the root, an absolute symlink target starts again at
// the root's top and ".." never climbs above it. Nothing outside the root
// is opened: each lookup goes through an os.Root, which refuses to leave
// the directory even if the tree changes under it.
type rootFS struct {
	dir string // the root's path on this machine
	r   *os.Root
}

func openRootFS(dir string) (*rootFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &rootFS{dir: dir, r: r}, nil
}

func (f *rootFS) Close() error { return f.r.Close() }

// rel is the os.Root name of a clean absolute path in the root.
func rel(p string) string {
	if p == "/" {
		return "."
	}
	return strings.TrimPrefix(p, "/")
}

// resolve returns where p leads in the root: a clean absolute path whose
// components are all real directories but the last, which is a symlink
// only when followLast is false. A missing component is an error
// wrapping fs.ErrNotExist.
func (f *rootFS) resolve(p string, followLast bool) (string, error) {
	if !path.IsAbs(p) {
		return "", fmt.Errorf("%s: not an absolute path", p)
	}
	rest := strings.Split(strings.TrimPrefix(path.Clean(p), "/"), "/")
	cur := "/"
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur) // the root's ".." is the root
			continue
		}
		next := path.Join(cur, c)
		if len(rest) == 0 && !followLast {
			return next, nil
		}
		info, err := f.r.Lstat(rel(next))
		if err != nil {
			return "", &fs.PathError{Op: "lstat", Path: p, Err: unwrapPathError(err)}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if hops++; hops > maxSymlinks {
				return "", &fs.PathError{Op: "lstat", Path: p, Err: syscall.ELOOP}
			}
			target, err := f.r.Readlink(rel(next))
			if err != nil {
				return "", &fs.PathError{Op: "readlink", Path: next, Err: unwrapPathError(err)}
			}
			if path.IsAbs(target) {
				cur = "/"
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		}
		if len(rest) > 0 && !info.IsDir() {
			return "", &fs.PathError{Op: "lstat", Path: p, Err: syscall.ENOTDIR}
		}
		cur = next
	}
	return cur, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Lstat describes p itself (a final symlink is not followed).
func (f *rootFS) Lstat(p string) (fs.FileInfo, error) {
	q, err := f.resolve(p, false)
	if err != nil {
		return nil, err
	}
	return f.r.Lstat(rel(q))
}

// Stat describes what p leads to.
func (f *rootFS) Stat(p string) (fs.FileInfo, error) {
	q, err := f.resolve(p, true)
	if err != nil {
		return nil, err
	}
	return f.r.Lstat(rel(q))
}

// Readlink returns the target of symlink p.
func (f *rootFS) Readlink(p string) (string, error) {
	q, err := f.resolve(p, false)
	if err != nil {
		return "", err
	}
	return f.r.Readlink(rel(q))
}

// Open opens the regular file p leads to. Anything else (a device, a
// FIFO, a directory) is refused, so reading never blocks or runs on.
func (f *rootFS) Open(p string) (*os.File, error) {
	q, err := f.resolve(p, true)
	if err != nil {
		return nil, err
	}
	file, err := f.r.OpenFile(rel(q), os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	info, err := file.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: p, Err: fmt.Errorf("not a regular file (%v)", info.Mode().Type())}
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// ReadFile reads the regular file p leads to, up to max bytes.
func (f *rootFS) ReadFile(p string, max int64) ([]byte, error) {
	file, err := f.Open(p)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, max)
	}
	return data, nil
}

// ReadDir lists the directory p leads to, sorted by name.
func (f *rootFS) ReadDir(p string) (resolved string, entries []fs.DirEntry, err error) {
	q, err := f.resolve(p, true)
	if err != nil {
		return "", nil, err
	}
	dir, err := f.r.OpenFile(rel(q), os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return "", nil, err
	}
	defer dir.Close()
	entries, err = dir.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return q, entries, err
}

// Host is the path on this machine of the resolved path q: for the
// programs that need one (a confined run chroots into f.dir instead).
func (f *rootFS) Host(q string) string {
	if f.dir == "/" {
		return q
	}
	return strings.TrimSuffix(f.dir, "/") + q
}
