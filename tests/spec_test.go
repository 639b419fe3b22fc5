package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestGeneratedSpecsPassRPMTools generates specs for the shipped example
// and the minimal config and runs the real rpmspec and rpmlint on them.
func TestGeneratedSpecsPassRPMTools(t *testing.T) {
	rpmspec := testenv.NeedTool(t, "rpmspec")
	rpmlint := testenv.NeedTool(t, "rpmlint")
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	configs := map[string]string{
		"example": filepath.Join(root, "examples", "gotc.yaml"),
		"minimal": filepath.Join(root, "specgen", "testdata", "minimal.yaml"),
		"custom":  filepath.Join(root, "specgen", "testdata", "custom.yaml"),
		// Text like the versions the macros file was once rendered for.
		"versiontext": filepath.Join(root, "specgen", "testdata", "versiontext.yaml"),
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			testenv.Run(t, "", nil, spec, "gen", "-c", cfg, "-o", out)
			specs, _ := filepath.Glob(filepath.Join(out, "*.spec"))
			if len(specs) == 0 {
				t.Fatal("no specs written")
			}
			for _, s := range specs {
				parsed := testenv.Run(t, "", nil, rpmspec, "-P", s)
				if !strings.Contains(parsed, "%files") || strings.Contains(parsed, "%{goroot}") {
					t.Errorf("%s: rpmspec -P left macros unexpanded or lost sections", s)
				}
				for _, q := range []string{"name", "version", "release"} {
					if v := testenv.Run(t, "", nil, rpmspec, "-q", "--srpm", "--qf", "%{"+q+"}", s); v == "" {
						t.Errorf("%s: empty %s", s, q)
					}
				}
			}
			// A spec alone uses none of the rpmlintrc filters gen wrote
			// beside it (they concern the built packages), and rpmlint
			// loads that rpmlintrc on its own when it checks a single file.
			lint, err := testenv.Output("", nil, rpmlint, append([]string{"--config", filepath.Join(root, "tests", "rpmlint.toml"), "--ignore-unused-rpmlintrc"}, specs...)...)
			if err != nil || !regexp.MustCompile(`0 errors, 0 warnings`).MatchString(lint) {
				t.Errorf("rpmlint: %v\n%s", err, lint)
			}
		})
	}
}

// TestGenCheck covers gen --check: 0 when specs match, 1 on drift or a
// missing spec, and nothing written.
func TestGenCheck(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	cfg := filepath.Join(testenv.RepoRoot(t), "examples", "gotc.yaml")
	out := t.TempDir()
	testenv.Run(t, "", nil, spec, "gen", "-c", cfg, "-o", out)
	testenv.Run(t, "", nil, spec, "gen", "-c", cfg, "-o", out, "--check")
	target := filepath.Join(out, "go-toolchain-1.26.spec")
	data, _ := os.ReadFile(target)
	os.WriteFile(target, append(data, "# local edit\n"...), 0o644)
	res, err := testenv.Output("", nil, spec, "gen", "-c", cfg, "-o", out, "--check")
	if code := exitCode(err); code != 1 || !strings.Contains(res, "go-toolchain-1.26.spec: differs") {
		t.Errorf("drift: exit %d, output %q", code, res)
	}
	if after, _ := os.ReadFile(target); !strings.HasSuffix(string(after), "# local edit\n") {
		t.Error("--check rewrote the spec")
	}
	os.Remove(target)
	res, err = testenv.Output("", nil, spec, "gen", "-c", cfg, "-o", out, "--check")
	if code := exitCode(err); code != 1 || !strings.Contains(res, "missing") {
		t.Errorf("missing: exit %d, output %q", code, res)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("--check wrote a spec")
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
