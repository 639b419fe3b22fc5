package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestSRPMEqualsRPMBuild writes the source packages of both real
// toolchains with gotc-spec srpm and with rpmbuild -bs from the generated
// specs, and checks they are the same package: rpm -qp --dump,
// --requires, --provides, --changelog, the main tags and the
// uncompressed payload, byte for byte, and what rpmlint finds in them.
// Then rpmbuild itself unpacks each native source package and runs its
// %prep (checksum and extraction).
func TestSRPMEqualsRPMBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("packs two real toolchains twice")
	}
	// Self-contained in its own directories: it overlaps the other
	// parallel tests once the sequential ones are done.
	t.Parallel()
	testenv.NeedTools(t, "rpmbuild", "rpm", "rpm2cpio", "sha256sum", "rpmlint")
	b := testenv.RPMBuild(t)
	spec := testenv.Command(t, "gotc-spec")
	env := []string{"SOURCE_DATE_EPOCH=" + b.SourceDateEpoch}
	native, again, ref := t.TempDir(), t.TempDir(), t.TempDir()
	testenv.Run(t, "", env, spec, "srpm", "-c", b.Config, "--sources", b.SourceDir, "-o", native)
	testenv.Run(t, "", env, spec, "srpm", "-c", b.Config, "--sources", b.SourceDir, "-o", again)
	specs, _ := filepath.Glob(filepath.Join(b.SpecDir, "*.spec"))
	for _, s := range specs {
		testenv.Run(t, "", env, "rpmbuild", "-bs",
			"--define", "_sourcedir "+b.SourceDir,
			"--define", "_srcrpmdir "+ref,
			s)
	}
	refs, _ := filepath.Glob(filepath.Join(ref, "*.src.rpm"))
	if len(refs) != len(specs) || len(refs) < 2 {
		t.Fatalf("rpmbuild -bs wrote %v for %d specs", refs, len(specs))
	}
	// gotc-rpm verify checks a source package against the configuration:
	// rpmbuild's and ours pass; a configuration whose spec or checksums
	// differ does not.
	rpmCmd := testenv.Command(t, "gotc-rpm")
	natives, _ := filepath.Glob(filepath.Join(native, "*.src.rpm"))
	all := append(append([]string{}, natives...), refs...)
	if out, err := testenv.Output("", nil, rpmCmd, append([]string{"verify", "-c", b.Config}, all...)...); err != nil {
		t.Errorf("verify of the source packages: %v\n%s", err, out)
	}
	if out, err := testenv.Output("", nil, rpmCmd, append([]string{"verify"}, natives...)...); err != nil || !strings.Contains(out, "no configuration: pass -c") {
		t.Errorf("verify of the source packages without -c: %v\n%s", err, out)
	}
	cfgText, _ := os.ReadFile(b.Config)
	drift := filepath.Join(t.TempDir(), "gotc.yaml")
	os.WriteFile(drift, append([]byte("go_env: {GOFLAGS: \"-mod=mod\"}\n"), cfgText...), 0o644)
	out, err := testenv.Output("", nil, rpmCmd, append([]string{"verify", "-c", drift}, natives...)...)
	if exitCode(err) != 1 || !strings.Contains(out, "differs from what gotc-spec gen writes") {
		t.Errorf("verify against a configuration with another go_env: exit %d\n%s", exitCode(err), out)
	}
	tbs := testenv.Toolchains(t)
	wrongSum := filepath.Join(t.TempDir(), "gotc.yaml")
	os.WriteFile(wrongSum, []byte(strings.Replace(string(cfgText), tbs[0].SHA256, strings.Repeat("0", 64), 1)), 0o644)
	out, err = testenv.Output("", nil, rpmCmd, append([]string{"verify", "-c", wrongSum}, natives...)...)
	if exitCode(err) != 1 || !strings.Contains(out, "the configuration says "+strings.Repeat("0", 64)) {
		t.Errorf("verify against a configuration with another checksum: exit %d\n%s", exitCode(err), out)
	}

	query := func(rpm string, args ...string) string {
		return testenv.Run(t, "", nil, "rpm", append(append([]string{"-qp"}, args...), rpm)...)
	}
	for _, r := range refs {
		name := filepath.Base(r)
		t.Run(name, func(t *testing.T) {
			n := filepath.Join(native, name)
			testenv.Run(t, "", nil, "rpm", "-K", "--nosignature", n)
			for _, q := range [][]string{
				{"--dump"}, {"--requires"}, {"--provides"}, {"--changelog"},
				{"--qf", "[%{REQUIRENAME} %{REQUIREFLAGS} %{REQUIREVERSION}\n][%{PROVIDENAME} %{PROVIDEFLAGS} %{PROVIDEVERSION}\n]"},
				{"--qf", "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{OS}|%{SUMMARY}|%{LICENSE}|%{URL}|%{GROUP}|%{SOURCERPM}|%{SOURCEPACKAGE}|%{BUILDTIME}|[%{SOURCE} ]|[%{EXCLUSIVEARCH} ]|%{PAYLOADFORMAT}|%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}|%{SIZE}|%{ARCHIVESIZE}\n%{DESCRIPTION}\n"},
				{"--qf", "[%{FILENAMES} %{FILEFLAGS} %{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEVERIFYFLAGS} %{FILEINODES} %{FILEDEVICES}\n]"},
			} {
				if want, got := query(r, q...), query(n, q...); want != got {
					t.Errorf("rpm -qp %v differs:\n%s", q, lineDiff(want, got))
				}
			}
			lint := func(rpm string) string {
				out, _ := testenv.Output("", nil, "rpmlint", "--config", filepath.Join(testenv.RepoRoot(t), "tests", "rpmlint.toml"), rpm)
				var findings []string
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, ": E: ") || strings.Contains(l, ": W: ") {
						findings = append(findings, l)
					}
				}
				return strings.Join(findings, "\n")
			}
			if want, got := lint(r), lint(n); want != got {
				t.Errorf("rpmlint finds other things in the native source package:\n%s", lineDiff(want, got))
			}
			sum := func(rpm string) string {
				return testenv.Run(t, "", nil, "bash", "-c", "set -o pipefail; rpm2cpio "+rpm+" | sha256sum")
			}
			if want, got := sum(r), sum(n); want != got {
				t.Errorf("the uncompressed payloads differ: %s vs %s", want, got)
			}
			a, _ := os.ReadFile(n)
			b2, _ := os.ReadFile(filepath.Join(again, name))
			if !bytes.Equal(a, b2) {
				t.Error("two runs wrote different bytes")
			}
			top := t.TempDir()
			testenv.Run(t, "", nil, "rpmbuild", "-rp", "--nodeps", "--define", "_topdir "+top, n)
			if _, err := os.Stat(filepath.Join(top, "BUILD")); err != nil {
				t.Errorf("rpmbuild -rp left no BUILD tree: %v", err)
			}
		})
	}
}
