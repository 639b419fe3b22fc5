package tests

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	testenv.NeedTools(t, "make", "git", "curl", "rpmbuild", "rpm")
	tbs := testenv.Toolchains(t)
	chosen := tbs[1]
	if !strings.HasPrefix(chosen.GoVersion, "go1.27.") {
		t.Fatalf("toolchains %v: want 1.27 second", tbs)
	}
	srv := newTarballServer(t, tbs)
	specBin := testenv.Command(t, "gotc-spec")
	rpmBin := testenv.Command(t, "gotc-rpm")
	env := []string{"PATH=" + filepath.Dir(specBin) + ":" + os.Getenv("PATH")}

	// The packager's repository.
	upstream := filepath.Join(t.TempDir(), "go-toolchains")
	os.MkdirAll(upstream, 0o755)
	git(t, upstream, "init", "-q")
	cfg := testenv.Config(tbs, "source_url: "+srv.URL+"/dl/\ntargets: [fedora-43]\n")
	os.WriteFile(filepath.Join(upstream, "gotc.yaml"), []byte(cfg), 0o644)
	copyFile(t, filepath.Join(testenv.RepoRoot(t), "examples", "copr", "Makefile"), filepath.Join(upstream, ".copr", "Makefile"))
	testenv.Run(t, upstream, nil, specBin, "gen")
	os.WriteFile(filepath.Join(upstream, ".gitignore"), []byte("/build/\n"), 0o644)
	commitAll(t, upstream, "gotc.yaml, its specs and the Copr Makefile")
	clone := filepath.Join(t.TempDir(), "go-toolchains")
	git(t, "", "clone", "-q", upstream, clone)

	series := chosen.Version()[:strings.LastIndex(chosen.Version(), ".")]
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
