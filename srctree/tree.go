// Package srctree reads the Go toolchain tree a package is built from:
// an upstream release tarball (Extract), checked against its SHA-256 and
// refused when it holds anything a Go release never does, or a GOROOT
// directory on disk (ReadGOROOT). Either way the result is a Tree whose
// entries are sorted by path, with modes normalised as the spec's
// %install leaves them; a tarball's file bodies are spooled into one
// unlinked file, so nothing is left on disk whatever happens.
//
// The package knows nothing of plans, packages or RPMs: package filelist
// maps a Tree onto each package's file list.
package srctree

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gotc-project/gotc/toolchain"
)

// Tree is a toolchain tree to package: a GOROOT directory on disk
// (ReadGOROOT), or a release tarball read by Extract, whose file bodies
// live in one unlinked spool file rather than in thousands of files
// created and removed again. Either way the builder sees the same
// entries, with modes normalised as the spec's %install leaves them.
//
// A Tree is safe for concurrent reads. Close releases it.
type Tree struct {
	// entries are sorted by path, so a directory comes before what it
	// holds; the first is the root ("").
	entries []Entry
	// spool holds the bodies of an extracted tarball; nil for a
	// directory tree.
	spool *os.File
	// source names the tree in messages: the directory or the tarball.
	source string
	// borrowed is set on a snapshot, whose spool belongs to another Tree.
	borrowed bool
}

// Entry is one path of a tree.
type Entry struct {
	// Rel is the toolchain-relative path, "" for the root.
	Rel string
	// Mode is st_mode with the type bits, normalised: ModeDir, ModeFile,
	// ModeExec or ModeSymlink.
	Mode uint32
	// Size is a regular file's body size, a symlink's target length.
	Size int64
	// MTime is zero when unknown (a parent directory no tarball entry
	// listed).
	MTime time.Time
	// LinkTo is a symlink's target.
	LinkTo string

	full string // directory trees: the path on disk
	off  int64  // extracted trees: where the body starts in the spool
}

// The normalised modes of tree entries (st_mode, type bits included).
const (
	// ModeDir is every directory's mode.
	ModeDir = 0o040755
	// ModeFile is a regular file's mode when it has no execute bit.
	ModeFile = 0o100644
	// ModeExec is a regular file's mode when it has any execute bit.
	ModeExec = 0o100755
	// ModeSymlink is every symlink's mode.
	ModeSymlink = 0o120777

	modeType = 0o170000
)

// IsRegular reports whether e is a regular file.
func (e *Entry) IsRegular() bool { return e.Mode&modeType == ModeFile&modeType }

// IsDir reports whether e is a directory.
func (e *Entry) IsDir() bool { return e.Mode&modeType == ModeDir&modeType }

// normalMode is the mode the spec's %install leaves a regular file with:
// 0755 when any execute bit is set, 0644 otherwise.
func normalMode(perm int64) uint32 {
	if perm&0o111 != 0 {
		return ModeExec
	}
	return ModeFile
}

// ReadGOROOT lists the toolchain tree at goroot (a packager's own build
// of Go). Bodies are read from disk when they are opened.
func ReadGOROOT(goroot string) (*Tree, error) {
	t := &Tree{source: goroot}
	err := filepath.WalkDir(goroot, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading toolchain tree: %w", err)
		}
		rel, _ := filepath.Rel(goroot, full)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("reading toolchain tree: %w", err)
		}
		e := Entry{Rel: rel, full: full, MTime: info.ModTime()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(full)
			if err != nil {
				return fmt.Errorf("reading toolchain tree: %w", err)
			}
			e.Mode, e.LinkTo, e.Size = ModeSymlink, target, int64(len(target))
		case info.IsDir():
			e.Mode = ModeDir
		case info.Mode().IsRegular():
			e.Mode, e.Size = normalMode(int64(info.Mode().Perm())), info.Size()
		default:
			return fmt.Errorf("%s: unsupported file type %v", full, info.Mode().Type())
		}
		if rel != "" {
			if err := toolchain.CheckFileName(rel); err != nil {
				return fmt.Errorf("toolchain tree: %w", err)
			}
		}
		t.entries = append(t.entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.sort()
	return t, nil
}

// sort orders the entries by path (bytewise), which puts every directory
// before what it holds.
func (t *Tree) sort() {
	sort.Slice(t.entries, func(i, j int) bool { return t.entries[i].Rel < t.entries[j].Rel })
}

// Source names the tree in messages: the GOROOT or the tarball's path,
// as given.
func (t *Tree) Source() string { return t.source }

// Entries returns the tree's entries sorted by path, so that a directory
// comes before what it holds; the first is the root (""). The slice is
// the tree's own: callers must not modify it.
func (t *Tree) Entries() []Entry { return t.entries }

// Close releases the tree's spool file, if any. Bodies cannot be opened
// after Close.
func (t *Tree) Close() error {
	if t.spool == nil || t.borrowed {
		return nil
	}
	err := t.spool.Close()
	t.spool = nil
	return err
}

// Open opens regular file e's body.
func (t *Tree) Open(e *Entry) (io.ReadCloser, error) {
	if e.full != "" {
		return os.Open(e.full)
	}
	if t.spool == nil {
		return nil, fmt.Errorf("%s: tree is closed", t.source)
	}
	return io.NopCloser(io.NewSectionReader(t.spool, e.off, e.Size)), nil
}

// ReaderAt gives random access to regular file e's body; done releases
// it.
func (t *Tree) ReaderAt(e *Entry) (r io.ReaderAt, done func(), err error) {
	if e.full != "" {
		f, err := os.Open(e.full)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.Close() }, nil
	}
	if t.spool == nil {
		return nil, nil, fmt.Errorf("%s: tree is closed", t.source)
	}
	return io.NewSectionReader(t.spool, e.off, e.Size), func() {}, nil
}

// ReadSmall reads regular file e's body whole, refusing one over max
// bytes (VERSION and go.env are a few hundred).
func (t *Tree) ReadSmall(e *Entry, max int64) ([]byte, error) {
	if e.Size > max {
		return nil, fmt.Errorf("%d bytes, more than the %d expected", e.Size, max)
	}
	rc, err := t.Open(e)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(rc, max+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > max {
		return nil, fmt.Errorf("more than %d bytes", max)
	}
	return b.Bytes(), nil
}

// Lookup returns the entry at toolchain-relative path rel, or nil.
func (t *Tree) Lookup(rel string) *Entry {
	i := sort.Search(len(t.entries), func(i int) bool { return t.entries[i].Rel >= rel })
	if i < len(t.entries) && t.entries[i].Rel == rel {
		return &t.entries[i]
	}
	return nil
}
