package doctor

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/toolchain"
)

const (
	g126 = "/usr/libexec/go-toolchain/go1.26.8"
	g127 = "/usr/libexec/go-toolchain/go1.27.3"
)

// layout writes a root: files (path → content; a value starting with
// "-> " is a symlink, "#!" an executable, "/" at the end of a key a
// directory).
func layout(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		host := filepath.Join(root, p)
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(host, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(host), 0o755)
		var err error
		switch {
		case strings.HasPrefix(content, "-> "):
			err = os.Symlink(strings.TrimPrefix(content, "-> "), host)
		case strings.HasPrefix(content, "#!"):
			err = os.WriteFile(host, []byte(content), 0o755)
		default:
			err = os.WriteFile(host, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// tree is a Go tree at dir of version v, as files for layout.
func tree(dir, v string) map[string]string {
	return map[string]string{dir + "/VERSION": v + "\ntime 2026-08-28T16:20:06Z\n", dir + "/bin/go": "#!/bin/sh\n", dir + "/bin/gofmt": "#!/bin/sh\n"}
}

// machine is two packaged toolchains with 1.27.3 selected, as the
// scriptlets leave them, plus extra.
func machine(extra ...map[string]string) map[string]string {
	m := map[string]string{
		"/usr/bin/go":          "-> /etc/alternatives/go",
		"/etc/alternatives/go": "-> " + g127 + "/bin/go",
		"/usr/bin/go1.26":      "-> ../libexec/go-toolchain/go1.26.8/bin/go",
		"/bin/sh":              "#!",
		"/home/u/":             "",
	}
	for _, t := range []map[string]string{tree(g126, "go1.26.8"), tree(g127, "go1.27.3")} {
		for k, v := range t {
			m[k] = v
		}
	}
	for _, e := range extra {
		for k, v := range e {
			m[k] = v
		}
	}
	return m
}

// apply carries out a finding's fix on env and the root, as the user
// would: export PATH=..., unset VAR, and go env -u VAR, which the real
// go command runs on the go env file.
func apply(t *testing.T, root string, env map[string]string, fix string) {
	t.Helper()
	switch {
	case strings.HasPrefix(fix, "export PATH=$PATH:"):
		env["PATH"] += ":" + strings.TrimPrefix(fix, "export PATH=$PATH:")
	case strings.HasPrefix(fix, "export PATH="):
		env["PATH"] = strings.TrimPrefix(fix, "export PATH=")
	case strings.HasPrefix(fix, "unset "):
		delete(env, strings.TrimPrefix(fix, "unset "))
	case strings.HasPrefix(fix, "go env -u "):
		goCmd := testenv.NeedTool(t, "go")
		d := &doctor{env: env}
		file := filepath.Join(root, d.goEnvFile())
		cmd := exec.Command(goCmd, "env", "-u", strings.TrimPrefix(fix, "go env -u "))
		cmd.Env = []string{"GOENV=" + file, "HOME=" + testenv.GoHome(t), "PATH=" + os.Getenv("PATH"), "GOTOOLCHAIN=local"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", fix, err, out)
		}
	default:
		t.Fatalf("no way to apply fix %q", fix)
	}
}

func TestCheck(t *testing.T) {
	home := "/home/u"
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  []string // "level check path: message substring"
		fix   string   // the fix of the first finding, applied; then no findings
	}{
		{"clean", machine(), map[string]string{"PATH": "/usr/bin:/bin", "HOME": home}, nil, ""},
		{"/usr/local/go first in PATH", machine(tree("/usr/local/go", "go1.22.1")), map[string]string{"PATH": "/usr/local/go/bin:/usr/bin:/bin", "HOME": home},
			[]string{"error shadow /usr/local/go/bin/go: go in PATH is /usr/local/go/bin/go (go1.22.1, an upstream tarball unpacked into /usr/local/go), ahead of /usr/bin/go, the toolchain alternatives select (go1.27.3)"},
			"export PATH=/usr/bin:/usr/local/go/bin:/bin"},
		{"an SDK in ~/sdk first in PATH", machine(tree(home+"/sdk/go1.25.0", "go1.25.0")), map[string]string{"PATH": home + "/sdk/go1.25.0/bin:/usr/bin", "HOME": home},
			[]string{"error shadow " + home + "/sdk/go1.25.0/bin/go: go in PATH is " + home + "/sdk/go1.25.0/bin/go (go1.25.0, an SDK golang.org/dl downloaded into ~/sdk)"},
			"export PATH=/usr/bin:" + home + "/sdk/go1.25.0/bin"},
		{"a go in ~/go/bin first in PATH", machine(map[string]string{home + "/go/bin/go": "#!/bin/sh\n"}), map[string]string{"PATH": home + "/go/bin:/usr/bin", "HOME": home},
			[]string{"error shadow " + home + "/go/bin/go: go in PATH is " + home + "/go/bin/go (version unknown, a go command go install put in ~/go/bin)"},
			"export PATH=/usr/bin:" + home + "/go/bin"},
		{"a shadowing go behind a symlink", machine(tree("/opt/go", "go1.21.0"), map[string]string{"/usr/local/bin/go": "-> /opt/go/bin/go"}), map[string]string{"PATH": "/usr/local/bin:/usr/bin"},
			[]string{"error shadow /usr/local/bin/go: go in PATH is /usr/local/bin/go (go1.21.0, the toolchain in /opt/go)"},
			"export PATH=/usr/bin:/usr/local/bin"},
		{"no go in PATH", machine(), map[string]string{"PATH": "/bin"},
			[]string{"error path : no go in PATH; /usr/bin/go leads to " + g127 + " (go1.27.3)"}, "export PATH=/bin:/usr/bin"},
		{"GOROOT of a removed toolchain", machine(), map[string]string{"PATH": "/usr/bin", "GOROOT": "/usr/libexec/go-toolchain/go1.25.3"},
			[]string{"error goroot /usr/libexec/go-toolchain/go1.25.3: GOROOT=/usr/libexec/go-toolchain/go1.25.3, but it is gone"}, "unset GOROOT"},
		{"GOROOT of another toolchain", machine(), map[string]string{"PATH": "/usr/bin", "GOROOT": g126},
			[]string{"error goroot " + g126 + ": GOROOT=" + g126 + " (go1.26.8), but the go in PATH is " + g127 + "'s (go1.27.3)"}, "unset GOROOT"},
		{"GOROOT of the toolchain that runs", machine(), map[string]string{"PATH": "/usr/bin", "GOROOT": g127 + "/"},
			[]string{"warning goroot " + g127 + ": GOROOT=" + g127 + "/ pins go1.27.3"}, "unset GOROOT"},
		{"GOROOT without a Go tree", machine(map[string]string{"/opt/empty/": ""}), map[string]string{"PATH": "/usr/bin", "GOROOT": "/opt/empty"},
			[]string{"error goroot /opt/empty: GOROOT=/opt/empty, but it holds no Go toolchain (no VERSION)"}, "unset GOROOT"},
		{"GOTOOLCHAIN=auto in the environment", machine(), map[string]string{"PATH": "/usr/bin", "GOTOOLCHAIN": "auto"},
			[]string{"error gotoolchain : GOTOOLCHAIN=auto from the environment overrides the packaged go.env's local: the go command may download"}, "unset GOTOOLCHAIN"},
		{"GOTOOLCHAIN=path in the environment", machine(), map[string]string{"PATH": "/usr/bin", "GOTOOLCHAIN": "path"},
			[]string{"warning gotoolchain : GOTOOLCHAIN=path from the environment overrides the packaged go.env's local"}, "unset GOTOOLCHAIN"},
		{"go env -w GOTOOLCHAIN", machine(map[string]string{home + "/.config/go/env": "GOTOOLCHAIN=go1.27.3+auto\nGOPROXY=off\n"}), map[string]string{"PATH": "/usr/bin", "HOME": home},
			[]string{"error gotoolchain " + home + "/.config/go/env: GOTOOLCHAIN=go1.27.3+auto from go env -w overrides"}, "go env -u GOTOOLCHAIN"},
		{"go env -w under XDG_CONFIG_HOME", machine(map[string]string{"/xdg/go/env": "GOTOOLCHAIN=local+path\n"}), map[string]string{"PATH": "/usr/bin", "HOME": home, "XDG_CONFIG_HOME": "/xdg"},
			[]string{"warning gotoolchain /xdg/go/env: GOTOOLCHAIN=local+path from go env -w"}, "go env -u GOTOOLCHAIN"},
		{"GOENV=off ignores the file", machine(map[string]string{home + "/.config/go/env": "GOTOOLCHAIN=auto\n"}), map[string]string{"PATH": "/usr/bin", "HOME": home, "GOENV": "off"}, nil, ""},
		{"~/go/bin not in PATH", machine(map[string]string{home + "/go/bin/": ""}), map[string]string{"PATH": "/usr/bin", "HOME": home},
			[]string{"warning gobin " + home + "/go/bin: go install puts commands in " + home + "/go/bin (GOPATH/bin), which is not in PATH"}, "export PATH=$PATH:" + home + "/go/bin"},
		{"GOBIN not in PATH", machine(map[string]string{"/opt/gobin/": ""}), map[string]string{"PATH": "/usr/bin", "GOBIN": "/opt/gobin"},
			[]string{"warning gobin /opt/gobin: go install puts commands in /opt/gobin (GOBIN)"}, "export PATH=$PATH:/opt/gobin"},
		{"a GOPATH without bin needs nothing", machine(), map[string]string{"PATH": "/usr/bin", "GOPATH": "/opt/gopath"}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := layout(t, tc.files)
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			rep := check(t, root, env)
			got := describe(rep)
			if len(got) != len(tc.want) {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("finding %d:\n%s\nwant it to contain:\n%s", i, got[i], w)
				}
			}
			if tc.fix == "" {
				return
			}
			if rep.Findings[0].Fix != tc.fix {
				t.Fatalf("fix %q, want %q", rep.Findings[0].Fix, tc.fix)
			}
			apply(t, root, env, tc.fix)
			if after := describe(check(t, root, env)); len(after) != 0 {
				t.Errorf("after %q:\n%s", tc.fix, strings.Join(after, "\n"))
			}
		})
	}
}

func check(t *testing.T, root string, env map[string]string) *Report {
	t.Helper()
	rep, err := Check(Options{Root: root, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func describe(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Level)+" "+f.Check+" "+f.Path+": "+f.Message)
	}
	return out
}

// TestHostileRoot: PATH entries and GOROOT that lead out of the root (an
// absolute symlink to this machine's Go) are looked up inside it, so the
// host's go is never reported as the root's.
func TestHostileRoot(t *testing.T) {
	host := t.TempDir()
	for k, v := range tree("/go", "go1.20.0") {
		p := filepath.Join(host, k)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(v), 0o755)
	}
	root := layout(t, machine(map[string]string{"/opt/hostgo": "-> " + filepath.Join(host, "go"), "/usr/local/bin/go": "-> ../../../../../../" + host + "/go/bin/go"}))
	rep := check(t, root, map[string]string{"PATH": "/opt/hostgo/bin:/usr/local/bin:/usr/bin", "GOROOT": "/opt/hostgo"})
	if rep.Go == nil || rep.Go.Path != "/usr/bin/go" || rep.Go.Version != "go1.27.3" {
		t.Errorf("go in PATH: %+v, want the root's /usr/bin/go", rep.Go)
	}
	got := describe(rep)
	if len(got) != 1 || !strings.Contains(got[0], "GOROOT=/opt/hostgo, but it is gone") {
		t.Errorf("findings:\n%s", strings.Join(got, "\n"))
	}
}

// TestReport: the text names the go that runs, the selected one, each
// finding and its fix; the JSON is one object with every field.
func TestReport(t *testing.T) {
	root := layout(t, machine(tree("/usr/local/go", "go1.22.1")))
	rep := check(t, root, map[string]string{"PATH": "/usr/local/go/bin:/usr/bin", "GOTOOLCHAIN": "auto"})
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	want := "go in PATH: /usr/local/go/bin/go (go1.22.1)\n" +
		"alternatives select: /usr/bin/go -> " + g127 + "/bin/go (go1.27.3)\n" +
		"error  shadow  /usr/local/go/bin/go: go in PATH is /usr/local/go/bin/go (go1.22.1, an upstream tarball unpacked into /usr/local/go), ahead of /usr/bin/go, the toolchain alternatives select (go1.27.3)\n" +
		"  fix: export PATH=/usr/bin:/usr/local/go/bin\n" +
		"error  gotoolchain: GOTOOLCHAIN=auto from the environment overrides the packaged go.env's local: the go command may download and run a toolchain no package provides\n" +
		"  fix: unset GOTOOLCHAIN\n" +
		"2 error(s), 0 warning(s)\n"
	if text.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), want)
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Root     string
		Go       Command
		Findings []struct{ Level, Check, Path, Message, Fix string }
		Errors   int
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Errors != 2 || back.Go.Version != "go1.22.1" || len(back.Findings) != 2 || back.Findings[0].Fix != "export PATH=/usr/bin:/usr/local/go/bin" || back.Findings[0].Level != string(findings.Error) {
		t.Errorf("JSON: %s", js.String())
	}
}

// TestInstallFix: on a machine with no toolchain at all, the fix is to
// install the configured series; installing it with real rpm (what dnf
// install does, scriptlets and alternatives included) makes the finding
// go away, and doctor then finds the packaged go in PATH.
func TestInstallFix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs a real toolchain")
	}
	b := testroot.Packages(t)
	cfg, _, err := toolchain.Load(b.Config)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	env := map[string]string{"PATH": "/usr/bin:/bin"}
	rep, err := Check(Options{Root: root, Env: env, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	name := cfg.Plans()[len(cfg.Plans())-1].Name
	if got := describe(rep); len(got) != 1 || !strings.Contains(got[0], "no go in PATH and no toolchain selected") || rep.Findings[0].Fix != "dnf install "+name {
		t.Fatalf("findings %q, fix %q", got, rep.Findings[0].Fix)
	}
	var rpms []string
	for pkg, file := range b.RPMs {
		if strings.HasPrefix(pkg, name) {
			rpms = append(rpms, file)
		}
	}
	testroot.Install(t, root, "/usr/lib/sysimage/rpm", append(rpms, b.Base)...)
	rep, err = Check(Options{Root: root, Env: env, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(rep); len(got) != 0 || rep.Go == nil || rep.Go.Version != b.Tarball.GoVersion {
		t.Errorf("after installing %s: go %+v, findings %q", name, rep.Go, got)
	}
}
