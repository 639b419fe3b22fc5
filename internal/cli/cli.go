// Package cli holds what gotc's commands share at their edge: the mapping
// from errors to documented exit codes and the one-line error report.
//
// Libraries return ordinary wrapped errors. A command marks an error as a
// usage problem (exit 2) or as findings (exit 1) with Usage or Findings;
// everything else that reaches Main is unusable input or an environment
// failure and also exits 2.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// Version is gotc's version, stamped at build time with
// -ldflags "-X github.com/gotc-project/gotc/internal/cli.Version=…".
var Version = "dev"

// Exit codes shared by gotc-spec and gotc-rpm.
const (
	ExitOK       = 0 // success, nothing found
	ExitFindings = 1 // verify/diff/selfcheck found problems, --check found drift
	ExitUsage    = 2 // bad flags or arguments, unusable input
)

// ExitError carries the exit code an error maps to.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Usage marks err as a usage error (exit 2).
func Usage(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Findings reports that a command ran to completion and found problems
// (exit 1). msg is printed as the command's last line.
func Findings(format string, args ...any) error {
	return &ExitError{Code: ExitFindings, Err: fmt.Errorf(format, args...)}
}

// ErrHelp is returned by a verb after it printed its help on request; it
// exits 0.
var ErrHelp = pflag.ErrHelp

// Code returns the exit code for err.
func Code(err error) int {
	if err == nil || errors.Is(err, ErrHelp) {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitUsage
}

// Report prints err as one line "name: message" on w and returns the exit
// code it maps to. A nil error or a help request prints nothing.
func Report(w io.Writer, name string, err error) int {
	code := Code(err)
	if err != nil && !errors.Is(err, ErrHelp) {
		fmt.Fprintf(w, "%s: %v\n", name, err)
	}
	return code
}

// DocText turns the source of a command's doc.go into its help text: the
// package comment without the comment markers and the package clause.
func DocText(src string) string {
	start := strings.Index(src, "/*\n")
	end := strings.Index(src, "*/")
	if start < 0 || end < start {
		return src
	}
	text := src[start+3 : end]
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// Main runs run with the process arguments and standard streams and exits
// with the code its error maps to.
func Main(name string, run func(args []string, stdout, stderr io.Writer) error) {
	os.Exit(Report(os.Stderr, name, run(os.Args[1:], os.Stdout, os.Stderr)))
}
