package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/signing"
)

// TestApplicationBuild is why the toolchain packages exist: a Go
// application's spec (examples/app/hello-gotc.spec) says BuildRequires:
// go-toolchain-1.27 and builds with go1.27, and the binary must come out
// built by that toolchain whatever /usr/bin/go selects.
//
// The toolchain packages (both series, natively built and signed) go
// into a createrepo_c repository; `gotc-spec mock --repo DIR
// --repo-gpgkey KEY` writes the dnf section a mock chroot would get, and
// real dnf installs the spec's BuildRequires (as rpmspec lists them,
// what mock's builddep resolves) and the other series through exactly
// that section into a scratch root, signatures checked and scriptlets
// run. There /usr/bin/go is set to the other series (1.26.8), as an
// admin may. Real rpmbuild then builds the application on the host
// against that root: its BuildRequires checked against the root's rpm
// database, the root's /usr/bin first in PATH and the host's own Go
// (also 1.26.8) left out of it. `go version -m` on the binary in the
// package must report go1.27.3, and so must the binary.
func TestApplicationBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two real toolchains and installs them with dnf")
	}
	testenv.NeedTools(t, "dnf", "createrepo_c", "rpm", "rpmbuild", "rpmspec", "rpm2cpio", "cpio", "chroot", "ldd")
	if os.Geteuid() != 0 {
		t.Fatal("the application build test needs root: rpm chroots into the scratch root to run scriptlets")
	}
	tbs, chosen, _ := toolchains127(t)
	other := tbs[0] // this machine's Go, 1.26.8
	if len(tbs) != 2 || seriesOf(other) == seriesOf(chosen) {
		t.Fatalf("toolchains %v: the application spec builds with 1.27 and wants another series beside it", tbs)
	}
	series := seriesOf
	hostGo, _ := exec.LookPath("go")

	dir := t.TempDir()
	repo, sources := filepath.Join(dir, "repo"), filepath.Join(dir, "SOURCES")
	os.MkdirAll(repo, 0o755)
	os.MkdirAll(sources, 0o755)
	for _, tb := range tbs {
		if err := os.Symlink(tb.Path, filepath.Join(sources, tb.File)); err != nil {
			t.Fatal(err)
		}
	}
	secret, public, _ := testenv.GPGKey(t, "ed25519", "")
	cfg := filepath.Join(dir, "gotc.yaml")
	if err := os.WriteFile(cfg, []byte(testenv.Config(tbs, "targets: [fedora-43]\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	testenv.Run(t, "", nil, testenv.Command(t, "gotc-rpm"), "build", "-c", cfg, "--sources", sources, "-o", repo,
		"--compress", "zstd:1", "--quiet", "--sign-key", secret)
	signer, err := signing.LoadKey(secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	testroot.BasePackage(t, repo, signer)
	key := filepath.Join(repo, "RPM-GPG-KEY-gotc")
	data, _ := os.ReadFile(public)
	os.WriteFile(key, data, 0o644)
	testenv.Run(t, "", nil, "createrepo_c", "--quiet", repo)

	// The repository section of the mock configuration, as mock reads it.
	mockDir := filepath.Join(dir, "mock")
	testenv.Run(t, "", nil, testenv.Command(t, "gotc-spec"), "mock", "-c", cfg, "-o", mockDir, "--repo", repo, "--repo-gpgkey", key)
	mc := loadMockConfig(t, filepath.Join(mockDir, "gotc-fedora-43-x86_64.cfg"))
	if len(mc.DNFRepos) != 1 || mc.DNFRepos["gotc-repo-1"]["baseurl"] != "file://"+repo {
		t.Fatalf("mock configuration's repositories: %v", mc.DNFRepos)
	}
	dnfConf := filepath.Join(dir, "dnf.conf")
	main := "[main]\nreposdir=/nonexistent\ninstall_weak_deps=False\ncachedir=" + filepath.Join(dir, "cache") + "\n"
	if err := os.WriteFile(dnfConf, []byte(main+mc.ConfigOpts.DNFConf), 0o644); err != nil {
		t.Fatal(err)
	}

	spec := filepath.Join(testenv.RepoRoot(t), "examples", "app", "hello-gotc.spec")
	var buildRequires []string
	for _, l := range strings.Split(strings.TrimSpace(testenv.Run(t, "", nil, "rpmspec", "-q", "--buildrequires", spec)), "\n") {
		buildRequires = append(buildRequires, strings.TrimSpace(l))
	}
	if strings.Join(buildRequires, " ") != "go-toolchain-"+series(chosen) {
		t.Fatalf("%s: BuildRequires %v, want go-toolchain-%s", spec, buildRequires, series(chosen))
	}
	root := filepath.Join(dir, "root")
	install := append([]string{"-y", "-c", dnfConf, "--installroot", root, "--releasever", "43", "install",
		"gotc-base", "go-toolchain-" + series(other)}, buildRequires...)
	if out, err := exec.Command("dnf", install...).CombinedOutput(); err != nil {
		t.Fatalf("dnf %s: %v\n%s", strings.Join(install, " "), err, out)
	}
	for _, tb := range tbs {
		if out, err := exec.Command("rpm", "--root", root, "-q", "--whatprovides", "go-toolchain-"+series(tb)).CombinedOutput(); err != nil {
			t.Fatalf("rpm --root -q --whatprovides go-toolchain-%s: %v\n%s", series(tb), err, out)
		}
	}
	goroot := func(tb testenv.Tarball) string { return "/usr/libexec/go-toolchain/go" + tb.Version() }
	if got := resolve(root, "/usr/bin/go"); got != goroot(chosen)+"/bin/go" {
		t.Fatalf("after installing both series /usr/bin/go leads to %q, want the newest, %s", got, chosen.GoVersion)
	}
	// The admin points /usr/bin/go at the other series.
	testenv.Run(t, "", nil, "chroot", root, "/usr/sbin/update-alternatives", "--set", "go", goroot(other)+"/bin/go")
	if got := resolve(root, "/usr/bin/go"); got != goroot(other)+"/bin/go" {
		t.Fatalf("after update-alternatives --set, /usr/bin/go leads to %q", got)
	}

	// The application, built on the host against the root.
	top := filepath.Join(dir, "rpmbuild")
	os.MkdirAll(filepath.Join(top, "SOURCES"), 0o755)
	appDir := filepath.Join(testenv.RepoRoot(t), "examples", "app")
	testenv.Run(t, "", nil, "tar", "-czf", filepath.Join(top, "SOURCES", "hello-gotc-1.0.tar.gz"),
		"--transform", "s,^\\.,hello-gotc-1.0,", "-C", appDir, ".")
	dbpath := strings.TrimSpace(testenv.Run(t, "", nil, "rpm", "--eval", "%_dbpath"))
	path := filepath.Join(root, "usr", "bin") + ":/usr/bin:/bin"
	env := []string{"PATH=" + path, "SOURCE_DATE_EPOCH=" + testenv.TestSourceDateEpoch}
	rpmbuild := func(spec string) (string, error) {
		return testenv.Output("", env, "rpmbuild", "-bb",
			"--define", "_topdir "+top,
			"--define", "_dbpath "+filepath.Join(root, dbpath),
			spec)
	}
	// The dependency check is real: a series the root lacks fails it.
	missing := filepath.Join(dir, "missing.spec")
	text, _ := os.ReadFile(spec)
	os.WriteFile(missing, []byte(strings.Replace(string(text), "BuildRequires:  go-toolchain-1.27", "BuildRequires:  go-toolchain-1.99", 1)), 0o644)
	if out, err := rpmbuild(missing); err == nil || !strings.Contains(out, "go-toolchain-1.99 is needed by hello-gotc-1.0-1") {
		t.Fatalf("rpmbuild of a spec needing a series the root lacks: %v\n%s", err, out)
	}
	out, err := rpmbuild(spec)
	if err != nil {
		t.Fatalf("rpmbuild -bb %s: %v\n%s", spec, err, out)
	}
	if !regexp.MustCompile(`(?m)^go version ` + regexp.QuoteMeta(chosen.GoVersion) + ` linux/`).MatchString(out) {
		t.Errorf("%%build's go1.27 version did not say %s:\n%s", chosen.GoVersion, out)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "hello-gotc-1.0-1.*.rpm"))
	if len(rpms) != 1 {
		t.Fatalf("built %v", rpms)
	}
	extract := filepath.Join(dir, "extract")
	os.MkdirAll(extract, 0o755)
	testenv.Run(t, extract, nil, "sh", "-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "sh", rpms[0])
	bin := filepath.Join(extract, "usr", "bin", "hello-gotc")

	// go version -m reads the build information the linker recorded; any
	// go command reads it, the host's too.
	info := testenv.Run(t, "", nil, hostGo, "version", "-m", bin)
	if first := strings.SplitN(info, "\n", 2)[0]; first != bin+": "+chosen.GoVersion {
		t.Errorf("go version -m: %q, want %s: %s\n%s", first, bin, chosen.GoVersion, info)
	}
	for _, want := range []string{"\tpath\texample.org/hello-gotc\n", "\tbuild\t-trimpath=true\n", "\tbuild\tGOOS=linux\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("go version -m lacks %q:\n%s", want, info)
		}
	}
	if got := testenv.Run(t, "", nil, bin); got != fmt.Sprintf("hello-gotc built with %s\n", chosen.GoVersion) {
		t.Errorf("the application says %q", got)
	}
}
