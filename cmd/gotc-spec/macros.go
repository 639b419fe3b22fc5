package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

var macrosVerb = cli.Verb{
	Name:    "macros",
	Summary: "write the RPM macros file for hand-written specs",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &macrosOptions{} },
}

// macrosOptions are the flags of gotc-spec macros.
type macrosOptions struct {
	Config cli.ConfigFlag
	Gen    cli.GenerateFlags
}

func (o *macrosOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", "configuration `FILE` (default: gotc.yaml when there is one, else gotc's defaults)")
	o.Gen.AddFlags(fs, specgen.MacrosFileName, "`FILE` written (a directory gets FILE/"+specgen.MacrosFileName+"); - for standard output", true, "macros.tmpl")
}

func (o *macrosOptions) Validate() error { return o.Gen.Validate() }

func (o *macrosOptions) Run(env *cli.Env, _ []string) error {
	cfg, source, err := o.config(env)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := specgen.GenerateMacros(&buf, cfg, specgen.Options{ConfigName: filepath.Base(source), Templates: o.Gen.Templates()}); err != nil {
		return cli.Unusable(err)
	}
	path := o.Gen.Output
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, specgen.MacrosFileName)
	}
	drifted, err := o.Gen.Emit(path, buf.Bytes(), source, env.Stdout)
	if err != nil {
		return err
	}
	if drifted {
		return cli.Findings("%s is out of date; run gotc-spec macros", path)
	}
	return nil
}

// config is the configuration -c names; without -c, gotc.yaml when there
// is one, else gotc's defaults — a hand-written spec usually has no
// gotc.yaml.
func (o *macrosOptions) config(env *cli.Env) (*toolchain.Config, string, error) {
	if o.Config.Path == "" {
		if _, err := os.Stat(toolchain.DefaultPath); errors.Is(err, fs.ErrNotExist) {
			return toolchain.Defaults(), "gotc's defaults", nil
		}
		o.Config.Path = toolchain.DefaultPath
	}
	cfg, err := o.Config.Load(env.Stderr)
	return cfg, o.Config.Path, err
}
