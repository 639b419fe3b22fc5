package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// verifyTree is a small Go-shaped toolchain: enough for the generated
// spec's %check (bin/go version, bin/go env GOTOOLCHAIN) and for the
// files check's required paths.
var verifyTree = map[string]string{
	"VERSION": "go1.26.8\ntime 2026-08-28T16:20:06Z\n",
	"go.env":  "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n",
	"bin/go": "#!/bin/sh\nroot=$(cd \"$(dirname \"$0\")/..\" && pwd)\ncase \"$1\" in\n" +
		"version) echo \"go version $(head -n 1 \"$root/VERSION\") linux/amd64\" ;;\n" +
		"env) sed -n \"s/^$2=//p\" \"$root/go.env\" ;;\nesac\n",
	"bin/gofmt":                    "#!/bin/sh\n",
	"pkg/tool/linux_amd64/compile": "#!/bin/sh\n",
	"pkg/tool/linux_amd64/link":    "#!/bin/sh\n",
	"src/runtime/x.go":             "package runtime\n",
	"src/vendor/modules.txt":       "# vendor\n",
	"src/cmd/vendor/modules.txt":   "# cmd vendor\n",
	"src/x/testdata/y":             "y\n",
	"LICENSE":                      "license\n",
	"README.md":                    "readme\n",
}

// verifyFixture writes the tree's tarball and a config into dir and
// returns the config path, the sources directory and the packages built
// natively and by real rpmbuild.
func verifyFixture(t *testing.T) (cfgPath, sources string, native, built []string) {
	t.Helper()
	rpmbuildTool, err := exec.LookPath("rpmbuild")
	if err != nil {
		t.Fatalf("rpmbuild is required: %v", err)
	}
	dir := t.TempDir()
	var names []string
	for n := range verifyTree {
		names = append(names, n)
	}
	sort.Strings(names)
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	mtime := time.Date(2026, 8, 28, 16, 20, 6, 0, time.UTC)
	for _, n := range names {
		for d := filepath.Dir("go/" + n); d != "."; d = filepath.Dir(d) {
			if !dirs[d] {
				dirs[d] = true
				tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime})
			}
		}
		mode := int64(0o644)
		if strings.HasPrefix(n, "bin/") || strings.HasPrefix(n, "pkg/tool/") {
			mode = 0o755
		}
		tw.WriteHeader(&tar.Header{Name: "go/" + n, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(verifyTree[n])), ModTime: mtime})
		tw.Write([]byte(verifyTree[n]))
	}
	tw.Close()
	zw.Close()
	sources = filepath.Join(dir, "sources")
	os.MkdirAll(sources, 0o755)
	file := "go1.26.8.linux-amd64.tar.gz"
	os.WriteFile(filepath.Join(sources, file), tgz.Bytes(), 0o644)
	sum := sha256.Sum256(tgz.Bytes())
	cfgPath = filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfgPath, fmt.Appendf(nil, "toolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {file: %s, sha256: %q}\n", file, hex.EncodeToString(sum[:])), 0o644)
	cfg, _, err := toolchain.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	plan := cfg.Plans()[0]

	tree, err := srctree.Extract(filepath.Join(sources, file), dir, srctree.ExtractOptions{SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	res, err := rpmbuild.Build(plan, tree, dir, rpmbuild.Options{Common: rpmbuild.Common{Arch: "x86_64", Compressor: "zstd", Level: 3, TempDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		native = append(native, r.Path)
	}

	top := filepath.Join(dir, "top")
	os.MkdirAll(filepath.Join(top, "SOURCES"), 0o755)
	os.WriteFile(filepath.Join(top, "SOURCES", file), tgz.Bytes(), 0o644)
	var spec bytes.Buffer
	if err := specgen.Generate(&spec, plan, specgen.Options{ConfigName: "gotc.yaml"}); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(top, specgen.FileName(plan))
	os.WriteFile(specPath, spec.Bytes(), 0o644)
	cmd := exec.Command(rpmbuildTool, "-bb", "--quiet", "--define", "_topdir "+top, "--define", "_binary_payload w3.zstdio", specPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	built, _ = filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(built) != len(plan.Packages) {
		t.Fatalf("rpmbuild wrote %v", built)
	}
	return cfgPath, sources, native, built
}

// TestVerifyRPMBuild verifies packages built natively and by real
// rpmbuild from the same tree; the usage errors and refusals are
// scenarios in testdata/script/verify.txtar.
func TestVerifyRPMBuild(t *testing.T) {
	cfg, sources, native, built := verifyFixture(t)
	dir := t.TempDir()
	b, _ := os.ReadFile(native[0])
	r, err := rpmread.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.rpm")
	c := append([]byte(nil), b...)
	c[r.PayloadOffset+(int64(len(c))-r.PayloadOffset)/2] ^= 0x10
	os.WriteFile(corrupt, c, 0o644)

	args := func(a ...string) []string { return append([]string{"verify"}, a...) }
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"native clean", args(append([]string{"-c", cfg, "--sources", sources, "--target", "epel-8,fedora-41"}, native...)...), 0, "4 packages verified: 0 errors, 0 warnings\n", ""},
		{"rpmbuild clean", args(append([]string{"-c", cfg, "--sources", sources, "--target", "epel-8"}, built...)...), 0, "4 packages verified: 0 errors, 0 warnings\n", ""},
		{"native main, rpmbuild subpackages, inferred", args(append([]string{native[0]}, built[:3]...)...), 0, "4 packages verified: 0 errors, 0 warnings\n", ""},
		{"corrupted payload", args("-c", cfg, corrupt), 1, "error  integrity  go-toolchain-1.26-1.26.8-1.x86_64: payload SHA256: recorded", "verify: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(c.args, &stdout, &stderr)
			code := cli.Report(&stderr, "gotc-rpm", err)
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout.String(), stderr.String())
			}
		})
	}

	// --json: one deterministic object.
	var out1, out2 bytes.Buffer
	for _, out := range []*bytes.Buffer{&out1, &out2} {
		err := run(args("--json", "-c", cfg, corrupt, native[1]), out, &bytes.Buffer{})
		if cli.Code(err) != cli.ExitFindings {
			t.Fatalf("--json on a corrupted package: %v", err)
		}
	}
	var rep struct {
		Findings                   []struct{ Level, Check, Package, Path, Message string }
		Packages, Errors, Warnings int
	}
	if err := json.Unmarshal(out1.Bytes(), &rep); err != nil || !bytes.Equal(out1.Bytes(), out2.Bytes()) {
		t.Fatalf("--json output not one deterministic object (%v):\n%s", err, out1.String())
	}
	if rep.Packages != 2 || rep.Errors == 0 || rep.Errors != len(rep.Findings)-rep.Warnings || rep.Findings[0].Check != "integrity" {
		t.Errorf("report: %+v", rep)
	}
}
