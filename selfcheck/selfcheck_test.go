package selfcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/fedalternatives"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// confinedRun runs the toolchains of a scratch root: they are real.
var confinedRun = Options{Run: true, RunRoot: true}

func withRoot(o Options, root string) Options { o.Root = root; return o }

// TestCheckClean checks a root laid out as dnf leaves it, running its
// real go commands and tools confined.
func TestCheckClean(t *testing.T) {
	root, older, newer := fakeRoot(t)
	rep, err := Check(toolchain.Defaults(), withRoot(confinedRun, root))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Fatalf("findings on a clean root:\n%s", describe(rep.Findings))
	}
	if len(rep.Toolchains) != 2 || rep.Mode != "auto" {
		t.Fatalf("report %+v", rep)
	}
	sel := rep.Toolchains[1]
	if sel.GoVersion != newer.version || !sel.Selected || !sel.Registered || sel.Priority != newer.prio() || rep.Toolchains[0].Selected || rep.Toolchains[0].GoVersion != older.version {
		t.Errorf("toolchains %+v", rep.Toolchains)
	}
}

func TestCheckFindings(t *testing.T) {
	older, newer := releases(t)
	g1, g2 := older.dir(), newer.dir()
	other := fmt.Sprintf("go%d.%d.%d", older.v.Major, older.v.Minor, older.v.Patch+1)
	edit := func(p, content string) func(string) error {
		return func(root string) error {
			os.Remove(filepath.Join(root, p))
			return os.WriteFile(filepath.Join(root, p), []byte(content), 0o644)
		}
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
	admin := func(entries string) string {
		return "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\ngo-toolchain-current\n/usr/libexec/go-toolchain/current\n\n" + entries + "\n"
	}
	tests := []struct {
		name   string
		damage func(root string) error
		path   string
		want   string
	}{
		{"go.env auto", edit(g1+"/go.env", "GOTOOLCHAIN=auto\n"), g1 + "/go.env", "says GOTOOLCHAIN=auto, want local"},
		{"go.env without GOTOOLCHAIN", edit(g1+"/go.env", "GOPROXY=direct\n"), g1 + "/go.env", "no GOTOOLCHAIN setting"},
		{"go env says auto", edit(g2+"/go.env", "GOTOOLCHAIN=auto\nGOTOOLCHAIN=local\n"), g2 + "/bin/go", "go env GOTOOLCHAIN is auto"},
		{"the first line wins", edit(g2+"/go.env", "GOTOOLCHAIN=auto\nGOTOOLCHAIN=local\n"), g2 + "/go.env", "says GOTOOLCHAIN=auto, want local"},
		{"missing gofmt", remove(g1 + "/bin/gofmt"), g1 + "/bin/gofmt", "missing"},
		{"gofmt not executable", func(root string) error { return os.Chmod(filepath.Join(root, g1, "bin/gofmt"), 0o644) }, g1 + "/bin/gofmt", "not an executable file"},
		{"VERSION of another release", edit(g1+"/VERSION", other+"\n"), g1, "holds " + other + ", which belongs in /usr/libexec/go-toolchain/" + other},
		{"go version disagrees", edit(g1+"/VERSION", other+"\n"), g1 + "/bin/go", fmt.Sprintf(`go version printed "go version %s %s/%s", but VERSION says %s`, older.version, runtime.GOOS, runtime.GOARCH, other)},
		{"dangling alternative", remove(g1), g1 + "/bin/go", fmt.Sprintf("registered with priority %d but missing", older.prio())},
		{"unregistered toolchain", func(root string) error {
			return copyTree(filepath.Join(root, g1), filepath.Join(root, "/usr/libexec/go-toolchain/go1.25.1"), "go1.25.1")
		}, "/usr/libexec/go-toolchain/go1.25.1", "not registered in alternatives group go"},
		{"mixed follower", relink("/etc/alternatives/gofmt", g1+"/bin/gofmt"), "/usr/bin/gofmt", "leads to \"" + g1 + "/bin/gofmt\", but /usr/bin/go leads to"},
		{"not the best in auto mode", func(root string) error {
			if err := relink("/etc/alternatives/go", g1+"/bin/go")(root); err != nil {
				return err
			}
			if err := relink("/etc/alternatives/gofmt", g1+"/bin/gofmt")(root); err != nil {
				return err
			}
			return relink("/etc/alternatives/go-toolchain-current", g1)(root)
		}, "/usr/bin/go", "auto mode but leads to " + g1 + "/bin/go, not to " + g2 + "/bin/go"},
		{"go leads nowhere", relink("/etc/alternatives/go", "/nonexistent/go"), "/usr/bin/go", "leads nowhere"},
		{"versioned command dangles", relink("/usr/bin/go"+older.series(), "../libexec/go-toolchain/"+other+"/bin/go"), "/usr/bin/go" + older.series(), "leads to \"\""},
		{"no group", remove("/var/lib/dpkg/alternatives/go"), "/var/lib/alternatives/go", "no alternatives group go"},
		{"corrupt group", edit("/var/lib/dpkg/alternatives/go", "auto\n/usr/bin/go\n\n"+g1+"/bin/go\nhigh\n"), "", "numeric priority expected in /var/lib/dpkg/alternatives/go; unexpected line in /var/lib/dpkg/alternatives/go: high"},
		{"follower registered wrong", edit("/var/lib/dpkg/alternatives/go", admin(fmt.Sprintf("%s/bin/go\n%d\n%s/bin/gofmt\n%s\n%s/bin/go\n%d\n%s/bin/gofmt\n%s\n", g1, older.prio(), g2, g1, g2, newer.prio(), g2, g2))), g1 + "/bin/go", "follower gofmt registered as"},
		{"a tool of the other release", func(root string) error {
			os.Remove(filepath.Join(root, g1, toolDir, "compile"))
			return os.Link(filepath.Join(newer.goroot, toolDir, "compile"), filepath.Join(root, g1, toolDir, "compile"))
		}, g1 + "/" + toolDir + "/compile", "compile -V=full reports " + newer.version + ", VERSION says " + older.version + ": a tool of another release; fix: reinstall"},
		{"gofmt of the other release", func(root string) error {
			os.Remove(filepath.Join(root, g2, "bin/gofmt"))
			return os.Link(filepath.Join(older.goroot, "bin/gofmt"), filepath.Join(root, g2, "bin/gofmt"))
		}, g2 + "/bin/gofmt", "built by " + older.version + ", VERSION says " + newer.version},
		{"a tool that is not a Go program", func(root string) error {
			os.Remove(filepath.Join(root, g2, toolDir, "link"))
			return os.WriteFile(filepath.Join(root, g2, toolDir, "link"), []byte("#!/bin/sh\n"), 0o755)
		}, g2 + "/" + toolDir + "/link", "not a Go executable"},
		{"a tool that is not executable", func(root string) error {
			copyFile(t, filepath.Join(newer.goroot, toolDir, "vet"), filepath.Join(root, g2, toolDir, "vet"), 0o644) // a copy: never chmod a hard link
			return nil
		}, g2 + "/" + toolDir + "/vet", "not an executable file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, _, _ := fakeRoot(t)
			if err := tc.damage(root); err != nil {
				t.Fatal(err)
			}
			rep, err := Check(toolchain.Defaults(), withRoot(confinedRun, root))
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

// TestParseGoEnv pins how go.env is read, as the go command reads its
// GOROOT/go.env (cmd/go/internal/cfg readEnvFile): the first line for a
// key wins, comments and lines not starting with A-Z are skipped, and
// nothing is trimmed.
func TestParseGoEnv(t *testing.T) {
	got := parseGoEnv([]byte("# comment\nGOTOOLCHAIN=auto\nGOTOOLCHAIN=local\n goproxy=x\nGOPROXY=direct \nGOSUMDB\n\nGOFLAGS=-mod=mod=x"))
	want := map[string]string{"GOTOOLCHAIN": "auto", "GOPROXY": "direct ", "GOFLAGS": "-mod=mod=x"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseGoEnv = %v, want %v", got, want)
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

// FuzzParseGroup feeds arbitrary administrative files to the parser: it
// must return a group or an error, never panic, and every alternative it
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

// fedoraRoot is fakeRoot with Fedora's alternatives instead of
// Debian's: the test double of Fedora's program registers both
// toolchains, so the state file in /var/lib/alternatives is byte for
// byte what alternatives.c writes.
func fedoraRoot(t *testing.T) (root string, older, newer release) {
	t.Helper()
	root, older, newer = fakeRoot(t)
	for _, p := range []string{"/var/lib/dpkg", "/usr/bin/go", "/usr/bin/gofmt", "/usr/libexec/go-toolchain/current",
		"/etc/alternatives/go", "/etc/alternatives/gofmt", "/etc/alternatives/go-toolchain-current"} {
		os.RemoveAll(filepath.Join(root, p))
	}
	for _, r := range []release{older, newer} {
		g := r.dir()
		alternatives(t, root, "--install", "/usr/bin/go", "go", g+"/bin/go", fmt.Sprint(r.prio()),
			"--slave", "/usr/bin/gofmt", "gofmt", g+"/bin/gofmt",
			"--slave", "/usr/libexec/go-toolchain/current", "go-toolchain-current", g)
	}
	return root, older, newer
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
	root, older, newer := fedoraRoot(t)
	check := func(mode string) *Report {
		t.Helper()
		rep, err := Check(toolchain.Defaults(), Options{Root: root})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Mode != mode || len(rep.Toolchains) != 2 {
			t.Fatalf("report %+v, want mode %s and two toolchains", rep, mode)
		}
		return rep
	}
	if rep := check("auto"); len(rep.Findings) != 0 || !rep.Toolchains[1].Selected || rep.Toolchains[1].Priority != newer.prio() {
		t.Errorf("auto mode: %+v\n%s", rep.Toolchains, describe(rep.Findings))
	}
	alternatives(t, root, "--set", "go", older.dir()+"/bin/go")
	if rep := check("manual"); len(rep.Findings) != 0 || !rep.Toolchains[0].Selected {
		t.Errorf("manual mode: %+v\n%s", rep.Toolchains, describe(rep.Findings))
	}
	alternatives(t, root, "--install", "/usr/bin/go", "go", older.dir()+"/bin/go", "99", "--family", "go"+older.series(), "--initscript", "none",
		"--slave", "/usr/bin/gofmt", "gofmt", older.dir()+"/bin/gofmt",
		"--slave", "/usr/libexec/go-toolchain/current", "go-toolchain-current", older.dir())
	state, _ := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go"))
	if !strings.Contains(string(state), "\n@go"+older.series()+"@99 none\n") {
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
	rep, err := Check(toolchain.Defaults(), Options{Root: root})
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

// TestCheckConfiguredGoToolchain: with go_env choosing GOTOOLCHAIN=path,
// toolchains whose go.env says path are clean (the real go commands,
// run confined, report path too), and the same root checked against
// gotc's defaults (local) is reported twice per toolchain: the file and
// what go env says.
func TestCheckConfiguredGoToolchain(t *testing.T) {
	root, older, newer := fakeRoot(t)
	for _, r := range []release{older, newer} {
		p := filepath.Join(root, r.dir(), "go.env")
		os.Remove(p) // never write through a hard link
		if err := os.WriteFile(p, []byte("GOTOOLCHAIN=path\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, _, err := toolchain.Parse("gotc.yaml", []byte("go_env: {GOTOOLCHAIN: path}\ntoolchains:\n  - version: \""+older.v.String()+"\"\n    sources: {x86_64: {sha256: \""+strings.Repeat("ab", 32)+"\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(cfg, withRoot(confinedRun, root))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("GOTOOLCHAIN=path configured and installed:\n%s", describe(rep.Findings))
	}
	rep, err = Check(toolchain.Defaults(), withRoot(confinedRun, root))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range rep.Findings {
		msgs = append(msgs, f.Message)
	}
	got := strings.Join(msgs, "\n")
	if rep.Errors != 4 || strings.Count(got, "says GOTOOLCHAIN=path, want local") != 2 ||
		strings.Count(got, "go env GOTOOLCHAIN is path, want the configured local") != 2 {
		t.Errorf("against the defaults:\n%s", describe(rep.Findings))
	}
}
