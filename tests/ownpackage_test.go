package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestOwnPackage builds gotc's own RPMs with tests/make-rpm.sh (`make
// rpm`), which packages the last commit — gotc.spec, the sources and
// rpmlint/ as committed, not the work tree — and checks them with the
// real tools: rpm -V of the package installed into a scratch root, from
// which gotc-rpm and gotc-spec run and report the spec's version; the
// shipped rpmlint configuration installed as committed; gotc-rpm verify
// clean on the binary and source packages; and rpmlint clean on the spec,
// the source and the binary package with the shipped configuration,
// tests/rpmlint.toml (Fedora's policy) and gotc.rpmlintrc (gotc's own
// filters, every one used).
func TestOwnPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gotc's own RPM with rpmbuild; run without -short (make test does)")
	}
	// Self-contained in its own directories: it overlaps the other
	// parallel tests once the sequential ones are done.
	t.Parallel()
	rpm := testenv.NeedTool(t, "rpm")
	rpmlint := testenv.NeedTool(t, "rpmlint")
	testenv.NeedTools(t, "rpmbuild", "rpmspec", "git", "gzip", "gcc")
	root := testenv.RepoRoot(t)
	head := func(path string) []byte {
		t.Helper()
		out, err := exec.Command("git", "-C", root, "show", "HEAD:"+path).Output()
		if err != nil {
			t.Fatalf("git show HEAD:%s: %v", path, err)
		}
		return out
	}
	top := t.TempDir()
	out := testenv.Run(t, root, nil, "bash", "tests/make-rpm.sh", top)
	var binary, source string
	for _, l := range lines(out) {
		switch {
		case strings.HasSuffix(l, ".src.rpm"):
			source = l
		case strings.HasSuffix(l, ".rpm"):
			if binary != "" {
				t.Fatalf("more than one binary package: %s", out)
			}
			binary = l
		}
	}
	if binary == "" || source == "" {
		t.Fatalf("make-rpm.sh built %q", out)
	}
	version := strings.TrimSpace(testenv.Run(t, "", nil, rpm, "-qp", "--qf", "%{VERSION}", binary))

	// Installed into a scratch root, the commands run from there and the
	// files are as the package says.
	scratch := t.TempDir()
	testenv.Run(t, "", nil, rpm, "--root", scratch, "--initdb")
	testenv.Run(t, "", nil, rpm, "-i", "--root", scratch, "--nodeps", binary)
	for _, cmd := range []string{"gotc-rpm", "gotc-spec"} {
		got := strings.TrimSpace(testenv.Run(t, "", nil, filepath.Join(scratch, "usr/bin", cmd), "version"))
		if got != cmd+" "+version {
			t.Errorf("%s version from the scratch root: %q, want %q", cmd, got, cmd+" "+version)
		}
	}
	if out, err := testenv.Output("", nil, rpm, "-V", "--root", scratch, "--nodeps", "gotc"); err != nil || out != "" {
		t.Errorf("rpm -V gotc in the scratch root: %v\n%s", err, out)
	}
	installed, err := os.ReadFile(filepath.Join(scratch, "usr/share/gotc/rpmlint/gotc-toolchain.toml"))
	if err != nil || string(installed) != string(head("rpmlint/gotc-toolchain.toml")) {
		t.Errorf("the installed rpmlint configuration is not the committed rpmlint/gotc-toolchain.toml: %v", err)
	}
	files := lines(testenv.Run(t, "", nil, rpm, "-qpl", binary))
	have := map[string]bool{}
	for _, f := range files {
		have[f] = true
	}
	// tests/rpmlint.toml silences rpmlint 2.4's no-manual-page-for-binary
	// for the two commands: their pages must be there.
	for _, page := range []string{"/usr/share/man/man1/gotc-rpm.1.gz", "/usr/share/man/man1/gotc-spec.1.gz", "/usr/share/man/man5/gotc.yaml.5.gz"} {
		if !have[page] {
			t.Errorf("%s is not packaged", page)
		}
	}
	// The hook for systemd/: every file there is packaged, by name, under
	// the unit directory.
	units, _ := exec.Command("git", "-C", root, "ls-tree", "-r", "--name-only", "HEAD", "systemd/").Output()
	for _, u := range lines(string(units)) {
		if !have["/usr/lib/systemd/system/"+filepath.Base(u)] {
			t.Errorf("systemd/%s is not packaged as /usr/lib/systemd/system/%s: install it in gotc.spec", filepath.Base(u), filepath.Base(u))
		}
	}

	if out, err := testenv.Output("", nil, testenv.Command(t, "gotc-rpm"), "verify", binary, source); err != nil || !strings.Contains(out, "2 packages verified: 0 errors, 0 warnings") {
		t.Errorf("gotc-rpm verify: %v\n%s", err, out)
	}

	// rpmlint: the committed spec and rpmlintrc beside it, one -c
	// directory with the shipped configuration and Fedora's stand-in.
	lintDir, confDir := t.TempDir(), t.TempDir()
	spec, rc := filepath.Join(lintDir, "gotc.spec"), filepath.Join(lintDir, "gotc.rpmlintrc")
	os.WriteFile(spec, head("gotc.spec"), 0o644)
	os.WriteFile(rc, head("gotc.rpmlintrc"), 0o644)
	os.WriteFile(filepath.Join(confDir, "gotc-toolchain.toml"), head("rpmlint/gotc-toolchain.toml"), 0o644)
	standIn, err := os.ReadFile(filepath.Join(root, "tests", "rpmlint.toml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(confDir, "rpmlint.toml"), standIn, 0o644)
	lint, _ := testenv.Output("", nil, rpmlint, "-c", confDir, "-r", rc, spec, source, binary)
	var findings []string
	for _, l := range strings.Split(lint, "\n") {
		if findingLine.MatchString(l) {
			findings = append(findings, l)
		}
	}
	if len(findings) > 0 || !strings.Contains(lint, "2 packages and 1 specfiles checked; 0 errors, 0 warnings") {
		t.Errorf("rpmlint on gotc's own package:\n%s", lint)
	}
}

// TestOwnSpecBundledProvides keeps gotc.spec's bundled(golang(...))
// Provides equal to the modules linked into gotc's commands (go list
// -deps ./cmd/...), at go.mod's versions: a module added, dropped or
// upgraded without the spec following fails.
func TestOwnSpecBundledProvides(t *testing.T) {
	root := testenv.RepoRoot(t)
	spec, err := os.ReadFile(filepath.Join(root, "gotc.spec"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range bundledLine.FindAllStringSubmatch(string(spec), -1) {
		got = append(got, m[1]+" "+m[2])
	}
	out := testenv.Run(t, root, []string{"GOFLAGS=-mod=mod"}, "go", "list", "-deps",
		"-f", "{{with .Module}}{{if not .Main}}{{with .Replace}}{{.Path}} {{.Version}}{{else}}{{.Path}} {{.Version}}{{end}}{{end}}{{end}}", "./cmd/...")
	want := map[string]bool{}
	for _, l := range lines(out) {
		path, version, _ := strings.Cut(l, " ")
		want[path+" "+rpmVersion(version)] = true
	}
	var wantList []string
	for w := range want {
		wantList = append(wantList, w)
	}
	sort.Strings(wantList)
	if strings.Join(got, "\n") != strings.Join(wantList, "\n") {
		t.Errorf("gotc.spec's bundled Provides (sorted as the spec must list them) differ from the modules in ./cmd/...:\n%s", lineDiff(strings.Join(wantList, "\n"), strings.Join(got, "\n")))
	}
	if len(wantList) == 0 {
		t.Fatal("go list found no modules")
	}
}

var bundledLine = regexp.MustCompile(`(?m)^Provides:\s+bundled\(golang\((\S+)\)\) = (\S+)$`)

// rpmVersion is a module version as an RPM version: no "v", and "-" (not
// allowed in an RPM version), as in pseudo-versions, turned into ".".
func rpmVersion(v string) string {
	return strings.ReplaceAll(strings.TrimPrefix(v, "v"), "-", ".")
}
