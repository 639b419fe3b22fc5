// Package testenv provides what gotc's integration tests share: required
// external tools (a missing tool fails the test, it is never skipped), the
// gotc commands built once per test binary, and the real workload — the
// upstream-shaped tarballs of this machine's Go toolchain and of go1.27.3
// from the module cache — made once and cached.
package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/internal/gotarball"
	"github.com/gotc-project/gotc/internal/gotelemetry"
)

// SecondSeries is the second real Go release the tests package; the go
// command fetches it from the module proxy.
const SecondSeries = "go1.27.3"

// NeedTool returns the path of an external tool or fails the test.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required but not installed (make test installs it): %v", name, err)
	}
	return p
}

// Run runs a command and returns its combined output, failing the test on
// a non-zero exit.
func Run(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := Output(dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 4000))
	}
	return out
}

// Output runs a command and returns its combined output and error.
func Output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// RepoRoot is the module root.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Command returns the path of a gotc command (gotc-spec, gotc-rpm) built
// once for this test binary.
func Command(t testing.TB, name string) string {
	t.Helper()
	root := RepoRoot(t)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "gotc-bin-")
		if buildErr != nil {
			return
		}
		out, err := Output(root, nil, "go", "build", "-trimpath", "-o", binDir+"/", "./cmd/...")
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

// Recordings is the folder of rpm 6's and Fedora's alternatives'
// recordings, shared/rpm6 beside the repository; missing is a failure.
func Recordings(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "..", "shared", "rpm6")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("the rpm 6 recordings are not beside the repository: %v", err)
	}
	return dir
}

// Tarball is an upstream-shaped Go tarball made from a real toolchain.
type Tarball struct {
	Path      string // .../go1.26.8.linux-amd64.tar.gz
	File      string // base name
	SHA256    string
	GoVersion string // go1.26.8
	GOROOT    string // the tree it was made from
}

// Version is the version without the "go" prefix.
func (tb Tarball) Version() string { return strings.TrimPrefix(tb.GoVersion, "go") }

var (
	tarOnce  sync.Once
	tarballs []Tarball
	tarErr   error
)

// CacheDir is where the tests keep expensive fixtures between runs:
// $GOTC_TEST_CACHE, else build/test-cache under the repository.
func CacheDir(t testing.TB) string {
	if d := os.Getenv("GOTC_TEST_CACHE"); d != "" {
		return d
	}
	return filepath.Join(RepoRoot(t), "build", "test-cache")
}

// Toolchains returns the tarballs of the local toolchain ($(go env
// GOROOT)) and of go1.27.3 (fetched into the module cache by the go
// command), made once and cached.
func Toolchains(t testing.TB) []Tarball {
	t.Helper()
	tarOnce.Do(func() {
		tarballs, tarErr = makeTarballs(filepath.Join(CacheDir(t), tarballCache))
	})
	if tarErr != nil {
		t.Fatal(tarErr)
	}
	return tarballs
}

// GOROOTs returns the local toolchain root and go1.27.3's, fetching the
// latter with `GOTOOLCHAIN=go1.27.3 go version` when it is missing.
func GOROOTs() ([]string, error) {
	local, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	second, err := FetchGOROOT(SecondSeries)
	if err != nil {
		return nil, err
	}
	return []string{strings.TrimSpace(string(local)), second}, nil
}

// FetchGOROOT returns the root of Go release goversion (go1.27.2) in the
// module cache, fetching it from the module proxy with
// `GOTOOLCHAIN=<goversion> go version` when it is missing.
func FetchGOROOT(goversion string) (string, error) {
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	root := filepath.Join(strings.TrimSpace(string(modcache)), "golang.org", "toolchain@v0.0.1-"+goversion+".linux-"+runtime.GOARCH)
	if _, err := os.Stat(filepath.Join(root, "VERSION")); err != nil {
		cmd := exec.Command("go", "version")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+goversion)
		cmd.Dir = os.TempDir()
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("fetching %s: %v\n%s", goversion, err, out)
		}
	}
	return root, nil
}

var (
	fetchMu sync.Mutex
	fetched = map[string]Tarball{}
)

// FetchedTarball returns the upstream-shaped tarball of Go release
// goversion (go1.27.2), fetched from the module proxy and made once.
func FetchedTarball(t testing.TB, goversion string) Tarball {
	t.Helper()
	fetchMu.Lock()
	defer fetchMu.Unlock()
	if tb, ok := fetched[goversion]; ok {
		return tb
	}
	root, err := FetchGOROOT(goversion)
	if err != nil {
		t.Fatal(err)
	}
	tbs, err := tarballsOf(filepath.Join(CacheDir(t), tarballCache), []string{root})
	if err != nil {
		t.Fatal(err)
	}
	fetched[goversion] = tbs[0]
	return tbs[0]
}

// tarballCache is the folder under CacheDir holding the tarballs; bump it
// whenever gotarball.Write writes other bytes for the same tree, so a
// cache made by an older gotarball is never taken for a current one (r2:
// file modes by name, as upstream's release tooling sets them, and no
// _go.mod copies).
const tarballCache = "tarballs-r2"

func makeTarballs(dir string) ([]Tarball, error) {
	roots, err := GOROOTs()
	if err != nil {
		return nil, err
	}
	return tarballsOf(dir, roots)
}

// tarballsOf makes (or finds in dir) the tarball of each GOROOT.
func tarballsOf(dir string, roots []string) ([]Tarball, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []Tarball
	for _, root := range roots {
		info, err := gotarball.ReadInfo(root)
		if err != nil {
			return nil, err
		}
		file := gotarball.FileName(info.GoVersion, runtime.GOARCH)
		path := filepath.Join(dir, file)
		sum, err := os.ReadFile(path + ".sha256")
		if _, statErr := os.Stat(path); err != nil || statErr != nil {
			var s string
			err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
				var err error
				s, err = gotarball.Write(w, root)
				return err
			})
			if err != nil {
				return nil, err
			}
			sum = []byte(s)
			if err := os.WriteFile(path+".sha256", sum, 0o644); err != nil {
				return nil, err
			}
		}
		out = append(out, Tarball{Path: path, File: file, SHA256: strings.TrimSpace(string(sum)), GoVersion: info.GoVersion, GOROOT: root})
	}
	return out, nil
}

// Config returns a gotc.yaml packaging the given tarballs, with extra
// top-level YAML prepended.
func Config(tbs []Tarball, extra string) string {
	var b strings.Builder
	b.WriteString(extra)
	b.WriteString("toolchains:\n")
	for _, tb := range tbs {
		fmt.Fprintf(&b, "  - version: %q\n    sources:\n      x86_64: {file: %s, sha256: %q}\n    changelog:\n      - {date: 2026-11-20, author: \"Go Packagers <go@example.org>\", changes: [\"Package %s\"]}\n",
			tb.Version(), tb.File, tb.SHA256, tb.GoVersion)
	}
	return b.String()
}

// Built is the result of building the generated specs with real rpmbuild.
type Built struct {
	// Config is the gotc.yaml used.
	Config string
	// SpecDir holds the generated specs, SourceDir the tarballs.
	SpecDir, SourceDir string
	// RPMs maps a package name (go-toolchain-1.26-src) to its RPM file.
	RPMs map[string]string
	// SourceDateEpoch is the value the build ran with.
	SourceDateEpoch string
}

// BuildPayload is the payload rpmbuild uses in tests: zstd level 3 keeps
// the real-toolchain builds fast; the benchmark uses Fedora's w19.zstdio.
const BuildPayload = "w3.zstdio"

// TestSourceDateEpoch is the SOURCE_DATE_EPOCH the integration builds use.
const TestSourceDateEpoch = "1763640000" // 2025-11-20T12:00:00Z

var (
	rpmbuildOnce sync.Once
	built        *Built
	rpmbuildErr  error
)

// RPMBuild generates the specs for both real toolchains and builds them
// with real rpmbuild -bb, once per test cache (see rpmbuild). The
// packages are shared: tests read them and copy what they change.
func RPMBuild(t testing.TB) *Built {
	t.Helper()
	NeedTool(t, "rpmbuild")
	tbs := Toolchains(t)
	spec := Command(t, "gotc-spec")
	rpmbuildOnce.Do(func() {
		built, rpmbuildErr = rpmbuild(spec, tbs, CacheDir(t))
	})
	if rpmbuildErr != nil {
		t.Fatal(rpmbuildErr)
	}
	return built
}

// rpmbuild builds the specs of tbs with real rpmbuild into the test
// cache, under a key of everything the packages depend on (the
// generated specs, the tarballs, rpmbuild's version, the payload and the
// build time), so the test binaries of one run — and later runs with
// the same cache — build them once. A lock file keeps two test binaries
// from building the same key at once.
func rpmbuild(spec string, tbs []Tarball, cache string) (*Built, error) {
	if err := os.MkdirAll(filepath.Join(cache, "rpmbuild"), 0o755); err != nil {
		return nil, err
	}
	// The specs are generated beside the packages' directory, so moving
	// them in is a rename on one file system.
	gen, err := os.MkdirTemp(filepath.Join(cache, "rpmbuild"), "specs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(gen)
	config := Config(tbs, "")
	if err := os.WriteFile(filepath.Join(gen, "gotc.yaml"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	if out, err := Output("", nil, spec, "gen", "-c", filepath.Join(gen, "gotc.yaml"), "-o", filepath.Join(gen, "specs")); err != nil {
		return nil, fmt.Errorf("gotc-spec gen: %v\n%s", err, out)
	}
	version, err := exec.Command("rpmbuild", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("rpmbuild --version: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", version, BuildPayload, TestSourceDateEpoch)
	for _, tb := range tbs {
		fmt.Fprintf(h, "%s %s\n", tb.File, tb.SHA256)
	}
	specs, _ := filepath.Glob(filepath.Join(gen, "specs", "*"))
	for _, s := range specs {
		data, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(s), len(data))
		h.Write(data)
	}
	dir := filepath.Join(cache, "rpmbuild", hex.EncodeToString(h.Sum(nil))[:16])
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		if err := buildRPMs(dir, config, gen, tbs); err != nil {
			return nil, err
		}
	}
	b := &Built{
		Config:          filepath.Join(dir, "gotc.yaml"),
		SpecDir:         filepath.Join(dir, "specs"),
		SourceDir:       filepath.Join(dir, "SOURCES"),
		RPMs:            map[string]string{},
		SourceDateEpoch: TestSourceDateEpoch,
	}
	rpms, _ := filepath.Glob(filepath.Join(dir, "RPMS", "*", "*.rpm"))
	for _, r := range rpms {
		name, err := exec.Command("rpm", "-qp", "--qf", "%{NAME}", r).Output()
		if err != nil {
			return nil, fmt.Errorf("rpm -qp %s: %w", r, err)
		}
		b.RPMs[string(name)] = r
	}
	return b, nil
}

// buildRPMs runs rpmbuild -bb on the specs in gen/specs into dir, made
// anew; a "done" file marks it complete.
func buildRPMs(dir, config, gen string, tbs []Tarball) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "SOURCES"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "gotc.yaml"), []byte(config), 0o644); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(gen, "specs"), filepath.Join(dir, "specs")); err != nil {
		return err
	}
	for _, tb := range tbs {
		if err := os.Symlink(tb.Path, filepath.Join(dir, "SOURCES", tb.File)); err != nil {
			return err
		}
	}
	specs, _ := filepath.Glob(filepath.Join(dir, "specs", "*.spec"))
	for _, s := range specs {
		out, err := Output("", []string{"SOURCE_DATE_EPOCH=" + TestSourceDateEpoch}, "rpmbuild", "-bb",
			"--define", "_topdir "+dir,
			"--define", "_binary_payload "+BuildPayload,
			s)
		if err != nil {
			return fmt.Errorf("rpmbuild -bb %s: %v\n%s", s, err, tail(out, 4000))
		}
	}
	// The unpacked sources are not needed again; the packages are.
	if err := os.RemoveAll(filepath.Join(dir, "BUILD")); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
}

// NeedTools fails the test unless every named tool is installed.
func NeedTools(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		NeedTool(t, name)
	}
}

// GPGKey makes an OpenPGP key with real gpg in a scratch home — algo is
// gpg's name (rsa3072, ed25519), passphrase may be empty — and returns
// the armored secret and public key files and the gpg home.
func GPGKey(t testing.TB, algo, passphrase string) (secret, public, home string) {
	t.Helper()
	gpg := NeedTool(t, "gpg")
	dir := t.TempDir()
	home = filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpg, append([]string{"--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", passphrase}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v", args, err)
		}
		return out
	}
	run("--quick-gen-key", "gotc test "+algo+" <test@example.org>", algo, "sign", "never")
	secret, public = filepath.Join(dir, "secret.asc"), filepath.Join(dir, "public.asc")
	if err := os.WriteFile(secret, run("--armor", "--export-secret-keys"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(public, run("--armor", "--export"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	return secret, public, home
}

// GoHome returns a fresh home directory for go commands a test runs,
// with Go's telemetry off (see package gotelemetry), so no sidecar
// writes into it while the test's temporary directory is removed.
func GoHome(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	if err := gotelemetry.Off(home); err != nil {
		t.Fatal(err)
	}
	return home
}
