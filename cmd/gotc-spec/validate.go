package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"gotc/internal/cli"
	"gotc/toolchain"
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
	fs := newFlagSet("validate", stderr)
	o.addFlags(fs)
	if err := parseFlags(fs, args, 0, "validate", stdout); err != nil {
		return err
	}
	cfg, warns, err := loadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	printProblems(stderr, warns)
	var series []string
	for _, p := range cfg.Plans() {
		series = append(series, fmt.Sprintf("%s (%s %s)", p.Name, p.RPMVersion, strings.Join(p.Arches, "/")))
	}
	fmt.Fprintf(stdout, "%s: valid, %d toolchain(s): %s\n", o.Config, len(series), strings.Join(series, ", "))
	return nil
}

// loadConfig loads and validates a configuration, printing every error
// but the last on stderr; the last comes back as the command's error so
// the output ends with it.
func loadConfig(path string, stderr io.Writer) (*toolchain.Config, toolchain.Problems, error) {
	cfg, warns, err := toolchain.Load(path)
	if err == nil {
		return cfg, warns, nil
	}
	problems, ok := err.(toolchain.Problems)
	if !ok {
		return nil, nil, &cli.ExitError{Code: cli.ExitUsage, Err: err}
	}
	all := append(append(toolchain.Problems{}, warns...), problems...)
	printProblems(stderr, all)
	return nil, nil, &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("%s: %d error(s)", path, len(problems))}
}

func printProblems(w io.Writer, ps toolchain.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p.Error())
	}
}

// newFlagSet returns a verb's flag set that reports errors instead of
// exiting.
func newFlagSet(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("gotc-spec "+name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// parseFlags parses a verb's arguments, printing its help on -h and
// refusing more than maxArgs positional arguments.
func parseFlags(fs *pflag.FlagSet, args []string, maxArgs int, verb string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			fmt.Fprint(stdout, helpFor(verb))
			return cli.ErrHelp
		}
		return cli.Usage("%s: %v", verb, err)
	}
	if fs.NArg() > maxArgs {
		return cli.Usage("%s: unexpected argument %q", verb, fs.Arg(maxArgs))
	}
	return nil
}
