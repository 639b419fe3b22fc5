package main

import (
	"fmt"
	"io"
	"os/exec"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/selfcheck"
	"github.com/gotc-project/gotc/toolchain"
)

// selfcheckOptions are the flags of gotc-rpm selfcheck.
type selfcheckOptions struct {
	// Config gives the layout, alternatives and go.env settings; empty
	// means gotc's defaults.
	Config string
	// Root is the install root to check.
	Root string
	// NoRun skips running each toolchain's go command.
	NoRun bool
	// NoRPM skips rpm -V.
	NoRPM bool
	// JSON selects the machine-readable report.
	JSON bool
}

func (o *selfcheckOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", "", "configuration the toolchains were packaged with (default: gotc's defaults)")
	fs.StringVar(&o.Root, "root", "/", "install root to check")
	fs.BoolVar(&o.NoRun, "no-run", false, "do not run the toolchains' go commands")
	fs.BoolVar(&o.NoRPM, "no-rpm", false, "do not verify the toolchains' packages with rpm -V")
	fs.BoolVar(&o.JSON, "json", false, "print a JSON report instead of text")
}

func runSelfcheck(args []string, stdout, stderr io.Writer) error {
	var o selfcheckOptions
	fs := prog.NewFlagSet("selfcheck")
	o.addFlags(fs)
	if err := prog.Parse(fs, "selfcheck", args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usage("selfcheck: unexpected argument %q", fs.Arg(0))
	}
	cfg := toolchain.Defaults()
	if o.Config != "" {
		var err error
		if cfg, err = cli.LoadConfig(o.Config, stderr); err != nil {
			return err
		}
	}
	opt := selfcheck.Options{Root: o.Root, Run: !o.NoRun}
	if !o.NoRPM {
		opt.RPM, _ = exec.LookPath("rpm") // without rpm, nothing to verify against
	}
	rep, err := selfcheck.Check(cfg, opt)
	if err != nil {
		return &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("selfcheck: %w", err)}
	}
	if o.JSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Errors > 0 {
		return cli.Findings("selfcheck: %d error(s)", rep.Errors)
	}
	return nil
}
