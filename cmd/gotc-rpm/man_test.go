package main

import (
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
	"github.com/gotc-project/gotc/internal/man"
)

// TestManPage keeps man/gotc-rpm.1, rendered from the help, in step and
// renders it with real man-db without a warning.
func TestManPage(t *testing.T) {
	page := man.Program(program)
	clitest.Golden(t, "../../man/gotc-rpm.1", page)
	clitest.CheckManPage(t, "../../man/gotc-rpm.1")
}
