package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"text/tabwriter"

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
	Root string
	// NoRun skips running each toolchain's go command.
	NoRun bool
	// NoRPM skips rpm -V.
	NoRPM bool
	JSON  cli.JSONFlag
}

func (o *selfcheckOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", "configuration `FILE` the toolchains were packaged with (default: gotc's defaults)")
	fs.StringVar(&o.Root, "root", "/", "install root `DIR` to check")
	fs.BoolVar(&o.NoRun, "no-run", false, "do not run the toolchains' go commands")
	fs.BoolVar(&o.NoRPM, "no-rpm", false, "do not verify the toolchains' packages with rpm -V")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

func (o *selfcheckOptions) Run(env *cli.Env, _ []string) error {
	if fi, err := os.Stat(o.Root); err != nil {
		return cli.Unusable(fmt.Errorf("--root: %w", err))
	} else if !fi.IsDir() {
		return cli.Usage("--root %s is not a directory", o.Root)
	}
	cfg, err := o.Config.LoadOrDefaults(env.Stderr)
	if err != nil {
		return err
	}
	opt := selfcheck.Options{Root: o.Root, Run: !o.NoRun}
	if !o.NoRPM {
		opt.RPM, _ = exec.LookPath("rpm") // without rpm, nothing to verify against
	}
	rep, err := selfcheck.Check(cfg, opt)
	if err != nil {
		return cli.Unusable(err)
	}
	w := bufio.NewWriter(env.Stdout)
	if o.JSON.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rep.Findings == nil {
			rep.Findings = []selfcheck.Finding{}
		}
		if rep.Toolchains == nil {
			rep.Toolchains = []selfcheck.Toolchain{}
		}
		err = enc.Encode(rep)
	} else {
		err = writeSelfcheck(w, rep)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if rep.Errors() > 0 {
		return cli.Findings("%d error(s)", rep.Errors())
	}
	return nil
}

// writeSelfcheck prints the report: one line per toolchain, one per
// finding, and a summary.
func writeSelfcheck(w io.Writer, rep *selfcheck.Report) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, t := range rep.Toolchains {
		state := "not registered"
		if t.Registered {
			state = fmt.Sprintf("registered, priority %d", t.Priority)
		}
		if t.Selected {
			state += ", selected"
		}
		fmt.Fprintf(tw, "toolchain\t%s\t%s\t%s\n", t.Dir, t.GoVersion, state)
	}
	for _, f := range rep.Findings {
		tc := f.Toolchain
		if tc == "" {
			tc = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Level, tc, f.Path, f.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	mode := rep.Mode
	if mode == "" {
		mode = "none"
	}
	_, err := fmt.Fprintf(w, "%d toolchain(s) in %s, alternatives mode %s: %d error(s), %d warning(s)\n", len(rep.Toolchains), rep.Root, mode, rep.Errors(), rep.Warnings())
	return err
}
