// Package filelist maps a toolchain tree onto the file list of each
// package of a plan: which package holds each path of the tree, with
// which mode, mtime and %doc/%license marks, plus the plan's own entries
// (shared directories, %ghost alternatives links, versioned command
// links) and go.env as the plan rewrites it.
//
// The native builder (rpmbuild) writes these lists, and the verifier
// (verify --sources) checks built packages against them: one derivation
// for both, from the plan, so neither re-derives a path or a split rule.
package filelist

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// File is one entry of a package's file list, as rpmbuild records it
// from the spec gotc-spec generates. Every file is owned by root:root.
type File struct {
	// Path is absolute and clean.
	Path string
	// Mode is the full st_mode, type bits included.
	Mode uint32
	// Size is a regular file's body size (ghosts included), a
	// symlink's target length, 0 for a directory.
	Size int64
	// MTime is the tree entry's mtime clamped to the build time; the
	// build time for the plan's own entries and for directories whose
	// mtime the tree does not know.
	MTime uint32
	// Flags holds rpmtag.File* bits: FileDoc, FileLicense, FileGhost.
	Flags uint32
	// LinkTo is a symlink's target.
	LinkTo string
	// Open returns the body of a regular, non-ghost file: the tree's, or
	// for go.env the plan's rewrite of it. It works until the tree is
	// closed.
	Open func() (io.ReadCloser, error)
	// Entry is the tree entry the file comes from; nil for the plan's
	// own entries.
	Entry *srctree.Entry
}

// Of returns, by package name, the file list of each package of p built
// from tree t at buildTime (see toolchain.Plan.BuildTime), sorted by
// path. It refuses a tree that is not the toolchain p packages (its
// VERSION differs). Bodies are not read, except go.env's.
func Of(p *toolchain.Plan, t *srctree.Tree, buildTime time.Time) (map[string][]File, error) {
	if err := checkVersion(p, t); err != nil {
		return nil, err
	}
	clamp := uint32(buildTime.Unix())
	mtime := func(t time.Time) uint32 {
		if u := t.Unix(); u >= 0 && u < int64(clamp) {
			return uint32(u)
		}
		return clamp
	}
	files := map[string][]File{}
	removed := map[string]bool{} // excluded directories: skip what is under them
	entries := t.Entries()
	for i := range entries {
		e := &entries[i]
		if e.Rel == "" {
			continue // the root is owned explicitly below, as the spec's %dir %{goroot}
		}
		if removed[path.Dir(e.Rel)] {
			removed[e.Rel] = true
			continue
		}
		pkg, flag, excluded := p.Classify(e.Rel, e.IsDir())
		if excluded {
			removed[e.Rel] = true
			continue
		}
		f := File{
			Path:   p.GOROOT + "/" + e.Rel,
			Mode:   e.Mode,
			Size:   e.Size,
			MTime:  mtime(e.MTime),
			LinkTo: e.LinkTo,
			Entry:  e,
		}
		switch flag {
		case toolchain.FlagDoc:
			f.Flags |= rpmtag.FileDoc
		case toolchain.FlagLicense:
			f.Flags |= rpmtag.FileLicense
		}
		if e.IsRegular() {
			if e.Rel == "go.env" {
				content, err := t.ReadSmall(e, 1<<20)
				if err != nil {
					return nil, fmt.Errorf("%s: reading go.env: %w", t.Source(), err)
				}
				body := p.RewriteGoEnv(content)
				f.Size = int64(len(body))
				f.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			} else {
				f.Open = func() (io.ReadCloser, error) { return t.Open(e) }
			}
		}
		files[pkg.Name] = append(files[pkg.Name], f)
	}
	main := p.Main().Name
	for _, pkg := range p.Packages {
		for _, d := range p.SharedDirs {
			files[pkg.Name] = append(files[pkg.Name], File{Path: d, Mode: 0o40755, MTime: clamp})
		}
	}
	for _, g := range p.Ghosts {
		f := File{Path: g.Path, Mode: 0o100644, MTime: clamp, Flags: rpmtag.FileGhost}
		if g.LinkTo != "" {
			f.Mode, f.LinkTo, f.Size = 0o120777, g.LinkTo, int64(len(g.LinkTo))
		}
		files[main] = append(files[main], f)
	}
	for _, l := range p.Links {
		files[main] = append(files[main], File{Path: l.Path, Mode: 0o120777, MTime: clamp, LinkTo: l.Target, Size: int64(len(l.Target))})
	}
	for name := range files {
		list := files[name]
		sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	}
	return files, nil
}

// checkVersion refuses a tree that is not the toolchain the plan names.
func checkVersion(p *toolchain.Plan, t *srctree.Tree) error {
	var version []byte
	if e := t.Lookup("VERSION"); e != nil && e.IsRegular() {
		b, err := t.ReadSmall(e, 4096)
		if err != nil {
			return fmt.Errorf("%s: reading VERSION: %w", t.Source(), err)
		}
		version = b
	}
	first, _, _ := strings.Cut(string(version), "\n")
	if strings.TrimSpace(first) != p.Version.GoVersion() {
		return fmt.Errorf("toolchain tree is %q, but %s packages %s", strings.TrimSpace(first), p.Name, p.Version.GoVersion())
	}
	return nil
}
