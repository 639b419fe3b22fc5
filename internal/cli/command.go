package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/toolchain"
)

// Program is one gotc command: its name and its help text (the package
// documentation of its doc.go).
type Program struct {
	Name string
	Doc  string
}

// Usage returns the whole help text.
func (p Program) Usage() string { return DocText(p.Doc) }

// HelpFor returns the part of the help that documents one verb: from
// "<name> <verb> " to the next verb's section or "Exit status".
func (p Program) HelpFor(verb string) string {
	text := p.Usage()
	if i := strings.Index(text, p.Name+" "+verb+" "); i >= 0 {
		text = text[i:]
		if j := strings.Index(text[1:], "\n"+p.Name+" "); j >= 0 {
			text = text[:j+1]
		}
		if j := strings.Index(text, "\nExit status"); j >= 0 {
			text = text[:j+1]
		}
	}
	return text
}

// NewFlagSet returns a verb's flag set, which reports errors instead of
// printing them or exiting.
func (p Program) NewFlagSet(verb string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(p.Name+" "+verb, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// Parse parses a verb's arguments; on -h/--help it prints the verb's help
// to stdout and returns ErrHelp (exit 0), on a bad flag a usage error.
func (p Program) Parse(fs *pflag.FlagSet, verb string, args []string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(stdout, p.HelpFor(verb))
			return ErrHelp
		}
		return Usage("%s: %v", verb, err)
	}
	return nil
}

// LoadConfig loads and validates a gotc.yaml. Warnings and, on failure,
// every problem are printed to stderr one per line as FILE:LINE:COL:
// message; the returned error (exit 2) counts them.
func LoadConfig(path string, stderr io.Writer) (*toolchain.Config, error) {
	cfg, warns, err := toolchain.Load(path)
	for _, w := range warns {
		fmt.Fprintln(stderr, w.Error())
	}
	if err == nil {
		return cfg, nil
	}
	var problems toolchain.Problems
	if !errors.As(err, &problems) {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p.Error())
	}
	return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %d error(s)", path, len(problems))}
}
