package main

import (
	"io"

	"github.com/gotc-project/gotc/internal/cli"
)

// run runs gotc-rpm in process with the given output streams and no
// environment.
func run(args []string, stdout, stderr io.Writer) error {
	return program.Run(args, &cli.Env{Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }})
}
