package rpmbuild

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
// (ReadTree), or a release tarball read by Extract, whose file bodies
// live in one unlinked spool file rather than in thousands of files
// created and removed again. Either way the builder sees the same
// entries, with modes normalised as the spec's %install leaves them.
//
// A Tree is safe for concurrent reads. Close releases it.
type Tree struct {
	// entries are sorted by path, so a directory comes before what it
	// holds; the first is the root ("").
	entries []entry
	// spool holds the bodies of an extracted tarball; nil for a
	// directory tree.
	spool *os.File
	// source names the tree in messages: the directory or the tarball.
	source string
	// borrowed is set on a snapshot, whose spool belongs to another Tree.
	borrowed bool
}

// entry is one path of a tree.
type entry struct {
	rel    string // toolchain-relative, "" for the root
	mode   uint32 // st_mode with type bits, normalised
	size   int64
	mtime  time.Time // zero when unknown (a parent directory no tarball entry listed)
	linkTo string
	full   string // directory trees: the path on disk
	off    int64  // extracted trees: where the body starts in the spool
}

// File type bits of st_mode, and the normalised modes.
const (
	modeType    = 0o170000
	modeDir     = 0o040755
	modeFile    = 0o100644
	modeExec    = 0o100755
	modeSymlink = 0o120777
)

func (e *entry) isRegular() bool { return e.mode&modeType == 0o100000 }

// normalMode is the mode the spec's %install leaves a regular file with:
// 0755 when any execute bit is set, 0644 otherwise.
func normalMode(perm int64) uint32 {
	if perm&0o111 != 0 {
		return modeExec
	}
	return modeFile
}

// ReadTree lists the toolchain tree at goroot (a packager's own build of
// Go). Bodies are read from disk as the packages are written.
func ReadTree(goroot string) (*Tree, error) {
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
		e := entry{rel: rel, full: full, mtime: info.ModTime()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(full)
			if err != nil {
				return fmt.Errorf("reading toolchain tree: %w", err)
			}
			e.mode, e.linkTo, e.size = modeSymlink, target, int64(len(target))
		case info.IsDir():
			e.mode = modeDir
		case info.Mode().IsRegular():
			e.mode, e.size = normalMode(int64(info.Mode().Perm())), info.Size()
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
	sort.Slice(t.entries, func(i, j int) bool { return t.entries[i].rel < t.entries[j].rel })
}

// Close releases the tree's spool file, if any. Files returned by Build's
// and Expected's lists cannot be opened after Close.
func (t *Tree) Close() error {
	if t.spool == nil || t.borrowed {
		return nil
	}
	err := t.spool.Close()
	t.spool = nil
	return err
}

// open opens regular file e's body.
func (t *Tree) open(e *entry) (io.ReadCloser, error) {
	if e.full != "" {
		return os.Open(e.full)
	}
	if t.spool == nil {
		return nil, fmt.Errorf("%s: tree is closed", t.source)
	}
	return io.NopCloser(io.NewSectionReader(t.spool, e.off, e.size)), nil
}

// readerAt gives random access to regular file e's body; done releases
// it.
func (t *Tree) readerAt(e *entry) (r io.ReaderAt, done func(), err error) {
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
	return io.NewSectionReader(t.spool, e.off, e.size), func() {}, nil
}

// readSmall reads regular file e's body whole, refusing one over max
// bytes (VERSION and go.env are a few hundred).
func (t *Tree) readSmall(e *entry, max int64) ([]byte, error) {
	if e.size > max {
		return nil, fmt.Errorf("%d bytes, more than the %d expected", e.size, max)
	}
	rc, err := t.open(e)
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

// lookup returns the entry at rel, or nil.
func (t *Tree) lookup(rel string) *entry {
	i := sort.Search(len(t.entries), func(i int) bool { return t.entries[i].rel >= rel })
	if i < len(t.entries) && t.entries[i].rel == rel {
		return &t.entries[i]
	}
	return nil
}
