package main

import (
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
)

// TestScripts runs the command-line scenarios in testdata/script, one
// file per verb: usage errors, refusals and exit codes.
func TestScripts(t *testing.T) { clitest.Run(t, program, "testdata/script/*.txtar") }

// TestDocs fails when a flag is missing from its verb's help or from
// docs/gotc-rpm.md.
func TestDocs(t *testing.T) { clitest.CheckDocs(t, program, "../../docs/gotc-rpm.md") }
