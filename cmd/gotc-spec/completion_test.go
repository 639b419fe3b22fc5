package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gotc-project/gotc/internal/cli/clitest"
	"github.com/gotc-project/gotc/internal/completion"
)

// TestCompletions keeps the shipped completions in step with the verbs
// and flags, runs the bash one with real bash for what a user types, and
// has zsh and fish parse theirs.
func TestCompletions(t *testing.T) {
	dir := "../../completions"
	bash := filepath.Join(dir, "gotc-spec.bash")
	clitest.Golden(t, bash, completion.Bash(program))
	clitest.Golden(t, filepath.Join(dir, "_gotc-spec"), completion.Zsh(program))
	clitest.Golden(t, filepath.Join(dir, "gotc-spec.fish"), completion.Fish(program))
	clitest.CheckShellSyntax(t, "zsh", filepath.Join(dir, "_gotc-spec"))
	clitest.CheckShellSyntax(t, "fish", filepath.Join(dir, "gotc-spec.fish"))

	abs, _ := filepath.Abs(bash)
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "gotc.yaml"), nil, 0o644)
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"gotc-spec", ""}, []string{"validate", "gen", "macros", "mock", "srpm", "help", "version"}},
		{[]string{"gotc-spec", "m"}, []string{"macros", "mock"}},
		{[]string{"gotc-spec", "mock", "--el-base", ""}, []string{"alma", "centos-stream", "rhel", "rocky"}},
		{[]string{"gotc-spec", "gen", "--"}, []string{"--help", "--config", "--output", "--check", "--template-dir"}},
		{[]string{"gotc-spec", "srpm", "--compress", ""}, []string{"gzip", "xz", "zstd"}},
		{[]string{"gotc-spec", "validate", "-c", "g"}, []string{"gotc.yaml"}},
	}
	for _, tt := range tests {
		got := clitest.BashComplete(t, abs, work, tt.words...)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q<TAB>: %q, want %q", tt.words, got, tt.want)
		}
	}
}
