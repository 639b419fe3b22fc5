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
	bash := filepath.Join(dir, "gotc-rpm.bash")
	clitest.Golden(t, bash, completion.Bash(program))
	clitest.Golden(t, filepath.Join(dir, "_gotc-rpm"), completion.Zsh(program))
	clitest.Golden(t, filepath.Join(dir, "gotc-rpm.fish"), completion.Fish(program))
	clitest.CheckShellSyntax(t, "zsh", filepath.Join(dir, "_gotc-rpm"))
	clitest.CheckShellSyntax(t, "fish", filepath.Join(dir, "gotc-rpm.fish"))

	abs, _ := filepath.Abs(bash)
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "gotc.yaml"), nil, 0o644)
	os.WriteFile(filepath.Join(work, "a.rpm"), nil, 0o644)
	os.Mkdir(filepath.Join(work, "SOURCES"), 0o755)
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"gotc-rpm", "bu"}, []string{"build"}},
		{[]string{"gotc-rpm", "v"}, []string{"verify", "version"}},
		{[]string{"gotc-rpm", "build", "--ar"}, []string{"--arch"}},
		{[]string{"gotc-rpm", "build", "--sign-"}, []string{"--sign-key", "--sign-passphrase-file"}},
		{[]string{"gotc-rpm", "build", "--arch", ""}, []string{"aarch64", "i686", "ppc64le", "s390x", "x86_64"}},
		{[]string{"gotc-rpm", "build", "--compress", "z"}, []string{"zstd"}},
		{[]string{"gotc-rpm", "build", "-c", "got"}, []string{"gotc.yaml"}},
		{[]string{"gotc-rpm", "build", "--sources", ""}, []string{"SOURCES"}},
		{[]string{"gotc-rpm", "verify", "--target", "epel-1"}, []string{"epel-10"}},
		{[]string{"gotc-rpm", "inspect", "a."}, []string{"a.rpm"}},
		{[]string{"gotc-rpm", "help", "se"}, []string{"selfcheck"}},
		{[]string{"gotc-rpm", "diff", "--s"}, []string{"--strict"}},
		{[]string{"gotc-rpm", "selfcheck", "--json", "--ro"}, []string{"--root"}},
	}
	for _, tt := range tests {
		got := clitest.BashComplete(t, abs, work, tt.words...)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q<TAB>: %q, want %q", tt.words, got, tt.want)
		}
	}
}
