package tests

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/fedalternatives"
	"github.com/gotc-project/gotc/internal/testenv"
)

// The stand-in toolchain of the recordings (shared/rpm6/toolchain): a
// shell-script go command that answers version and env.
const standInVersion = "1.26.98"

// standIn writes the stand-in toolchain's tarball for version into dir:
// the recorded go1.26.98 tarball with its version replaced.
func standIn(t *testing.T, rec, dir, version string) testenv.Tarball {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(rec, "toolchain", "go"+standInVersion+".linux-amd64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tr, tw := tar.NewReader(zr), tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.ReplaceAll(body, []byte("go"+standInVersion), []byte("go"+version))
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	tb := testenv.Tarball{File: "go" + version + ".linux-amd64.tar.gz", GoVersion: "go" + version}
	tb.Path = filepath.Join(dir, tb.File)
	sum := sha256.Sum256(out.Bytes())
	tb.SHA256 = hex.EncodeToString(sum[:])
	if err := os.WriteFile(tb.Path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return tb
}

// buildDouble builds the test double of Fedora's alternatives as a
// static program, so it runs in a root that has no C library of its own
// choosing.
func buildDouble(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "alternatives-double")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./internal/fedalternatives/cmd/alternatives-double")
	cmd.Dir = testenv.RepoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the alternatives double: %v\n%s", err, b)
	}
	return out
}

// fedoraRoot lays out the smallest root gotc's scriptlets run in under
// Fedora's alternatives: Fedora's merged /usr, this machine's dash as
// /bin/sh with its C library, the double at /usr/sbin/alternatives and
// /usr/sbin/update-alternatives linking to it as chkconfig installs
// them, /etc/alternatives, and /var/lib (the double, as chkconfig 1.30
// and later, makes /var/lib/alternatives).
func fedoraRoot(t *testing.T, root, double string) {
	t.Helper()
	for _, d := range []string{"usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc/alternatives", "var/lib", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64",
		"usr/bin/sh": "dash", "usr/sbin/update-alternatives": "alternatives"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	copyFile := func(host, inRoot string) {
		data, err := os.ReadFile(host)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(root, inRoot)), 0o755)
		if err := os.WriteFile(filepath.Join(root, inRoot), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dash := testenv.NeedTool(t, "dash")
	copyFile(dash, "usr/bin/dash")
	copyFile(double, "usr/sbin/alternatives")
	for _, m := range regexp.MustCompile(`(/\S+) \(0x`).FindAllStringSubmatch(testenv.Run(t, "", nil, "ldd", dash), -1) {
		real, err := filepath.EvalSymlinks(m[1])
		if err != nil {
			t.Fatal(err)
		}
		copyFile(real, "usr"+strings.TrimPrefix(m[1], "/usr"))
	}
}

// rpmIn runs rpm on root, dependencies and signatures unchecked, and
// returns what it printed and its exit code.
func rpmIn(t *testing.T, root string, args ...string) (string, int) {
	t.Helper()
	full := append([]string{"--root", root, "--nodeps", "--nosignature", "--force-debian"}, args...)
	out, err := exec.Command("rpm", full...).CombinedOutput()
	return string(out), exitCode(err)
}

// oldScriptletPackages returns the packages the transcript installed,
// with gotc's old scriptlets: the recorded 1.26.98 packages built by
// rpmbuild 6, and 1.27.98 built by this machine's rpmbuild from the
// recorded spec with the version changed. Keys are file names.
func oldScriptletPackages(t *testing.T, rec, dir string) map[string]string {
	t.Helper()
	pkgs := map[string]string{}
	recorded, _ := filepath.Glob(filepath.Join(rec, "toolchain", "rpmbuild6-v4", "*.rpm"))
	for _, p := range recorded {
		pkgs[filepath.Base(p)] = p
	}
	if len(pkgs) != 4 {
		t.Fatalf("recorded packages %v, want the main package and three subpackages", recorded)
	}
	spec, err := os.ReadFile(filepath.Join(rec, "toolchain", "go-toolchain-1.26.spec"))
	if err != nil {
		t.Fatal(err)
	}
	sources := filepath.Join(dir, "old-sources")
	os.MkdirAll(sources, 0o755)
	recordedTarball, err := os.ReadFile(filepath.Join(rec, "toolchain", "go"+standInVersion+".linux-amd64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	recordedSum := sha256.Sum256(recordedTarball)
	tb := standIn(t, rec, sources, "1.27.98")
	specText := strings.NewReplacer(`1\.26\.98`, `1\.27\.98`, "1.26.98", "1.27.98", "12698", "12798", "1.26", "1.27",
		hex.EncodeToString(recordedSum[:]), tb.SHA256).Replace(string(spec))
	if specText == string(spec) || strings.Contains(specText, "1.26") {
		t.Fatalf("the recorded spec did not change to 1.27.98 as expected:\n%s", specText)
	}
	specPath := filepath.Join(dir, "go-toolchain-1.27.spec")
	os.WriteFile(specPath, []byte(specText), 0o644)
	top := filepath.Join(dir, "old-rpmbuild")
	out := testenv.Run(t, "", []string{"SOURCE_DATE_EPOCH=1790000000"}, "rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+top, "--define", "_sourcedir "+sources, specPath)
	built, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(built) != 4 {
		t.Fatalf("rpmbuild of the recorded spec for 1.27.98 built %v:\n%s", built, out)
	}
	for _, p := range built {
		pkgs[filepath.Base(p)] = p
	}
	return pkgs
}

// nativePackages builds the stand-in toolchains natively with today's
// scriptlets: each map is one gotc.yaml, tarball to release.
func nativePackages(t *testing.T, dir string, sets ...map[testenv.Tarball]int) map[string]string {
	t.Helper()
	sources, repo := filepath.Join(dir, "sources"), filepath.Join(dir, "native")
	os.MkdirAll(sources, 0o755)
	os.MkdirAll(repo, 0o755)
	rpmCmd := testenv.Command(t, "gotc-rpm")
	for i, set := range sets {
		for tb := range set {
			os.Symlink(tb.Path, filepath.Join(sources, tb.File))
		}
		cfg := filepath.Join(dir, fmt.Sprintf("native%d.yaml", i))
		os.WriteFile(cfg, []byte(lifecycleConfig(set)), 0o644)
		testenv.Run(t, "", nil, rpmCmd, "build", "-c", cfg, "--sources", sources, "-o", repo, "--compress", "zstd:1", "--quiet")
	}
	pkgs := map[string]string{}
	built, _ := filepath.Glob(filepath.Join(repo, "*.rpm"))
	for _, p := range built {
		pkgs[filepath.Base(p)] = p
	}
	return pkgs
}

// TestLifecycleFedoraTranscript replays the recorded transcript of
// Fedora's alternatives (rpm 6 running gotc's scriptlets) with this
// machine's rpm 4.18 and the test double of Fedora's alternatives in the
// root: install 1.26.98, install 1.27.98, `alternatives --set` 1.26.98,
// erase 1.26, erase 1.27. With the recorded packages and gotc's old
// scriptlets the double prints, exits and leaves what Fedora's did,
// including the last erase's failing %postun and the state file it left;
// with today's scriptlets the first four steps end the same and the last
// erase succeeds and leaves nothing.
//
// rpm 4.18 prints the failing %postun as rpm 6 does but exits 0 where
// rpm 6 exited 4; that exit code is rpm's, not the double's.
func TestLifecycleFedoraTranscript(t *testing.T) {
	needRootedRPM(t, "rpmbuild")
	rec := testenv.Recordings(t)
	steps, err := fedalternatives.ReadTranscript(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 5 {
		t.Fatalf("%d steps in the transcript, want 5", len(steps))
	}
	dir := t.TempDir()
	double := buildDouble(t, dir)
	tb126 := standIn(t, rec, dir, standInVersion)
	tb127 := standIn(t, rec, dir, "1.27.98")
	sets := []struct {
		name string
		pkgs map[string]string
		old  bool
	}{
		{"old scriptlets", oldScriptletPackages(t, rec, dir), true},
		{"today's scriptlets", nativePackages(t, dir, map[testenv.Tarball]int{tb126: 1, tb127: 1}), false},
	}
	left, err := os.ReadFile(filepath.Join(rec, "alternatives", "state-after-erase-all"))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			root := filepath.Join(dir, strings.ReplaceAll(set.name, " ", "-"))
			fedoraRoot(t, root, double)
			for n, step := range steps {
				words := strings.Fields(strings.ReplaceAll(step.Command, "WORK/root", root))
				var out string
				var code int
				switch words[0] {
				case "REF/bin/rpm6":
					var args []string
					for _, w := range words[1:] {
						switch {
						case w == "--root", w == root, w == "--nodeps", w == "--nosignature":
						case strings.HasSuffix(w, ".rpm"):
							if set.pkgs[w] == "" {
								t.Fatalf("step %d: no package %s", n+1, w)
							}
							args = append(args, set.pkgs[w])
						default:
							args = append(args, w)
						}
					}
					out, code = rpmIn(t, root, args...)
				case "chroot":
					b, err := exec.Command(words[0], words[1:]...).CombinedOutput()
					out, code = string(b), exitCode(err)
				default:
					t.Fatalf("step %d: unknown command %q", n+1, step.Command)
				}
				want := step
				if !set.old && n == len(steps)-1 {
					want = fedalternatives.Step{Output: "", Exit: 0, Display: "", DisplayExit: 2, Absent: true, Links: map[string]string{}, LinkOrder: step.LinkOrder}
				}
				wantCode := want.Exit
				if strings.Contains(want.Output, "scriptlet failed") {
					wantCode = 0 // rpm 4.18's exit code, see above
				}
				if out != want.Output || code != wantCode {
					t.Errorf("step %d (%s): exit %d, printed\n%s\nwant exit %d and\n%s", n+1, step.Command, code, out, wantCode, want.Output)
				}
				for _, d := range want.CheckRoot(root, "go") {
					t.Errorf("step %d: %s", n+1, d)
				}
			}
			state, err := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go"))
			if set.old && !bytes.Equal(state, left) {
				t.Errorf("state file after erasing everything (%v):\n%s\nrecorded:\n%s", err, state, left)
			}
			if !set.old && !os.IsNotExist(err) {
				t.Errorf("state file after erasing everything: %v\n%s", err, state)
			}
		})
	}
}

// needRootedRPM skips under -short and fails unless the test can run
// rpm --root with scriptlets: root, rpm, chroot, ldd and the other tools.
func needRootedRPM(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds packages and runs rpm")
	}
	testenv.NeedTools(t, append([]string{"rpm", "chroot", "ldd"}, tools...)...)
	if os.Geteuid() != 0 {
		t.Fatal("the lifecycle test needs root: rpm chroots into the scratch root to run scriptlets")
	}
}

// fedoraState is the state file Fedora's alternatives writes for gotc's
// group with the given toolchains, in that order.
func fedoraState(mode string, versions ...string) string {
	s := mode + "\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\ngo-toolchain-current\n/usr/libexec/go-toolchain/current\n\n"
	for _, v := range versions {
		g := "/usr/libexec/go-toolchain/go" + v
		s += g + "/bin/go\n" + strconv.Itoa(priorityOf(v)) + "\n" + g + "/bin/gofmt\n" + g + "\n"
	}
	return s
}

// priorityOf is the default priority: MAJOR·10000+MINOR·100+PATCH.
func priorityOf(v string) int {
	n := 0
	for _, p := range strings.Split(v, ".") {
		d, _ := strconv.Atoi(p)
		n = n*100 + d
	}
	return n
}

// TestLifecycleFedoraAlternatives runs today's scriptlets with this
// machine's rpm 4.18 and the test double of Fedora's alternatives
// through install, a second series, `alternatives --set` to the older
// series, erasing the selected series (the link falls back), a
// reinstall, a patch upgrade that changes the toolchain's path, a
// downgrade, a release upgrade that keeps the path, and erasing both
// series in one transaction. After every step the state file must be
// what alternatives.c writes (its order included), the links must lead
// to the selected toolchain, and gotc-rpm selfcheck must find nothing
// but that the stand-in's programs are not Go executables.
func TestLifecycleFedoraAlternatives(t *testing.T) {
	needRootedRPM(t)
	rec := testenv.Recordings(t)
	dir := t.TempDir()
	double := buildDouble(t, dir)
	tbs := map[string]testenv.Tarball{}
	for _, v := range []string{"1.26.98", "1.27.98", "1.27.99"} {
		tbs[v] = standIn(t, rec, dir, v)
	}
	pkgs := nativePackages(t, dir,
		map[testenv.Tarball]int{tbs["1.26.98"]: 1, tbs["1.27.98"]: 1},
		map[testenv.Tarball]int{tbs["1.26.98"]: 2, tbs["1.27.99"]: 1})
	files := func(series, version string, release int) []string {
		var out []string
		for _, sub := range []string{"", "-src", "-tests", "-docs"} {
			arch := "noarch"
			if sub == "" {
				arch = "x86_64"
			}
			name := fmt.Sprintf("go-toolchain-%s%s-%s-%d.%s.rpm", series, sub, version, release, arch)
			if pkgs[name] == "" {
				t.Fatalf("no package %s among %v", name, pkgs)
			}
			out = append(out, pkgs[name])
		}
		return out
	}
	names := func(series ...string) []string {
		var out []string
		for _, s := range series {
			for _, sub := range []string{"", "-src", "-tests", "-docs"} {
				out = append(out, "go-toolchain-"+s+sub)
			}
		}
		return out
	}
	root := filepath.Join(dir, "root")
	fedoraRoot(t, root, double)
	rpmCmd := testenv.Command(t, "gotc-rpm")
	goroot := func(v string) string { return "/usr/libexec/go-toolchain/go" + v }

	steps := []struct {
		name    string
		args    []string // rpm's, or alternatives' with "alternatives" first
		mode    string
		state   []string // the state file's toolchains, in its order
		current string
		series  map[string]string // installed series and versions
	}{
		{"install 1.26.98", append([]string{"-i"}, files("1.26", "1.26.98", 1)...), "auto", []string{"1.26.98"}, "1.26.98", map[string]string{"1.26": "1.26.98"}},
		{"install 1.27.98", append([]string{"-i"}, files("1.27", "1.27.98", 1)...), "auto", []string{"1.26.98", "1.27.98"}, "1.27.98", map[string]string{"1.26": "1.26.98", "1.27": "1.27.98"}},
		{"alternatives --set 1.26.98", []string{"alternatives", "--set", "go", goroot("1.26.98") + "/bin/go"}, "manual", []string{"1.26.98", "1.27.98"}, "1.26.98", map[string]string{"1.26": "1.26.98", "1.27": "1.27.98"}},
		// %preun removes the selected alternative: the link falls back
		// to the best one left, and the group to auto mode.
		{"erase 1.26, the selected series", append([]string{"-e"}, names("1.26")...), "auto", []string{"1.27.98"}, "1.27.98", map[string]string{"1.27": "1.27.98"}},
		{"reinstall 1.26.98", append([]string{"-i"}, files("1.26", "1.26.98", 1)...), "auto", []string{"1.27.98", "1.26.98"}, "1.27.98", map[string]string{"1.26": "1.26.98", "1.27": "1.27.98"}},
		// The new %post adds 1.27.99 and selects it; the old %postun finds
		// its path gone and removes 1.27.98, whose slot 1.27.99 takes.
		{"upgrade 1.27.98 to 1.27.99 (path changes)", append([]string{"-U"}, files("1.27", "1.27.99", 1)...), "auto", []string{"1.27.99", "1.26.98"}, "1.27.99", map[string]string{"1.26": "1.26.98", "1.27": "1.27.99"}},
		// The new %post adds 1.27.98, which is not the best yet; the old
		// %postun removes the selected 1.27.99 and the link falls back.
		{"downgrade 1.27.99 to 1.27.98", append([]string{"-U", "--oldpackage"}, files("1.27", "1.27.98", 1)...), "auto", []string{"1.27.98", "1.26.98"}, "1.27.98", map[string]string{"1.26": "1.26.98", "1.27": "1.27.98"}},
		{"upgrade 1.26.98 to release 2 (path kept)", append([]string{"-U"}, files("1.26", "1.26.98", 2)...), "auto", []string{"1.27.98", "1.26.98"}, "1.27.98", map[string]string{"1.26": "1.26.98", "1.27": "1.27.98"}},
		{"erase everything in one transaction", append([]string{"-e"}, names("1.26", "1.27")...), "", nil, "", nil},
	}
	for _, step := range steps {
		var out string
		var code int
		if step.args[0] == "alternatives" {
			b, err := exec.Command("chroot", append([]string{root, "/usr/sbin/alternatives"}, step.args[1:]...)...).CombinedOutput()
			out, code = string(b), exitCode(err)
		} else {
			out, code = rpmIn(t, root, step.args...)
		}
		if out != "" || code != 0 {
			t.Errorf("%s: exit %d\n%s", step.name, code, out)
		}
		state, err := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go"))
		switch {
		case step.state == nil && !os.IsNotExist(err):
			t.Errorf("%s: state file left (%v):\n%s", step.name, err, state)
		case step.state != nil && string(state) != fedoraState(step.mode, step.state...):
			t.Errorf("%s: state file (%v)\n%s\nwant\n%s", step.name, err, state, fedoraState(step.mode, step.state...))
		}
		links := map[string]string{"/usr/bin/go": "", "/usr/bin/gofmt": "", "/usr/libexec/go-toolchain/current": "",
			"/etc/alternatives/go": "", "/etc/alternatives/gofmt": "", "/etc/alternatives/go-toolchain-current": ""}
		if step.current != "" {
			links["/usr/bin/go"], links["/usr/bin/gofmt"] = "/etc/alternatives/go", "/etc/alternatives/gofmt"
			links["/usr/libexec/go-toolchain/current"] = "/etc/alternatives/go-toolchain-current"
			links["/etc/alternatives/go"] = goroot(step.current) + "/bin/go"
			links["/etc/alternatives/gofmt"] = goroot(step.current) + "/bin/gofmt"
			links["/etc/alternatives/go-toolchain-current"] = goroot(step.current)
		}
		for _, s := range []string{"1.26", "1.27"} {
			links["/usr/bin/go"+s] = ""
			if v := step.series[s]; v != "" {
				links["/usr/bin/go"+s] = "../libexec/go-toolchain/go" + v + "/bin/go"
			}
		}
		var paths []string
		for p := range links {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			if got, _ := os.Readlink(filepath.Join(root, p)); got != links[p] {
				t.Errorf("%s: %s leads to %q, want %q", step.name, p, got, links[p])
			}
		}
		if dirs, _ := filepath.Glob(filepath.Join(root, "usr/libexec/go-toolchain/go*")); len(dirs) != len(step.series) {
			t.Errorf("%s: toolchain directories %v, want %d", step.name, dirs, len(step.series))
		}
		// The stand-in's programs are shell scripts, and selfcheck's check
		// of the Go release recorded in each executable reports every one
		// of them; nothing else may be found.
		var want []string
		for s, v := range step.series {
			progs, _ := filepath.Glob(filepath.Join(root, goroot(v), "bin", "*"))
			tools, _ := filepath.Glob(filepath.Join(root, goroot(v), "pkg", "tool", "*", "*"))
			for _, p := range append(progs, tools...) {
				want = append(want, fmt.Sprintf("error %s: not a Go executable (unrecognized file format); fix: dnf reinstall go-toolchain-%s", strings.TrimPrefix(p, root), s))
			}
		}
		slices.Sort(want)
		rep, err := selfcheck(t, rpmCmd, "--root", root)
		if rep.Mode != step.mode || rep.Toolchains != len(step.series) || !slices.Equal(rep.Findings, want) || (exitCode(err) == 0) != (want == nil) {
			t.Errorf("%s: gotc-rpm selfcheck: exit %d, %d toolchain(s), mode %q, findings\n%s\nwant %d, mode %q, findings\n%s",
				step.name, exitCode(err), rep.Toolchains, rep.Mode, strings.Join(rep.Findings, "\n"), len(step.series), step.mode, strings.Join(want, "\n"))
		}
	}
}
