package fedalternatives

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// run runs the double in root and returns its exit code and what it
// printed, standard output and error interleaved as on a terminal.
func run(root string, args ...string) (int, string) {
	var out bytes.Buffer
	code := Main(args, Env{Root: root, Stdout: &out, Stderr: &out})
	return code, out.String()
}

// recordedScripts returns the %post and %postun alternatives commands
// of gotc's old scriptlets, as rpm 6 printed them for the 1.26.98
// package the transcript installed: the arguments after
// /usr/sbin/update-alternatives.
func recordedScripts(t *testing.T, rec string) (install, remove []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(rec, "toolchain", "rpmbuild6-v4", "go-toolchain-1.26-1.26.98-1.x86_64.scripts"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == "/usr/sbin/update-alternatives" {
			switch f[1] {
			case "--install":
				install = f[1:]
			case "--remove":
				remove = f[1:]
			}
		}
	}
	if install == nil || remove == nil {
		t.Fatalf("no update-alternatives --install and --remove in the recorded scriptlets:\n%s", data)
	}
	return install, remove
}

// TestTranscript replays the recorded transcript of Fedora's
// alternatives running gotc's old scriptlets under rpm 6: the same
// alternatives commands, with rpm's file operations done by hand (the
// toolchain's files, and on the last erase the %ghost links, go before
// %postun runs). The double must print what Fedora's printed, exit as it
// did, and leave the same state file and links after every step,
// including the failing last erase.
func TestTranscript(t *testing.T) {
	rec := testenv.Recordings(t)
	steps, err := ReadTranscript(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 5 {
		t.Fatalf("%d steps in the transcript, want 5", len(steps))
	}
	install126, remove126 := recordedScripts(t, rec)
	forVersion := func(args []string, version string) []string {
		r := strings.NewReplacer("1.26.98", version, "12698", strings.ReplaceAll(version, ".", "")) // 1.27.98 has priority 12798
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = r.Replace(a)
		}
		return out
	}
	root := t.TempDir()
	for _, d := range []string{"etc/alternatives", "usr/bin", "usr/libexec/go-toolchain", "var/lib"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	ghosts := []string{"/usr/bin/go", "/usr/bin/gofmt", "/usr/libexec/go-toolchain/current",
		"/etc/alternatives/go", "/etc/alternatives/gofmt", "/etc/alternatives/go-toolchain-current"}
	installed := map[string]bool{}
	rpmScriptlet := regexp.MustCompile(`(?m)^warning: %postun\(\S+\) scriptlet failed, exit status (\d+)\n`)
	pkgVersion := regexp.MustCompile(`go-toolchain-(1\.\d+)-(1\.\d+\.\d+)-1\.x86_64\.rpm`)
	for n, step := range steps {
		var code int
		var out string
		switch {
		case strings.Contains(step.Command, " -i "):
			m := pkgVersion.FindStringSubmatch(step.Command)
			series, version := m[1], m[2]
			goroot := "/usr/libexec/go-toolchain/go" + version
			os.MkdirAll(filepath.Join(root, goroot, "bin"), 0o755)
			for _, f := range []string{"bin/go", "bin/gofmt"} {
				os.WriteFile(filepath.Join(root, goroot, f), []byte("#!/bin/sh\n"), 0o755)
			}
			os.Symlink("../libexec/go-toolchain/go"+version+"/bin/go", filepath.Join(root, "usr/bin/go"+series))
			installed[series] = true
			code, out = run(root, forVersion(install126, version)...)
		case strings.Contains(step.Command, " -e "):
			series := regexp.MustCompile(`-e go-toolchain-(1\.\d+) `).FindStringSubmatch(step.Command)[1]
			version := series + ".98"
			os.RemoveAll(filepath.Join(root, "usr/libexec/go-toolchain/go"+version))
			os.Remove(filepath.Join(root, "usr/bin/go"+series))
			delete(installed, series)
			if len(installed) == 0 { // the last owner of the %ghost links is erased
				for _, g := range ghosts {
					os.Remove(filepath.Join(root, g))
				}
			}
			code, out = run(root, forVersion(remove126, version)...) // %postun, $1 = 0
		default:
			_, args, ok := strings.Cut(step.Command, "/usr/sbin/alternatives ")
			if !ok {
				t.Fatalf("step %d: unknown command %q", n+1, step.Command)
			}
			code, out = run(root, strings.Fields(args)...)
		}
		want, wantCode := step.Output, step.Exit
		if m := rpmScriptlet.FindStringSubmatch(want); m != nil { // rpm's own line: the scriptlet's exit code
			want, wantCode = rpmScriptlet.ReplaceAllString(want, ""), int(m[1][0]-'0')
		} else if strings.Contains(step.Command, "rpm6") {
			wantCode = 0
		}
		if out != want || code != wantCode {
			t.Errorf("step %d (%s): exit %d, printed\n%s\nwant exit %d and\n%s", n+1, step.Command, code, out, wantCode, want)
		}
		for _, d := range step.CheckRoot(root, "go") {
			t.Errorf("step %d: %s", n+1, d)
		}
	}
	left, err := os.ReadFile(filepath.Join(rec, "alternatives", "state-after-erase-all"))
	if err != nil {
		t.Fatal(err)
	}
	if state, _ := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go")); !bytes.Equal(state, left) {
		t.Errorf("state file left after erasing everything:\n%s\nrecorded:\n%s", state, left)
	}
}
