package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/toolchain"
)

var validateVerb = cli.Verb{
	Name:    "validate",
	Summary: "check gotc.yaml and print a one-line summary",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &validateOptions{} },
}

// validateOptions are the flags of gotc-spec validate.
type validateOptions struct {
	Config cli.ConfigFlag
}

func (o *validateOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
}

func (o *validateOptions) Run(env *cli.Env, _ []string) error {
	cfg, err := o.Config.Load(env.Stderr)
	if err != nil {
		return err
	}
	var series []string
	for _, p := range cfg.Plans() {
		series = append(series, fmt.Sprintf("%s (%s %s)", p.Name, p.RPMVersion, strings.Join(p.Arches, "/")))
	}
	_, err = fmt.Fprintf(env.Stdout, "%s: valid, %d toolchain(s): %s\n", o.Config.Path, len(series), strings.Join(series, ", "))
	return err
}
