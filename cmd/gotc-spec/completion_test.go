package main

import (
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
)

// TestCompletions keeps the shipped completions in step with the verbs
// and flags, runs the bash one with real bash for what a user types, and
// has zsh and fish parse theirs.
func TestCompletions(t *testing.T) {
	clitest.CheckCompletions(t, program, "../../completions", []string{"gotc.yaml"}, []clitest.Completion{
		{Words: []string{"gotc-spec", ""}, Want: []string{"validate", "gen", "macros", "mock", "srpm", "help", "version"}},
		{Words: []string{"gotc-spec", "m"}, Want: []string{"macros", "mock"}},
		{Words: []string{"gotc-spec", "mock", "--el-base", ""}, Want: []string{"alma", "centos-stream", "rhel", "rocky"}},
		{Words: []string{"gotc-spec", "gen", "--"}, Want: []string{"--help", "--config", "--output", "--check", "--template-dir"}},
		{Words: []string{"gotc-spec", "srpm", "--compress", ""}, Want: []string{"gzip", "xz", "zstd"}},
		{Words: []string{"gotc-spec", "validate", "-c", "g"}, Want: []string{"gotc.yaml"}},
	})
}
