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
			lint, err := testenv.Output("", nil, rpmlint, append([]string{"--config", filepath.Join(root, "tests", "rpmlint.toml")}, specs...)...)
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

// TestCLIExitCodes runs gotc-spec on good and malformed input and checks
// the documented exit codes and the one-line file:line:col messages.
func TestCLIExitCodes(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	good := filepath.Join(testenv.RepoRoot(t), "examples", "gotc.yaml")
	sha := strings.Repeat("ab", 32)
	bad := map[string]string{
		"unknown-key.yaml":  "toolchains:\n  - version: \"1.26.8\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n    foo: 1\n",
		"bad-version.yaml":  "toolchains:\n  - version: \"go1.26.8\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n",
		"bad-sha.yaml":      "toolchains:\n  - version: \"1.26.8\"\n    sources: {x86_64: {sha256: \"xyz\"}}\n",
		"bad-arch.yaml":     "toolchains:\n  - version: \"1.26.8\"\n    sources: {sparc: {sha256: \"" + sha + "\"}}\n",
		"same-series.yaml":  "toolchains:\n  - version: \"1.26.8\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n  - version: \"1.26.7\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n",
		"vendor.yaml":       "exclude: [src/vendor]\ntoolchains:\n  - version: \"1.26.8\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n",
		"outside-root.yaml": "layout: {root: ../../etc}\ntoolchains:\n  - version: \"1.26.8\"\n    sources: {x86_64: {sha256: \"" + sha + "\"}}\n",
		"malformed.yaml":    "toolchains: [\n  - {",
		"wrong-type.yaml":   "toolchains: 3\n",
		"binary.yaml":       "\x00\x01\x02\xff",
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // regexp the combined output must match
	}{
		{"validate good", []string{"validate", "-c", good}, 0, `valid, 2 toolchain\(s\): go-toolchain-1\.26 \(1\.26\.8 x86_64\), go-toolchain-1\.27`},
		{"no command", nil, 2, `no command given`},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"validate", "--nope"}, 2, `unknown flag: --nope`},
		{"extra argument", []string{"validate", "-c", good, "extra"}, 2, `unexpected argument "extra"`},
		{"help", []string{"--help"}, 0, `gotc-spec validate`},
		{"verb help", []string{"gen", "-h"}, 0, `--check`},
		{"missing config", []string{"validate", "-c", filepath.Join(dir, "nope.yaml")}, 2, `reading config: open .*nope.yaml: no such file`},
		{"bad SOURCE_DATE_EPOCH", []string{"gen", "-c", good, "-o", dir}, 2, `SOURCE_DATE_EPOCH="yesterday"`},
	}
	for name, content := range bad {
		p := write(name, content)
		tests = append(tests, struct {
			name string
			args []string
			code int
			out  string
		}{"invalid " + name, []string{"validate", "-c", p}, 2, `(?m)^` + regexp.QuoteMeta(p) + `:\d+:\d+: `})
		tests = append(tests, struct {
			name string
			args []string
			code int
			out  string
		}{"gen invalid " + name, []string{"gen", "-c", p, "-o", filepath.Join(dir, "never")}, 2, `(?m)^` + regexp.QuoteMeta(p) + `:\d+:\d+: `})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.name == "bad SOURCE_DATE_EPOCH" {
				env = []string{"SOURCE_DATE_EPOCH=yesterday"}
			}
			out, err := testenv.Output("", env, spec, tc.args...)
			if code := exitCode(err); code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if !regexp.MustCompile(tc.out).MatchString(out) {
				t.Errorf("output does not match %q:\n%s", tc.out, out)
			}
			if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic:") {
				t.Errorf("stack trace in output:\n%s", out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "never")); err == nil {
		t.Error("gen created its output directory for an invalid config")
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
