package main

import (
	"os/exec"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/selfcheck"
)

var selfcheckVerb = cli.Verb{
	Name:    "selfcheck",
	Summary: "check the toolchains installed on this system or under --root",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &selfcheckOptions{} },
}

// selfcheckOptions are the flags of gotc-rpm selfcheck.
type selfcheckOptions struct {
	// Config gives the layout, alternatives and go.env settings; empty
	// means gotc's defaults.
	Config cli.ConfigFlag
	// Root is the install root to check.
	Root cli.RootFlag
	// NoRun skips running each toolchain's go command.
	NoRun bool
	// NoRPM skips rpm -V.
	NoRPM bool
	JSON  cli.JSONFlag
}

func (o *selfcheckOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", "configuration `FILE` the toolchains were packaged with (default: gotc's defaults)")
	o.Root.AddFlags(fs, "install root `DIR` to check")
	fs.BoolVar(&o.NoRun, "no-run", false, "do not run the toolchains' go commands")
	fs.BoolVar(&o.NoRPM, "no-rpm", false, "do not verify the toolchains' packages with rpm -V")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

func (o *selfcheckOptions) Run(env *cli.Env, _ []string) error {
	if err := o.Root.Check(); err != nil {
		return err
	}
	cfg, err := o.Config.LoadOrDefaults(env.Stderr)
	if err != nil {
		return err
	}
	opt := selfcheck.Options{Root: o.Root.Dir, Run: !o.NoRun}
	if !o.NoRPM {
		opt.RPM, _ = exec.LookPath("rpm") // without rpm, nothing to verify against
	}
	rep, err := selfcheck.Check(cfg, opt)
	if err != nil {
		return cli.Unusable(err)
	}
	if o.JSON.JSON {
		err = rep.WriteJSON(env.Stdout)
	} else {
		err = rep.WriteText(env.Stdout)
	}
	if err != nil {
		return err
	}
	if rep.Errors > 0 {
		return cli.Findings("%d error(s)", rep.Errors)
	}
	return nil
}
