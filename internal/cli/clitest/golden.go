package clitest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/internal/completion"
)

var update = flag.Bool("update", false, "rewrite the golden files (man pages, completions) instead of comparing")

// Golden compares got with the file at path, or with -update writes it.
// The files it guards are shipped (man/, completions/): "make regen"
// rewrites them, and the test fails when one is stale.
func Golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make regen)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run make regen", path)
	}
}

// CheckManPage renders a man page with real man-db, at 80 columns with
// every warning on, and fails on any warning or an empty rendering.
func CheckManPage(t *testing.T, path string) {
	t.Helper()
	manCmd, err := exec.LookPath("man")
	if err != nil {
		t.Fatalf("man (man-db) is required: %v", err)
	}
	cmd := exec.Command(manCmd, "--warnings", "-l", path)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("man --warnings -l %s: %v\n%s", path, err, stderr.String())
	}
	if stdout.Len() < 200 {
		t.Errorf("man -l %s rendered %d bytes", path, stdout.Len())
	}
}

// BashComplete runs a bash completion script with real bash as bash
// runs it at a TAB: the words typed so far (the last is the one being
// completed) in COMP_WORDS, then the registered function. It returns
// COMPREPLY, one entry per line, in dir.
func BashComplete(t *testing.T, script, dir string, words ...string) []string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is required: %v", err)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	prog := fmt.Sprintf(`source %q
spec=$(complete -p %s) || exit 3
fn=${spec#*-F }; fn=${fn%% *}
COMP_WORDS=(%s); COMP_CWORD=%d
"$fn"
printf '%%s\n' "${COMPREPLY[@]}"`, script, words[0], strings.Join(quoted, " "), len(words)-1)
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash completion of %q: %v\n%s", words, err, out)
	}
	var reply []string
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if l != "" {
			reply = append(reply, l)
		}
	}
	return reply
}

// CheckShellSyntax has a shell (zsh, fish) parse a script without
// running it.
func CheckShellSyntax(t *testing.T, shell, script string) {
	t.Helper()
	sh, err := exec.LookPath(shell)
	if err != nil {
		t.Fatalf("%s is required: %v", shell, err)
	}
	if out, err := exec.Command(sh, "-n", script).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("%s -n %s: %v\n%s", shell, script, err, out)
	}
}

// A Completion is what bash completes a command line to.
type Completion struct {
	// Words are the words typed, the last one being completed.
	Words []string
	// Want is COMPREPLY.
	Want []string
}

// CheckCompletions keeps the program's shipped completions (in dir:
// NAME.bash, _NAME for zsh, NAME.fish) in step with its verbs and flags,
// has zsh and fish parse theirs, and runs the bash one with real bash on
// each case, in a directory holding files (names ending in / are
// directories).
func CheckCompletions(t *testing.T, p *cli.Program, dir string, files []string, cases []Completion) {
	t.Helper()
	bash := filepath.Join(dir, p.Name+".bash")
	Golden(t, bash, completion.Bash(p))
	Golden(t, filepath.Join(dir, "_"+p.Name), completion.Zsh(p))
	Golden(t, filepath.Join(dir, p.Name+".fish"), completion.Fish(p))
	CheckShellSyntax(t, "zsh", filepath.Join(dir, "_"+p.Name))
	CheckShellSyntax(t, "fish", filepath.Join(dir, p.Name+".fish"))

	abs, err := filepath.Abs(bash)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	for _, f := range files {
		var err error
		if name, isDir := strings.CutSuffix(f, "/"); isDir {
			err = os.Mkdir(filepath.Join(work, name), 0o755)
		} else {
			err = os.WriteFile(filepath.Join(work, f), nil, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cases {
		if got := BashComplete(t, abs, work, c.Words...); !slices.Equal(got, c.Want) {
			t.Errorf("%q<TAB>: %q, want %q", c.Words, got, c.Want)
		}
	}
}
