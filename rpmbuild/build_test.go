package rpmbuild

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

func TestFrameSize(t *testing.T) {
	tests := []struct {
		name        string
		opt         Options
		main        bool
		size, total int64
		want        int64
	}{
		{"main, balanced: one frame", Options{}, true, 88, 235, 0},
		{"main, exactly half: one frame", Options{}, true, 100, 200, 0},
		{"subpackage: text frames", Options{}, false, 94, 235, SubpackageFrameSize},
		{"one dominant main package: framed", Options{}, true, 101, 200, DefaultFrameSize},
		{"one dominant subpackage: framed", Options{}, false, 101, 200, DefaultFrameSize},
		{"the only package: framed", Options{Common: Common{Compressor: "zstd"}}, true, 235, 235, DefaultFrameSize},
		{"asked for", Options{FrameSize: 1 << 20}, true, 10, 235, 1 << 20},
		{"refused", Options{FrameSize: -1}, false, 235, 235, 0},
		{"xz cannot", Options{Common: Common{Compressor: "xz"}}, false, 94, 235, 0},
		{"gzip cannot", Options{Common: Common{Compressor: "gzip"}, FrameSize: 1 << 20}, true, 235, 235, 0},
	}
	for _, tc := range tests {
		if got := frameSize(tc.opt, tc.main, tc.size, tc.total); got != tc.want {
			t.Errorf("%s: frameSize = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestBuildOnePackageFramed packages a small tree with no subpackages, so
// that the one payload is cut into frames compressed concurrently, and
// checks with real rpm that it is the same archive as the unframed build.
func TestBuildOnePackageFramed(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpm2cpio", "cpio", "sha256sum")
	dir := t.TempDir()
	goroot := filepath.Join(dir, "go")
	files := map[string]string{
		"VERSION":          "go1.26.8\ntime 2026-08-28T16:20:06Z\n",
		"go.env":           "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n",
		"bin/go":           "#!/bin/sh\necho go\n",
		"bin/gofmt":        "#!/bin/sh\necho gofmt\n",
		"src/runtime/a.go": "package runtime\n",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 12 {
		var b strings.Builder
		for b.Len() < 60_000+i*7_000 {
			fmt.Fprintf(&b, "line %d %x\n", b.Len(), rng.Uint32()&0xfff)
		}
		files[fmt.Sprintf("src/pkg%02d/big.go", i)] = b.String()
	}
	for name, body := range files {
		p := filepath.Join(goroot, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "bin/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "gotc.yaml")
	cfg := `subpackages: []
toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {file: go1.26.8.linux-amd64.tar.gz, sha256: "` + strings.Repeat("0", 64) + `"}
`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := toolchain.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	plan := c.Plans()[0]
	if len(plan.Packages) != 1 {
		t.Fatalf("%d packages, want 1", len(plan.Packages))
	}
	tree, err := srctree.ReadGOROOT(goroot)
	if err != nil {
		t.Fatal(err)
	}
	sde := time.Date(2026, 8, 28, 12, 0, 0, 0, time.UTC)
	build := func(name string, frameSize int64) string {
		out := filepath.Join(dir, name)
		os.MkdirAll(out, 0o755)
		res, err := Build(plan, tree, out, Options{Common: Common{Arch: "x86_64", Level: 3, SourceDateEpoch: &sde, TempDir: out}, Threads: 2, FrameSize: frameSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 {
			t.Fatalf("%d packages written, want 1", len(res))
		}
		if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
		return res[0].Path
	}
	framed := build("framed", 64<<10)
	whole := build("whole", -1)
	shell := func(script string) string {
		out, err := exec.Command("bash", "-c", "set -eo pipefail; "+script).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		return string(out)
	}
	shell("rpm -K --nosignature " + framed)
	if a, b := shell("rpm2cpio "+framed+" | sha256sum"), shell("rpm2cpio "+whole+" | sha256sum"); a != b {
		t.Errorf("the framed payload's archive differs from the unframed one's")
	}
	if a, b := shell("rpm -qp --dump "+framed), shell("rpm -qp --dump "+whole); a != b {
		t.Errorf("rpm -qp --dump differs:\n%s\n%s", a, b)
	}
	fa, _ := os.ReadFile(framed)
	fb, _ := os.ReadFile(whole)
	if string(fa) == string(fb) {
		t.Error("the framed package is byte-identical to the unframed one: no frames were cut")
	}
}
