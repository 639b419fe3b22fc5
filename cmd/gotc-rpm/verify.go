package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/verify"
)

// verifyOptions are the flags of gotc-rpm verify.
type verifyOptions struct {
	// Config is the configuration the packages were built from; empty
	// means infer the plan from each package's name and version.
	Config string
	// Sources is the directory with the tarballs the config names.
	Sources string
	// Targets are the distributions the abi check checks against.
	Targets []string
	// JSON selects the machine-readable report.
	JSON bool
}

func (o *verifyOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", "", "configuration the packages were built from (default: infer from each package)")
	fs.StringVar(&o.Sources, "sources", "", "directory with the tarballs the config names: compare with the exact expected file lists")
	fs.StringSliceVar(&o.Targets, "target", nil, "check ELF files' glibc needs against this target (fedora-41, epel-8, rawhide); repeatable")
	fs.BoolVar(&o.JSON, "json", false, "print a JSON report instead of text")
}

// validate checks flag combinations that need no file access.
func (o *verifyOptions) validate() error {
	if o.Sources != "" && o.Config == "" {
		return cli.Usage("verify: --sources needs -c, the configuration that names the tarballs")
	}
	return nil
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	var o verifyOptions
	fs := prog.NewFlagSet("verify")
	o.addFlags(fs)
	if err := parseFlags(fs, args, 1, "verify", stdout); err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	targets, err := verify.Targets(o.Targets)
	if err != nil {
		return cli.Usage("verify: --target: %v", err)
	}
	opt := verify.Options{Sources: o.Sources, Targets: targets}
	if o.Config != "" {
		cfg, err := cli.LoadConfig(o.Config, stderr)
		if err != nil {
			return err
		}
		opt.Config = cfg
		if len(o.Targets) == 0 {
			if opt.Targets, err = verify.Targets(cfg.Targets); err != nil {
				return cli.Usage("verify: %s: %v", o.Config, err)
			}
		}
	}
	rep, err := verify.Files(fs.Args(), opt)
	if err != nil {
		var ie *verify.InputError
		if errors.As(err, &ie) {
			return &cli.ExitError{Code: cli.ExitUsage, Err: err}
		}
		return fmt.Errorf("verify: %w", err)
	}
	w := bufio.NewWriter(stdout)
	if o.JSON {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return err
	}
	if rep.Errors > 0 {
		return cli.Findings("verify: %d error(s) in %d package(s)", rep.Errors, rep.Packages)
	}
	return nil
}
