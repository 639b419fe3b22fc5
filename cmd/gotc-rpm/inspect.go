package main

import (
	"bufio"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmread"
)

var inspectVerb = cli.Verb{
	Name:    "inspect",
	Summary: "print what an RPM contains, like rpm -qip and rpm -qlvp",
	Args:    cli.AtLeast(1, "RPM file"),
	New:     func() cli.Options { return &inspectOptions{} },
}

// inspectOptions are the flags of gotc-rpm inspect.
type inspectOptions struct {
	JSON cli.JSONFlag
}

func (o *inspectOptions) AddFlags(fs *pflag.FlagSet) {
	o.JSON.AddFlags(fs, "print one JSON array, an object per package, instead of text")
}

func (o *inspectOptions) Run(env *cli.Env, files []string) error {
	var pkgs []*rpmread.Package
	for _, path := range files {
		r, err := rpmread.Open(path)
		if err != nil {
			return cli.Unusable(err)
		}
		// Like rpm -qp: a header that fails its digest is not shown.
		err = r.VerifyHeader()
		r.Close()
		if err != nil {
			return cli.Unusable(fmt.Errorf("%s: %w", path, err))
		}
		pkgs = append(pkgs, r.Package)
	}
	w := bufio.NewWriter(env.Stdout)
	if o.JSON.JSON {
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
