package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/toolchain"
)

// validateOptions are the flags of gotc-spec validate.
type validateOptions struct {
	// Config is the configuration file.
	Config string
}

func (o *validateOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
}

func runValidate(args []string, stdout, stderr io.Writer) error {
	var o validateOptions
	fs := prog.NewFlagSet("validate")
	o.addFlags(fs)
	if err := parseFlags(fs, args, 0, "validate", stdout); err != nil {
		return err
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	var series []string
	for _, p := range cfg.Plans() {
		series = append(series, fmt.Sprintf("%s (%s %s)", p.Name, p.RPMVersion, strings.Join(p.Arches, "/")))
	}
	fmt.Fprintf(stdout, "%s: valid, %d toolchain(s): %s\n", o.Config, len(series), strings.Join(series, ", "))
	return nil
}

// parseFlags parses a verb's arguments, printing its help on -h and
// refusing more than maxArgs positional arguments.
func parseFlags(fs *pflag.FlagSet, args []string, maxArgs int, verb string, stdout io.Writer) error {
	if err := prog.Parse(fs, verb, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > maxArgs {
		return cli.Usage("%s: unexpected argument %q", verb, fs.Arg(maxArgs))
	}
	return nil
}
