package main

import (
	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/abi"
	"github.com/gotc-project/gotc/internal/cli"
)

var abiVerb = cli.Verb{
	Name:    "abi",
	Summary: "tell which glibc an ELF file or RPM needs, and where it runs",
	Args:    cli.AtLeast(1, "ELF or RPM file"),
	New:     func() cli.Options { return &abiOptions{} },
}

// abiOptions are the flags of gotc-rpm abi.
type abiOptions struct {
	Targets cli.TargetFlag
	// Root is the root file system whose own glibc is checked.
	Root cli.RootFlag
	JSON cli.JSONFlag
}

func (o *abiOptions) AddFlags(fs *pflag.FlagSet) {
	o.Targets.AddFlags(fs, "also say whether each file runs on `TARGET` (el8, rhel-9, centos-stream-10, f43, rawhide); repeatable")
	o.Root.AddFlags(fs, "check against the glibc the root file system `DIR` has (its libc.so.6, read, never run)")
	o.JSON.AddFlags(fs, "print the report as JSON instead of text")
}

func (o *abiOptions) Validate() error { return o.Targets.Validate() }

func (o *abiOptions) Run(env *cli.Env, files []string) error {
	if err := o.Root.Check(); err != nil {
		return err
	}
	rep, err := abi.Run(files, abi.Options{Targets: o.Targets.Targets(), Root: o.Root.Dir})
	if err != nil {
		return cli.Unusable(err)
	}
	if err := o.JSON.Write(env.Stdout, rep); err != nil {
		return err
	}
	if rep.Fails() {
		return cli.Findings("a file does not run on a target or root it was asked about")
	}
	return nil
}
