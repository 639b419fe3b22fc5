package main

import (
	"fmt"
	"io"
	"strings"

	"gotc/internal/cli"
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
	case "version", "--version":
		fmt.Fprintf(stdout, "gotc-spec %s\n", cli.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	default:
		return cli.Usage("unknown command %q (commands: validate, gen)", cmd)
	}
}

// usage is the package documentation without the Go comment markers.
func usage() string { return cli.DocText(docSource) }

// helpFor returns the part of the help that documents one command.
func helpFor(cmd string) string {
	text := usage()
	if i := strings.Index(text, "gotc-spec "+cmd+" "); i >= 0 {
		text = text[i:]
		if j := strings.Index(text[1:], "\ngotc-spec "); j >= 0 {
			text = text[:j+1]
		}
		if j := strings.Index(text, "\nExit status"); j >= 0 {
			text = text[:j+1]
		}
	}
	return text
}
