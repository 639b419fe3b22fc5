package toolchain

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

func mustParse(t *testing.T, y string) *Config {
	t.Helper()
	c, _, err := Parse("gotc.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMatchAgainstShell checks Match against the shell's own case
// statement, which the generated spec uses.
func TestMatchAgainstShell(t *testing.T) {
	sh := testenv.NeedTool(t, "sh")
	patterns := []string{"*/testdata", "*/testdata/*", "src/*_test.go", "test", "test/*", "doc/*", "[a-c]*", "[!a-c]*", "?", "src/?/x", "a*b*c", "*", "x[", "[]]x", "README.md", "src/[a-z]*/*.go", "*.go", "bin/go*"}
	names := []string{"", "a", "b", "x", "z", "test", "test/x", "testx", "src/net/testdata", "src/net/testdata/a/b", "src/testdata", "testdata", "src/os/file_test.go", "src/os/file.go", "doc/go_spec.html", "doc", "abc", "axbxc", "acb", "x[", "]x", "src/a/x", "src/ab/x", "src/net/http.go", "src/Net/http.go", "README.md", "bin/gofmt", "src/cmd/go/testdata/mod/rsc.io_!q!u!o!t!e_v1.5.2.txt", "test/fixedbugs/issue27836.dir/\u00defoo.go"}
	var script strings.Builder
	for _, p := range patterns {
		for _, n := range names {
			fmt.Fprintf(&script, "case '%s' in %s) echo 1 ;; *) echo 0 ;; esac\n", n, p)
		}
	}
	out, err := exec.Command(sh, "-c", script.String()).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	results := strings.Fields(string(out))
	i := 0
	for _, p := range patterns {
		for _, n := range names {
			want := results[i] == "1"
			i++
			if got := Match(p, n); got != want {
				t.Errorf("Match(%q, %q) = %v, shell says %v", p, n, got, want)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	c := mustParse(t, minimal)
	p := c.Plans()[0]
	tests := []struct {
		rel   string
		isDir bool
		pkg   string
		flag  FileFlag
	}{
		{"", true, "go-toolchain-1.26", FlagNone},
		{"bin", true, "go-toolchain-1.26", FlagNone},
		{"bin/go", false, "go-toolchain-1.26", FlagNone},
		{"pkg/tool/linux_amd64/compile", false, "go-toolchain-1.26", FlagNone},
		{"go.env", false, "go-toolchain-1.26", FlagNone},
		{"VERSION", false, "go-toolchain-1.26", FlagNone},
		{"lib/time/zoneinfo.zip", false, "go-toolchain-1.26", FlagNone},
		{"LICENSE", false, "go-toolchain-1.26", FlagLicense},
		{"PATENTS", false, "go-toolchain-1.26", FlagLicense},
		{"src", true, "go-toolchain-1.26-src", FlagNone},
		{"src/net/http/server.go", false, "go-toolchain-1.26-src", FlagNone},
		{"src/vendor/golang.org/x/net/http/httpguts/guts.go", false, "go-toolchain-1.26-src", FlagNone},
		{"src/net/http/server_test.go", false, "go-toolchain-1.26-tests", FlagNone},
		{"src/net/http/testdata", true, "go-toolchain-1.26-tests", FlagNone},
		{"src/debug/elf/testdata/libtiffxx.so_", false, "go-toolchain-1.26-tests", FlagNone},
		{"test/run.go", false, "go-toolchain-1.26-tests", FlagNone},
		{"api/go1.txt", false, "go-toolchain-1.26-tests", FlagNone},
		{"doc/go_spec.html", false, "go-toolchain-1.26-docs", FlagDoc},
		{"doc", true, "go-toolchain-1.26-docs", FlagNone},
		{"README.md", false, "go-toolchain-1.26-docs", FlagDoc},
		{"misc/wasm/go_js_wasm_exec", false, "go-toolchain-1.26-docs", FlagNone},
	}
	for _, tc := range tests {
		pkg, flag, excluded := p.Classify(tc.rel, tc.isDir)
		if excluded || pkg.Name != tc.pkg || flag != tc.flag {
			t.Errorf("Classify(%q) = %v %v %v, want %s %v", tc.rel, pkg.Name, flag, excluded, tc.pkg, tc.flag)
		}
	}
	c = mustParse(t, "exclude: [\"misc/*\", misc]\n"+minimal)
	if _, _, excluded := c.Plans()[0].Classify("misc/chrome/x.js", false); !excluded {
		t.Error("exclude pattern not applied")
	}
}

// TestGoEnvRewriteAgainstShell runs the spec's go.env script on real files
// and compares with RewriteGoEnv.
func TestGoEnvRewriteAgainstShell(t *testing.T) {
	sh := testenv.NeedTool(t, "sh")
	testenv.NeedTool(t, "sed")
	c := mustParse(t, "go_env: {GOPROXY: direct, GOSUMDB: \"off\"}\n"+minimal)
	p := c.Plans()[0]
	inputs := map[string]string{
		"upstream auto":   "# comment\nGOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n\nGOTOOLCHAIN=auto\n",
		"already local":   "GOTOOLCHAIN=local\n",
		"missing":         "GOPROXY=x\n",
		"no final eol":    "GOTOOLCHAIN=auto",
		"empty":           "",
		"commented":       "#GOTOOLCHAIN=auto\n",
		"duplicate lines": "GOTOOLCHAIN=auto\nGOTOOLCHAIN=path\n",
		"prefix key":      "GOTOOLCHAINX=1\n",
	}
	for name, in := range inputs {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.env"), []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(sh, "-e", "-c", p.GoEnvScript())
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: script failed: %v\n%s", name, err, out)
		}
		want, _ := os.ReadFile(filepath.Join(dir, "go.env"))
		if got := p.RewriteGoEnv([]byte(in)); !bytes.Equal(got, want) {
			t.Errorf("%s: RewriteGoEnv =\n%q\nshell wrote\n%q", name, got, want)
		}
		if !bytes.Contains(want, []byte("GOTOOLCHAIN=local\n")) {
			t.Errorf("%s: no GOTOOLCHAIN=local in %q", name, want)
		}
	}
}

func TestScriptlets(t *testing.T) {
	p := mustParse(t, minimal).Plans()[0]
	s := p.Scriptlets()
	wantPost := "/usr/sbin/update-alternatives --install /usr/bin/go go /usr/libexec/go-toolchain/go1.26.8/bin/go 12608 \\\n" +
		"  --slave /usr/bin/gofmt gofmt /usr/libexec/go-toolchain/go1.26.8/bin/gofmt \\\n" +
		"  --slave /usr/libexec/go-toolchain/current go-toolchain-current /usr/libexec/go-toolchain/go1.26.8"
	if s.Post != wantPost {
		t.Errorf("post:\n%s\nwant:\n%s", s.Post, wantPost)
	}
	remove := "  /usr/sbin/update-alternatives --remove go /usr/libexec/go-toolchain/go1.26.8/bin/go\n"
	if want := "if [ \"$1\" -eq 0 ]; then\n" + remove + "fi"; s.Preun != want {
		t.Errorf("preun:\n%s\nwant:\n%s", s.Preun, want)
	}
	if want := "if [ \"$1\" -ge 1 ] && [ ! -e /usr/libexec/go-toolchain/go1.26.8/bin/go ]; then\n" + remove + "fi"; s.Postun != want {
		t.Errorf("postun:\n%s\nwant:\n%s", s.Postun, want)
	}
}

// TestPostunLifecycle runs the %preun and %postun logic with a fake
// update-alternatives in rpm's order through install, upgrade,
// reinstall, downgrade and erase, and checks which registrations remain.
func TestPostunLifecycle(t *testing.T) {
	sh := testenv.NeedTool(t, "sh")
	c := mustParse(t, twoPatchConfig)
	old, _ := c.PlanFor("1.26.8")
	// The same series at another patch version, as a later release would be.
	c2 := mustParse(t, strings.ReplaceAll(twoPatchConfig, "1.26.8", "1.26.9"))
	newer, _ := c2.PlanFor("1.26.9")
	root := t.TempDir()
	reg := filepath.Join(root, "registered")
	// Fake tool: --install adds the path, --remove drops it.
	fake := "#!/bin/sh\ncase $1 in --install) echo \"$4\" >> " + reg + " ;; --remove) grep -vx \"$3\" " + reg + " > " + reg + ".new || true; mv " + reg + ".new " + reg + " ;; esac\n"
	tool := filepath.Join(root, "update-alternatives")
	os.WriteFile(tool, []byte(fake), 0o755)
	os.WriteFile(reg, nil, 0o644)
	run := func(script string, arg int, present map[string]bool) {
		script = strings.ReplaceAll(script, UpdateAlternatives, tool)
		for path, ok := range present {
			_ = os.MkdirAll(filepath.Join(root, "fs", filepath.Dir(path)), 0o755)
			if ok {
				os.WriteFile(filepath.Join(root, "fs", path), nil, 0o755)
			} else {
				os.Remove(filepath.Join(root, "fs", path))
			}
		}
		script = strings.ReplaceAll(script, "[ ! -e /", "[ ! -e "+filepath.Join(root, "fs")+"/")
		if out, err := exec.Command(sh, "-c", script, "scriptlet", fmt.Sprint(arg)).CombinedOutput(); err != nil {
			t.Fatalf("scriptlet: %v\n%s", err, out)
		}
	}
	registered := func() string {
		b, _ := os.ReadFile(reg)
		return strings.TrimSpace(string(b))
	}
	oldGo, newGo := old.Alternative.Path, newer.Alternative.Path
	// install 1.26.8
	run(old.Scriptlets().Post, 1, map[string]bool{oldGo: true})
	// upgrade to 1.26.9: new %post, then old %postun with $1=1 after the
	// old files are gone.
	run(newer.Scriptlets().Post, 2, map[string]bool{newGo: true})
	run(old.Scriptlets().Preun, 1, nil)
	run(old.Scriptlets().Postun, 1, map[string]bool{oldGo: false})
	if got := registered(); got != newGo {
		t.Fatalf("after upgrade: registered %q, want only %s", got, newGo)
	}
	// reinstall 1.26.9: %post again, old instance's %postun with the path present.
	run(newer.Scriptlets().Post, 2, map[string]bool{newGo: true})
	run(newer.Scriptlets().Preun, 1, nil)
	run(newer.Scriptlets().Postun, 1, map[string]bool{newGo: true})
	if got := registered(); !strings.Contains(got, newGo) {
		t.Fatalf("after reinstall: %s lost its registration (%q)", newGo, got)
	}
	// downgrade to 1.26.8
	run(old.Scriptlets().Post, 2, map[string]bool{oldGo: true})
	run(newer.Scriptlets().Preun, 1, nil)
	run(newer.Scriptlets().Postun, 1, map[string]bool{newGo: false})
	if got := registered(); got != oldGo {
		t.Fatalf("after downgrade: registered %q, want only %s", got, oldGo)
	}
	// erase: %preun while the files are there, %postun after
	run(old.Scriptlets().Preun, 0, nil)
	if got := registered(); got != "" {
		t.Fatalf("after %%preun of the erase: registered %q, want nothing", got)
	}
	run(old.Scriptlets().Postun, 0, map[string]bool{oldGo: false})
	if got := registered(); got != "" {
		t.Fatalf("after erase: registered %q, want nothing", got)
	}
}

const twoPatchConfig = `toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {sha256: "` + sha1 + `"}
`

func TestVersions(t *testing.T) {
	tests := []struct {
		in, rpm, series, gov string
		prio                 int
	}{
		{"1.26.8", "1.26.8", "1.26", "go1.26.8", 12608},
		{"1.27.0", "1.27.0", "1.27", "go1.27.0", 12700},
		{"1.27rc1", "1.27.0~rc1", "1.27", "go1.27rc1", 12700},
		{"1.28beta2", "1.28.0~beta2", "1.28", "go1.28beta2", 12800},
		{"2.0.1", "2.0.1", "2.0", "go2.0.1", 20001},
	}
	for _, tc := range tests {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if v.RPMVersion() != tc.rpm || v.Series() != tc.series || v.GoVersion() != tc.gov || v.Priority() != tc.prio || v.String() != tc.in {
			t.Errorf("%s: got %s %s %s %d", tc.in, v.RPMVersion(), v.Series(), v.GoVersion(), v.Priority())
		}
	}
	for _, bad := range []string{"", "1", "1.26", "go1.26.8", "1.26.8rc1", "01.26.8", "1.260.1", "1.26.100", "1.26.8-1", "1.26.8 ", "v1.26.8", "0.1.2", "1.27rc0"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}

func TestCheckFileName(t *testing.T) {
	for _, ok := range []string{"src/a.go", "src/cmd/go/testdata/mod/rsc.io_!q!u!o!t!e_v1.5.2.txt", "test/\u00defoo.go", "a+b,c@d=e:f~g^h-i"} {
		if err := CheckFileName(ok); err != nil {
			t.Errorf("CheckFileName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"a b", "a\tb", "a\nb", "a%b", "a*b", "a?b", "a[b", "a]b", "a\"b", "a\\b", "a$b", "a`b", "a\x7fb"} {
		if err := CheckFileName(bad); err == nil {
			t.Errorf("CheckFileName(%q) accepted", bad)
		}
	}
}

// TestReleaseAndEVR checks the Release tag and the EVR with and without a
// dist tag and an epoch.
func TestReleaseAndEVR(t *testing.T) {
	tc := func(extra string) string {
		return "toolchains:\n  - version: \"1.26.8\"\n    release: 3\n" + extra + "    sources:\n      x86_64: {file: go.tar.gz, sha256: \"" + sha1 + "\"}\n"
	}
	tests := []struct {
		name, yaml, dist            string
		release, evrDist, evrNoDist string
	}{
		{"no dist", tc(""), "", "3", "1.26.8-3", "1.26.8-3"},
		{"dist", tc(""), ".fc43", "3.fc43", "1.26.8-3.fc43", "1.26.8-3"},
		{"epoch and dist", tc("    epoch: 2\n"), ".el9", "3.el9", "2:1.26.8-3.el9", "2:1.26.8-3"},
	}
	for _, c := range tests {
		p := mustParse(t, c.yaml).Plans()[0]
		if got := p.ReleaseWithDist(c.dist); got != c.release {
			t.Errorf("%s: ReleaseWithDist = %q, want %q", c.name, got, c.release)
		}
		if got := p.EVRWithDist(c.dist); got != c.evrDist {
			t.Errorf("%s: EVRWithDist = %q, want %q", c.name, got, c.evrDist)
		}
		if got := p.EVR(); got != c.evrNoDist {
			t.Errorf("%s: EVR = %q, want %q", c.name, got, c.evrNoDist)
		}
	}
}

// TestBuildTime checks the build time: SOURCE_DATE_EPOCH when set, else
// the newest changelog entry's time (noon of its date), else the
// generated entry's.
func TestBuildTime(t *testing.T) {
	withLog := "toolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {file: go.tar.gz, sha256: \"" + sha1 + "\"}\n" +
		"    changelog:\n      - {date: 2026-11-20, author: \"A <a@example.org>\", changes: [\"New\"]}\n      - {date: 2026-01-02, author: \"A <a@example.org>\", changes: [\"Old\"]}\n"
	sde := time.Date(2027, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		name string
		yaml string
		sde  *time.Time
		want time.Time
	}{
		{"SOURCE_DATE_EPOCH", withLog, &sde, sde},
		{"newest changelog entry", withLog, nil, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)},
		{"no changelog", minimal, nil, time.Date(2009, 11, 10, 12, 0, 0, 0, time.UTC)},
	}
	for _, c := range tests {
		p := mustParse(t, c.yaml).Plans()[0]
		if got := p.BuildTime(c.sde); !got.Equal(c.want) {
			t.Errorf("%s: BuildTime = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestHostArch checks this machine's RPM arch maps back to its GOARCH.
func TestHostArch(t *testing.T) {
	arch := HostArch()
	if goarch, ok := GOARCH[arch]; ok && goarch != runtime.GOARCH || !ok && arch != runtime.GOARCH {
		t.Errorf("HostArch() = %q on GOARCH %s", arch, runtime.GOARCH)
	}
	if runtime.GOARCH == "amd64" && arch != "x86_64" {
		t.Errorf("HostArch() = %q on amd64, want x86_64", arch)
	}
}

// TestSymbolicPlanIsThePlan: the plan SymbolicPlan derives from a real
// version's texts is GenericPlan's for that version, field by field;
// only the numbers it is not given (Version, priority, RPM version) stay
// zero. So a plan written with macro references comes from the same
// derivation as the one the spec is written from.
func TestSymbolicPlanIsThePlan(t *testing.T) {
	for _, y := range []string{minimal, "layout: {root: /opt/go, dir: \"golang-{series}\", bin_dir: /usr/local/bin}\n" + minimal} {
		c := mustParse(t, y)
		for _, version := range []string{"1.26.8", "1.27rc1", "2.0.0"} {
			want, err := c.GenericPlan(version)
			if err != nil {
				t.Fatal(err)
			}
			got := c.SymbolicPlan(want.Text)
			if got.Version != (Version{}) || got.RPMVersion != "" || got.Alternative.Priority != 0 {
				t.Errorf("%s: symbolic plan has numbers %v %q %d", version, got.Version, got.RPMVersion, got.Alternative.Priority)
			}
			if got.Toolchain.Version != "" || got.Toolchain.Priority != 0 || got.Toolchain.Release != 1 {
				t.Errorf("%s: symbolic toolchain %+v", version, *got.Toolchain)
			}
			got.Version, got.RPMVersion, got.Alternative.Priority, got.Toolchain = want.Version, want.RPMVersion, want.Alternative.Priority, want.Toolchain
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: symbolic plan\n%+v\nwant\n%+v", version, *got, *want)
			}
			if got.Scriptlets() != want.Scriptlets() {
				t.Errorf("%s: scriptlets differ:\n%v\n%v", version, got.Scriptlets(), want.Scriptlets())
			}
		}
	}
}

// TestVersionedCommands: each of go and gofmt under its series and its
// full version, relative links into the toolchain; none when
// versioned_commands is off.
func TestVersionedCommands(t *testing.T) {
	pre := strings.Replace(minimal, `"1.27.3"`, `"1.27rc1"`, 1)
	tests := []struct {
		name, yaml, version string
		want                []string
	}{
		{"release", minimal, "1.26.8", []string{
			"/usr/bin/go1.26 -> ../libexec/go-toolchain/go1.26.8/bin/go",
			"/usr/bin/go1.26.8 -> ../libexec/go-toolchain/go1.26.8/bin/go",
			"/usr/bin/gofmt1.26 -> ../libexec/go-toolchain/go1.26.8/bin/gofmt",
			"/usr/bin/gofmt1.26.8 -> ../libexec/go-toolchain/go1.26.8/bin/gofmt",
		}},
		{"pre-release", pre, "1.27rc1", []string{
			"/usr/bin/go1.27 -> ../libexec/go-toolchain/go1.27rc1/bin/go",
			"/usr/bin/go1.27rc1 -> ../libexec/go-toolchain/go1.27rc1/bin/go",
			"/usr/bin/gofmt1.27 -> ../libexec/go-toolchain/go1.27rc1/bin/gofmt",
			"/usr/bin/gofmt1.27rc1 -> ../libexec/go-toolchain/go1.27rc1/bin/gofmt",
		}},
		{"other layout", "layout: {root: /opt/go, dir: \"golang-{series}\", bin_dir: /usr/local/bin}\n" + minimal, "1.26.8", []string{
			"/usr/local/bin/go1.26 -> ../../../opt/go/golang-1.26/bin/go",
			"/usr/local/bin/go1.26.8 -> ../../../opt/go/golang-1.26/bin/go",
			"/usr/local/bin/gofmt1.26 -> ../../../opt/go/golang-1.26/bin/gofmt",
			"/usr/local/bin/gofmt1.26.8 -> ../../../opt/go/golang-1.26/bin/gofmt",
		}},
		{"off", "layout: {versioned_commands: false}\n" + minimal, "1.26.8", nil},
	}
	for _, tc := range tests {
		p, err := mustParse(t, tc.yaml).PlanFor(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range p.Links {
			got = append(got, l.Path+" -> "+l.Target)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: links\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

// TestTargetRPM: every target names its rpm as major.minor, and the
// mtime policy follows it (rpm 4.20 added %build_mtime_policy).
func TestTargetRPM(t *testing.T) {
	want := map[string]bool{"epel-8": false, "epel-9": false, "epel-10": false, "fedora-38": false, "fedora-40": false,
		"fedora-41": true, "fedora-42": true, "fedora-43": true, "rawhide": true}
	for _, name := range KnownTargets() {
		tg, err := ParseTarget(name)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[1-9][0-9]*\.[0-9]+$`).MatchString(tg.RPM) {
			t.Errorf("%s: rpm %q", name, tg.RPM)
		}
		if w, ok := want[name]; ok && tg.HasBuildMtimePolicy() != w {
			t.Errorf("%s (rpm %s): HasBuildMtimePolicy() = %v, want %v", name, tg.RPM, !w, w)
		}
	}
}
