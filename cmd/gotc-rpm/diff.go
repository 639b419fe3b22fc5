package main

import (
	"bufio"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmdiff"
	"github.com/gotc-project/gotc/rpmread"
)

var diffVerb = cli.Verb{
	Name:    "diff",
	Summary: "compare two RPMs by content, ignoring how they were built",
	Args:    cli.Exactly(2, "RPM file"),
	New:     func() cli.Options { return &diffOptions{} },
}

// diffOptions are the flags of gotc-rpm diff.
type diffOptions struct {
	// Strict compares everything, build facts and signatures included.
	Strict bool
	JSON   cli.JSONFlag
}

func (o *diffOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.Strict, "strict", false, "compare everything: build time and host, compression, signatures, mtimes")
	o.JSON.AddFlags(fs, "print a JSON array of {kind, name, field, a, b} instead of text")
}

func (o *diffOptions) Run(env *cli.Env, files []string) error {
	var rs [2]*rpmread.Reader
	for i, path := range files {
		r, err := rpmread.Open(path)
		if err != nil {
			return cli.Unusable(err)
		}
		defer r.Close()
		// Equal headers say nothing of a damaged payload: check the
		// package's digests (the stored payload is read, not unpacked).
		if err := r.Verify(); err != nil {
			return cli.Unusable(fmt.Errorf("%s: %w", path, err))
		}
		rs[i] = r
	}
	diffs := rpmdiff.Compare(rs[0], rs[1], rpmdiff.Options{Strict: o.Strict})
	w := bufio.NewWriter(env.Stdout)
	write := rpmdiff.WriteText
	if o.JSON.JSON {
		write = rpmdiff.WriteJSON
	}
	if err := write(w, diffs); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	switch n := len(diffs); n {
	case 0:
		return nil
	case 1:
		return cli.Findings("1 difference")
	default:
		return cli.Findings("%d differences", n)
	}
}
