package main

import (
	"os/exec"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/selfcheck"
)

// installedConfigUsage is --config's usage for the verbs that check
// installed toolchains (selfcheck, doctor).
const installedConfigUsage = "configuration `FILE` the toolchains were packaged with (default: gotc's defaults)"

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
	// Probe runs the compile probe; StateDir keeps its references, and
	// Reset records them anew.
	Probe    bool
	StateDir string
	Reset    bool
	JSON     cli.JSONFlag
}

func (o *selfcheckOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", installedConfigUsage)
	o.Root.AddFlags(fs, "install root `DIR` to check")
	fs.BoolVar(&o.NoRun, "no-run", false, "do not run the toolchains' programs (go version, go env, each tool's -V=full)")
	fs.BoolVar(&o.RunRoot, "run-root", false, "with a --root other than /, run its toolchains' programs, confined (chroot, no network, as nobody)")
	fs.BoolVar(&o.NoRPM, "no-rpm", false, "do not check the toolchains against the root's rpm database")
	fs.StringVar(&o.DBPath, "dbpath", "", "the root's rpm database `DIR`, a path in the root (default: the first of /usr/lib/sysimage/rpm, /var/lib/rpm and rpm's %_dbpath that holds one)")
	fs.StringVar(&o.Cache, "cache", "", "also check the Go build cache `DIR` (GOCACHE) with each toolchain of the running system: a fixed program built with it and with an empty cache must be the same")
	fs.BoolVar(&o.Probe, "probe", false, "also build a fixed set of programs with each toolchain of the running system (pure Go, and cgo where a C compiler is found), offline with a fresh build cache, and compare the binaries with the references recorded in --state-dir on first use")
	fs.StringVar(&o.StateDir, "state-dir", "", "the `DIR` --probe keeps its references in, as probe.json (default "+selfcheck.DefaultStateDir+")")
	fs.BoolVar(&o.Reset, "reset", false, "with --probe, forget the recorded references and record them anew (for each toolchain whose files show no error)")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

func (o *selfcheckOptions) Validate() error {
	if o.RunRoot && o.NoRun {
		return cli.Usage("--run-root and --no-run contradict each other")
	}
	if o.DBPath != "" && o.NoRPM {
		return cli.Usage("--dbpath needs the rpm checks --no-rpm turns off")
	}
	if o.Probe && o.NoRun {
		return cli.Usage("--probe builds with the toolchains' go commands, which --no-run does not run")
	}
	if o.StateDir != "" && !o.Probe {
		return cli.Usage("--state-dir is where --probe keeps its references: it needs --probe")
	}
	if o.Reset && !o.Probe {
		return cli.Usage("--reset records the probe's references anew: it needs --probe")
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
	opt := selfcheck.Options{Root: o.Root.Dir, Run: !o.NoRun, RunRoot: o.RunRoot, DBPath: o.DBPath, Cache: o.Cache,
		Probe: o.Probe, StateDir: o.StateDir, ResetProbe: o.Reset}
	if !o.NoRPM {
		opt.RPM, _ = exec.LookPath("rpm") // without rpm, nothing to verify against
	}
	rep, err := selfcheck.Check(cfg, opt)
	if err != nil {
		return cli.Unusable(err)
	}
	if err := o.JSON.Write(env.Stdout, rep); err != nil {
		return err
	}
	return cli.ErrorsFound(rep.Counts)
}
