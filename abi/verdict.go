package abi

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/toolchain"
)

// Input is one file the abi report covers: an ELF file, or an RPM
// package and the ELF files in its payload.
type Input struct {
	// Path is the file as given.
	Path string `json:"path"`
	// Package is the package's NEVRA when Path is an RPM package.
	Package string `json:"package,omitempty"`
	// Files are the ELF file, or the package's ELF files by path.
	Files []*File `json:"files"`
	// Skipped are package ELF files left out (test data), by path.
	Skipped []string `json:"skipped,omitempty"`
	// Static is set when every ELF file is a statically linked program.
	Static bool `json:"static"`
	// Needs are the files' glibc needs together: a version is weak only
	// if it is weak in every file that needs it.
	Needs []Need `json:"needs"`
	// Newest is the newest need that counts, NewestFile the file it
	// comes from (the first by path) and Symbols that file's symbols
	// bound to it.
	Newest     *Need    `json:"newest,omitempty"`
	NewestFile string   `json:"newest_file,omitempty"`
	Symbols    []string `json:"symbols,omitempty"`
	// Undated are the needs that count but that gotc cannot date (a
	// GLIBC_ABI_ marker it does not know): no target is known to run the
	// file, only a root can tell.
	Undated []Need `json:"undated,omitempty"`
	// Oldest are the oldest known targets the input runs on, one per
	// distribution (fedora-38, epel-9), in KnownTargets' order.
	Oldest []string `json:"oldest_targets"`
	// Targets are the verdicts for the targets asked about, Root for the
	// root.
	Targets []Verdict `json:"targets,omitempty"`
	Root    *Verdict  `json:"root,omitempty"`
}

// Verdict says whether an input runs on one target or root.
type Verdict struct {
	// Target is the canonical target name, or "root".
	Target string `json:"target"`
	// Glibc is the glibc release the target or root has ("" when the
	// root has none for the input's architecture).
	Glibc string `json:"glibc"`
	Runs  bool   `json:"runs"`
	// Missing are the needs that count and that the target or root
	// lacks, newest first.
	Missing []Need `json:"missing,omitempty"`
	// Note explains further: a backport that newer minor releases have,
	// a root without glibc, a statically linked input.
	Note string `json:"note,omitempty"`
}

// NewInput gathers the files of one input and computes what they need
// together and the oldest known targets they run on.
func NewInput(path string, files []*File) *Input {
	in := &Input{Path: path, Files: files, Needs: []Need{}, Static: len(files) > 0}
	slices.SortStableFunc(in.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	for _, f := range in.Files {
		if f.Error != "" {
			in.Static = false
			continue
		}
		in.Static = in.Static && f.Kind.Static()
		in.Needs = append(in.Needs, f.Needs...)
		if f.Newest != nil && (in.Newest == nil || better(*f.Newest, *in.Newest)) {
			n := *f.Newest
			in.Newest, in.NewestFile, in.Symbols = &n, f.Path, f.Symbols
		}
	}
	in.Needs = sortNeeds(in.Needs)
	for _, n := range in.Needs {
		if n.counts() && n.Release == "" {
			in.Undated = append(in.Undated, n)
		}
	}
	if len(in.Files) <= 1 {
		in.NewestFile = ""
	}
	for _, family := range []string{"fedora", "epel"} {
		for _, t := range toolchain.Targets() {
			if t.Distro == family && t.Name != "rawhide" && in.missing(t.Glibc) == nil && len(in.Undated) == 0 {
				in.Oldest = append(in.Oldest, t.Name)
				break
			}
		}
	}
	if in.Oldest == nil {
		in.Oldest = []string{}
	}
	return in
}

// missing returns the dated needs that count and are newer than glibc,
// newest first.
func (in *Input) missing(glibc string) []Need {
	var out []Need
	for _, n := range in.Needs {
		if n.counts() && n.Release != "" && Compare(n.Release, glibc) > 0 {
			out = append(out, n)
		}
	}
	return newestFirst(out)
}

// newestFirst sorts needs by release, newest first, then by library.
func newestFirst(needs []Need) []Need {
	slices.SortStableFunc(needs, func(a, b Need) int {
		if c := compareNeeds(b, a); c != 0 {
			return c
		}
		return strings.Compare(a.Library, b.Library)
	})
	return needs
}

// Check records the verdict for target t: the input runs there when
// the target's glibc has every need that counts.
func (in *Input) Check(t toolchain.Target) Verdict {
	v := Verdict{Target: t.Name, Glibc: t.Glibc}
	v.Missing = append(in.missing(t.Glibc), in.Undated...)
	v.Runs = len(v.Missing) == 0
	switch {
	case len(in.Undated) > 0:
		v.Note = fmt.Sprintf("gotc cannot date %s; check a root of the target with --root", in.Undated[0].Version)
	case !v.Runs && t.Backport != "" && in.missing(t.Backport) == nil:
		v.Note = fmt.Sprintf("RHEL %s and later define GLIBC_%s by backport", t.BackportSince, t.Backport)
	case in.Static:
		v.Note = "statically linked"
	}
	in.Targets = append(in.Targets, v)
	return v
}

// CheckRoot records the verdict for the root r: every ELF file's needs
// that count must be met by the root's libc.so.6 of the file's
// architecture. An error is returned only for a root that cannot be
// read; a root without glibc is a verdict.
func (in *Input) CheckRoot(r *Root) (Verdict, error) {
	return in.checkGlibc(r.Glibc)
}

// checkGlibc is CheckRoot with the glibc of each file from glibcOf.
func (in *Input) checkGlibc(glibcOf func(*File) (*Glibc, error)) (Verdict, error) {
	v := Verdict{Target: "root", Runs: true}
	var missing []Need
	for _, f := range in.Files {
		if f.Error != "" {
			continue
		}
		needed := slices.ContainsFunc(f.Needs, Need.counts)
		g, err := glibcOf(f)
		switch {
		case errors.Is(err, ErrNoGlibc) && !needed:
			continue
		case errors.Is(err, ErrNoGlibc):
			v.Runs, v.Note = false, err.Error()
			continue
		case err != nil:
			return v, err
		}
		if v.Glibc == "" {
			v.Glibc = g.Release
		}
		for _, n := range f.Needs {
			if n.counts() && !g.has(n) && !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
	}
	v.Missing = newestFirst(missing)
	if len(v.Missing) > 0 {
		v.Runs = false
	}
	if v.Note == "" && in.Static {
		v.Note = "statically linked"
	}
	in.Root = &v
	return v, nil
}
