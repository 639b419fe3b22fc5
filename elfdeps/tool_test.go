package elfdeps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

// toolPath is rpm 4.18's generator, the oracle of every differential test.
const toolPath = "/usr/lib/rpm/elfdeps"

// toolRun is what one elfdeps invocation printed.
type toolRun struct {
	lines   []string
	crashed bool // killed by a signal (elfdeps divides by zero on some files)
	timeout bool
}

// runTool runs "elfdeps flag" with paths on standard input, as rpmbuild
// does.
func runTool(t testing.TB, flag string, timeout time.Duration, paths ...string) toolRun {
	t.Helper()
	return runToolArgs(t, []string{flag}, timeout, paths...)
}

// runToolArgs is runTool with a list of options.
func runToolArgs(t testing.TB, args []string, timeout time.Duration, paths ...string) toolRun {
	t.Helper()
	testenv.NeedTool(t, toolPath)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, toolPath, args...)
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var res toolRun
	if ctx.Err() != nil {
		res.timeout = true
		return res
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run %s %s: %v", toolPath, strings.Join(args, " "), err)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.crashed = true
		}
		// Exit status 1 means some file was not ELF: not an error.
	}
	if s := out.String(); s != "" {
		res.lines = strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	}
	return res
}

// toolDeps runs elfdeps -R and -P on one file.
func toolDeps(t testing.TB, path string) (Deps, bool) {
	t.Helper()
	r := runTool(t, "-R", 10*time.Second, path)
	p := runTool(t, "-P", 10*time.Second, path)
	if r.timeout || p.timeout {
		t.Fatalf("%s: elfdeps timed out", path)
	}
	return Deps{Requires: r.lines, Provides: p.lines}, r.crashed || p.crashed
}

func sameLines(a, b []string) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// checkFile compares Analyze with elfdeps on one file; real files must
// also analyze without error.
func checkFile(t *testing.T, path string, wantClean bool) Deps {
	t.Helper()
	got, err := analyzeFile(path)
	if err != nil && wantClean {
		t.Errorf("%s: Analyze: %v", path, err)
	}
	want, crashed := toolDeps(t, path)
	if crashed {
		t.Errorf("%s: elfdeps crashed", path)
	}
	if !sameLines(got.Requires, want.Requires) {
		t.Errorf("%s: Requires\n got  %q\n want %q", path, got.Requires, want.Requires)
	}
	if !sameLines(got.Provides, want.Provides) {
		t.Errorf("%s: Provides\n got  %q\n want %q", path, got.Provides, want.Provides)
	}
	return got
}

// sample returns up to n regular files matching pattern, spread evenly
// over the sorted list so that the sample reaches the whole alphabet.
func sample(t *testing.T, pattern string, n int) []string {
	t.Helper()
	all, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, p := range all {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	if len(files) <= n {
		return files
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, files[i*len(files)/n])
	}
	return out
}

// goTool returns the go command and its GOROOT (the Go distribution whose
// static binaries must yield no dependencies).
func goTool(t *testing.T) (string, string) {
	t.Helper()
	goCmd := testenv.NeedTool(t, "go")
	out, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return goCmd, strings.TrimSpace(string(out))
}

func clip(l []string) string {
	if len(l) > 6 {
		return fmt.Sprintf("%q ... (%d lines)", l[:6], len(l))
	}
	return fmt.Sprintf("%q", l)
}

// analyzeFile runs AnalyzeNamed on the file at path with its size and
// execute bits, as elfdeps sees the file when rpmbuild feeds it that
// path.
func analyzeFile(path string) (Deps, error) {
	f, err := os.Open(path)
	if err != nil {
		return Deps{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Deps{}, err
	}
	return AnalyzeNamed(path, f, st.Size(), st.Mode().Perm()&0o111 != 0)
}
