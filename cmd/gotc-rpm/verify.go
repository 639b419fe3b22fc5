package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/sigcheck"
	"github.com/gotc-project/gotc/verify"
)

var verifyVerb = cli.Verb{
	Name:    "verify",
	Summary: "check toolchain RPMs: digests, structure, files, alternatives, ABI",
	Args:    cli.AtLeast(1, "RPM file"),
	New:     func() cli.Options { return &verifyOptions{} },
}

// verifyOptions are the flags of gotc-rpm verify.
type verifyOptions struct {
	// Config is the configuration the packages were built from; empty
	// means infer the plan from each package's name and version.
	Config  cli.ConfigFlag
	Sources cli.SourcesFlag
	Targets cli.TargetFlag
	// Keyrings are files of OpenPGP public keys the header signatures
	// are verified with.
	Keyrings []string
	JSON     cli.JSONFlag
}

func (o *verifyOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", "configuration `FILE` the packages were built from (default: infer the plan from each package)")
	o.Sources.AddFlags(fs, "compare with the exact file lists built from the tarballs the configuration names, in `DIR`")
	o.Targets.AddFlags(fs, "check ELF files' glibc needs against `TARGET` (fedora-43, el9, rawhide), and require a signature where its rpm does (fedora-45, rawhide); repeatable")
	fs.StringArrayVar(&o.Keyrings, "keyring", nil, "verify every header signature with the OpenPGP public keys in `FILE` (armored or binary); repeatable")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

// Validate checks flag values and combinations that need no file access.
func (o *verifyOptions) Validate() error {
	if o.Sources.Dir != "" && o.Config.Path == "" {
		return cli.Usage("--sources needs -c, the configuration that names the tarballs")
	}
	return o.Targets.Validate()
}

func (o *verifyOptions) Run(env *cli.Env, files []string) error {
	opt := verify.Options{Sources: o.Sources.Dir, Targets: o.Targets.Targets()}
	if len(o.Keyrings) > 0 {
		kr, err := sigcheck.LoadKeyring(o.Keyrings...)
		if err != nil {
			return cli.Unusable(fmt.Errorf("--keyring: %w", err))
		}
		opt.Keyring = kr
	}
	if o.Config.Path != "" {
		cfg, err := o.Config.Load(env.Stderr)
		if err != nil {
			return err
		}
		opt.Config = cfg
		if len(opt.Targets) == 0 {
			if opt.Targets, err = verify.Targets(cfg.Targets); err != nil {
				return cli.Usage("%s: %v", o.Config.Path, err)
			}
		}
	}
	rep, err := verify.Files(files, opt)
	if err != nil {
		var ie *verify.InputError
		if errors.As(err, &ie) {
			return cli.Unusable(err)
		}
		return err
	}
	if err := o.JSON.Write(env.Stdout, rep); err != nil {
		return err
	}
	if rep.Errors > 0 {
		return cli.Findings("%d error(s) in %d package(s)", rep.Errors, rep.Packages)
	}
	return nil
}
