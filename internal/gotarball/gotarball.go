// Package gotarball makes upstream-shaped Go release tarballs
// (go<version>.linux-<goarch>.tar.gz with a top-level go/ directory) from
// an installed toolchain tree, for tests, the demo and the benchmark.
//
// Output is deterministic for a given tree: entries sorted, owner root,
// modes as upstream ships them (see [Mode]; directories 0755), and every
// mtime set to the release time recorded in the tree's VERSION file, so
// the same toolchain gives the same bytes on every machine.
//
// A toolchain from the module cache (golang.org/toolchain, which the go
// command fetches for GOTOOLCHAIN=goX.Y.Z) is upstream's binary
// distribution without api/, doc/, misc/ and test/, its go.mod files
// renamed _go.mod (the go command copies each back to go.mod) and its
// modes lost; Write restores the modes and leaves the _go.mod copies out,
// but the missing directories stay missing.
package gotarball

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Info describes a toolchain tree.
type Info struct {
	// GoVersion is the first line of VERSION: "go1.26.8".
	GoVersion string
	// Time is the release time from VERSION's "time" line.
	Time time.Time
}

// ReadInfo reads GOROOT/VERSION.
func ReadInfo(goroot string) (Info, error) {
	f, err := os.Open(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return Info{}, fmt.Errorf("reading toolchain version: %w", err)
	}
	defer f.Close()
	var info Info
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case info.GoVersion == "":
			info.GoVersion = strings.TrimSpace(line)
		case strings.HasPrefix(line, "time "):
			t, err := time.Parse(time.RFC3339, strings.TrimPrefix(line, "time "))
			if err != nil {
				return Info{}, fmt.Errorf("%s/VERSION: bad time line %q", goroot, line)
			}
			info.Time = t
		}
	}
	if !strings.HasPrefix(info.GoVersion, "go") || info.Time.IsZero() {
		return Info{}, fmt.Errorf("%s/VERSION: want a goX.Y.Z line and a time line", goroot)
	}
	return info, sc.Err()
}

// Write writes the tarball of the tree at goroot to w and returns the
// hex SHA-256 of what it wrote.
func Write(w io.Writer, goroot string) (string, error) {
	info, err := ReadInfo(goroot)
	if err != nil {
		return "", err
	}
	var paths []string
	err = filepath.WalkDir(goroot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(goroot, p)
		if d.Name() == "_go.mod" && !d.IsDir() && sameFile(p, filepath.Join(filepath.Dir(p), "go.mod")) {
			return nil // the go command's source of go.mod in a module-cache toolchain
		}
		paths = append(paths, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("walking %s: %w", goroot, err)
	}
	sort.Strings(paths)
	h := sha256.New()
	zw, err := gzip.NewWriterLevel(io.MultiWriter(w, h), gzip.BestSpeed)
	if err != nil {
		return "", err
	}
	tw := tar.NewWriter(zw)
	for _, rel := range paths {
		full := filepath.Join(goroot, rel)
		fi, err := os.Lstat(full)
		if err != nil {
			return "", err
		}
		name := "go"
		if rel != "." {
			name = "go/" + rel
		}
		hdr := &tar.Header{Name: name, ModTime: info.Time, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		switch {
		case fi.IsDir():
			hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, name+"/", 0o755
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(full)
			if err != nil {
				return "", err
			}
			hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, target, 0o777
		case fi.Mode().IsRegular():
			hdr.Typeflag, hdr.Size, hdr.Mode = tar.TypeReg, fi.Size(), int64(Mode(rel))
		default:
			return "", fmt.Errorf("%s: unsupported file type %v", full, fi.Mode().Type())
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return "", err
		}
		if hdr.Typeflag == tar.TypeReg {
			if err := copyFile(tw, full); err != nil {
				return "", err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Mode is the mode upstream's release archives give the regular file at
// the toolchain-relative path rel, whatever its mode in the tree: Go's
// release tooling (cmd/distpack) sets it by name alone — 0755 for the
// commands under bin/ and pkg/tool/, for scripts named *.bash, *.sh, *.pl
// and *.rc, and for the go_GOOS_GOARCH_exec wrappers; 0644 for the rest.
// Taking it from the tree instead would be wrong for a toolchain from the
// module cache (golang.org/toolchain), whose zip keeps no modes: the go
// command makes only bin/, pkg/tool/ and the exec wrappers executable
// again, so its scripts would ship 0644 where upstream's are 0755.
func Mode(rel string) fs.FileMode {
	if strings.HasPrefix(rel, "bin/") || strings.HasPrefix(rel, "pkg/tool/") {
		return 0o755
	}
	switch path.Ext(rel) {
	case ".bash", ".sh", ".pl", ".rc":
		return 0o755
	}
	if ok, _ := path.Match("go_?*_?*_exec", path.Base(rel)); ok {
		return 0o755
	}
	return 0o644
}

// sameFile reports whether the regular files a and b hold the same bytes.
func sameFile(a, b string) bool {
	x, err := os.ReadFile(a)
	if err != nil {
		return false
	}
	y, err := os.ReadFile(b)
	return err == nil && bytes.Equal(x, y)
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// FileName is the upstream file name for a Go version and GOARCH.
func FileName(goVersion, goarch string) string {
	return goVersion + ".linux-" + goarch + ".tar.gz"
}
