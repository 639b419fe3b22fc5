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
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/findings"
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

// ErrorsFound is the exit-1 error of a verb whose report counts c, nil
// when c holds no error: warnings alone exit 0.
func ErrorsFound(c findings.Counts) error {
	if c.Errors > 0 {
		return Findings("%d error(s)", c.Errors)
	}
	return nil
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

// Unusable marks err as unusable input (exit 2): a file that is not what
// the verb needs, or an environment it cannot work in.
func Unusable(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// Report prints err as one line "name: message" on w and returns the exit
// code it maps to. A nil error or a help request prints nothing. Line
// breaks inside the message (a wrapped error from a library, a file name
// holding one) are printed as "\n", so the report stays one line.
func Report(w io.Writer, name string, err error) int {
	code := Code(err)
	if err != nil && !errors.Is(err, ErrHelp) {
		msg := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(err.Error())
		fmt.Fprintf(w, "%s: %s\n", name, msg)
	}
	return code
}
