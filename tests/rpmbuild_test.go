package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// TestRPMBuildRealToolchains builds the generated specs of this machine's
// Go and go1.27.3 with real rpmbuild, then checks the packages with real
// rpm: digests, dependencies (nothing leaked from testdata), scriptlets,
// and both series installed together into one root running go version
// and building a program offline.
func TestRPMBuildRealToolchains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two real toolchains with rpmbuild; run without -short (make test does)")
	}
	rpm := testenv.NeedTool(t, "rpm")
	b := testenv.RPMBuild(t)
	tbs := testenv.Toolchains(t)
	var names []string
	for n := range b.RPMs {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{}
	for _, tb := range tbs {
		series := regexp.MustCompile(`^go(\d+\.\d+)`).FindStringSubmatch(tb.GoVersion)[1]
		for _, suffix := range []string{"", "-docs", "-src", "-tests"} {
			want = append(want, "go-toolchain-"+series+suffix)
		}
	}
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("built packages %v, want %v", names, want)
	}
	var all []string
	for _, name := range names {
		path := b.RPMs[name]
		all = append(all, path)
		t.Run(name, func(t *testing.T) {
			if out := testenv.Run(t, "", nil, rpm, "-K", "--nosignature", path); !strings.Contains(out, "digests OK") {
				t.Errorf("rpm -K: %s", out)
			}
			reqs := lines(testenv.Run(t, "", nil, rpm, "-qp", "--requires", path))
			provs := lines(testenv.Run(t, "", nil, rpm, "-qp", "--provides", path))
			series := strings.TrimPrefix(regexp.MustCompile(`^go-toolchain-\d+\.\d+`).FindString(name), "")
			for _, r := range reqs {
				switch {
				case strings.HasPrefix(r, "rpmlib("), r == "/bin/sh", r == "/usr/sbin/update-alternatives",
					strings.HasPrefix(r, series+" = "), strings.HasPrefix(r, series+"-src = "):
				default:
					t.Errorf("unexpected Requires %q (leaked from the tree?)", r)
				}
			}
			for _, p := range provs {
				if !strings.HasPrefix(p, name+" = ") && !strings.HasPrefix(p, name+"(x86-64) = ") {
					t.Errorf("unexpected Provides %q (leaked from the tree?)", p)
				}
			}
			if name == series {
				scripts := testenv.Run(t, "", nil, rpm, "-qp", "--scripts", path)
				if !strings.Contains(scripts, "update-alternatives --install /usr/bin/go go ") || !strings.Contains(scripts, "--remove go ") {
					t.Errorf("scriptlets:\n%s", scripts)
				}
				req := testenv.Run(t, "", nil, rpm, "-qp", "--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]", path)
				for _, w := range []string{"/usr/sbin/update-alternatives post", "/usr/sbin/update-alternatives postun"} {
					if !strings.Contains(req, w) {
						t.Errorf("missing Requires(%s) in\n%s", w, req)
					}
				}
				dump := testenv.Run(t, "", nil, rpm, "-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]", path)
				for _, g := range []string{"/usr/bin/go g", "/usr/bin/gofmt g", "/etc/alternatives/go g", "/usr/libexec/go-toolchain/current g"} {
					if !strings.Contains(dump, g) {
						t.Errorf("missing %%ghost %s", g)
					}
				}
				env := testenv.Run(t, "", nil, rpm, "-qp", "--dump", path)
				if !strings.Contains(env, "/go.env ") {
					t.Error("no go.env in main package")
				}
			}
		})
	}

	installAndRun(t, all)
}

// installAndRun installs the packages of both series into one scratch
// root with rpm -i --root --nodeps --noscripts (a file conflict fails),
// and runs each installed go: go version, go env GOTOOLCHAIN from the
// packaged go.env, and an offline build of a program importing net/http.
func installAndRun(t *testing.T, rpms []string) {
	t.Helper()
	rpm := testenv.NeedTool(t, "rpm")
	root := t.TempDir()
	testenv.Run(t, "", nil, rpm, "--root", root, "--initdb")
	testenv.Run(t, "", nil, rpm, append([]string{"-i", "--root", root, "--nodeps", "--noscripts"}, rpms...)...)
	hello := filepath.Join(t.TempDir(), "hello")
	os.MkdirAll(hello, 0o755)
	os.WriteFile(filepath.Join(hello, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(hello, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(\"hello\", http.StatusOK) }\n"), 0o644)
	for _, tb := range testenv.Toolchains(t) {
		goBin := filepath.Join(root, "usr/libexec/go-toolchain", tb.GoVersion, "bin/go")
		out := testenv.Run(t, "", []string{"GOTOOLCHAIN=", "GOROOT=", "GOFLAGS="}, goBin, "version")
		if !strings.Contains(out, "go version "+tb.GoVersion+" ") {
			t.Errorf("%s version: %s", goBin, out)
		}
		if env := strings.TrimSpace(testenv.Run(t, "", []string{"GOTOOLCHAIN=", "GOENV=off"}, goBin, "env", "GOTOOLCHAIN")); env != "local" {
			t.Errorf("%s: GOTOOLCHAIN=%s, want local from go.env", tb.GoVersion, env)
		}
		// A go.env line cannot turn telemetry off (so validation refuses
		// go_env.GOTELEMETRY): the mode is read from the user's own
		// configuration only.
		goEnv := filepath.Join(root, "usr/libexec/go-toolchain", tb.GoVersion, "go.env")
		// HOME names no directory, so no mode file is found and the go
		// command cannot start its telemetry sidecar there.
		data, err := os.ReadFile(goEnv)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goEnv, append(data, "GOTELEMETRY=off\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		if mode := strings.TrimSpace(testenv.Run(t, "", []string{"GOTOOLCHAIN=", "GOENV=off", "HOME=/nonexistent/gotc-test", "XDG_CONFIG_HOME="}, goBin, "env", "GOTELEMETRY")); mode != "local" {
			t.Errorf("%s with GOTELEMETRY=off in go.env: telemetry %q; validation refuses go_env.GOTELEMETRY because go.env cannot set it", tb.GoVersion, mode)
		}
		exe := filepath.Join(t.TempDir(), "hello")
		testenv.Run(t, hello, []string{"GOTOOLCHAIN=", "GOROOT=", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOCACHE=" + t.TempDir(), "CGO_ENABLED=0"}, goBin, "build", "-o", exe, ".")
		if out := testenv.Run(t, "", nil, exe); out != "hello 200\n" {
			t.Errorf("%s-built hello printed %q", tb.GoVersion, out)
		}
	}
	goToolchainPath(t, root)
}

// goToolchainPath runs the older series' full-version command on a
// module that needs the newer series, as cmd/go's toolchain switch sees
// it: GOTOOLCHAIN=path finds the newer full-version command in PATH and
// runs it; GOTOOLCHAIN=local refuses the module. Neither downloads
// (GOPROXY=off).
func goToolchainPath(t *testing.T, root string) {
	t.Helper()
	older, newer, _, _ := olderNewer(t)
	mod := filepath.Join(t.TempDir(), "needsnewer")
	os.MkdirAll(mod, 0o755)
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module needsnewer\n\ngo "+newer.Version()+"\n"), 0o644)
	bin := filepath.Join(root, "usr", "bin")
	home := testenv.GoHome(t)
	env := func(mode string) []string {
		return []string{"GOTOOLCHAIN=" + mode, "PATH=" + bin + ":/usr/bin:/bin", "GOROOT=", "GOENV=off", "GOPROXY=off",
			"HOME=" + home, "GOPATH=" + filepath.Join(home, "go"), "GOCACHE=" + filepath.Join(home, "cache"), "GOFLAGS=-modcacherw"}
	}
	olderGo := filepath.Join(bin, older.GoVersion)
	if out := testenv.Run(t, mod, env("path"), olderGo, "version"); !strings.HasPrefix(out, "go version "+newer.GoVersion+" ") {
		t.Errorf("GOTOOLCHAIN=path %s version in a module that says go %s: %q, want %s from %s/%s", older.GoVersion, newer.Version(), out, newer.GoVersion, bin, newer.GoVersion)
	}
	// go version does not read go.mod but for the switch; go list -m does.
	out, err := testenv.Output(mod, env("local"), olderGo, "list", "-m")
	if want := "requires go >= " + newer.Version() + " (running go " + older.Version() + "; GOTOOLCHAIN=local)"; err == nil || !strings.Contains(out, want) {
		t.Errorf("GOTOOLCHAIN=local %s list -m in a module that says go %s: %v %q, want %q", older.GoVersion, newer.Version(), err, out, want)
	}
}

// olderNewer returns the two real toolchains (testenv.Toolchains), the
// older first, with their versions; they must be of two series.
func olderNewer(t *testing.T) (older, newer testenv.Tarball, vo, vn toolchain.Version) {
	t.Helper()
	tbs := testenv.Toolchains(t)
	older, newer = tbs[0], tbs[1]
	vo, err1 := toolchain.ParseVersion(older.Version())
	vn, err2 := toolchain.ParseVersion(newer.Version())
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if vo.Priority() > vn.Priority() {
		older, newer, vo, vn = newer, older, vn, vo
	}
	if vo.Series() == vn.Series() {
		t.Fatalf("toolchains %s and %s: want two series", older.GoVersion, newer.GoVersion)
	}
	return older, newer, vo, vn
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
