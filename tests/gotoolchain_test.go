package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestGoToolchainPathPackage builds the rpm 6 recording's stand-in
// toolchain with go_env GOTOOLCHAIN: path, with real rpmbuild from the
// generated spec (its %check asks the packaged go for go env
// GOTOOLCHAIN) and natively: both packages' go.env says
// GOTOOLCHAIN=path, both ship the full-version commands beside the
// series ones, their file lists agree, and gotc-rpm verify finds
// nothing against the configuration.
func TestGoToolchainPathPackage(t *testing.T) {
	testenv.NeedTools(t, "rpmbuild", "rpm", "rpm2cpio", "cpio")
	spec := testenv.Command(t, "gotc-spec")
	rpmCmd := testenv.Command(t, "gotc-rpm")
	fixture := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6", "toolchain")
	base, err := os.ReadFile(filepath.Join(fixture, "gotc.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfg, append([]byte("go_env: {GOTOOLCHAIN: path}\n"), base...), 0o644)
	sources := filepath.Join(dir, "top", "SOURCES")
	os.MkdirAll(sources, 0o755)
	tarball := "go1.26.98.linux-amd64.tar.gz"
	if err := os.Symlink(filepath.Join(fixture, tarball), filepath.Join(sources, tarball)); err != nil {
		t.Fatal(err)
	}
	sde := []string{"SOURCE_DATE_EPOCH=1790000000"}
	testenv.Run(t, "", nil, spec, "gen", "-c", cfg, "-o", dir)
	if out, err := testenv.Output("", sde, "rpmbuild", "-bb", "--define", "_topdir "+filepath.Join(dir, "top"),
		"--define", "_binary_payload "+testenv.BuildPayload, filepath.Join(dir, "go-toolchain-1.26.spec")); err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	native := filepath.Join(dir, "native")
	testenv.Run(t, "", sde, rpmCmd, "build", "-c", cfg, "--sources", sources, "-o", native, "--quiet")
	name := "go-toolchain-1.26-1.26.98-1.x86_64.rpm"
	built := map[string]string{"rpmbuild": filepath.Join(dir, "top", "RPMS", "x86_64", name), "native": filepath.Join(native, name)}
	var dumps []string
	for by, rpm := range built {
		env := testenv.Run(t, "", nil, "bash", "-c", "set -o pipefail; rpm2cpio "+rpm+" | cpio -i --quiet --to-stdout ./usr/libexec/go-toolchain/go1.26.98/go.env")
		if !strings.Contains("\n"+env, "\nGOTOOLCHAIN=path\n") || strings.Contains(env, "GOTOOLCHAIN=local") {
			t.Errorf("%s: go.env\n%s", by, env)
		}
		dump := testenv.Run(t, "", nil, "rpm", "-qp", "--dump", rpm)
		for _, link := range []string{"/usr/bin/go1.26 ", "/usr/bin/go1.26.98 ", "/usr/bin/gofmt1.26 ", "/usr/bin/gofmt1.26.98 "} {
			if !strings.Contains(dump, "\n"+link) {
				t.Errorf("%s: no %s in\n%s", by, link, dump)
			}
		}
		if !strings.Contains(dump, "/usr/bin/go1.26.98 40 1790000000 ") || !strings.Contains(dump, " ../libexec/go-toolchain/go1.26.98/bin/go\n") {
			t.Errorf("%s: /usr/bin/go1.26.98 is not a link to ../libexec/go-toolchain/go1.26.98/bin/go:\n%s", by, dump)
		}
		dumps = append(dumps, dropMtime(dump))
		if out, err := testenv.Output("", nil, rpmCmd, "verify", "-c", cfg, rpm); err != nil {
			t.Errorf("%s: gotc-rpm verify: %v\n%s", by, err, out)
		}
	}
	if dumps[0] != dumps[1] {
		t.Errorf("rpm -qp --dump of the native and rpmbuild packages differ:\n%s", lineDiff(dumps[0], dumps[1]))
	}
}
