package tests

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/toolchain"
)

// TestToolchainSwitching installs the packages of both real toolchains
// (this machine's Go and go1.27.3) into a root with real rpm, scriptlets
// run, selects the older one as /usr/bin/go with update-alternatives
// --set, and runs the go command inside the root the way a user there
// would, once with gotc's defaults (go.env says GOTOOLCHAIN=local) and
// once with go_env GOTOOLCHAIN: path. Under path a module whose go.mod
// needs the newer Go (its go line, or a toolchain line) builds with the
// newer toolchain's /usr/bin/go<version>; under local it is refused, or
// the toolchain line is ignored. GOTOOLCHAIN=go<newer> works under
// both, because the full-version command is in PATH; a version no
// package provides (go1.27.0) is not faked: it fails. Nothing ever goes
// to the module cache and no network is there to use. gotc-rpm
// selfcheck --run-root is clean against the configuration each root was
// built with and reports the GOTOOLCHAIN difference against the other.
//
// Each command runs chrooted into the root (unshare --root) with
// exactly userEnv — nothing of the tester's — in new mount and network
// namespaces: the mount namespace holds a /proc for the root (the go
// command finds its GOROOT through /proc/self/exe) that goes away with
// the command, and the network namespace has no network at all. The
// test makes what the root needs beyond the packages: /proc (the mount
// point), /dev/null (os/exec gives the programs cmd/go runs, the
// compiler first, /dev/null as standard input) and the user's home,
// /root; gotc-base has /tmp.
func TestToolchainSwitching(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs two real toolchains twice")
	}
	testenv.NeedTools(t, "rpm", "ldd", "unshare")
	if os.Geteuid() != 0 {
		t.Fatal("the switching test needs root: rpm chroots into the root to run scriptlets, and the go commands run chrooted")
	}
	older, newer, vo, vn := olderNewer(t)
	tbs := []testenv.Tarball{older, newer}
	// A version of the newer series no package provides: go.mod's
	// "go 1.27" asks for it, and so may a user.
	unprovided := "go" + vn.Series() + ".0"
	if unprovided == newer.GoVersion {
		t.Fatalf("%s is the packaged version", unprovided)
	}
	dir := t.TempDir()
	sources := filepath.Join(dir, "SOURCES")
	os.MkdirAll(sources, 0o755)
	for _, tb := range tbs {
		if err := os.Symlink(tb.Path, filepath.Join(sources, tb.File)); err != nil {
			t.Fatal(err)
		}
	}
	base := testroot.BasePackage(t, dir, nil)
	rpmCmd := testenv.Command(t, "gotc-rpm")
	configs := map[string]string{}
	for _, mode := range []string{"local", "path"} {
		extra := ""
		if mode != toolchain.DefaultGoToolchain {
			extra = "go_env: {GOTOOLCHAIN: " + mode + "}\n"
		}
		configs[mode] = filepath.Join(dir, mode+".yaml")
		if err := os.WriteFile(configs[mode], []byte(testenv.Config(tbs, extra)), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	goroot := func(tb testenv.Tarball) string { return "/usr/libexec/go-toolchain/go" + tb.Version() }
	built := func(tb testenv.Tarball) string { return "built by " + tb.GoVersion }
	refused := func(v string) string {
		return "fails: go: go.mod requires go >= " + v + " (running go " + older.Version() + "; GOTOOLCHAIN=local)"
	}
	notInPath := `fails: go: cannot find "` + unprovided + `" in PATH`

	// Modules, with what go build makes of them under each go.env.
	modules := []struct {
		name, gomod string
		local, path string
	}{
		{"needs", "go " + newer.Version(), refused(newer.Version()), built(newer)},
		// Under local the toolchain line is a suggestion the go
		// command does not follow: the go line is met.
		{"suggests", "go " + vo.Series() + "\n\ntoolchain " + newer.GoVersion, built(older), built(newer)},
		{"series", "go " + vn.Series(), refused(vn.Series()), notInPath},
		{"older", "go " + vo.Series(), built(older), built(older)},
	}
	// Commands outside any module, with what they print under each
	// go.env; env is added to the user's environment.
	commands := []struct {
		env         []string
		args        []string
		local, path string
	}{
		{nil, []string{"version"}, "go version " + older.GoVersion + " ", "go version " + older.GoVersion + " "},
		{nil, []string{"env", "GOTOOLCHAIN"}, "local\n", "path\n"},
		{[]string{"GOTOOLCHAIN=" + newer.GoVersion}, []string{"version"}, "go version " + newer.GoVersion + " ", "go version " + newer.GoVersion + " "},
		{[]string{"GOTOOLCHAIN=" + unprovided + "+path"}, []string{"version"}, notInPath, notInPath},
		{[]string{"GOTOOLCHAIN=local"}, []string{"version"}, "go version " + older.GoVersion + " ", "go version " + older.GoVersion + " "},
	}

	for _, mode := range []string{"local", "path"} {
		t.Run(mode, func(t *testing.T) {
			root := filepath.Join(dir, "root-"+mode)
			u := &user{root: root}
			installRoot(t, rpmCmd, configs[mode], sources, base, root)
			// The scriptlets select the newer toolchain; the admin picks
			// the older one.
			if got := resolve(root, "/usr/bin/go"); got != goroot(newer)+"/bin/go" {
				t.Fatalf("after rpm -i, /usr/bin/go leads to %q, want %s", got, goroot(newer)+"/bin/go")
			}
			if out, err := u.run("/", nil, "/usr/sbin/update-alternatives", "--set", "go", goroot(older)+"/bin/go"); err != nil {
				t.Fatalf("update-alternatives --set go: %v\n%s", err, out)
			}
			for link, target := range map[string]string{
				"/usr/bin/go":                       goroot(older) + "/bin/go",
				"/usr/bin/gofmt":                    goroot(older) + "/bin/gofmt",
				"/usr/libexec/go-toolchain/current": goroot(older),
				"/usr/bin/" + older.GoVersion:       goroot(older) + "/bin/go",
				"/usr/bin/" + newer.GoVersion:       goroot(newer) + "/bin/go",
			} {
				if got := resolve(root, link); got != target {
					t.Fatalf("%s leads to %q, want %s", link, got, target)
				}
			}
			// GOTELEMETRY is not an environment setting: the user turns
			// telemetry off, in the root's /root/.config/go.
			if out, err := u.run("/root", nil, "/usr/bin/go", "telemetry", "off"); err != nil {
				t.Fatalf("go telemetry off: %v\n%s", err, out)
			}

			for _, m := range modules {
				want := m.local
				if mode == "path" {
					want = m.path
				}
				src := filepath.Join(root, "root", m.name)
				os.MkdirAll(src, 0o755)
				os.WriteFile(filepath.Join(src, "go.mod"), []byte("module "+m.name+"\n\n"+m.gomod+"\n"), 0o644)
				os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"runtime\"\n\nfunc main() { println(runtime.Version()) }\n"), 0o644)
				exe := "/root/bin/" + m.name
				out, err := u.run("/root/"+m.name, nil, "/usr/bin/go", "build", "-o", exe, ".")
				v, wantBuilt := strings.CutPrefix(want, "built by ")
				if !wantBuilt || err != nil {
					if got := outcome(out, err); got != want {
						t.Errorf("go build of a module saying %q: %s, want %s", m.gomod, got, want)
					}
					continue
				}
				if out, err := u.run("/root", nil, "/usr/bin/go", "version", "-m", exe); err != nil || !strings.HasPrefix(out, exe+": "+v+"\n") {
					t.Errorf("go version -m of the module saying %q: %s, want %s: %s", m.gomod, outcome(out, err), exe, v)
				}
				if out, err := u.run("/root", nil, exe); err != nil || out != v+"\n" {
					t.Errorf("the program of the module saying %q printed %s, want its runtime.Version() %s", m.gomod, outcome(out, err), v)
				}
			}
			for _, c := range commands {
				want := c.local
				if mode == "path" {
					want = c.path
				}
				out, err := u.run("/root", c.env, "/usr/bin/go", c.args...)
				if got := outcome(out, err); got != want && (strings.HasPrefix(want, "fails: ") || !strings.HasPrefix(got, want)) {
					t.Errorf("%s go %s: %s, want %s", strings.Join(c.env, " "), strings.Join(c.args, " "), got, want)
				}
			}
			// Nothing went to the module cache, nor anywhere else in the
			// root: no toolchain was downloaded.
			modcache := filepath.Join(root, "root/go/pkg/mod")
			if entries, err := os.ReadDir(modcache); len(entries) > 0 || err != nil && !os.IsNotExist(err) {
				t.Errorf("the module cache is not empty: %v %v", names(entries), err)
			}
			noToolchainModule(t, root, "")

			// A toolchain no package provides is not there to run: with
			// GOTOOLCHAIN naming it the go command would download it, and
			// GOPROXY=off (and no network) make that fail. Go takes the
			// download's lock in the module cache, and that is all it
			// writes.
			out, err := u.run("/root", []string{"GOTOOLCHAIN=" + unprovided}, "/usr/bin/go", "version")
			if want := "fails: go: downloading " + unprovided + " (linux/amd64)\ngo: download " + unprovided + " for linux/amd64: toolchain not available"; outcome(out, err) != want {
				t.Errorf("GOTOOLCHAIN=%s go version: %s, want %s", unprovided, outcome(out, err), want)
			}
			noToolchainModule(t, root, "root/go/pkg/mod/cache/download/golang.org/toolchain/@v/v0.0.1-"+unprovided+".linux-amd64.lock")

			// selfcheck, the toolchains' programs run confined: clean
			// against the configuration the root's packages were built
			// from, and against the other one exactly the GOTOOLCHAIN
			// each go.env says and each go command reports (without the
			// rpm database checks, which the clean run made).
			for cmode, cfg := range configs {
				args := []string{"--root", root, "--run-root", "-c", cfg}
				var want []string
				if cmode != mode {
					args = append(args, "--no-rpm")
					for _, tb := range tbs {
						want = append(want,
							fmt.Sprintf("error %s/bin/go: go env GOTOOLCHAIN is %s, want the configured %s", goroot(tb), mode, cmode),
							fmt.Sprintf("error %s/go.env: says GOTOOLCHAIN=%s, want %s", goroot(tb), mode, cmode))
					}
				}
				rep, err := selfcheck(t, rpmCmd, args...)
				if !slices.Equal(rep.Findings, want) || (exitCode(err) == 0) != (want == nil) || rep.Mode != "manual" || rep.Toolchains != 2 {
					t.Errorf("selfcheck %s: exit %d, %d toolchain(s), mode %s, findings\n%s\nwant 2 toolchains, mode manual, findings\n%s",
						strings.Join(args, " "), exitCode(err), rep.Toolchains, rep.Mode, strings.Join(rep.Findings, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

// installRoot builds the packages of cfg with gotc-rpm build and
// installs gotc-base and what dnf install go-toolchain-<series> would —
// each toolchain's main package and the -src one it requires — into
// root with real rpm, scriptlets run, the database where Fedora keeps
// it; then makes what a user's go command needs beyond the packages:
// the mount point of /proc, /dev/null and the home /root.
func installRoot(t *testing.T, rpmCmd, cfg, sources, base, root string) {
	t.Helper()
	out := root + ".rpms"
	testenv.Run(t, "", nil, rpmCmd, "build", "-c", cfg, "--sources", sources, "-o", out, "--compress", "zstd:1", "--quiet")
	all, _ := filepath.Glob(filepath.Join(out, "*.rpm"))
	var rpms []string
	for _, p := range all {
		if n := filepath.Base(p); !strings.Contains(n, "-docs-") && !strings.Contains(n, "-tests-") {
			rpms = append(rpms, p)
		}
	}
	if len(all) != 8 || len(rpms) != 4 {
		t.Fatalf("gotc-rpm build wrote %v, want four packages of each toolchain", all)
	}
	const dbpath = "/usr/lib/sysimage/rpm"
	testroot.Install(t, root, dbpath, base)
	testroot.Install(t, root, dbpath, rpms...)
	for _, d := range []string{"proc", "dev", "root"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var null syscall.Stat_t
	if err := syscall.Stat("/dev/null", &null); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mknod(filepath.Join(root, "dev/null"), syscall.S_IFCHR|0o666, int(null.Rdev)); err != nil {
		t.Fatalf("making /dev/null in the root: %v", err)
	}
	if err := os.Chmod(filepath.Join(root, "dev/null"), 0o666); err != nil { // mknod applies the umask
		t.Fatal(err)
	}
}

// user runs programs in a root the way a user of that system would.
type user struct{ root string }

// userEnv is the whole environment of the user's programs: nothing of the
// tester's. There is no GOTOOLCHAIN: go.env decides.
var userEnv = []string{"PATH=/usr/bin", "HOME=/root", "GOENV=off", "GOPROXY=off", "GOFLAGS=-modcacherw",
	"GOMODCACHE=/root/go/pkg/mod", "GOCACHE=/root/.cache/go-build"}

// run runs prog (a path in the root) chrooted into the root, in wd,
// with the user's environment and env, in new mount (with the root's own
// /proc) and network (no network) namespaces, and returns its combined
// output.
func (u *user) run(wd string, env []string, prog string, args ...string) (string, error) {
	cmd := exec.Command("unshare", append([]string{"--mount", "--net", "--mount-proc", "--root=" + u.root, "--wd=" + wd, prog}, args...)...)
	cmd.Env = append(slices.Clip(userEnv), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// outcome says what a run gave: its output, or "fails: " and its
// output.
func outcome(out string, err error) string {
	if err != nil {
		return "fails: " + strings.TrimSpace(out)
	}
	return out
}

// noToolchainModule fails the test if a file in root other than allowed
// (relative to root) belongs to the golang.org/toolchain module or its
// download cache: a toolchain was (being) downloaded.
func noToolchainModule(t *testing.T, root, allowed string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Errorf("walking the root: %v", err)
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if (strings.Contains(rel, "golang.org/toolchain") || strings.HasPrefix(d.Name(), "toolchain@")) && !d.IsDir() && rel != allowed {
			t.Errorf("%s is in the root: the go command went to download a toolchain", rel)
		}
		return nil
	})
}

// selfcheckReport is what gotc-rpm selfcheck --json says, findings as
// "level path: message".
type selfcheckReport struct {
	Mode       string
	Toolchains int
	Findings   []string
}

// selfcheck runs gotc-rpm selfcheck --json with args and returns its
// report, findings sorted, and its error.
func selfcheck(t *testing.T, rpmCmd string, args ...string) (selfcheckReport, error) {
	t.Helper()
	out, err := exec.Command(rpmCmd, append([]string{"selfcheck", "--json"}, args...)...).Output()
	var rep struct {
		Mode       string
		Toolchains []struct{}
		Findings   []struct{ Level, Path, Message string }
	}
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("gotc-rpm selfcheck --json %s: %v, %v\n%s", strings.Join(args, " "), err, jerr, out)
	}
	r := selfcheckReport{Mode: rep.Mode, Toolchains: len(rep.Toolchains)}
	for _, f := range rep.Findings {
		r.Findings = append(r.Findings, f.Level+" "+f.Path+": "+f.Message)
	}
	slices.Sort(r.Findings)
	return r, err
}

func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
