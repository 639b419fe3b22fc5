package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"gotc/internal/cli"
)

func main() { cli.Main("gotc-rpm", run) }

// run is gotc-rpm with its arguments and output streams.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return cli.Usage("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "build":
		return runBuild(rest, stdout, stderr)
	case "verify":
		return runVerify(rest, stdout, stderr)
	case "diff":
		return runDiff(rest, stdout, stderr)
	case "inspect":
		return runInspect(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "gotc-rpm %s\n", cli.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	default:
		return cli.Usage("unknown command %q (commands: build, inspect, verify, diff, version)", cmd)
	}
}

func usage() string { return cli.DocText(docSource) }

// helpFor returns the part of the help that documents one command.
func helpFor(cmd string) string {
	text := usage()
	if i := strings.Index(text, "gotc-rpm "+cmd+" "); i >= 0 {
		text = text[i:]
		if j := strings.Index(text[1:], "\ngotc-rpm "); j >= 0 {
			text = text[:j+1]
		}
		if j := strings.Index(text, "\nExit status"); j >= 0 {
			text = text[:j+1]
		}
	}
	return text
}

// newFlagSet returns a verb's flag set that reports errors instead of
// exiting.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("gotc-rpm "+name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// parseFlags parses a verb's arguments, printing its help on -h and
// requiring at least minArgs positional arguments.
func parseFlags(fs *pflag.FlagSet, args []string, minArgs int, verb string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			fmt.Fprint(stdout, helpFor(verb))
			return cli.ErrHelp
		}
		return cli.Usage("%s: %v", verb, err)
	}
	if fs.NArg() < minArgs {
		return cli.Usage("%s: no RPM files given", verb)
	}
	return nil
}
