package main

import (
	"bytes"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmlintcfg"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

var genVerb = cli.Verb{
	Name:    "gen",
	Summary: "write one RPM spec (and its rpmlintrc) per Go series",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &genOptions{} },
}

// genOptions are the flags of gotc-spec gen.
type genOptions struct {
	Config cli.ConfigFlag
	Gen    cli.GenerateFlags
}

func (o *genOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
	o.Gen.AddFlags(fs, ".", "write the specs and rpmlintrc files into `DIR`", false, "spec.tmpl")
}

func (o *genOptions) Validate() error { return o.Gen.Validate() }

func (o *genOptions) Run(env *cli.Env, _ []string) error {
	epoch, err := env.SourceDateEpoch()
	if err != nil {
		return err
	}
	cfg, err := o.Config.Load(env.Stderr)
	if err != nil {
		return err
	}
	opt := specgen.Options{ConfigName: filepath.Base(o.Config.Path), SourceDateEpoch: epoch, Templates: o.Gen.Templates()}
	var files []cli.File
	for _, p := range cfg.Plans() {
		var spec, rc bytes.Buffer
		if err := specgen.Generate(&spec, p, opt); err != nil {
			return cli.Unusable(err)
		}
		if err := rpmlintcfg.RC(&rc, p, opt.ConfigName, rpmlintcfg.ForPlan(p)); err != nil {
			return cli.Unusable(err)
		}
		files = append(files,
			cli.File{Name: specgen.FileName(p), Content: spec.Bytes()},
			cli.File{Name: rpmlintcfg.RCFileName(p), Content: rc.Bytes()})
	}
	return o.Gen.EmitFiles(env, o.Config.Path, files, "file(s) out of date; run gotc-spec gen")
}
