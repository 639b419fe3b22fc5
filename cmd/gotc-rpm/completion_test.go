package main

import (
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
)

// TestCompletions keeps the shipped completions in step with the verbs
// and flags, runs the bash one with real bash for what a user types, and
// has zsh and fish parse theirs.
func TestCompletions(t *testing.T) {
	clitest.CheckCompletions(t, program, "../../completions", []string{"gotc.yaml", "a.rpm", "SOURCES/"}, []clitest.Completion{
		{Words: []string{"gotc-rpm", "bu"}, Want: []string{"build"}},
		{Words: []string{"gotc-rpm", "v"}, Want: []string{"verify", "version"}},
		{Words: []string{"gotc-rpm", "build", "--ar"}, Want: []string{"--arch"}},
		{Words: []string{"gotc-rpm", "build", "--sign-"}, Want: []string{"--sign-key", "--sign-passphrase-file"}},
		{Words: []string{"gotc-rpm", "build", "--arch", ""}, Want: []string{"aarch64", "i686", "ppc64le", "s390x", "x86_64"}},
		{Words: []string{"gotc-rpm", "build", "--compress", "z"}, Want: []string{"zstd"}},
		{Words: []string{"gotc-rpm", "build", "-c", "got"}, Want: []string{"gotc.yaml"}},
		{Words: []string{"gotc-rpm", "build", "--sources", ""}, Want: []string{"SOURCES"}},
		{Words: []string{"gotc-rpm", "verify", "--target", "epel-1"}, Want: []string{"epel-10"}},
		{Words: []string{"gotc-rpm", "inspect", "a."}, Want: []string{"a.rpm"}},
		{Words: []string{"gotc-rpm", "help", "se"}, Want: []string{"selfcheck"}},
		{Words: []string{"gotc-rpm", "diff", "--s"}, Want: []string{"--strict"}},
		{Words: []string{"gotc-rpm", "selfcheck", "--json", "--ro"}, Want: []string{"--root"}},
	})
}
