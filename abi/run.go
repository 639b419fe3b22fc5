package abi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/toolchain"
)

// Options control Run.
type Options struct {
	// Targets are the targets to give a verdict for.
	Targets []toolchain.Target
	// Root is the root file system whose glibc is checked, "" for none
	// (gotc-rpm abi checks "/" unless told otherwise).
	Root string
	// RPM controls how packages are read.
	RPM RPMOptions
}

// Report is what Run found about every input.
type Report struct {
	// Root is the root file system checked ("" for none) and RootGlibc
	// the glibc read from it, one per architecture.
	Root      string   `json:"root,omitempty"`
	RootGlibc []*Glibc `json:"root_glibc,omitempty"`
	// Targets are the canonical names of the targets asked about.
	Targets []string `json:"targets,omitempty"`
	Inputs  []*Input `json:"inputs"`
}

// Fails reports whether some input does not run on a target or the root
// it was asked about: the CLI's exit status 1.
func (r *Report) Fails() bool {
	for _, in := range r.Inputs {
		for _, v := range in.Targets {
			if !v.Runs {
				return true
			}
		}
		if in.Root != nil && !in.Root.Runs {
			return true
		}
	}
	return false
}

// rpmMagic starts every RPM package (the lead).
const rpmMagic = "\xed\xab\xee\xdb"

// Run analyses each path, an ELF file or an RPM package, names the
// oldest known targets it runs on and gives a verdict for each target of
// opt and for opt.Root. The error is for an input or a root that cannot
// be used (the CLI's exit status 2): a missing or unreadable file,
// neither ELF nor RPM, a malformed ELF file, a broken package.
func Run(paths []string, opt Options) (*Report, error) {
	rep := &Report{Root: opt.Root, Inputs: []*Input{}}
	for _, t := range opt.Targets {
		rep.Targets = append(rep.Targets, t.Name)
	}
	var root *Root
	if opt.Root != "" {
		var err error
		if root, err = OpenRoot(opt.Root); err != nil {
			return nil, err
		}
		defer root.Close()
	}
	for _, p := range paths {
		in, err := analyzePath(p, opt.RPM)
		if err != nil {
			return nil, err
		}
		for _, t := range opt.Targets {
			in.Check(t)
		}
		if root != nil {
			if _, err := in.CheckRoot(root); err != nil {
				return nil, err
			}
		}
		rep.Inputs = append(rep.Inputs, in)
	}
	if root != nil {
		for _, g := range root.glibc {
			rep.RootGlibc = append(rep.RootGlibc, g)
		}
		slices.SortFunc(rep.RootGlibc, func(a, b *Glibc) int { return strings.Compare(a.Machine, b.Machine) })
	}
	return rep, nil
}

// analyzePath analyses one input by its magic.
func analyzePath(path string, opt RPMOptions) (*Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch string(magic[:]) {
	case "\x7fELF":
		file, err := Analyze(path, f, st.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return NewInput(path, []*File{file}), nil
	case rpmMagic:
		return AnalyzeRPM(path, opt)
	}
	return nil, fmt.Errorf("%s: neither an ELF file nor an RPM package", path)
}
