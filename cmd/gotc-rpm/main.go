package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
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
	case "selfcheck":
		return runSelfcheck(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "gotc-rpm %s\n", cli.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	default:
		return cli.Usage("unknown command %q (commands: build, inspect, verify, diff, selfcheck, version)", cmd)
	}
}

// prog is gotc-rpm's name and help text.
var prog = cli.Program{Name: "gotc-rpm", Doc: docSource}

func usage() string { return prog.Usage() }

// parseFlags parses a verb's arguments, printing its help on -h and
// requiring at least minArgs positional arguments.
func parseFlags(fs *pflag.FlagSet, args []string, minArgs int, verb string, stdout io.Writer) error {
	if err := prog.Parse(fs, verb, args, stdout); err != nil {
		return err
	}
	if fs.NArg() < minArgs {
		return cli.Usage("%s: no RPM files given", verb)
	}
	return nil
}
