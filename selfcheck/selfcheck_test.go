package selfcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/fedalternatives"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// fakeRoot lays out an install root as dnf leaves it with go1.26.8 and
// go1.27.3 installed and 1.27.3 selected in auto mode. The go commands
// are shell scripts that answer `go version` and `go env` the way the
// real ones do.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(p, content string, mode os.FileMode) {
		t.Helper()
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	link := func(p, target string) {
		t.Helper()
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.Remove(full)
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
	admin := "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\ngo-toolchain-current\n/usr/libexec/go-toolchain/current\n\n"
	for _, v := range []struct{ version, series, prio string }{{"1.26.8", "1.26", "12608"}, {"1.27.3", "1.27", "12703"}} {
		goroot := "/usr/libexec/go-toolchain/go" + v.version
		write(goroot+"/VERSION", "go"+v.version+"\ntime 2026-11-01T00:00:00Z\n", 0o644)
		write(goroot+"/go.env", "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=local\n", 0o644)
		script := fmt.Sprintf(`#!/bin/sh
dir=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
version) echo "go version go%s linux/amd64" ;;
env) echo "$dir"; sed -n 's/^GOTOOLCHAIN=//p' "$dir/go.env" | tail -1 ;;
esac
`, v.version)
		write(goroot+"/bin/go", script, 0o755)
		write(goroot+"/bin/gofmt", "#!/bin/sh\n", 0o755)
		link("/usr/bin/go"+v.series, "../libexec/go-toolchain/go"+v.version+"/bin/go")
		link("/usr/bin/gofmt"+v.series, "../libexec/go-toolchain/go"+v.version+"/bin/gofmt")
		admin += goroot + "/bin/go\n" + v.prio + "\n" + goroot + "/bin/gofmt\n" + goroot + "\n"
	}
	write("/var/lib/dpkg/alternatives/go", admin+"\n", 0o644)
	link("/usr/bin/go", "/etc/alternatives/go")
	link("/usr/bin/gofmt", "/etc/alternatives/gofmt")
	link("/usr/libexec/go-toolchain/current", "/etc/alternatives/go-toolchain-current")
	link("/etc/alternatives/go", "/usr/libexec/go-toolchain/go1.27.3/bin/go")
	link("/etc/alternatives/gofmt", "/usr/libexec/go-toolchain/go1.27.3/bin/gofmt")
	link("/etc/alternatives/go-toolchain-current", "/usr/libexec/go-toolchain/go1.27.3")
	return root
}

func TestCheckClean(t *testing.T) {
	root := fakeRoot(t)
	rep, err := Check(toolchain.Defaults(), Options{Root: root, Run: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Fatalf("findings on a clean root: %+v", rep.Findings)
	}
	if len(rep.Toolchains) != 2 || rep.Mode != "auto" {
		t.Fatalf("report %+v", rep)
	}
	sel := rep.Toolchains[1]
	if sel.GoVersion != "go1.27.3" || !sel.Selected || !sel.Registered || sel.Priority != 12703 || rep.Toolchains[0].Selected {
		t.Errorf("toolchains %+v", rep.Toolchains)
	}
}

func TestCheckFindings(t *testing.T) {
	const g126, g127 = "/usr/libexec/go-toolchain/go1.26.8", "/usr/libexec/go-toolchain/go1.27.3"
	edit := func(p, content string) func(string) error {
		return func(root string) error { return os.WriteFile(filepath.Join(root, p), []byte(content), 0o644) }
	}
	relink := func(p, target string) func(string) error {
		return func(root string) error {
			os.Remove(filepath.Join(root, p))
			return os.Symlink(target, filepath.Join(root, p))
		}
	}
	remove := func(p string) func(string) error {
		return func(root string) error { return os.RemoveAll(filepath.Join(root, p)) }
	}
	tests := []struct {
		name   string
		damage func(root string) error
		path   string
		want   string
	}{
		{"go.env auto", edit(g126+"/go.env", "GOTOOLCHAIN=auto\n"), g126 + "/go.env", "says GOTOOLCHAIN=auto, want local"},
		{"go.env without GOTOOLCHAIN", edit(g126+"/go.env", "GOPROXY=direct\n"), g126 + "/go.env", "no GOTOOLCHAIN setting"},
		{"go env disagrees", edit(g127+"/go.env", "GOTOOLCHAIN=local\nGOTOOLCHAIN=auto\n"), g127 + "/bin/go", "go env GOTOOLCHAIN is auto"},
		{"missing gofmt", remove(g126 + "/bin/gofmt"), g126 + "/bin/gofmt", "missing"},
		{"gofmt not executable", func(root string) error { return os.Chmod(filepath.Join(root, g126, "bin/gofmt"), 0o644) }, g126 + "/bin/gofmt", "not an executable file"},
		{"VERSION of another release", edit(g126+"/VERSION", "go1.26.7\n"), g126, "holds go1.26.7, which belongs in /usr/libexec/go-toolchain/go1.26.7"},
		{"go version disagrees", edit(g126+"/VERSION", "go1.26.7\n"), g126 + "/bin/go", `go version printed "go version go1.26.8 linux/amd64", but VERSION says go1.26.7`},
		{"dangling alternative", remove(g126), g126 + "/bin/go", "registered with priority 12608 but missing"},
		{"unregistered toolchain", func(root string) error {
			return copyTree(filepath.Join(root, g126), filepath.Join(root, "/usr/libexec/go-toolchain/go1.25.1"), "go1.25.1")
		}, "/usr/libexec/go-toolchain/go1.25.1", "not registered in alternatives group go"},
		{"mixed follower", relink("/etc/alternatives/gofmt", g126+"/bin/gofmt"), "/usr/bin/gofmt", "leads to \"" + g126 + "/bin/gofmt\", but /usr/bin/go leads to"},
		{"not the best in auto mode", func(root string) error {
			if err := relink("/etc/alternatives/go", g126+"/bin/go")(root); err != nil {
				return err
			}
			if err := relink("/etc/alternatives/gofmt", g126+"/bin/gofmt")(root); err != nil {
				return err
			}
			return relink("/etc/alternatives/go-toolchain-current", g126)(root)
		}, "/usr/bin/go", "auto mode but leads to " + g126 + "/bin/go, not to " + g127 + "/bin/go"},
		{"go leads nowhere", relink("/etc/alternatives/go", "/nonexistent/go"), "/usr/bin/go", "leads nowhere"},
		{"versioned command dangles", relink("/usr/bin/go1.26", "../libexec/go-toolchain/go1.26.1/bin/go"), "/usr/bin/go1.26", "leads to \"\""},
		{"no group", remove("/var/lib/dpkg/alternatives/go"), "/var/lib/alternatives/go", "no alternatives group go"},
		{"corrupt group", edit("/var/lib/dpkg/alternatives/go", "auto\n/usr/bin/go\n\n"+g126+"/bin/go\nhigh\n"), "", "numeric priority expected in /var/lib/dpkg/alternatives/go; unexpected line in /var/lib/dpkg/alternatives/go: high"},
		{"follower registered wrong", edit("/var/lib/dpkg/alternatives/go", "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\ngo-toolchain-current\n/usr/libexec/go-toolchain/current\n\n"+
			g126+"/bin/go\n12608\n"+g127+"/bin/gofmt\n"+g126+"\n"+g127+"/bin/go\n12703\n"+g127+"/bin/gofmt\n"+g127+"\n\n"), g126 + "/bin/go", "follower gofmt registered as"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := fakeRoot(t)
			if err := tc.damage(root); err != nil {
				t.Fatal(err)
			}
			rep, err := Check(toolchain.Defaults(), Options{Root: root, Run: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				if f.Path == tc.path && strings.Contains(f.Message, tc.want) && f.Level == findings.Error {
					return
				}
			}
			t.Errorf("no error at %s saying %q; findings:\n%s", tc.path, tc.want, describe(rep.Findings))
		})
	}
}

func describe(fs []findings.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s: %s\n", f.Level, f.Subject, f.Path, f.Message)
	}
	return b.String()
}

// copyTree copies a toolchain directory and sets its VERSION.
func copyTree(from, to, version string) error {
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm())
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(to, "VERSION"), []byte(version+"\n"), 0o644)
}

// FuzzParseGroup feeds arbitrary state files to the parser: it must
// return a group or an error, never panic, and every alternative it
// returns has one path per follower.
func FuzzParseGroup(f *testing.F) {
	f.Add([]byte("auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/usr/libexec/go-toolchain/go1.26.8/bin/go\n12608\n/usr/libexec/go-toolchain/go1.26.8/bin/gofmt\n\n"))
	f.Add([]byte("manual\n/usr/bin/go\n\n/a\n@fam@5 svc\n"))
	f.Add([]byte("auto\n"))
	f.Add([]byte("auto\n/usr/bin/go\ngofmt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := parseGroup(strings.NewReader(string(data)), "/var/lib/alternatives/go")
		if err != nil {
			return
		}
		for _, e := range g.Alternatives {
			if len(e.Followers) != len(g.Followers) {
				t.Fatalf("alternative %q has %d follower paths for %d followers", e.Path, len(e.Followers), len(g.Followers))
			}
		}
	})
}

func TestParseVerifyLine(t *testing.T) {
	tests := []struct{ line, attrs, file string }{
		{"S.5....T.  c /etc/x.conf", "size, digest, mtime changed", "/etc/x.conf"},
		{"S.5....T.    /usr/libexec/go-toolchain/go1.26.8/go.env", "size, digest, mtime changed", "/usr/libexec/go-toolchain/go1.26.8/go.env"},
		{".M.......    /usr/bin/go1.26", "mode changed", "/usr/bin/go1.26"},
		{"missing     /usr/libexec/go-toolchain/go1.26.8/bin/gofmt", "missing", "/usr/libexec/go-toolchain/go1.26.8/bin/gofmt"},
		{"missing   d /usr/share/doc/x", "missing", "/usr/share/doc/x"},
		{"error: no such package", "", ""},
		{"......... /x", "", ""},
	}
	for _, tc := range tests {
		attrs, file, ok := parseVerifyLine(tc.line)
		if attrs != tc.attrs || file != tc.file || ok != (tc.attrs != "") {
			t.Errorf("%q: %q %q %v, want %q %q", tc.line, attrs, file, ok, tc.attrs, tc.file)
		}
	}
}

// TestCheckRPMUnowned runs real rpm on a root without an rpm database:
// every toolchain is reported as owned by no package.
func TestCheckRPMUnowned(t *testing.T) {
	rpm := testenv.NeedTool(t, "rpm")
	root := fakeRoot(t)
	rep, err := Check(toolchain.Defaults(), Options{Root: root, RPM: rpm})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 0 || rep.Warnings != 2 {
		t.Fatalf("findings: %s", describe(rep.Findings))
	}
	for _, f := range rep.Findings {
		if !strings.Contains(f.Message, "no package in the rpm database owns it") {
			t.Errorf("finding %+v", f)
		}
	}
}

// TestCheckRPMBroken gives Check an rpm that cannot answer — a script
// exiting 127 as a shell does for a missing library, a file that is not
// executable, and an rpm whose queries work but whose rpm -V dies:
// nothing is verified, and the report must say so with errors rather
// than look clean.
func TestCheckRPMBroken(t *testing.T) {
	dir := t.TempDir()
	const noLib = "echo 'rpm: error while loading shared libraries: librpm.so.9' >&2; exit 127"
	for _, tc := range []struct {
		name, script string
		mode         os.FileMode
		errors       int
		want         string
	}{
		{"exits 127", noLib, 0o755, 2, "rpm -qf cannot tell which package owns it: exit status 127: rpm: error while loading shared libraries"},
		{"not executable", "exit 0", 0o644, 2, "rpm -qf cannot tell which package owns it: fork/exec"},
		{"rpm -V exits 127", `case "$3" in -qf) echo go-toolchain-1.26;; *) ` + noLib + `;; esac`, 0o755, 1, "rpm -V go-toolchain-1.26 could not run: exit status 127"},
		{"rpm -V killed", `case "$3" in -qf) echo go-toolchain-1.26;; *) kill -9 $$;; esac`, 0o755, 1, "rpm -V go-toolchain-1.26 could not run: signal: killed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rpm := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(rpm, []byte("#!/bin/sh\n"+tc.script+"\n"), tc.mode); err != nil {
				t.Fatal(err)
			}
			rep, err := Check(toolchain.Defaults(), Options{Root: fakeRoot(t), RPM: rpm})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Errors != tc.errors || rep.Warnings != 0 {
				t.Fatalf("want %d errors; findings:\n%s", tc.errors, describe(rep.Findings))
			}
			for _, f := range rep.Findings {
				if !strings.Contains(f.Message, tc.want) {
					t.Errorf("finding %+v, want %q", f, tc.want)
				}
			}
		})
	}
}

// fedoraRoot is fakeRoot with Fedora's alternatives instead of
// Debian's: the test double of Fedora's program registers both
// toolchains, so the state file in /var/lib/alternatives is byte for
// byte what alternatives.c writes.
func fedoraRoot(t *testing.T) string {
	t.Helper()
	root := fakeRoot(t)
	for _, p := range []string{"/var/lib/dpkg", "/usr/bin/go", "/usr/bin/gofmt", "/usr/libexec/go-toolchain/current",
		"/etc/alternatives/go", "/etc/alternatives/gofmt", "/etc/alternatives/go-toolchain-current"} {
		os.RemoveAll(filepath.Join(root, p))
	}
	for _, v := range []struct{ version, prio string }{{"1.26.8", "12608"}, {"1.27.3", "12703"}} {
		g := "/usr/libexec/go-toolchain/go" + v.version
		alternatives(t, root, "--install", "/usr/bin/go", "go", g+"/bin/go", v.prio,
			"--slave", "/usr/bin/gofmt", "gofmt", g+"/bin/gofmt",
			"--slave", "/usr/libexec/go-toolchain/current", "go-toolchain-current", g)
	}
	return root
}

// alternatives runs the test double of Fedora's alternatives in root.
func alternatives(t *testing.T, root string, args ...string) {
	t.Helper()
	var out strings.Builder
	if code := fedalternatives.Main(args, fedalternatives.Env{Root: root, Stdout: &out, Stderr: &out}); code != 0 {
		t.Fatalf("alternatives %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
	}
}

// TestCheckFedora reads the state Fedora's alternatives keeps: clean in
// auto mode, clean in manual mode on the older series, and a finding
// when a family and an initscript (which Debian's format lacks) are on
// the priority line of a toolchain registered with another priority.
func TestCheckFedora(t *testing.T) {
	root := fedoraRoot(t)
	check := func(mode string) *Report {
		t.Helper()
		rep, err := Check(toolchain.Defaults(), Options{Root: root, Run: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Mode != mode || len(rep.Toolchains) != 2 {
			t.Fatalf("report %+v, want mode %s and two toolchains", rep, mode)
		}
		return rep
	}
	if rep := check("auto"); len(rep.Findings) != 0 || !rep.Toolchains[1].Selected || rep.Toolchains[1].Priority != 12703 {
		t.Errorf("auto mode: %+v\n%s", rep.Toolchains, describe(rep.Findings))
	}
	alternatives(t, root, "--set", "go", "/usr/libexec/go-toolchain/go1.26.8/bin/go")
	if rep := check("manual"); len(rep.Findings) != 0 || !rep.Toolchains[0].Selected {
		t.Errorf("manual mode: %+v\n%s", rep.Toolchains, describe(rep.Findings))
	}
	alternatives(t, root, "--install", "/usr/bin/go", "go", "/usr/libexec/go-toolchain/go1.26.8/bin/go", "99", "--family", "go1.26", "--initscript", "none",
		"--slave", "/usr/bin/gofmt", "gofmt", "/usr/libexec/go-toolchain/go1.26.8/bin/gofmt",
		"--slave", "/usr/libexec/go-toolchain/current", "go-toolchain-current", "/usr/libexec/go-toolchain/go1.26.8")
	state, _ := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go"))
	if !strings.Contains(string(state), "\n@go1.26@99 none\n") {
		t.Fatalf("the double wrote no family and initscript:\n%s", state)
	}
	if rep := check("manual"); len(rep.Findings) != 0 || rep.Toolchains[0].Priority != 99 {
		t.Errorf("with a family: %+v\n%s", rep.Toolchains, describe(rep.Findings))
	}
}

// TestCheckFedoraRecorded checks a root as Fedora's alternatives left
// it after gotc's old %postun failed on the last erase (the recorded
// state file): every toolchain is gone, the group still registers one.
func TestCheckFedoraRecorded(t *testing.T) {
	left, err := os.ReadFile(filepath.Join(testenv.Recordings(t), "alternatives", "state-after-erase-all"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "var/lib/alternatives"), 0o755)
	os.MkdirAll(filepath.Join(root, "usr/libexec/go-toolchain"), 0o755)
	os.WriteFile(filepath.Join(root, "var/lib/alternatives/go"), left, 0o644)
	rep, err := Check(toolchain.Defaults(), Options{Root: root, Run: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"error /usr/bin/go: leads nowhere",
		"error /usr/libexec/go-toolchain/go1.27.98/bin/go: registered with priority 12798 but missing: a dangling alternative",
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s %s: %s", f.Level, f.Path, f.Message))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || rep.Mode != "auto" {
		t.Errorf("mode %q, findings:\n%s\nwant:\n%s", rep.Mode, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
