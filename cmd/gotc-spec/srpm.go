package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

var srpmVerb = cli.Verb{
	Name:    "srpm",
	Summary: "write the source packages (spec and tarballs) for Koji and Copr",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &srpmOptions{} },
}

// srpmOptions are the flags of gotc-spec srpm.
type srpmOptions struct {
	Config  cli.ConfigFlag
	Sources cli.SourcesFlag
	Package cli.PackageFlags
}

func (o *srpmOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
	o.Sources.AddFlags(fs, "read the upstream tarballs the configuration names from `DIR` (required)")
	o.Package.AddFlags(fs, "gzip:9", "source packages", "the `ARCH` recorded in the source packages (rpmbuild -bs records the build machine's)")
}

func (o *srpmOptions) Validate() error {
	if o.Sources.Dir == "" {
		return cli.Usage("--sources DIR is required")
	}
	return o.Package.Validate()
}

func (o *srpmOptions) Run(env *cli.Env, _ []string) (err error) {
	epoch, err := env.SourceDateEpoch()
	if err != nil {
		return err
	}
	signer, err := o.Package.Sign.Signer()
	if err != nil {
		return err
	}
	cfg, err := o.Config.Load(env.Stderr)
	if err != nil {
		return err
	}
	plans, err := o.Package.Plans(cfg)
	if err != nil {
		return err
	}
	undo, err := cli.MakeOutputDir(o.Package.Output)
	if err != nil {
		return cli.Unusable(err)
	}
	defer func() {
		if err != nil {
			undo()
		}
	}()
	for _, p := range plans {
		var spec bytes.Buffer
		if err := specgen.Generate(&spec, p, specgen.Options{ConfigName: filepath.Base(o.Config.Path), SourceDateEpoch: epoch}); err != nil {
			return cli.Unusable(err)
		}
		opt := rpmbuild.SourceOptions{Common: o.Package.Common(epoch)}
		opt.Sign = cli.SignAt(signer, p.BuildTime(epoch))
		r, err := rpmbuild.BuildSource(p, spec.Bytes(), o.Sources.Dir, o.Package.Output, opt)
		var xerr *srctree.ExtractError
		switch {
		case errors.As(err, &xerr):
			return cli.Unusable(fmt.Errorf("%s: %w", p.Name, err))
		case err != nil:
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", r.Path)
	}
	return nil
}
