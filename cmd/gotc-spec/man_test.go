package main

import (
	"os"
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
	"github.com/gotc-project/gotc/internal/man"
)

// TestManPages keeps man/gotc-spec.1 (from the help) and man/gotc.yaml.5
// (from docs/config.md) in step, and renders both with real man-db
// without a warning.
func TestManPages(t *testing.T) {
	clitest.Golden(t, "../../man/gotc-spec.1", man.Program(program))
	clitest.CheckManPage(t, "../../man/gotc-spec.1")

	md, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	page, err := man.Markdown("gotc.yaml", "5", "the configuration gotc-spec and gotc-rpm read", md)
	if err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, "../../man/gotc.yaml.5", page)
	clitest.CheckManPage(t, "../../man/gotc.yaml.5")
}
