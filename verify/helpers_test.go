package verify

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// run runs a command and returns its combined output, failing the test on
// a non-zero exit.
func run(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// goScript is bin/go of the synthetic toolchain: enough of the go command
// for the generated spec's %check (go version, go env KEY from go.env).
const goScript = `#!/bin/sh
root=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
version) echo "go version $(head -n 1 "$root/VERSION") linux/amd64" ;;
env) sed -n "s/^$2=//p" "$root/go.env" ;;
*) echo "go: unknown command $1" >&2; exit 2 ;;
esac
`

// treeFile is one file of a synthetic toolchain tree.
type treeFile struct {
	body string
	mode fs.FileMode
}

// goTree is a small Go-shaped toolchain tree of the given version.
func goTree(version string) map[string]treeFile {
	return map[string]treeFile{
		"VERSION":                      {"go" + version + "\ntime 2026-08-28T16:20:06Z\n", 0o644},
		"go.env":                       {"# This file contains the initial defaults for go command configuration.\nGOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n", 0o644},
		"bin/go":                       {goScript, 0o755},
		"bin/gofmt":                    {"#!/bin/sh\necho gofmt\n", 0o755},
		"pkg/tool/linux_amd64/compile": {"#!/bin/sh\necho compile\n", 0o755},
		"pkg/tool/linux_amd64/link":    {"#!/bin/sh\necho link\n", 0o755},
		"src/runtime/x.go":             {"package runtime\n", 0o644},
		"src/vendor/modules.txt":       {"# golang.org/x/net v0.0.0\n", 0o644},
		"src/cmd/vendor/modules.txt":   {"# golang.org/x/mod v0.0.0\n", 0o644},
		"src/x/testdata/y":             {"y\n", 0o644},
		"LICENSE":                      {"Copyright 2009 The Go Authors.\n", 0o644},
		"README.md":                    {"# The Go Programming Language\n", 0o644},
	}
}

// writeTree writes a tree under dir/go and returns that root.
func writeTree(t testing.TB, dir string, files map[string]treeFile) string {
	t.Helper()
	root := filepath.Join(dir, "go")
	for rel, f := range files {
		full := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(f.body), f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, f.mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// writeTarball packs the tree at root as an upstream tarball (top-level
// go/) and returns its sha256.
func writeTarball(t testing.TB, root, path string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		return nil
	})
	sort.Strings(paths)
	mtime := time.Date(2026, 8, 28, 16, 20, 6, 0, time.UTC)
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(root), p)
		hdr := &tar.Header{Name: filepath.ToSlash(rel), Mode: int64(info.Mode().Perm()), ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		switch {
		case info.IsDir():
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
		case info.Mode()&fs.ModeSymlink != 0:
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname, _ = os.Readlink(p)
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, info.Size()
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg {
			b, _ := os.ReadFile(p)
			tw.Write(b)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(s[:])
}

// series is one synthetic toolchain: its tree, tarball and plan.
type series struct {
	version  string
	root     string // unpacked tree
	file     string // tarball base name
	sha256   string
	sources  string // directory holding the tarball
	cfgPath  string
	cfg      *toolchain.Config
	plan     *toolchain.Plan
	native   map[string]string // package name → RPM built natively
	rpmbuild map[string]string // package name → RPM built by rpmbuild
}

// configYAML is the gotc.yaml of the given series.
func configYAML(ss ...*series) string {
	var b strings.Builder
	b.WriteString("targets: [fedora-41, epel-9]\ntoolchains:\n")
	for _, s := range ss {
		fmt.Fprintf(&b, "  - version: %q\n    sources:\n      x86_64: {file: %s, sha256: %q}\n    changelog:\n      - {date: 2026-08-28, author: \"Go Packagers <go@example.org>\", changes: [\"Package go%s\"]}\n",
			s.version, s.file, s.sha256, s.version)
	}
	return b.String()
}

// newSeries writes the tree and tarball of version under dir.
func newSeries(t testing.TB, dir, version string, files map[string]treeFile) *series {
	t.Helper()
	s := &series{version: version, sources: filepath.Join(dir, "sources")}
	os.MkdirAll(s.sources, 0o755)
	s.root = writeTree(t, filepath.Join(dir, "tree-"+version), files)
	s.file = "go" + version + ".linux-amd64.tar.gz"
	s.sha256 = writeTarball(t, s.root, filepath.Join(s.sources, s.file))
	return s
}

// loadConfig writes and loads the configuration of ss, setting each
// series' cfg and plan.
func loadConfig(t testing.TB, path string, ss ...*series) *toolchain.Config {
	t.Helper()
	if err := os.WriteFile(path, []byte(configYAML(ss...)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := toolchain.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		s.cfgPath, s.cfg = path, cfg
		if s.plan, err = cfg.PlanFor(s.version); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// buildNative builds s's packages with gotc's native builder into out.
func buildNative(t testing.TB, s *series, root, out string) map[string]string {
	t.Helper()
	os.MkdirAll(out, 0o755)
	sde := time.Date(2026, 8, 28, 12, 0, 0, 0, time.UTC)
	tree, err := srctree.ReadGOROOT(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rpmbuild.Build(s.plan, tree, out, rpmbuild.Options{Common: rpmbuild.Common{Arch: "x86_64", Compressor: "zstd", Level: 3, SourceDateEpoch: &sde, TempDir: out}})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range res {
		m[r.Name] = r.Path
	}
	return m
}

// buildRPMBuild generates s's spec and builds it with real rpmbuild.
func buildRPMBuild(t testing.TB, s *series, topdir string) map[string]string {
	t.Helper()
	return buildRPMBuildEdited(t, s, topdir, nil)
}

// buildRPMBuildEdited is buildRPMBuild with the spec passed through edit.
func buildRPMBuildEdited(t testing.TB, s *series, topdir string, edit func(string) string) map[string]string {
	t.Helper()
	testenv.NeedTool(t, "rpmbuild")
	for _, d := range []string{"SOURCES", "SPECS"} {
		os.MkdirAll(filepath.Join(topdir, d), 0o755)
	}
	b, err := os.ReadFile(filepath.Join(s.sources, s.file))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(topdir, "SOURCES", s.file), b, 0o644)
	spec := filepath.Join(topdir, "SPECS", specgen.FileName(s.plan))
	var buf bytes.Buffer
	if err := specgen.Generate(&buf, s.plan, specgen.Options{ConfigName: "gotc.yaml"}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if edit != nil {
		text = edit(text)
	}
	os.WriteFile(spec, []byte(text), 0o644)
	run(t, "", []string{"SOURCE_DATE_EPOCH=1787918400"}, "rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+topdir,
		"--define", "_binary_payload w3.zstdio",
		spec)
	rpms, _ := filepath.Glob(filepath.Join(topdir, "RPMS", "*", "*.rpm"))
	m := map[string]string{}
	for _, path := range rpms {
		r, err := rpmread.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		m[r.Package.Name] = path
		r.Close()
	}
	if len(m) != len(s.plan.Packages) {
		t.Fatalf("rpmbuild made %v, want %d packages", m, len(s.plan.Packages))
	}
	return m
}

// rewrite reads the package at src and writes it to dst with rpmwrite
// after edit changed its metadata or files: the way the tests seed
// defects into otherwise valid packages.
func rewrite(t testing.TB, src, dst string, edit func(m *rpmwrite.Metadata, files *[]rpmwrite.File)) string {
	t.Helper()
	r, err := rpmread.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := r.Package
	bodies := map[string][]byte{}
	pr, err := r.Payload()
	if err != nil {
		t.Fatal(err)
	}
	for {
		e, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(e.Body)
		bodies[e.Path] = b
	}
	m := rpmwrite.Metadata{
		Name: p.Name, Version: p.Version, Release: p.Release, Epoch: p.Epoch, Arch: p.Arch,
		Summary: p.Summary, Description: p.Description, License: p.License, URL: p.URL,
		Vendor: p.Vendor, SourceRPM: p.SourceRPM, BuildHost: p.BuildHost, BuildTime: p.BuildTime,
	}
	conv := func(in []rpmread.Dependency) []rpmwrite.Dependency {
		var out []rpmwrite.Dependency
		for _, d := range in {
			if d.Flags&rpmtag.SenseRPMLib != 0 || d.Name == p.Name || d.Name == p.Name+"(x86-64)" {
				continue // Write adds these
			}
			out = append(out, rpmwrite.Dependency{Name: d.Name, Flags: d.Flags, Version: d.Version})
		}
		return out
	}
	m.Requires, m.Provides = conv(p.Requires), conv(p.Provides)
	m.Conflicts, m.Obsoletes = conv(p.Conflicts), conv(p.Obsoletes)
	script := func(name string) rpmwrite.Script {
		s, ok := p.Scripts[name]
		if !ok {
			return rpmwrite.Script{}
		}
		out := rpmwrite.Script{Body: s.Body}
		if len(s.Interpreter) > 0 {
			out.Interpreter = s.Interpreter[0]
		}
		return out
	}
	m.PostIn, m.PostUn = script("post"), script("postun")
	var files []rpmwrite.File
	for _, f := range p.Files {
		wf := rpmwrite.File{Path: f.Path, Mode: f.Mode, Size: f.Size, MTime: uint32(f.MTime), User: f.User, Group: f.Group, Flags: f.Flags, LinkTo: f.LinkTo}
		if f.IsRegular() && !f.IsGhost() {
			wf.Open = bodyOf(bodies[f.Path])
		}
		files = append(files, wf)
	}
	edit(&m, &files)
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := rpmwrite.Write(out, m, files, rpmwrite.Options{Compressor: "zstd", Level: 3, TempDir: filepath.Dir(dst)}); err != nil {
		t.Fatal(err)
	}
	return dst
}

func bodyOf(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// fixture is everything the tests share, built once per test binary.
type fixture struct {
	dir     string
	s126    *series
	s127    *series
	cfg     *toolchain.Config
	cfgPath string
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  string
	fixDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// shared builds the fixture once: two synthetic series (1.26.8, 1.27.1)
// with their tarballs and config, each built natively, 1.26.8 also with
// rpmbuild from the generated spec.
func shared(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gotc-verify-test-")
		if err != nil {
			fixErr = err.Error()
			return
		}
		fixDir = dir
		ft := &fatalRecorder{T: t}
		func() {
			defer func() {
				if r := recover(); r != nil && r != errFixture {
					panic(r)
				}
			}()
			fix = buildFixture(ft, dir)
		}()
		if ft.msg != "" {
			fixErr = ft.msg
			fix = nil
		}
	})
	if fix == nil {
		t.Fatalf("building the shared fixture: %s", fixErr)
	}
	return fix
}

func buildFixture(t testing.TB, dir string) *fixture {
	f := &fixture{dir: dir, cfgPath: filepath.Join(dir, "gotc.yaml")}
	f.s126 = newSeries(t, dir, "1.26.8", goTree("1.26.8"))
	f.s127 = newSeries(t, dir, "1.27.1", goTree("1.27.1"))
	f.cfg = loadConfig(t, f.cfgPath, f.s126, f.s127)
	f.s126.native = buildNative(t, f.s126, f.s126.root, filepath.Join(dir, "native"))
	f.s127.native = buildNative(t, f.s127, f.s127.root, filepath.Join(dir, "native"))
	f.s126.rpmbuild = buildRPMBuild(t, f.s126, filepath.Join(dir, "rpmbuild"))
	return f
}

// fatalRecorder lets the once-only fixture builder fail the first test
// that asks for it and every later one with the same message.
type fatalRecorder struct {
	*testing.T
	msg string
}

var errFixture = fmt.Errorf("fixture failed")

func (r *fatalRecorder) Fatal(args ...any) { r.msg = fmt.Sprint(args...); panic(errFixture) }
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(errFixture)
}
func (r *fatalRecorder) Helper() {}
