package tests

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestMtimeClampOnEveryRPM builds the spec gen writes for the stand-in
// toolchain of the rpm 6 recording (../shared/rpm6/toolchain) with real
// rpmbuild 4.18, twice:
//
//   - as it is: rpm 4.18 has no %{rpmversion}, takes the
//     clamp_mtime_to_source_date_epoch branch and must clamp every file
//     time of every package to SOURCE_DATE_EPOCH (rpm -qp --dump);
//   - with %{rpmversion} defined to 6.0.2, so the spec takes the branch
//     rpm 4.20 and later take. rpm 4.18 does not read build_mtime_policy,
//     so nothing is clamped there: the two branches really differ, and the
//     one rpm 4.18 takes is the one that clamps.
//
// rpm 6 itself is judged from its sources (see specgen.HasBuildMtimePolicy
// and specgen's TestNoDeprecatedMacros): build/files.cc reads
// %{?build_mtime_policy}, clamps for clamp_to_source_date_epoch and
// consults (and warns about) %clamp_mtime_to_source_date_epoch only when
// the policy is empty; the recording's packages, built from the old spec,
// show the clamp it gives (every mtime 1790000000).
func TestMtimeClampOnEveryRPM(t *testing.T) {
	testenv.NeedTools(t, "rpmbuild", "rpm")
	spec := testenv.Command(t, "gotc-spec")
	fixture := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6", "toolchain")
	tarball := filepath.Join(fixture, "go1.26.98.linux-amd64.tar.gz")
	// 1971-01-01: every file the packages hold is newer, from the tarball
	// or written by the build.
	const sde = 365 * 86400

	dir := t.TempDir()
	testenv.Run(t, "", nil, spec, "gen", "-c", filepath.Join(fixture, "gotc.yaml"), "-o", dir)
	for _, tc := range []struct {
		name    string
		defines []string
		clamped bool
	}{
		{"rpm 4.18", nil, true},
		{"rpm 4.20+ branch on rpm 4.18", []string{"--define", "rpmversion 6.0.2"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := filepath.Join(t.TempDir(), "top")
			os.MkdirAll(filepath.Join(top, "SOURCES"), 0o755)
			if err := os.Symlink(tarball, filepath.Join(top, "SOURCES", filepath.Base(tarball))); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-bb", "--define", "_topdir " + top, "--define", "_binary_payload " + testenv.BuildPayload}, tc.defines...)
			out, err := testenv.Output("", []string{"SOURCE_DATE_EPOCH=" + strconv.FormatInt(sde, 10)}, "rpmbuild", append(args, filepath.Join(dir, "go-toolchain-1.26.spec"))...)
			if err != nil {
				t.Fatalf("rpmbuild: %v\n%s", err, out)
			}
			if strings.Contains(out, "deprecated") {
				t.Errorf("rpmbuild warns about a deprecation:\n%s", out)
			}
			rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
			if len(rpms) != 4 {
				t.Fatalf("built %v, want 4 packages", rpms)
			}
			newer := 0
			for _, r := range rpms {
				for _, l := range strings.Split(strings.TrimSpace(testenv.Run(t, "", nil, "rpm", "-qp", "--dump", r)), "\n") {
					f := strings.Fields(l)
					mtime, err := strconv.ParseInt(f[2], 10, 64)
					if err != nil {
						t.Fatalf("%s: --dump line %q", r, l)
					}
					switch {
					case tc.clamped && mtime != sde:
						t.Errorf("%s: %s has mtime %d, want SOURCE_DATE_EPOCH %d", filepath.Base(r), f[0], mtime, sde)
					case mtime > sde:
						newer++
					}
				}
			}
			if !tc.clamped && newer == 0 {
				t.Errorf("every mtime is clamped without %%clamp_mtime_to_source_date_epoch: rpm 4.18 reads build_mtime_policy?")
			}
		})
	}
}
