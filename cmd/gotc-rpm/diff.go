package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmdiff"
	"github.com/gotc-project/gotc/rpmread"
)

// diffOptions are the flags of gotc-rpm diff.
type diffOptions struct {
	// Strict compares everything, build facts and signatures included.
	Strict bool
	// JSON selects the machine-readable output.
	JSON bool
}

func (o *diffOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.Strict, "strict", false, "compare everything: build time and host, compression, signatures, mtimes")
	fs.BoolVar(&o.JSON, "json", false, "print JSON instead of text")
}

func runDiff(args []string, stdout, stderr io.Writer) error {
	var o diffOptions
	fs := prog.NewFlagSet("diff")
	o.addFlags(fs)
	if err := parseFlags(fs, args, 0, "diff", stdout); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return cli.Usage("diff: want two RPM files, got %d", fs.NArg())
	}
	var rs [2]*rpmread.Reader
	for i, path := range fs.Args() {
		r, err := rpmread.Open(path)
		if err != nil {
			return &cli.ExitError{Code: cli.ExitUsage, Err: err}
		}
		defer r.Close()
		// Equal headers say nothing of a damaged payload: check the
		// package's digests (the stored payload is read, not unpacked).
		if err := r.Verify(); err != nil {
			return &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("%s: %w", path, err)}
		}
		rs[i] = r
	}
	diffs := rpmdiff.Compare(rs[0], rs[1], rpmdiff.Options{Strict: o.Strict})
	w := bufio.NewWriter(stdout)
	write := rpmdiff.WriteText
	if o.JSON {
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
