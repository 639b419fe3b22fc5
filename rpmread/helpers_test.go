package rpmread

// Test helpers shared by the rpmread tests: running the reference tools
// (rpm, rpmbuild, rpm2cpio, cpio), building test packages with rpmbuild,
// and the real-world corpus. A missing tool fails the test: these tests are
// differential and mean nothing without the reference.

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// testDir is a scratch directory for packages built once per test
// process, created on first use (fuzzing workers never need it).
var (
	testDir     string
	testDirErr  error
	testDirOnce sync.Once
)

func sharedDir(t testing.TB) string {
	t.Helper()
	testDirOnce.Do(func() { testDir, testDirErr = os.MkdirTemp("", "rpmread-test-") })
	if testDirErr != nil {
		t.Fatal(testDirErr)
	}
	return testDir
}

func TestMain(m *testing.M) {
	flag.Parse()
	// Go's fuzzer minimizes every input that finds new coverage, for up to
	// -fuzzminimizetime (60 s by default), and its minimizer is quadratic
	// in the input size. Package headers are kilobytes, so a 20 s fuzzing
	// run would spend all of its time minimizing. Cap it unless the caller
	// chose a value.
	minSet := false
	flag.Visit(func(f *flag.Flag) { minSet = minSet || f.Name == "test.fuzzminimizetime" })
	if !minSet {
		flag.Set("test.fuzzminimizetime", "100x")
	}
	code := m.Run()
	if testDir != "" {
		os.RemoveAll(testDir)
	}
	os.Exit(code)
}

// isFuzzWorker reports whether this process is a fuzzing worker, which
// ignores seed corpora: the coordinator sends it the inputs.
func isFuzzWorker() bool {
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

// runTool runs name with args and returns its stdout; a non-zero exit
// fails the test.
func runTool(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out, err := runToolErr(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// runToolErr runs name with args and returns stdout and an error that
// includes stderr.
func runToolErr(t testing.TB, name string, args ...string) ([]byte, error) {
	t.Helper()
	return runCmd(exec.Command(testenv.NeedTool(t, name), args...))
}

// runCmd runs cmd in the C locale and UTC, capturing stdout (unless the
// caller set cmd.Stdout) and putting stderr into the error.
func runCmd(cmd *exec.Cmd) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// extractPayload unpacks pkg with "rpm2cpio | cpio -idm" into a new
// directory and returns it with the archive's member names, as cpio -t
// lists them.
func extractPayload(t testing.TB, pkg string) (dir string, names []string) {
	t.Helper()
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "payload.cpio")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.NeedTool(t, "rpm2cpio"), pkg)
	cmd.Stdout = f
	_, err = runCmd(cmd)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(tmp, "root")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-idm", "--no-absolute-filenames", "--quiet"}, {"-t", "--quiet"}} {
		in, err := os.Open(archive)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(testenv.NeedTool(t, "cpio"), args...)
		cmd.Dir, cmd.Stdin = dir, in
		out, err := runCmd(cmd)
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
		if args[0] == "-t" {
			names = strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		}
	}
	return dir, names
}

// rpmQuery runs "rpm -qp" on a package, ignoring signatures and digests
// (old packages use algorithms current rpm refuses).
func rpmQuery(t testing.TB, pkg string, args ...string) string {
	t.Helper()
	a := append([]string{"-qp", "--nosignature", "--nodigest"}, args...)
	return string(runTool(t, "rpm", append(a, pkg)...))
}

// payloadDefines maps PAYLOADCOMPRESSOR names to the _binary_payload
// setting that makes rpmbuild use them; "none" is rpmbuild's plain cpio
// payload ("w.ufdio"), which has no PAYLOADCOMPRESSOR tag at all.
var payloadDefines = map[string]string{
	"none":  "w.ufdio",
	"gzip":  "w9.gzdio",
	"xz":    "w6.xzdio",
	"lzma":  "w6.lzdio",
	"bzip2": "w9.bzdio",
	"zstd":  "w19.zstdio",
}

func compressors() []string {
	var c []string
	for k := range payloadDefines {
		c = append(c, k)
	}
	sort.Strings(c)
	return c
}

// testSpec exercises what the reader must get right: a C binary, an
// executable script, a larger file, an empty file, a hardlink pair,
// symlinks (one dangling), %config(noreplace), %config, %doc, %license,
// %dir, %ghost (present and absent), a device node, %lang, non-root
// ownership, every scriptlet kind with Requires(post), and each
// dependency kind.
const testSpec = `
Name: rt
Version: 1.2.3
Release: 4
Epoch: 3
Summary: rpmread test package
License: MIT AND BSD-3-Clause
URL: https://example.invalid/rt
Group: Development/Testing
%global debug_package %{nil}
Requires(post): /bin/sh
Requires(preun): /bin/sh
Requires: foo-lib >= 1.2
Provides: rt-cap = 3.0
Conflicts: rt-old < 2
Obsoletes: rt-legacy <= 1.0
Recommends: rt-extra
Suggests: rt-docs
Supplements: rt-base
Enhances: rt-tool

%description
rpmread differential test package.
Second line.

%build
printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > hello.c
gcc -O1 -o hello hello.c

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/rt %{buildroot}/etc \
  %{buildroot}/usr/share/doc/rt %{buildroot}/usr/share/licenses/rt %{buildroot}/var/lib/rt
install -m 0755 hello %{buildroot}/usr/bin/rt-hello
printf '#!/bin/sh\necho rt\n' > %{buildroot}/usr/bin/rt-script
chmod 0755 %{buildroot}/usr/bin/rt-script
echo data > %{buildroot}/usr/share/rt/data.txt
seq 1 50000 > %{buildroot}/usr/share/rt/big.txt
: > %{buildroot}/usr/share/rt/empty
echo linked > %{buildroot}/usr/share/rt/hard1
ln %{buildroot}/usr/share/rt/hard1 %{buildroot}/usr/share/rt/hard2
ln -s data.txt %{buildroot}/usr/share/rt/link
ln -s /nonexistent/target %{buildroot}/usr/share/rt/dangling
echo hallo > %{buildroot}/usr/share/rt/de.msg
echo secret > %{buildroot}/usr/share/rt/secret
echo conf > %{buildroot}/etc/rt.conf
echo plain > %{buildroot}/etc/rt-plain.conf
echo readme > %{buildroot}/usr/share/doc/rt/README
echo license > %{buildroot}/usr/share/licenses/rt/COPYING
echo present > %{buildroot}/var/lib/rt/present.log

%pretrans -p <lua>
print("pretrans")

%pre
echo pre "$1"

%post
echo post "$1"

%preun
echo preun "$1"

%postun -p /sbin/ldconfig

%posttrans
echo posttrans

%verifyscript
echo verify

%files
/usr/bin/rt-hello
/usr/bin/rt-script
%dir /usr/share/rt
/usr/share/rt/data.txt
/usr/share/rt/big.txt
/usr/share/rt/empty
/usr/share/rt/hard1
/usr/share/rt/hard2
/usr/share/rt/link
/usr/share/rt/dangling
%lang(de) /usr/share/rt/de.msg
%attr(0640,nobody,nogroup) /usr/share/rt/secret
%dev(c,1,3) %attr(0666,root,root) /usr/share/rt/null
%config(noreplace) /etc/rt.conf
%config /etc/rt-plain.conf
%doc /usr/share/doc/rt/README
%license /usr/share/licenses/rt/COPYING
%dir /var/lib/rt
%ghost /var/lib/rt/absent.state
%ghost %config(missingok) /var/lib/rt/present.log
`

var builds sync.Map // compressor → *builtRPM

type builtRPM struct {
	once sync.Once
	path string
	err  error
}

// testRPM returns a package built from testSpec with the given payload
// compressor, building it on first use.
func testRPM(t testing.TB, compressor string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(compressor, &builtRPM{})
	b := v.(*builtRPM)
	b.once.Do(func() {
		def, ok := payloadDefines[compressor]
		if !ok {
			b.err = fmt.Errorf("no rpmbuild setting for compressor %q", compressor)
			return
		}
		var rpms []string
		rpms, b.err = rpmbuild(t, filepath.Join(sharedDir(t), "build-"+compressor), testSpec,
			"_binary_payload "+def)
		if b.err == nil && len(rpms) != 1 {
			b.err = fmt.Errorf("rpmbuild wrote %d packages, want 1: %v", len(rpms), rpms)
		}
		if b.err == nil {
			b.path = rpms[0]
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// rpmbuild builds spec with "rpmbuild -bb" in a fresh _topdir under dir,
// with extra "--define" settings, and returns the binary packages written.
func rpmbuild(t testing.TB, dir, spec string, defines ...string) ([]string, error) {
	t.Helper()
	testenv.NeedTool(t, "gcc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	specPath := filepath.Join(dir, "test.spec")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		return nil, err
	}
	args := []string{"-bb", "--quiet", "--define", "_topdir " + dir}
	for _, d := range defines {
		args = append(args, "--define", d)
	}
	if _, err := runToolErr(t, "rpmbuild", append(args, specPath)...); err != nil {
		return nil, fmt.Errorf("rpmbuild: %w", err)
	}
	return filepath.Glob(filepath.Join(dir, "RPMS", "*", "*.rpm"))
}

// corpusRPMs lists the real-world packages of the shared corpus.
func corpusRPMs(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(corpusDir(t), "*.rpm"))
	if err != nil || len(m) == 0 {
		t.Fatalf("corpus packages missing (%v)", err)
	}
	return m
}

// namedRPM is a test package and a short name for subtests.
type namedRPM struct{ name, path string }

// allRPMs returns the built packages (one per compressor, named
// "built-<compressor>") and the corpus packages (named by file).
func allRPMs(t testing.TB) []namedRPM {
	t.Helper()
	var out []namedRPM
	for _, c := range compressors() {
		out = append(out, namedRPM{"built-" + c, testRPM(t, c)})
	}
	for _, p := range corpusRPMs(t) {
		out = append(out, namedRPM{filepath.Base(p), p})
	}
	return out
}

func openT(t testing.TB, path string) *Reader {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func readFileT(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpusDir is shared/corpus/centos beside the repository (where CI and
// developers have it), or $GOTC_CORPUS.
func corpusDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("GOTC_CORPUS"); d != "" {
		return d
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus", "centos"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("corpus of real RPMs not found at %s (set GOTC_CORPUS): %v", dir, err)
	}
	return dir
}

func corpusPath(t testing.TB, name string) string {
	return filepath.Join(corpusDir(t), name)
}

// rpm6Dir is shared/rpm6 beside the repository: what rpm 6 built and
// printed (see its README.md).
func rpm6Dir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "rpm6"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("rpm 6 recordings not found at %s: %v", dir, err)
	}
	return dir
}

// rpm6RPMs returns the packages rpmbuild 6 made, named by file: the
// fixture in every format and signature, and the stand-in toolchain's.
func rpm6RPMs(t testing.TB) []namedRPM {
	t.Helper()
	dir := rpm6Dir(t)
	var out []namedRPM
	for _, glob := range []string{"packages/*.rpm", "toolchain/rpmbuild6-v*/*.rpm"} {
		m, _ := filepath.Glob(filepath.Join(dir, glob))
		for _, p := range m {
			out = append(out, namedRPM{filepath.Base(filepath.Dir(p)) + "/" + filepath.Base(p), p})
		}
	}
	if len(out) == 0 {
		t.Fatalf("no rpm 6 packages under %s", dir)
	}
	return out
}
