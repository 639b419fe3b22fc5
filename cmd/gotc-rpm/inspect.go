package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmread"
)

// inspectOptions are the flags of gotc-rpm inspect.
type inspectOptions struct {
	// JSON selects the machine-readable output.
	JSON bool
}

func (o *inspectOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.JSON, "json", false, "print JSON instead of text")
}

func runInspect(args []string, stdout, stderr io.Writer) error {
	var o inspectOptions
	fs := prog.NewFlagSet("inspect")
	o.addFlags(fs)
	if err := parseFlags(fs, args, 1, "inspect", stdout); err != nil {
		return err
	}
	var pkgs []*rpmread.Package
	for _, path := range fs.Args() {
		r, err := rpmread.Open(path)
		if err != nil {
			return &cli.ExitError{Code: cli.ExitUsage, Err: err}
		}
		// Like rpm -qp: a header that fails its digest is not shown.
		err = r.VerifyHeader()
		r.Close()
		if err != nil {
			return &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("%s: %w", path, err)}
		}
		pkgs = append(pkgs, r.Package)
	}
	w := bufio.NewWriter(stdout)
	if o.JSON {
		if err := rpmread.WriteJSON(w, pkgs...); err != nil {
			return err
		}
	} else {
		for i, p := range pkgs {
			if i > 0 {
				fmt.Fprintln(w)
			}
			if err := rpmread.WriteText(w, p); err != nil {
				return err
			}
		}
	}
	return w.Flush()
}
