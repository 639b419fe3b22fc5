package fedalternatives

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// sys runs the file system calls alternatives.c makes, on paths inside
// root: symlinks are followed inside root as the kernel follows them
// after a chroot, so an absolute link target means root/target.
type sys struct {
	root string
}

// host is where p (an absolute path inside the root) is on this
// machine. Every symlink on the way is followed; the last component is
// followed only when followLast is set. A missing component ends the
// walk: the call made on the result then fails as it fails in a chroot.
func (s sys) host(p string, followLast bool) (string, error) {
	if s.root == "" || s.root == "/" {
		return p, nil
	}
	rest := strings.Split(p, "/")
	done := "/"
	for hops := 0; len(rest) > 0; {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, c)
		if len(rest) == 0 && !followLast {
			done = next
			break
		}
		target, err := os.Readlink(filepath.Join(s.root, next))
		if errors.Is(err, syscall.EINVAL) { // not a symlink
			done = next
			continue
		}
		if err != nil {
			done = path.Join(append([]string{next}, rest...)...)
			break
		}
		if hops++; hops > 40 {
			return "", &fs.PathError{Op: "stat", Path: p, Err: syscall.ELOOP}
		}
		if path.IsAbs(target) {
			done = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(s.root, done), nil
}

func (s sys) lstat(p string) (fs.FileInfo, error) {
	h, err := s.host(p, false)
	if err != nil {
		return nil, err
	}
	return os.Lstat(h)
}

func (s sys) stat(p string) (fs.FileInfo, error) {
	h, err := s.host(p, true)
	if err != nil {
		return nil, err
	}
	return os.Stat(h)
}

func (s sys) readlink(p string) (string, error) {
	h, err := s.host(p, false)
	if err != nil {
		return "", err
	}
	return os.Readlink(h)
}

// unlink is unlink(2): it never removes a directory, as os.Remove would.
func (s sys) unlink(p string) error {
	h, err := s.host(p, false)
	if err != nil {
		return err
	}
	if err := syscall.Unlink(h); err != nil {
		return &fs.PathError{Op: "unlink", Path: p, Err: err}
	}
	return nil
}

func (s sys) symlink(target, p string) error {
	h, err := s.host(p, false)
	if err != nil {
		return err
	}
	return os.Symlink(target, h)
}

func (s sys) readFile(p string) ([]byte, error) {
	h, err := s.host(p, true)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(h)
}

// create is open(p, O_RDWR|O_CREAT|O_EXCL, 0644).
func (s sys) create(p string) (*os.File, error) {
	h, err := s.host(p, false)
	if err != nil {
		return nil, err
	}
	return os.OpenFile(h, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
}

func (s sys) rename(from, to string) error {
	hf, err := s.host(from, false)
	if err != nil {
		return err
	}
	ht, err := s.host(to, false)
	if err != nil {
		return err
	}
	return os.Rename(hf, ht)
}

func (s sys) mkdir(p string) error {
	h, err := s.host(p, false)
	if err != nil {
		return err
	}
	return os.Mkdir(h, 0o755)
}

func (s sys) readDir(p string) ([]fs.DirEntry, error) {
	h, err := s.host(p, true)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(h)
}

// isLink is alternatives.c's isLink: lstat succeeds and says symlink.
func (s sys) isLink(p string) bool {
	fi, err := s.lstat(p)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// exists is alternatives.c's fileExists: stat succeeds.
func (s sys) exists(p string) bool {
	_, err := s.stat(p)
	return err == nil
}

// isDir is stat succeeding on a directory.
func (s sys) isDir(p string) bool {
	fi, err := s.stat(p)
	return err == nil && fi.IsDir()
}

// errno is the error number behind err, ENOENT-like errors included.
func errno(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, fs.ErrNotExist) {
		return syscall.ENOENT
	}
	return syscall.EIO
}

// strerror is glibc's message for err's error number: Go's Linux table
// holds the same texts with a lower-case first letter.
func strerror(err error) string {
	msg := errno(err).Error()
	if msg == "" {
		return "Unknown error"
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}
