package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/signing"
)

// TestLifecycle installs the natively built, signed toolchains into a
// scratch root with real dnf from a real createrepo_c repository,
// signatures checked and scriptlets run, and follows the alternatives through install, a second series,
// an upgrade that changes the toolchain's path (1.27.2 to 1.27.3), a
// reinstall, a downgrade, a release upgrade that keeps the path, and
// erasure: after every step /usr/bin/go, gofmt and the current link must
// lead to the highest-priority toolchain installed, every installed
// toolchain must be registered and no removed one, and each installed
// toolchain's /usr/bin/go<version> must lead to it while a removed one's
// is gone, and gotc-rpm selfcheck --run-root (the root's go commands
// run confined) must find nothing.
//
// The root's update-alternatives is Debian's (dpkg's), the one this
// machine has, installed at Fedora's path by a base package built here;
// its --install/--remove semantics are those of Fedora's alternatives.
func TestLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs three real toolchains")
	}
	testenv.NeedTools(t, "dnf", "createrepo_c", "rpm", "ldd")
	if os.Geteuid() != 0 {
		t.Fatal("the lifecycle test needs root: rpm chroots into the scratch root to run scriptlets")
	}
	tbs := testenv.Toolchains(t)
	v126, v1273 := tbs[0], tbs[1]
	v1272 := testenv.FetchedTarball(t, "go1.27.2")
	series := func(tb testenv.Tarball) string { return tb.Version()[:strings.LastIndex(tb.Version(), ".")] }
	if series(v126) == series(v1272) || series(v1273) != series(v1272) {
		t.Fatalf("toolchains %s, %s, %s: want two series", v126.GoVersion, v1272.GoVersion, v1273.GoVersion)
	}

	// Every package is signed, and dnf checks the signatures against the
	// repository's key.
	secret, public, _ := testenv.GPGKey(t, "ed25519", "")
	dir := t.TempDir()
	sources := filepath.Join(dir, "SOURCES")
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(sources, 0o755)
	os.MkdirAll(repo, 0o755)
	for _, tb := range []testenv.Tarball{v126, v1272, v1273} {
		if err := os.Symlink(tb.Path, filepath.Join(sources, tb.File)); err != nil {
			t.Fatal(err)
		}
	}
	rpmCmd := testenv.Command(t, "gotc-rpm")
	for i, set := range []map[testenv.Tarball]int{{v126: 1, v1272: 1}, {v126: 2, v1273: 1}} {
		cfg := filepath.Join(dir, fmt.Sprintf("gotc%d.yaml", i))
		if err := os.WriteFile(cfg, []byte(lifecycleConfig(set)), 0o644); err != nil {
			t.Fatal(err)
		}
		testenv.Run(t, "", nil, rpmCmd, "build", "-c", cfg, "--sources", sources, "-o", repo, "--compress", "zstd:1", "--quiet", "--sign-key", secret)
	}
	signer, err := signing.LoadKey(secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	testroot.BasePackage(t, repo, signer)
	testenv.Run(t, "", nil, "createrepo_c", "--quiet", repo)

	root := filepath.Join(dir, "root")
	dnfArgs := func(key string, args ...string) []string {
		return append([]string{"-y", "--installroot", root, "--releasever", "43",
			"--setopt=reposdir=/nonexistent", "--repofrompath", "gotc,file://" + repo, "--repo", "gotc",
			"--setopt=gotc.gpgcheck=1", "--setopt=gotc.gpgkey=file://" + key, "--setopt=install_weak_deps=False",
			"--setopt=cachedir=" + filepath.Join(dir, "cache")}, args...)
	}
	// With another key dnf refuses the packages: it does check them.
	_, other, _ := testenv.GPGKey(t, "ed25519", "")
	if out, err := exec.Command("dnf", dnfArgs(other, "install", "gotc-base")...).CombinedOutput(); err == nil || !bytes.Contains(out, []byte("GPG check FAILED")) {
		t.Fatalf("dnf installed packages signed with another key than the repository's: %v\n%s", err, out)
	}
	os.RemoveAll(root)
	dnf := func(args ...string) {
		t.Helper()
		full := dnfArgs(public, args...)
		out, err := exec.Command("dnf", full...).CombinedOutput()
		// Debian's update-alternatives drops a registered path that no
		// longer exists by itself, before the old package's %postun
		// removes it; Fedora's leaves that to the %postun.
		// When the package being replaced provided the current link, the
		// link dangles from the moment its files are gone until its
		// %postun runs, and Debian's update-alternatives says so as it
		// repairs it.
		checked := regexp.MustCompile(`(?m)^update-alternatives: warning: (alternative \S+ \(part of link group go\) doesn't exist; removing from list of alternatives|/etc/alternatives/go is dangling; it will be updated with best choice)\n`).ReplaceAll(out, nil)
		if err != nil || regexp.MustCompile(`(?im)^(error|warning)|(error|warning):|failed`).Match(checked) {
			t.Fatalf("dnf %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	goroot := func(tb testenv.Tarball) string { return "/usr/libexec/go-toolchain/go" + tb.Version() }

	steps := []struct {
		name       string
		dnf        []string
		current    testenv.Tarball
		registered []testenv.Tarball
		gone       []testenv.Tarball
	}{
		{"install " + v126.GoVersion, []string{"install", "gotc-base", "go-toolchain-" + series(v126) + "-" + v126.Version() + "-1"}, v126, []testenv.Tarball{v126}, nil},
		{"install " + v1272.GoVersion, []string{"install", "go-toolchain-" + series(v1272) + "-" + v1272.Version() + "-1"}, v1272, []testenv.Tarball{v126, v1272}, nil},
		{"upgrade to " + v1273.GoVersion, []string{"upgrade", "go-toolchain-" + series(v1273)}, v1273, []testenv.Tarball{v126, v1273}, []testenv.Tarball{v1272}},
		{"reinstall " + v1273.GoVersion, []string{"reinstall", "go-toolchain-" + series(v1273)}, v1273, []testenv.Tarball{v126, v1273}, []testenv.Tarball{v1272}},
		{"downgrade to " + v1272.GoVersion, []string{"downgrade", "go-toolchain-" + series(v1272) + "*"}, v1272, []testenv.Tarball{v126, v1272}, []testenv.Tarball{v1273}},
		{"upgrade " + v126.GoVersion + " to release 2", []string{"upgrade", "go-toolchain-" + series(v126)}, v1272, []testenv.Tarball{v126, v1272}, nil},
		{"erase " + series(v1272), []string{"remove", "go-toolchain-" + series(v1272)}, v126, []testenv.Tarball{v126}, []testenv.Tarball{v1272, v1273}},
	}
	for _, step := range steps {
		dnf(step.dnf...)
		var want []string
		for _, tb := range step.registered {
			want = append(want, goroot(tb)+"/bin/go")
		}
		sort.Strings(want)
		if got := registered(t, root); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: registered %v, want %v", step.name, got, want)
		}
		for link, target := range map[string]string{
			"/usr/bin/go":                        goroot(step.current) + "/bin/go",
			"/usr/bin/gofmt":                     goroot(step.current) + "/bin/gofmt",
			"/usr/libexec/go-toolchain/current":  goroot(step.current),
			"/usr/bin/go" + series(step.current): goroot(step.current) + "/bin/go",
		} {
			if got := resolve(root, link); got != target {
				t.Errorf("%s: %s leads to %q, want %s", step.name, link, got, target)
			}
		}
		// Every installed toolchain's full-version commands lead to it
		// (the names GOTOOLCHAIN=path looks for); a removed one's are gone,
		// the 1.27.2 → 1.27.3 upgrade included.
		for _, tb := range step.registered {
			for _, cmd := range []string{"go", "gofmt"} {
				if link, target := "/usr/bin/"+cmd+tb.Version(), goroot(tb)+"/bin/"+cmd; resolve(root, link) != target {
					t.Errorf("%s: %s leads to %q, want %s", step.name, link, resolve(root, link), target)
				}
			}
		}
		for _, tb := range step.gone {
			for _, cmd := range []string{"go", "gofmt"} {
				if _, err := os.Lstat(filepath.Join(root, "usr/bin", cmd+tb.Version())); err == nil {
					t.Errorf("%s: /usr/bin/%s%s is still there", step.name, cmd, tb.Version())
				}
			}
		}
		out, err := exec.Command(filepath.Join(root, goroot(step.current), "bin", "go"), "version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "go version "+step.current.GoVersion+" ") {
			t.Errorf("%s: go version: %v %s", step.name, err, out)
		}
		if out, err := testenv.Output("", nil, rpmCmd, "selfcheck", "--root", root, "--run-root"); err != nil || !strings.Contains(out, fmt.Sprintf("%d toolchain(s) in %s, alternatives mode auto: 0 error(s), 0 warning(s)", len(step.registered), root)) {
			t.Errorf("%s: gotc-rpm selfcheck: %v\n%s", step.name, err, out)
		}
		for _, tb := range step.gone {
			if _, err := os.Lstat(filepath.Join(root, goroot(tb))); err == nil {
				left, _ := exec.Command("find", filepath.Join(root, goroot(tb))).CombinedOutput()
				t.Errorf("%s: %s is still there:\n%s", step.name, goroot(tb), left)
			}
		}
	}

	// selfcheck finds a go.env an admin edited: in the file, in the
	// rpm database dnf keeps in the root (this machine's rpm's %_dbpath,
	// ~/.rpmdb on Debian), and in what the go command, run confined,
	// says.
	env := filepath.Join(root, goroot(v126), "go.env")
	saved, _ := os.ReadFile(env)
	os.WriteFile(env, []byte("GOTOOLCHAIN=auto\n"), 0o644)
	out, err := testenv.Output("", nil, rpmCmd, "selfcheck", "--root", root, "--run-root")
	if exitCode(err) != 1 || !strings.Contains(out, "says GOTOOLCHAIN=auto, want local") ||
		!strings.Contains(out, "go env GOTOOLCHAIN is auto, want the configured local: this toolchain may download another one") ||
		!strings.Contains(out, "go-toolchain-"+series(v126)+": size, digest, mtime changed since go-toolchain-"+series(v126)+" was installed; fix: dnf reinstall go-toolchain-"+series(v126)) {
		t.Errorf("selfcheck of an edited go.env: exit %d\n%s", exitCode(err), out)
	}
	os.WriteFile(env, saved, 0o644)

	dnf("remove", "go-toolchain-"+series(v126))
	if out, err := testenv.Output("", nil, rpmCmd, "selfcheck", "--root", root, "--run-root"); err != nil || !strings.Contains(out, "0 toolchain(s)") {
		t.Errorf("selfcheck after erasing everything: %v\n%s", err, out)
	}
	if got := registered(t, root); len(got) != 0 {
		t.Errorf("after erasing every toolchain, still registered: %v", got)
	}
	for _, p := range []string{"/usr/bin/go", "/usr/bin/gofmt", "/etc/alternatives/go", "/etc/alternatives/gofmt",
		"/etc/alternatives/go-toolchain-current", "/usr/libexec/go-toolchain", "/var/lib/dpkg/alternatives/go"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			t.Errorf("after erasing every toolchain, %s is still there", p)
		}
	}
}

// lifecycleConfig is a gotc.yaml for the given tarballs and releases.
func lifecycleConfig(set map[testenv.Tarball]int) string {
	var tbs []testenv.Tarball
	for tb := range set {
		tbs = append(tbs, tb)
	}
	sort.Slice(tbs, func(i, j int) bool { return tbs[i].Version() < tbs[j].Version() })
	var b strings.Builder
	b.WriteString("toolchains:\n")
	for _, tb := range tbs {
		fmt.Fprintf(&b, "  - version: %q\n    release: %d\n    sources:\n      x86_64: {file: %s, sha256: %q}\n    changelog:\n      - {date: 2026-11-20, author: \"Go Packagers <go@example.org>\", changes: [\"Package %s\"]}\n",
			tb.Version(), set[tb], tb.File, tb.SHA256, tb.GoVersion)
	}
	return b.String()
}

// registered lists the paths registered in the go alternatives group of
// root, from update-alternatives' administrative file.
func registered(t *testing.T, root string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "var/lib/dpkg/alternatives/go"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "/usr/libexec/go-toolchain/") && strings.HasSuffix(l, "/bin/go") {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// resolve follows the symlinks of p inside root, as the kernel would
// after a chroot, and returns where they lead ("" when nowhere).
func resolve(root, p string) string {
	for range 10 {
		target, err := os.Readlink(filepath.Join(root, p))
		if err != nil {
			if _, err := os.Stat(filepath.Join(root, p)); err != nil {
				return ""
			}
			return p
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(p), target)
		}
		p = target
	}
	return ""
}
