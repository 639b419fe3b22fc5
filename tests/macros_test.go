package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestMacrosShippedUpToDate keeps macros/macros.gotc, the macros file of
// the shipped example, in step with the generator.
func TestMacrosShippedUpToDate(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	res, err := testenv.Output("", nil, spec, "macros", "-c", filepath.Join(root, "examples", "gotc.yaml"),
		"-o", filepath.Join(root, "macros", "macros.gotc"), "--check")
	if err != nil {
		t.Errorf("macros/macros.gotc is out of date (run make regen): %v\n%s", err, res)
	}
}

// TestMacrosCommand covers the command's outputs and exit codes.
func TestMacrosCommand(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	cfg := filepath.Join(testenv.RepoRoot(t), "examples", "gotc.yaml")
	dir := t.TempDir()
	file := filepath.Join(dir, "macros.gotc")
	if out := testenv.Run(t, dir, nil, spec, "macros", "-c", cfg); !strings.Contains(out, "wrote macros.gotc") {
		t.Errorf("default output: %q", out)
	}
	written, _ := os.ReadFile(file)
	stdout := testenv.Run(t, "", nil, spec, "macros", "-c", cfg, "-o", "-")
	if stdout != string(written) || !strings.Contains(stdout, "\n%gotc_post ") {
		t.Errorf("-o - printed other bytes than the file holds")
	}
	os.WriteFile(file, append(written, "# local edit\n"...), 0o644)
	res, err := testenv.Output("", nil, spec, "macros", "-c", cfg, "-o", file, "--check")
	if code := exitCode(err); code != 1 || !strings.Contains(res, "differs") {
		t.Errorf("drift: exit %d, output %q", code, res)
	}
	if res, err := testenv.Output("", nil, spec, "macros", "-c", cfg, "-o", "-", "--check"); exitCode(err) != 2 {
		t.Errorf("--check with -o -: exit %d, output %q", exitCode(err), res)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("layout: {root: relative}\ntoolchains: []\n"), 0o644)
	if res, err := testenv.Output("", nil, spec, "macros", "-c", bad, "-o", filepath.Join(dir, "x")); exitCode(err) != 2 {
		t.Errorf("invalid config: exit %d, output %q", exitCode(err), res)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a macros file was written for an invalid configuration")
	}
}

// TestHandWrittenSpecWithMacros builds a hand-written spec that uses
// macros.gotc with real rpmbuild, from the local toolchain's tarball, and
// checks that its scriptlets, alternatives dependencies, ghosts,
// versioned commands and go.env are those of the package rpmbuild makes
// from the spec gotc-spec gen writes.
func TestHandWrittenSpecWithMacros(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a toolchain with rpmbuild")
	}
	testenv.NeedTools(t, "rpmbuild", "rpm", "rpm2cpio", "cpio")
	b := testenv.RPMBuild(t)
	tb := testenv.Toolchains(t)[0]
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	dir := t.TempDir()
	macros := filepath.Join(dir, "macros.gotc")
	testenv.Run(t, "", nil, spec, "macros", "-c", b.Config, "-o", macros)
	top := filepath.Join(dir, "top")
	os.MkdirAll(filepath.Join(top, "SOURCES"), 0o755)
	if err := os.Symlink(tb.Path, filepath.Join(top, "SOURCES", tb.File)); err != nil {
		t.Fatal(err)
	}
	out, err := testenv.Output("", []string{"SOURCE_DATE_EPOCH=" + b.SourceDateEpoch}, "rpmbuild", "-bb",
		"--load", macros,
		"--define", "_topdir "+top,
		"--define", "_binary_payload "+testenv.BuildPayload,
		"--define", "toolchain_version "+tb.Version(),
		filepath.Join(root, "tests", "testdata", "hand-written.spec"))
	if err != nil {
		t.Fatalf("rpmbuild of the hand-written spec: %v\n%s", err, out)
	}
	hand, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(hand) != 1 {
		t.Fatalf("hand-written spec built %v, want one package", hand)
	}
	series := tb.Version()[:strings.LastIndex(tb.Version(), ".")]
	gen := b.RPMs["go-toolchain-"+series]
	if gen == "" {
		t.Fatalf("no go-toolchain-%s among %v", series, b.RPMs)
	}
	if name := testenv.Run(t, "", nil, "rpm", "-qp", "--qf", "%{NAME}-%{VERSION}", hand[0]); name != "go-toolchain-"+series+"-"+tb.Version() {
		t.Errorf("hand-written package is %s", name)
	}

	query := func(rpm string, args ...string) string {
		return testenv.Run(t, "", nil, "rpm", append(append([]string{"-qp"}, args...), rpm)...)
	}
	for _, q := range [][]string{
		{"--scripts"},
		{"--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]"},
	} {
		want, got := query(gen, q...), query(hand[0], q...)
		if q[0] != "--scripts" {
			want, got = grepLines(want, "update-alternatives"), grepLines(got, "update-alternatives")
		}
		if want != got {
			t.Errorf("rpm -qp %v differs:\n%s", q, lineDiff(want, got))
		}
	}
	// Every file outside the toolchain's own tree, and the tree's root.
	goroot := regexp.MustCompile(`^/usr/libexec/go-toolchain/go[^/]+/`)
	outside := func(rpm string) string {
		var keep []string
		for _, l := range strings.Split(dropMtime(query(rpm, "--dump")), "\n") {
			if l != "" && !goroot.MatchString(l) {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if want, got := outside(gen), outside(hand[0]); want != got || !strings.Contains(got, "/etc/alternatives/go ") {
		t.Errorf("ghosts, links and directories differ:\n%s", lineDiff(want, got))
	}
	goEnv := func(rpm string) string {
		return testenv.Run(t, "", nil, "bash", "-c", "set -o pipefail; rpm2cpio "+rpm+" | cpio -i --quiet --to-stdout './usr/libexec/go-toolchain/go"+tb.Version()+"/go.env'")
	}
	if want, got := goEnv(gen), goEnv(hand[0]); want != got || !strings.Contains(got, "GOTOOLCHAIN=local") {
		t.Errorf("go.env differs:\n%s", lineDiff(want, got))
	}
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
