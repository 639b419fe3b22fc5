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
	// NoRun skips running each toolchain's programs.
	NoRun bool
	// RunRoot runs the programs of a root other than /, confined.
	RunRoot bool
	// NoRPM skips the checks against the root's rpm database.
	NoRPM bool
	// DBPath is the root's rpm database, a path in the root.
	DBPath string
	// Cache is a Go build cache to check.
	Cache string
	JSON  cli.JSONFlag
}

func (o *selfcheckOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", "configuration `FILE` the toolchains were packaged with (default: gotc's defaults)")
	o.Root.AddFlags(fs, "install root `DIR` to check")
	fs.BoolVar(&o.NoRun, "no-run", false, "do not run the toolchains' programs (go version, go env, each tool's -V=full)")
	fs.BoolVar(&o.RunRoot, "run-root", false, "with a --root other than /, run its toolchains' programs, confined (chroot, no network, as nobody)")
	fs.BoolVar(&o.NoRPM, "no-rpm", false, "do not check the toolchains against the root's rpm database")
	fs.StringVar(&o.DBPath, "dbpath", "", "the root's rpm database `DIR`, a path in the root (default: the first of /usr/lib/sysimage/rpm, /var/lib/rpm and rpm's %_dbpath that holds one)")
	fs.StringVar(&o.Cache, "cache", "", "also check the Go build cache `DIR` (GOCACHE) with each toolchain of the running system: a fixed program built with it and with an empty cache must be the same")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

func (o *selfcheckOptions) Validate() error {
	if o.RunRoot && o.NoRun {
		return cli.Usage("--run-root and --no-run contradict each other")
	}
	if o.DBPath != "" && o.NoRPM {
		return cli.Usage("--dbpath needs the rpm checks --no-rpm turns off")
	}
	return nil
}

func (o *selfcheckOptions) Run(env *cli.Env, _ []string) error {
	if err := o.Root.Check(); err != nil {
		return err
	}
	cfg, err := o.Config.LoadOrDefaults(env.Stderr)
	if err != nil {
		return err
	}
	opt := selfcheck.Options{Root: o.Root.Dir, Run: !o.NoRun, RunRoot: o.RunRoot, DBPath: o.DBPath, Cache: o.Cache}
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
