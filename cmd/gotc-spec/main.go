package main

import (
	"fmt"
	"io"

	"github.com/gotc-project/gotc/internal/cli"
)

func main() { cli.Main("gotc-spec", run) }

// run is gotc-spec with its arguments and output streams.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return cli.Usage("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "validate":
		return runValidate(rest, stdout, stderr)
	case "gen":
		return runGen(rest, stdout, stderr)
	case "macros":
		return runMacros(rest, stdout, stderr)
	case "mock":
		return runMock(rest, stdout, stderr)
	case "srpm":
		return runSRPM(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "gotc-spec %s\n", cli.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	default:
		return cli.Usage("unknown command %q (commands: validate, gen, macros, mock, srpm)", cmd)
	}
}

// prog is gotc-spec's name and help text.
var prog = cli.Program{Name: "gotc-spec", Doc: docSource}

func usage() string { return prog.Usage() }
