package selfcheck

import (
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/toolchain"
)

// rpmRoot installs gotc-base and this machine's toolchain, as gotc
// packages it, into a new root with real rpm and the database at dbpath;
// the scriptlets register the toolchain with update-alternatives.
func rpmRoot(t *testing.T, dbpath string) (string, *testroot.Built, *toolchain.Config) {
	t.Helper()
	if testing.Short() {
		t.Skip("installs a real toolchain with rpm")
	}
	b := testroot.Packages(t)
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	testroot.Install(t, root, dbpath, b.Base)
	var rpms []string
	for _, p := range b.RPMs {
		rpms = append(rpms, p)
	}
	slices.Sort(rpms)
	testroot.Install(t, root, dbpath, rpms...)
	cfg, _, err := toolchain.Load(b.Config)
	if err != nil {
		t.Fatal(err)
	}
	return root, b, cfg
}

// check runs Check on root with real rpm, the toolchains' programs run
// confined.
func check(t *testing.T, cfg *toolchain.Config, root string) *Report {
	t.Helper()
	opt := withRoot(confinedRun, root)
	opt.RPM = testenv.NeedTool(t, "rpm")
	rep, err := Check(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// reinstall applies a "dnf reinstall NAME..." fix with what dnf runs:
// rpm --reinstall of the packages' files, into the root's database.
func reinstall(t *testing.T, root, dbpath string, b *testroot.Built, names ...string) {
	t.Helper()
	args := []string{"--root", root, "--dbpath", dbpath, "--reinstall", "--nodeps", "--nosignature"}
	for _, n := range names {
		p, ok := b.RPMs[n]
		if !ok {
			t.Fatalf("the fix names %s, which was not built", n)
		}
		args = append(args, p)
	}
	testenv.Run(t, "", nil, "rpm", args...)
}

// fixesOf collects what the findings say to run after "fix: " or "fix
// them all: ": the packages to reinstall and the paths to remove.
func fixesOf(fs []findings.Finding) (reinstall []string, remove []string) {
	for _, f := range fs {
		_, fix, ok := strings.Cut(f.Message, "fix: ")
		if !ok {
			_, fix, ok = strings.Cut(f.Message, "fix them all: ")
		}
		for _, cmd := range strings.Split(fix, " && ") {
			switch {
			case !ok:
			case strings.HasPrefix(cmd, "dnf reinstall "):
				reinstall = append(reinstall, strings.Fields(strings.TrimPrefix(cmd, "dnf reinstall "))...)
			case strings.HasPrefix(cmd, "rm -r "):
				remove = append(remove, strings.TrimPrefix(cmd, "rm -r "))
			}
		}
	}
	slices.Sort(reinstall)
	return slices.Compact(reinstall), remove
}

// applyFixes removes what the fixes remove, then reinstalls what they
// reinstall, as an admin following them in order would.
func applyFixes(t *testing.T, root, dbpath string, b *testroot.Built, fs []findings.Finding) bool {
	t.Helper()
	fix, remove := fixesOf(fs)
	for _, p := range remove {
		if !strings.HasPrefix(p, root+"/") {
			t.Fatalf("a fix removes %s, outside the root", p)
		}
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	if len(fix) > 0 {
		reinstall(t, root, dbpath, b, fix...)
	}
	return len(fix)+len(remove) > 0
}

// TestRPMClean installs real packages into roots keeping their database
// where Fedora does, where older releases do, and behind an absolute
// symlink inside the root: selfcheck finds each database, reports the
// root clean, and writes nothing into it — no sqlite -shm file, no
// ~/.rpmdb of this machine's rpm.
func TestRPMClean(t *testing.T) {
	for _, tc := range []struct {
		name, dbpath string
		move         string // moved here, the dbpath linked to it
		want         string
	}{
		{"sysimage", "/usr/lib/sysimage/rpm", "", "/usr/lib/sysimage/rpm"},
		{"var/lib/rpm", "/var/lib/rpm", "", "/var/lib/rpm"},
		{"linked", "/var/lib/rpm", "/srv/rpmdb", "/srv/rpmdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, _, cfg := rpmRoot(t, tc.dbpath)
			if tc.move != "" {
				os.MkdirAll(filepath.Join(root, path.Dir(tc.move)), 0o755)
				if err := os.Rename(filepath.Join(root, tc.dbpath), filepath.Join(root, tc.move)); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(tc.move, filepath.Join(root, tc.dbpath)); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, root)
			rep := check(t, cfg, root)
			if rep.Errors != 0 || rep.Warnings != 0 || len(rep.Toolchains) != 1 || rep.RPMDB != tc.want {
				t.Errorf("database %s, %d toolchains; findings:\n%s", rep.RPMDB, len(rep.Toolchains), describe(rep.Findings))
			}
			if after := snapshot(t, root); after != before {
				t.Errorf("selfcheck wrote into the root:\n%s", diffLines(before, after))
			}
		})
	}
}

// TestRPMNoDatabase: a root without an rpm database gets one warning per
// toolchain, and selfcheck does not create one (rpm --root would, at
// this machine's %_dbpath inside the root).
func TestRPMNoDatabase(t *testing.T) {
	root, _, _ := fakeRoot(t)
	before := snapshot(t, root)
	rep := check(t, toolchain.Defaults(), root)
	if rep.Errors != 0 || rep.Warnings != 2 || rep.RPMDB != "" {
		t.Errorf("findings:\n%s", describe(rep.Findings))
	}
	for _, f := range rep.Findings {
		if !strings.Contains(f.Message, "no rpm database in the root (looked in /usr/lib/sysimage/rpm, /var/lib/rpm") {
			t.Errorf("finding %s", f)
		}
	}
	if after := snapshot(t, root); after != before {
		t.Errorf("selfcheck wrote into the root:\n%s", diffLines(before, after))
	}
}

// TestRPMBroken gives Check an rpm that cannot answer — a script exiting
// 127 as a shell does for a missing library, a file that is not
// executable, an rpm killed — for a root that has a database: nothing
// can be verified, and Check must fail rather than report the root
// clean.
func TestRPMBroken(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, script string
		mode         os.FileMode
		want         string
	}{
		{"exits 127", "echo 'rpm: error while loading shared libraries: librpm.so.9' >&2; exit 127", 0o755, "exit status 127: rpm: error while loading shared libraries"},
		{"not executable", "exit 0", 0o644, "permission denied"},
		{"killed", "kill -9 $$", 0o755, "signal: killed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rpm := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			writeFile(t, rpm, "#!/bin/sh\n"+tc.script+"\n", tc.mode)
			root, _, _ := fakeRoot(t)
			writeFile(t, filepath.Join(root, "var/lib/rpm/rpmdb.sqlite"), "", 0o644)
			_, err := Check(toolchain.Defaults(), Options{Root: root, RPM: rpm})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestRPMVerifyMatchesRPMV damages an installed toolchain the ways files
// change — edited, chmod'ed, chown'ed, touched, removed, a file turned
// into a symlink, a symlink retargeted — and expects selfcheck to name
// exactly the files and attributes real rpm -V names (run after
// selfcheck: it writes into the root). Then it applies the fix the
// findings name, dnf reinstall, and the root is clean again.
func TestRPMVerifyMatchesRPMV(t *testing.T) {
	const dbpath = "/usr/lib/sysimage/rpm"
	root, b, cfg := rpmRoot(t, dbpath)
	goroot := "/usr/libexec/go-toolchain/" + b.Tarball.GoVersion
	in := func(p string) string { return filepath.Join(root, p) }
	series := b.Tarball.Version()[:strings.LastIndex(b.Tarball.Version(), ".")]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(in(goroot+"/go.env"), []byte("GOTOOLCHAIN=auto\n"), 0o644))
	must(os.Chmod(in(goroot+"/src/fmt/print.go"), 0o600))
	must(os.Chown(in(goroot+"/src/fmt/scan.go"), 65534, 65534))
	must(os.Chtimes(in(goroot+"/src/fmt/format.go"), timeZero, timeZero))
	must(os.Remove(in(goroot + "/src/fmt/doc.go")))
	must(os.Remove(in(goroot + "/src/fmt/errors.go")))
	must(os.Symlink("print.go", in(goroot+"/src/fmt/errors.go")))
	must(os.Remove(in("/usr/bin/go" + series)))
	must(os.Symlink("/nowhere", in("/usr/bin/go"+series)))

	rep := check(t, cfg, root)
	got := map[string]string{}
	verifyMsg := regexp.MustCompile(`^\S+: (.*) changed since|^\S+: (missing) since`)
	for _, f := range rep.Findings {
		if m := verifyMsg.FindStringSubmatch(f.Message); m != nil {
			got[f.Path] = m[1] + m[2]
		}
	}

	names := strings.Fields(testenv.Run(t, "", nil, "rpm", "--root", root, "--dbpath", dbpath, "-qa", "--qf", "%{NAME}\n"))
	names = slices.DeleteFunc(names, func(n string) bool { return !strings.HasPrefix(n, "go-toolchain-") })
	out, err := exec.Command("rpm", append([]string{"--root", root, "--dbpath", dbpath, "-V", "--nodeps", "--noscripts"}, names...)...).Output()
	if code := exitCode(err); code < 1 { // rpm -V exits with the number of packages that differ
		t.Fatalf("rpm -V: exit %d (%v), want the packages that differ\n%s", code, err, out)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		attrs, file, ok := parseVerifyLine(line)
		if !ok {
			t.Fatalf("rpm -V line %q", line)
		}
		want[file] = attrs
	}
	if len(want) < 7 || !mapsEqual(got, want) {
		t.Errorf("selfcheck:\n%v\nrpm -V:\n%v", got, want)
	}

	if !applyFixes(t, root, dbpath, b, rep.Findings) {
		t.Fatalf("no fix named; findings:\n%s", describe(rep.Findings))
	}
	// dnf reinstall restores the package's files, but not the links
	// update-alternatives manages.
	must(os.Remove(in("/usr/bin/go" + series)))
	must(os.Symlink("../libexec/go-toolchain/"+b.Tarball.GoVersion+"/bin/go", in("/usr/bin/go"+series)))
	if rep := check(t, cfg, root); rep.Errors != 0 || rep.Warnings != 0 {
		t.Errorf("after the fixes:\n%s", describe(rep.Findings))
	}
}

// TestRPMLeftovers: an upstream tarball of another release unpacked
// over an installed toolchain, and a go install into its GOROOT. Every
// path no package owns is named, with the fix (remove it); files the
// tarball overwrote are named too (dnf reinstall). Applying every fix
// leaves the root clean.
func TestRPMLeftovers(t *testing.T) {
	const dbpath = "/var/lib/rpm"
	root, b, cfg := rpmRoot(t, dbpath)
	goroot := filepath.Join(root, "/usr/libexec/go-toolchain/"+b.Tarball.GoVersion)
	newer := testenv.Toolchains(t)[1]
	testenv.Run(t, "", nil, testenv.NeedTool(t, "tar"), "-xzf", newer.Path, "-C", goroot, "--strip-components=1")
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.org/hello\n\ngo 1.21\n", 0o644)
	writeFile(t, filepath.Join(mod, "main.go"), "package main\n\nfunc main() { println(\"hello\") }\n", 0o644)
	testenv.Run(t, mod, []string{"GOBIN=" + filepath.Join(goroot, "bin"), "GOFLAGS=", "GOTOOLCHAIN=local"}, "go", "install", ".")

	rep := check(t, cfg, root)
	var unowned int
	var sawHello, sawOverwritten bool
	for _, f := range rep.Findings {
		unowned += strings.Count(f.Message, "no installed package owns")
		sawHello = sawHello || strings.HasSuffix(f.Path, "/bin/hello") && strings.Contains(f.Message, "fix: rm -r "+goroot+"/bin/hello")
		sawOverwritten = sawOverwritten || strings.HasSuffix(f.Path, "/VERSION") && strings.Contains(f.Message, "changed since")
	}
	if unowned == 0 || !sawHello || !sawOverwritten {
		t.Fatalf("findings:\n%s", describe(rep.Findings))
	}
	for range 3 {
		if !applyFixes(t, root, dbpath, b, rep.Findings) {
			break
		}
		rep = check(t, cfg, root)
	}
	if rep.Errors != 0 || rep.Warnings != 0 {
		t.Errorf("after every fix:\n%s", describe(rep.Findings))
	}
}

// TestRPMStaleTool: an admin copies go1.27.3's compile over the installed
// toolchain's. selfcheck names it (compile -V=full and rpm's record),
// with the package to reinstall; reinstalling it clears the finding.
func TestRPMStaleTool(t *testing.T) {
	const dbpath = "/usr/lib/sysimage/rpm"
	root, b, cfg := rpmRoot(t, dbpath)
	compile := "/usr/libexec/go-toolchain/" + b.Tarball.GoVersion + "/" + toolDir + "/compile"
	newer := testenv.Toolchains(t)[1]
	testenv.Run(t, "", nil, "cp", filepath.Join(newer.GOROOT, toolDir, "compile"), filepath.Join(root, compile))
	rep := check(t, cfg, root)
	var tool bool
	for _, f := range rep.Findings {
		tool = tool || f.Path == compile && strings.Contains(f.Message, "compile -V=full reports "+newer.GoVersion+", VERSION says "+b.Tarball.GoVersion) && strings.Contains(f.Message, "fix: dnf reinstall go-toolchain-")
	}
	if !tool {
		t.Fatalf("no finding of the stale compile; findings:\n%s", describe(rep.Findings))
	}
	applyFixes(t, root, dbpath, b, rep.Findings)
	if rep := check(t, cfg, root); rep.Errors != 0 || rep.Warnings != 0 {
		t.Errorf("after the fixes:\n%s", describe(rep.Findings))
	}
}

// parseVerifyLine splits an rpm -V line ("S.5....T.  c /path", "missing
// /path") into the names of what changed, as selfcheck names them, and
// the file.
func parseVerifyLine(line string) (string, string, bool) {
	i := strings.Index(line, " /")
	if i < 0 {
		return "", "", false
	}
	file := line[i+1:]
	f := strings.Fields(line[:i])
	if len(f) == 0 {
		return "", "", false
	}
	if f[0] == "missing" {
		return "missing", file, true
	}
	names := map[byte]string{'S': "size", 'M': "mode", '5': "digest", 'D': "device", 'L': "link target", 'U': "owner", 'G': "group", 'T': "mtime", 'P': "capabilities"}
	var changed []string
	for j := 0; j < len(f[0]); j++ {
		if name, ok := names[f[0][j]]; ok {
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 {
		return "", "", false
	}
	return strings.Join(changed, ", "), file, true
}

// timeZero is an mtime no package records.
var timeZero = time.Unix(1000000000, 0)

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}

// diffLines lists the lines of b not in a and of a not in b.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
