package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmlintcfg"
	"github.com/gotc-project/gotc/toolchain"
)

// fixtureGaps are the filters whose findings come from files a fixture
// toolchain may lack, with the file: go1.27.3 comes from the module cache,
// which has no api/, doc/, misc/ or test/ (internal/gotarball). Its
// rpmlintrc filter for them matches nothing, which rpmlint reports as
// unused-rpmlintrc-filter; the test allows that only when the file is
// indeed missing from the toolchain the packages were made from.
var fixtureGaps = map[string]string{
	"potential-bashisms": "misc/ios/clangwrap.sh",
}

// lintSet is what one rpmlint run checks: the spec, the source package
// and every binary package of one series, as fedora-review and Fedora's
// CI lint a build.
type lintSet struct {
	name  string // "rpmbuild/go-toolchain-1.26"
	plan  *toolchain.Plan
	tb    testenv.Tarball
	files []string
}

// TestRPMLintToolchainPackages runs real rpmlint over every package gotc
// builds for both real toolchains — rpmbuild's and gotc-rpm build's binary
// packages, rpmbuild -bs's and gotc-spec srpm's source packages, with the
// spec — one run per series and builder. tests/rpmlint.toml stands in for
// Fedora's own rpmlint configuration throughout. With the shipped
// rpmlint/gotc-toolchain.toml rpmlint reports nothing; with the series'
// NAME.rpmlintrc that gotc-spec gen wrote (-r) it reports nothing either,
// every filter used; and without gotc's filters every shipped filter
// silences something in some run (none is dead weight).
func TestRPMLintToolchainPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("lints the packages of two real toolchains, built twice; run without -short (make test does)")
	}
	rpmlint := testenv.NeedTool(t, "rpmlint")
	testenv.NeedTools(t, "rpmbuild", "rpm", "checkbashisms", "dash")
	root := testenv.RepoRoot(t)
	b := testenv.RPMBuild(t)
	cfg, _, err := toolchain.Load(b.Config)
	if err != nil {
		t.Fatal(err)
	}
	standIn := filepath.Join(root, "tests", "rpmlint.toml")
	shipped := filepath.Join(root, "rpmlint", "gotc-toolchain.toml")
	// rpmlint takes one -c: a file or a directory of *.toml files.
	both := t.TempDir()
	for _, f := range []string{standIn, shipped} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(both, filepath.Base(f)), data, 0o644)
	}

	// The source packages, from rpmbuild -bs and from gotc-spec srpm.
	env := []string{"SOURCE_DATE_EPOCH=" + b.SourceDateEpoch}
	refSRPMs, nativeSRPMs := t.TempDir(), t.TempDir()
	specs, _ := filepath.Glob(filepath.Join(b.SpecDir, "*.spec"))
	for _, s := range specs {
		testenv.Run(t, "", env, "rpmbuild", "-bs", "--define", "_sourcedir "+b.SourceDir, "--define", "_srcrpmdir "+refSRPMs, s)
	}
	testenv.Run(t, "", env, testenv.Command(t, "gotc-spec"), "srpm", "-c", b.Config, "--sources", b.SourceDir, "-o", nativeSRPMs)
	native := nativeBuild(t, b, t.TempDir())

	tbs := map[string]testenv.Tarball{}
	for _, tb := range testenv.Toolchains(t) {
		tbs[tb.Version()] = tb
	}
	var sets []lintSet
	for _, p := range cfg.Plans() {
		for _, builder := range []struct {
			name  string
			rpms  map[string]string
			srpms string
		}{{"rpmbuild", b.RPMs, refSRPMs}, {"native", native, nativeSRPMs}} {
			set := lintSet{name: builder.name + "/" + p.Name, plan: p, tb: tbs[p.Version.String()]}
			set.files = append(set.files, filepath.Join(b.SpecDir, p.Name+".spec"))
			srpm, _ := filepath.Glob(filepath.Join(builder.srpms, p.Name+"-*.src.rpm"))
			if len(srpm) != 1 {
				t.Fatalf("%s: source packages %v", set.name, srpm)
			}
			set.files = append(set.files, srpm[0])
			for _, pkg := range p.Packages {
				rpm, ok := builder.rpms[pkg.Name]
				if !ok {
					t.Fatalf("%s: no %s built", set.name, pkg.Name)
				}
				set.files = append(set.files, rpm)
			}
			sets = append(sets, set)
		}
	}

	var mu sync.Mutex
	unfiltered := map[string][]string{} // set name → findings without gotc's filters
	t.Run("runs", func(t *testing.T) {
		for _, set := range sets {
			t.Run(set.name, func(t *testing.T) {
				t.Parallel()
				lint := func(args ...string) (findings []string, summary string) {
					out, _ := testenv.Output("", nil, rpmlint, append(args, set.files...)...)
					for _, l := range strings.Split(out, "\n") {
						switch {
						case findingLine.MatchString(l):
							findings = append(findings, l)
						case summaryLine.MatchString(l):
							summary = l
						}
					}
					if summary == "" {
						t.Fatalf("rpmlint %v printed no summary:\n%s", args, out)
					}
					return findings, summary
				}

				// The shipped configuration: nothing left.
				if f, sum := lint("-c", both); len(f) > 0 || !strings.Contains(sum, " 0 errors, 0 warnings") {
					t.Errorf("rpmlint -c gotc-toolchain.toml: %s\n%s", sum, strings.Join(f, "\n"))
				}

				// The generated rpmlintrc: nothing left, every filter used
				// but where the fixture lacks the files.
				rc := filepath.Join(b.SpecDir, rpmlintcfg.RCFileName(set.plan))
				f, sum := lint("-c", standIn, "-r", rc)
				byRegexp := map[string]rpmlintcfg.Filter{}
				for _, flt := range rpmlintcfg.ForPlan(set.plan) {
					byRegexp[flt.Regexp] = flt
				}
				var left []string
				for _, l := range f {
					if m := unusedLine.FindStringSubmatch(l); m != nil {
						flt, ok := byRegexp[m[1]]
						file := fixtureGaps[flt.Check]
						if _, err := os.Stat(filepath.Join(set.tb.GOROOT, file)); ok && file != "" && os.IsNotExist(err) {
							continue // the fixture has no such file
						}
					}
					left = append(left, l)
				}
				if len(left) > 0 {
					t.Errorf("rpmlint -r %s: %s\n%s", filepath.Base(rc), sum, strings.Join(left, "\n"))
				}

				// Without gotc's filters, for the necessity check below.
				f, sum = lint("-c", standIn)
				t.Logf("without gotc's filters: %s", strings.TrimSpace(strings.Trim(sum, "= ")))
				mu.Lock()
				unfiltered[set.name] = f
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}

	// Every shipped filter silences at least one finding of some run.
	filters, err := rpmlintcfg.ForConfig(toolchain.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, f := range unfiltered {
		all = append(all, f...)
	}
	for _, flt := range filters {
		re := regexp.MustCompile(flt.Regexp)
		used := false
		for _, l := range all {
			if re.MatchString(l) {
				used = true
				break
			}
		}
		if !used {
			t.Errorf("shipped filter for %s silences nothing: %s", flt.Check, flt.Regexp)
		}
	}
	reportFindings(t, unfiltered)
}

var (
	findingLine = regexp.MustCompile(`^\S+: [EW]: `)
	summaryLine = regexp.MustCompile(`\d+ packages and \d+ specfiles checked; \d+ errors, \d+ warnings`)
	unusedLine  = regexp.MustCompile(`: E: unused-rpmlintrc-filter "(.*)"$`)
)

// reportFindings logs, per package, the errors and warnings rpmlint
// reports without gotc's filters: what the filters take away.
func reportFindings(t *testing.T, runs map[string][]string) {
	counts := map[string][2]int{}
	for set, findings := range runs {
		builder, _, _ := strings.Cut(set, "/")
		for _, l := range findings {
			pkg, rest, _ := strings.Cut(l, ": ")
			key := builder + " " + strings.TrimSuffix(pkg, ":")
			c := counts[key]
			if strings.HasPrefix(rest, "E:") {
				c[0]++
			} else {
				c[1]++
			}
			counts[key] = c
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + ": " + strconv.Itoa(counts[k][0]) + " errors, " + strconv.Itoa(counts[k][1]) + " warnings\n")
	}
	t.Logf("findings without gotc's filters (tests/rpmlint.toml only):\n%s", b.String())
}
