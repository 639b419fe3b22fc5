package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// TestDemoConfig: the example's checksums are another machine's, so the
// demo pins this machine's tarballs into a copy, build/demo/gotc.yaml —
// the file the example and the demo's last lines point a newcomer to.
// The pinned copy must name exactly the tarballs made here.
func TestDemoConfig(t *testing.T) {
	root := testenv.RepoRoot(t)
	tbs := testenv.Toolchains(t)
	dir := t.TempDir()
	var sums strings.Builder
	for _, tb := range tbs {
		fmt.Fprintf(&sums, "%s %s\n", tb.File, tb.SHA256)
	}
	os.WriteFile(filepath.Join(dir, "sums"), []byte(sums.String()), 0o644)
	example, _ := os.ReadFile(filepath.Join(root, "examples", "gotc.yaml"))
	cfg := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfg, example, 0o644)
	testenv.Run(t, root, nil, "bash", "tests/pin-checksums.sh", filepath.Join(dir, "sums"), cfg)

	pinned, _, err := toolchain.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tbs {
		p, err := pinned.PlanFor(tb.Version())
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Toolchain.Sources["x86_64"]; got.File != tb.File || got.SHA256 != tb.SHA256 {
			t.Errorf("%s: pinned %+v, want %s %s", p.Name, got, tb.File, tb.SHA256)
		}
		// rpmlint's description-shorter-than-summary, which the demo's
		// real rpmlint run would print.
		for _, pkg := range p.Packages {
			if len(pkg.Description) <= len(pkg.Summary) {
				t.Errorf("%s: description %q is not longer than its summary %q", pkg.Name, pkg.Description, pkg.Summary)
			}
		}
	}
	for _, f := range []string{"examples/gotc.yaml", "README.md"} {
		if b, _ := os.ReadFile(filepath.Join(root, f)); !strings.Contains(string(b), "build/demo/gotc.yaml") {
			t.Errorf("%s does not point to build/demo/gotc.yaml", f)
		}
	}

	// A file the configuration does not name is an error, not a no-op.
	os.WriteFile(filepath.Join(dir, "sums"), []byte("go9.9.9.linux-amd64.tar.gz "+strings.Repeat("0", 64)+"\n"), 0o644)
	if out, err := testenv.Output(root, nil, "bash", "tests/pin-checksums.sh", filepath.Join(dir, "sums"), cfg); err == nil || !strings.Contains(out, "names no go9.9.9") {
		t.Errorf("unknown file: %v %s", err, out)
	}
}
