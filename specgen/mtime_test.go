package specgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// deprecated are the macros and spec syntax rpm marks deprecated, each
// with the place in rpm's sources (rpm-software-management/rpm) that
// says so. A generated spec may name one only in the branch of the
// HasBuildMtimePolicy condition that rpm 4.20 and later never evaluate.
var deprecated = []struct {
	name  string
	re    *regexp.Regexp // a use or definition in a spec line
	where string
}{
	{
		"%clamp_mtime_to_source_date_epoch",
		regexp.MustCompile(`%(\{[?!]*)?clamp_mtime_to_source_date_epoch\b|%(global|define)\s+clamp_mtime_to_source_date_epoch\b`),
		"build/files.cc, genCpioListAndHeader (rpm 4.20+): with %{?build_mtime_policy} empty, SOURCE_DATE_EPOCH set and " +
			"%{?clamp_mtime_to_source_date_epoch} non-zero it warns \"%clamp_mtime_to_source_date_epoch is deprecated, please use " +
			"%build_mtime_policy\"; docs/manual/buildprocess.md, Reproducability table: \"(deprecated)\"",
	},
	{
		"%__lzma",
		regexp.MustCompile(`%(\{[?!]*)?__lzma\b|%(global|define)\s+__lzma\b`),
		"macros.in, above %__lzma: \"Deprecated, use %__xz instead.\"",
	},
	{
		"%patchN",
		regexp.MustCompile(`^\s*%patch[0-9]`),
		"build/parsePrep.c, parsePrep: \"%%patchN is deprecated (%i usages found), use %%patch N (or %%patch -P N)\" (an error from rpm 4.20 on)",
	},
}

// TestNoDeprecatedMacros reads every generated spec (the golden files)
// and the hand-written spec of the macros test, follows their %if
// nesting, and requires each deprecated name to sit only in the %else
// branch of the HasBuildMtimePolicy condition — the branch rpm 4.20 and
// later, where the deprecation is, never take (TestMtimePolicyGuard
// evaluates the condition with real rpm). The other branch must set
// build_mtime_policy, so every rpm clamps file times.
func TestNoDeprecatedMacros(t *testing.T) {
	specs, _ := filepath.Glob("testdata/*.spec.golden")
	specs = append(specs, "../tests/testdata/hand-written.spec")
	if len(specs) < 8 {
		t.Fatalf("only %d specs to check", len(specs))
	}
	guards := []string{"%if " + HasBuildMtimePolicy, "%if %{gotc_has_build_mtime_policy}"}
	for _, spec := range specs {
		data, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		type frame struct{ guard, inElse bool }
		var stack []frame
		oldBranch := func() bool { // inside a branch rpm 4.20+ never takes
			for _, f := range stack {
				if f.guard && f.inElse {
					return true
				}
			}
			return false
		}
		policySet, guarded := false, false
		for i, line := range strings.Split(string(data), "\n") {
			trimmed := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trimmed, "%if"):
				g := false
				for _, want := range guards {
					g = g || trimmed == want
				}
				guarded = guarded || g
				stack = append(stack, frame{guard: g})
				continue
			case trimmed == "%else" || strings.HasPrefix(trimmed, "%else "):
				if len(stack) == 0 {
					t.Fatalf("%s:%d: %%else without %%if", spec, i+1)
				}
				stack[len(stack)-1].inElse = true
				continue
			case strings.HasPrefix(trimmed, "%endif"):
				if len(stack) == 0 {
					t.Fatalf("%s:%d: %%endif without %%if", spec, i+1)
				}
				stack = stack[:len(stack)-1]
				continue
			}
			if len(stack) > 0 && stack[len(stack)-1].guard && !stack[len(stack)-1].inElse && trimmed == "%global build_mtime_policy clamp_to_source_date_epoch" {
				policySet = true
			}
			for _, d := range deprecated {
				if d.re.MatchString(line) && !oldBranch() {
					t.Errorf("%s:%d: %s outside the branch only rpm < 4.20 takes (deprecated: %s)\n%s", spec, i+1, d.name, d.where, line)
				}
			}
		}
		if len(stack) != 0 {
			t.Errorf("%s: %d %%if without %%endif", spec, len(stack))
		}
		if !guarded || !policySet {
			t.Errorf("%s: no %%if on the mtime policy condition that sets build_mtime_policy", spec)
		}
	}
}

// TestMtimePolicyGuard evaluates the spec's condition and the macros
// file's %{gotc_has_build_mtime_policy} with real rpm as each supported
// rpm would see it: %{rpmversion} is a built-in from rpm 4.19 on
// (rpmio/macro.cc, doRpmver: the running rpm's VERSION) and undefined
// before, so rpm 4.18 here plays the older ones with it undefined and
// the newer ones with it defined to their version.
func TestMtimePolicyGuard(t *testing.T) {
	testenv.NeedTools(t, "rpm")
	cfg, _, err := toolchain.Load("../examples/gotc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := writeMacros(t, cfg)
	tests := []struct {
		rpm       string // %{rpmversion}, "" for undefined
		distro    string
		hasPolicy string
	}{
		{"", "EL8 4.14, EL9 4.16, Debian 12 4.18 (no %{rpmversion})", "0"},
		{"4.19.1.1", "EL10", "0"},
		{"4.19.90", "4.20 alpha", "0"},
		{"4.20.0", "Fedora 41", "1"},
		{"4.20.1", "Fedora 42", "1"},
		{"6.0.2", "Fedora 43 and later", "1"},
		{"10.1", "a future rpm", "1"},
	}
	for _, tc := range tests {
		for _, expr := range []string{HasBuildMtimePolicy, "%{gotc_has_build_mtime_policy}"} {
			args := []string{"--load", file}
			if tc.rpm != "" {
				args = append(args, "--define", "rpmversion "+tc.rpm)
			}
			out, err := exec.Command("rpm", append(args, "--eval", expr)...).CombinedOutput()
			if got := strings.TrimSpace(string(out)); err != nil || got != tc.hasPolicy {
				t.Errorf("%s (rpmversion %q): %s gives %q (%v), want %s", tc.distro, tc.rpm, expr, got, err, tc.hasPolicy)
			}
		}
	}
}
