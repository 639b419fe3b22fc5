package tests

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gotc-project/gotc/internal/testenv"
)

// copyFile copies src to dst, making dst's directory.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// git runs git in dir with a fixed identity and no signing.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return testenv.Run(t, dir, nil, "git", append([]string{"-c", "user.name=gotc test", "-c", "user.email=test@example.org",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
}

// commitAll commits everything in the repository at dir, if anything
// changed.
func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	git(t, dir, "add", "-A")
	if strings.TrimSpace(git(t, dir, "status", "--porcelain")) != "" {
		git(t, dir, "commit", "-q", "-m", msg)
	}
}

// cloneWorkTree clones this repository into a fresh directory the way
// Copr clones one, with the work tree's changes (modified, new and
// deleted files, as `git add -A` would take them) committed on top, so
// that what is tested is what is on disk.
func cloneWorkTree(t *testing.T) string {
	t.Helper()
	root := testenv.RepoRoot(t)
	clone := filepath.Join(t.TempDir(), "gotc")
	git(t, "", "clone", "-q", "--no-hardlinks", root, clone)
	for _, p := range strings.Split(git(t, root, "ls-files", "-z", "-m", "-o", "-d", "--exclude-standard"), "\x00") {
		if p == "" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
			os.Remove(filepath.Join(clone, p))
			continue
		}
		copyFile(t, filepath.Join(root, p), filepath.Join(clone, p))
	}
	commitAll(t, clone, "the work tree under test")
	return clone
}

// makeSRPM runs the srpm target of the clone's .copr/Makefile as Copr's
// make_srpm method does: in the clone, make -f <clone>/.copr/Makefile
// srpm outdir=... spec=... .
func makeSRPM(clone, outdir, spec string, env []string, vars ...string) (string, error) {
	args := append([]string{"-f", filepath.Join(clone, ".copr", "Makefile"), "srpm", "outdir=" + outdir, "spec=" + spec}, vars...)
	return testenv.Output(clone, env, "make", args...)
}

// TestCoprMakefile runs gotc's own .copr/Makefile the way Copr runs it,
// from a fresh clone: it must write gotc's one source package, holding
// gotc.spec, the git archive and the vendored modules, and real rpmbuild
// --rebuild must build it (its %check runs gotc's tests). The Go module
// proxy is off: go mod vendor takes the modules from the module cache,
// as it would download them on Copr.
func TestCoprMakefile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gotc's own RPM with rpmbuild")
	}
	// Self-contained in its own directories: it overlaps the other
	// parallel tests once the sequential ones are done.
	t.Parallel()
	testenv.NeedTools(t, "make", "git", "rpmbuild", "rpm")
	clone := cloneWorkTree(t)
	outdir := filepath.Join(t.TempDir(), "out")
	env := []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}
	if out, err := makeSRPM(clone, outdir, "", env); err != nil {
		t.Fatalf("make srpm: %v\n%s", err, out)
	}
	srpms, _ := filepath.Glob(filepath.Join(outdir, "*"))
	version := strings.TrimSpace(testenv.Run(t, "", nil, "rpmspec", "-q", "--srpm", "--qf", "%{version}", filepath.Join(clone, "gotc.spec")))
	if len(srpms) != 1 || filepath.Base(srpms[0]) != "gotc-"+version+"-1.src.rpm" {
		t.Fatalf("outdir holds %v, want gotc-%s-1.src.rpm alone (Copr takes the one .src.rpm there)", srpms, version)
	}
	files := testenv.Run(t, "", nil, "rpm", "-qpl", srpms[0])
	if want := "gotc-" + version + "-vendor.tar.gz\ngotc-" + version + ".tar.gz\ngotc.spec\n"; files != want {
		t.Errorf("the SRPM holds\n%s\nwant\n%s", files, want)
	}
	// The SRPM's Source0 is the clone's HEAD.
	top := t.TempDir()
	testenv.Run(t, top, nil, "sh", "-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "sh", srpms[0])
	listed := testenv.Run(t, "", nil, "tar", "-tzf", filepath.Join(top, "gotc-"+version+".tar.gz"))
	if !strings.Contains(listed, "gotc-"+version+"/.copr/Makefile\n") || !strings.Contains(listed, "gotc-"+version+"/examples/copr/Makefile\n") {
		t.Errorf("Source0 lacks the committed Makefiles:\n%s", listed)
	}

	// Debian's rpm database knows no golang: --nodeps, as make rpm.
	rebuild := filepath.Join(t.TempDir(), "rpmbuild")
	if out, err := testenv.Output("", []string{"GOPROXY=off"}, "rpmbuild", "--rebuild", "--nodeps",
		"--define", "_topdir "+rebuild, srpms[0]); err != nil {
		t.Fatalf("rpmbuild --rebuild %s: %v\n%s", srpms[0], err, tail(out))
	}
	rpms, _ := filepath.Glob(filepath.Join(rebuild, "RPMS", "*", "gotc-"+version+"-1.*.rpm"))
	if len(rpms) != 1 {
		t.Fatalf("rpmbuild --rebuild wrote %v", rpms)
	}
	if list := testenv.Run(t, "", nil, "rpm", "-qpl", rpms[0]); !strings.Contains(list, "/usr/bin/gotc-spec\n") || !strings.Contains(list, "/usr/bin/gotc-rpm\n") {
		t.Errorf("%s lacks the commands:\n%s", rpms[0], list)
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// tarballServer serves the upstream tarballs over HTTP on the loopback
// interface, standing in for go.dev/dl, counting requests per file;
// tamper names files served with one byte changed.
type tarballServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string]int
	tamper   map[string]bool
}

func newTarballServer(t *testing.T, tbs []testenv.Tarball) *tarballServer {
	s := &tarballServer{requests: map[string]int{}, tamper: map[string]bool{}}
	paths := map[string]string{}
	for _, tb := range tbs {
		paths["/dl/"+tb.File] = tb.Path
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.Path]++
		tamper := s.tamper[r.URL.Path]
		s.mu.Unlock()
		p, ok := paths[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if tamper {
			data[len(data)/2] ^= 1
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(s.Close)
	return s
}

// seriesOf is a toolchain's series, 1.27 for go1.27.3.
func seriesOf(tb testenv.Tarball) string { return tb.Version()[:strings.LastIndex(tb.Version(), ".")] }

// toolchains127 returns the test toolchains, the 1.27 one among them
// (what the examples build) and its series.
func toolchains127(t *testing.T) (tbs []testenv.Tarball, tb testenv.Tarball, series string) {
	t.Helper()
	tbs = testenv.Toolchains(t)
	for _, tb := range tbs {
		if seriesOf(tb) == "1.27" {
			return tbs, tb, "1.27"
		}
	}
	t.Fatalf("toolchains %v: none of the 1.27 series, which the examples build", tbs)
	return nil, testenv.Tarball{}, ""
}

// packagerRepo makes a packager's repository: a gotc.yaml of the given
// toolchains downloading from sourceURL, the specs gotc-spec gen writes,
// examples/copr/Makefile as .copr/Makefile and examples/packit.yaml as
// .packit.yaml, committed.
func packagerRepo(t *testing.T, tbs []testenv.Tarball, sourceURL string) string {
	t.Helper()
	upstream := filepath.Join(t.TempDir(), "go-toolchains")
	os.MkdirAll(upstream, 0o755)
	git(t, upstream, "init", "-q")
	cfg := testenv.Config(tbs, "source_url: "+sourceURL+"\ntargets: [fedora-43]\n")
	os.WriteFile(filepath.Join(upstream, "gotc.yaml"), []byte(cfg), 0o644)
	examples := filepath.Join(testenv.RepoRoot(t), "examples")
	copyFile(t, filepath.Join(examples, "copr", "Makefile"), filepath.Join(upstream, ".copr", "Makefile"))
	copyFile(t, filepath.Join(examples, "packit.yaml"), filepath.Join(upstream, ".packit.yaml"))
	testenv.Run(t, upstream, nil, testenv.Command(t, "gotc-spec"), "gen")
	os.WriteFile(filepath.Join(upstream, ".gitignore"), []byte("/build/\n"), 0o644)
	commitAll(t, upstream, "gotc.yaml, its specs, the Copr Makefile and the Packit configuration")
	return upstream
}

// TestCoprExampleMakefile puts examples/copr/Makefile into a packager's
// repository as .copr/Makefile, beside a gotc.yaml of both real
// toolchains (source_url a local HTTP server standing in for go.dev/dl)
// and the specs gotc-spec gen writes, and runs its srpm target the way
// Copr runs it, from a fresh clone: with spec naming the 1.27 series it
// must download that series' tarball and write its one source package;
// gotc-rpm verify -c must accept it (the spec is gen's, the tarball the
// pinned one), real rpmbuild --rebuild must build it, and verify -c
// must accept the packages it builds. Without spec, or with stale
// committed specs, or with a tampered download, the target fails and
// outdir holds no package.
func TestCoprExampleMakefile(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds a real toolchain SRPM with rpmbuild")
	}
	// Self-contained in its own directories: it overlaps the other
	// parallel tests once the sequential ones are done.
	t.Parallel()
	testenv.NeedTools(t, "make", "git", "curl", "rpmbuild", "rpm")
	tbs, chosen, series := toolchains127(t)
	srv := newTarballServer(t, tbs)
	specBin := testenv.Command(t, "gotc-spec")
	rpmBin := testenv.Command(t, "gotc-rpm")
	env := []string{"PATH=" + filepath.Dir(specBin) + ":" + os.Getenv("PATH")}

	upstream := packagerRepo(t, tbs, srv.URL+"/dl/")
	clone := filepath.Join(t.TempDir(), "go-toolchains")
	git(t, "", "clone", "-q", upstream, clone)

	spec := filepath.Join(clone, "go-toolchain-"+series+".spec") // Copr passes the path in the clone
	outdir := filepath.Join(t.TempDir(), "out")
	if out, err := makeSRPM(clone, outdir, spec, env); err != nil {
		t.Fatalf("make srpm: %v\n%s", err, out)
	}
	srpms, _ := filepath.Glob(filepath.Join(outdir, "*"))
	want := "go-toolchain-" + series + "-" + chosen.Version() + "-1.src.rpm"
	if len(srpms) != 1 || filepath.Base(srpms[0]) != want {
		t.Fatalf("outdir holds %v, want %s alone", srpms, want)
	}
	if got := srv.requests["/dl/"+chosen.File]; got != 1 || len(srv.requests) != 1 {
		t.Errorf("downloads %v, want %s once", srv.requests, chosen.File)
	}
	// The gate: the source package is what the configuration describes.
	if out, err := testenv.Output("", nil, rpmBin, "verify", "-c", filepath.Join(clone, "gotc.yaml"), srpms[0]); err != nil {
		t.Fatalf("gotc-rpm verify -c of the SRPM: %v\n%s", err, out)
	}
	// A second run finds the tarball in $(sources) and downloads nothing.
	os.RemoveAll(outdir)
	if out, err := makeSRPM(clone, outdir, spec, env); err != nil {
		t.Fatalf("make srpm again: %v\n%s", err, out)
	}
	if got := srv.requests["/dl/"+chosen.File]; got != 1 {
		t.Errorf("the second run downloaded %s again", chosen.File)
	}

	rebuild := filepath.Join(t.TempDir(), "rpmbuild")
	if out, err := testenv.Output("", nil, "rpmbuild", "--rebuild", "--define", "_topdir "+rebuild,
		"--define", "_binary_payload "+testenv.BuildPayload, srpms[0]); err != nil {
		t.Fatalf("rpmbuild --rebuild %s: %v\n%s", srpms[0], err, tail(out))
	}
	rpms, _ := filepath.Glob(filepath.Join(rebuild, "RPMS", "*", "*.rpm"))
	if len(rpms) != 4 {
		t.Fatalf("rpmbuild --rebuild wrote %v, want the toolchain and its three subpackages", rpms)
	}
	if out, err := testenv.Output("", nil, rpmBin, append([]string{"verify", "-c", filepath.Join(clone, "gotc.yaml")}, rpms...)...); err != nil {
		t.Errorf("gotc-rpm verify -c of the rebuilt packages: %v\n%s", err, out)
	}

	// Failures leave no package in outdir.
	fails := []struct {
		name, spec string
		prepare    func(t *testing.T, clone string)
		want       string
	}{
		{"no spec, two series", "", nil, "gotc.yaml packages 2 series: set spec= (Copr's Spec File) to one of go-toolchain-1.26.spec go-toolchain-1.27.spec"},
		{"not a gotc spec", "other.spec", nil, "spec=other.spec: not a spec gotc-spec gen writes for gotc.yaml"},
		{"stale committed spec", spec, func(t *testing.T, clone string) {
			p := filepath.Join(clone, filepath.Base(spec))
			data, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(data, []byte("%description"), []byte("# edited\n%description"), 1), 0o644)
		}, "go-toolchain-" + series + ".spec: differs from gotc.yaml"},
		{"tampered download", spec, func(t *testing.T, clone string) {
			srv.mu.Lock()
			srv.tamper["/dl/"+chosen.File] = true
			srv.mu.Unlock()
		}, "SHA-256"},
	}
	for _, tc := range fails {
		t.Run(tc.name, func(t *testing.T) {
			clone := filepath.Join(t.TempDir(), "go-toolchains")
			git(t, "", "clone", "-q", upstream, clone)
			spec := strings.Replace(tc.spec, filepath.Dir(spec), clone, 1)
			if tc.prepare != nil {
				tc.prepare(t, clone)
			}
			outdir := filepath.Join(t.TempDir(), "out")
			out, err := makeSRPM(clone, outdir, spec, env)
			if err == nil || !strings.Contains(out, tc.want) {
				t.Errorf("make srpm: %v, want a failure saying %q\n%s", err, tc.want, out)
			}
			if left, _ := filepath.Glob(filepath.Join(outdir, "*.rpm")); len(left) != 0 {
				t.Errorf("a failed run left %v", left)
			}
		})
	}
}

// splitCommand splits a Packit action command as Packit does before
// running it without a shell (Python's shlex.split, POSIX mode): at
// blanks, single quotes literal, double quotes with \ escaping ", \, $
// and `; a backslash outside quotes escapes the next character.
func splitCommand(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inArg {
				args, inArg = append(args, cur.String()), false
				cur.Reset()
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("%s: no closing quotation", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, inArg = i+1+j, true
		case c == '"':
			inArg = true
			for i++; ; i++ {
				if i == len(s) {
					return nil, fmt.Errorf("%s: no closing quotation", s)
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inArg = true
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

func TestSplitCommand(t *testing.T) {
	tests := []struct{ in, want string }{
		{`make -f .copr/Makefile sources spec=a.spec`, `[make -f .copr/Makefile sources spec=a.spec]`},
		{`bash -c "sed -n 's/^Version:[[:space:]]*//p' a.spec"`, `[bash -c sed -n 's/^Version:[[:space:]]*//p' a.spec]`},
		{`echo "a \"b\" \$c \x" 'd e'f`, `[echo a "b" $c \x d ef]`},
		{`a\ b  c`, `[a b c]`},
		{`"true"`, `[true]`},
	}
	for _, tc := range tests {
		got, err := splitCommand(tc.in)
		if err != nil || fmt.Sprint(got) != tc.want {
			t.Errorf("splitCommand(%q) = %q, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`} {
		if _, err := splitCommand(bad); err == nil {
			t.Errorf("splitCommand(%q): no error", bad)
		}
	}
}

// TestPackitExample runs the SRPM steps of examples/packit.yaml (as the
// packager's .packit.yaml) as Packit runs them for the 1.27 package,
// Packit itself being unavailable here: in a fresh clone, each action's
// commands split like shlex and run without a shell — post-upstream-clone,
// get-current-version (its output must be the Go version),
// create-archive (its last line must name a file in the spec's
// directory) and fix-spec-file — then rpmbuild -bs with the defines of
// Packit's SRPMBuilder.get_build_command as the service runs it (every
// directory the spec's, here the clone). The spec must be unchanged and
// gotc-rpm verify -c must accept the SRPM.
func TestPackitExample(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a real toolchain SRPM")
	}
	testenv.NeedTools(t, "make", "git", "curl", "rpmbuild", "bash")
	tbs, chosen, series := toolchains127(t)
	srv := newTarballServer(t, tbs)
	clone := filepath.Join(t.TempDir(), "go-toolchains")
	git(t, "", "clone", "-q", packagerRepo(t, tbs, srv.URL+"/dl/"), clone)

	data, err := os.ReadFile(filepath.Join(clone, ".packit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		SRPMBuildDeps []string `yaml:"srpm_build_deps"`
		Packages      map[string]struct {
			SpecfilePath string              `yaml:"specfile_path"`
			Downstream   string              `yaml:"downstream_package_name"`
			Actions      map[string][]string `yaml:"actions"`
		} `yaml:"packages"`
		Jobs []map[string]any `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	for name, p := range cfg.Packages {
		if p.SpecfilePath != name+".spec" || p.Downstream != name {
			t.Errorf("package %s: specfile_path %s, downstream_package_name %s", name, p.SpecfilePath, p.Downstream)
		}
		if _, err := os.Stat(filepath.Join(clone, p.SpecfilePath)); err != nil {
			t.Errorf("package %s: %v (gen writes %s)", name, err, p.SpecfilePath)
		}
	}
	pkg, ok := cfg.Packages["go-toolchain-"+series]
	if !ok || len(cfg.Jobs) == 0 {
		t.Fatalf("no package go-toolchain-%s or no jobs in %s", series, data)
	}
	env := append(os.Environ(), "PATH="+filepath.Dir(testenv.Command(t, "gotc-spec"))+":"+os.Getenv("PATH"))
	run := func(action string) string {
		t.Helper()
		var out strings.Builder
		for _, c := range pkg.Actions[action] {
			args, err := splitCommand(c)
			if err != nil || len(args) == 0 {
				t.Fatalf("%s: %q: %v", action, c, err)
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir, cmd.Env = clone, env
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %q: %v\n%s", action, c, err, b)
			}
			out.Write(b)
		}
		return out.String()
	}
	run("post-upstream-clone")
	if got := strings.TrimSpace(run("get-current-version")); got != chosen.Version() {
		t.Errorf("get-current-version: %q, want %s", got, chosen.Version())
	}
	lines := strings.Split(strings.TrimSpace(run("create-archive")), "\n")
	if archive := filepath.Join(clone, lines[len(lines)-1]); lines[len(lines)-1] != chosen.File {
		t.Errorf("create-archive names %q, want %s", lines[len(lines)-1], chosen.File)
	} else if _, err := os.Stat(archive); err != nil {
		t.Errorf("create-archive: %v", err)
	}
	if len(pkg.Actions["fix-spec-file"]) == 0 {
		t.Error("no fix-spec-file action: Packit would rewrite the spec")
	}
	run("fix-spec-file")
	if st := git(t, clone, "status", "--porcelain", "--", "*.spec"); st != "" {
		t.Errorf("the actions changed the specs:\n%s", st)
	}

	// rpmbuild -bs as Packit's service runs it: every directory ".".
	args := []string{"-bs"}
	for _, d := range []string{"_sourcedir", "_srcdir", "_specdir", "_srcrpmdir", "_topdir", "_builddir", "_rpmdir", "_buildrootdir"} {
		args = append(args, "--define", d+" .")
	}
	out := testenv.Run(t, clone, nil, "rpmbuild", append(args, pkg.SpecfilePath)...)
	m := regexp.MustCompile(`: (\S+\.src\.rpm)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("rpmbuild -bs named no SRPM:\n%s", out)
	}
	srpm := filepath.Join(clone, m[1])
	if filepath.Base(srpm) != "go-toolchain-"+series+"-"+chosen.Version()+"-1.src.rpm" {
		t.Errorf("SRPM %s", srpm)
	}
	if out, err := testenv.Output("", nil, testenv.Command(t, "gotc-rpm"), "verify", "-c", filepath.Join(clone, "gotc.yaml"), srpm); err != nil {
		t.Errorf("gotc-rpm verify -c of Packit's SRPM: %v\n%s", err, out)
	}
}
