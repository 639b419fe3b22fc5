package rpmbuild

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/tartest"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// earlyPlan loads a config for go1.26.8 with the default split, or with
// extra YAML (such as "subpackages: []").
func earlyPlan(t testing.TB, version, extra string) *toolchain.Plan {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gotc.yaml")
	cfg := extra + `
toolchains:
  - version: "` + version + `"
    sources:
      x86_64: {file: go.tar.gz, sha256: "` + strings.Repeat("0", 64) + `"}
    changelog:
      - {date: 2026-11-20, author: "Test <test@example.org>", changes: ["Test build"]}
`
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := toolchain.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c.Plans()[0]
}

// reg, dir and sym are shorthands for entries.
var (
	reg = tartest.Reg
	dir = tartest.Dir
	sym = tartest.Sym
)

// releaseEntries is a small tarball in a release's layout and order.
func releaseEntries() []tartest.Entry {
	return []tartest.Entry{
		dir("go/"),
		reg("go/LICENSE", "license\n"),
		reg("go/VERSION", "go1.26.8\ntime 2026-08-28T16:20:06Z\n"),
		dir("go/api/"),
		reg("go/api/go1.txt", tartest.Noise(1, 20_000)),
		dir("go/bin/"),
		{Name: "go/bin/go", Body: tartest.Noise(2, 400_000), Mode: 0o755},
		{Name: "go/bin/gofmt", Body: tartest.Noise(3, 150_000), Mode: 0o755},
		reg("go/go.env", "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n"),
		dir("go/pkg/"),
		dir("go/pkg/tool/"),
		dir("go/pkg/tool/linux_amd64/"),
		{Name: "go/pkg/tool/linux_amd64/compile", Body: tartest.Noise(4, 500_000), Mode: 0o755},
		dir("go/src/"),
		reg("go/src/big.go", tartest.Noise(5, 1_500_000)), // the main package holds less than half
		dir("go/src/runtime/"),
		reg("go/src/runtime/a.go", "package runtime\n"),
		dir("go/test/"),
		reg("go/test/t.go", tartest.Noise(6, 50_000)),
	}
}

// TestBuildTarball checks that BuildTarball writes the very bytes
// Extract and Build write, whether the main package's early start is
// kept, discarded or never tried.
func TestBuildTarball(t *testing.T) {
	release := releaseEntries()
	mainAfterSrc := append(slices.Clone(release), reg("go/zz-late", "the main package's, after src/\n"))
	gofmtAt := slices.IndexFunc(release, func(e tartest.Entry) bool { return e.Name == "go/bin/gofmt" })
	gofmtLate := append(slices.Delete(slices.Clone(release), gofmtAt, gofmtAt+1), release[gofmtAt]) // after src/
	unordered := slices.Clone(release)
	unordered[1], unordered[gofmtAt] = unordered[gofmtAt], unordered[1] // before src/
	laterDirMtime := slices.Clone(release)
	laterDirMtime = slices.DeleteFunc(laterDirMtime, func(e tartest.Entry) bool { return e.Name == "go/bin/" })
	laterDirMtime = append(laterDirMtime, tartest.Entry{Name: "go/bin/", Type: tar.TypeDir, MTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})

	tests := []struct {
		name           string
		entries        []tartest.Entry
		extra          string
		started, kept  bool
		compressorOpts Options
	}{
		{name: "release order", entries: release, started: true, kept: true},
		{name: "a main file after src", entries: mainAfterSrc, started: true, kept: false},
		{name: "a main file out of order after src", entries: gofmtLate, started: true, kept: false},
		{name: "a directory listed after its files", entries: laterDirMtime, started: true, kept: false},
		{name: "not in path order before src", entries: unordered, started: false},
		{name: "no subpackages", entries: release, extra: "subpackages: []", started: false},
		{name: "main framed", entries: release, started: true, kept: true, compressorOpts: Options{FrameSize: 100_003}},
		{name: "xz", entries: release, started: true, kept: true, compressorOpts: Options{Common: Common{Compressor: "xz", Level: 1}}},
	}
	sde := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tgz := filepath.Join(dir, "go.tar.gz")
			data := tartest.TarGz(t, tc.entries...)
			if err := os.WriteFile(tgz, data, 0o644); err != nil {
				t.Fatal(err)
			}
			plan := earlyPlan(t, "1.26.8", tc.extra)
			opt := tc.compressorOpts
			opt.Arch, opt.Threads, opt.SourceDateEpoch = "x86_64", 2, &sde
			if opt.Level == 0 {
				opt.Level = 3
			}
			xopt := srctree.ExtractOptions{SHA256: tartest.SHA256(data)}

			started, kept := buildBothWays(t, plan, tgz, xopt, opt)
			if started != tc.started || kept != tc.kept {
				t.Errorf("early start: started %v, kept %v; want %v, %v", started, kept, tc.started, tc.kept)
			}
		})
	}
}

// TestBuildTarballRefuses checks that a tarball refused after the early
// start leaves nothing behind and returns Extract's error.
func TestBuildTarballRefuses(t *testing.T) {
	release := releaseEntries()
	tests := []struct {
		name string
		tail []tartest.Entry
		want string
	}{
		{"symlink out", []tartest.Entry{sym("go/test/out", "../../etc/passwd")}, "leaves the toolchain root"},
		{"device", []tartest.Entry{{Name: "go/test/dev", Type: tar.TypeChar}}, "character device refused"},
		{"truncated", []tartest.Entry{{Name: "go/test/cut", Size: 1 << 20}}, "truncated tarball"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tgz := filepath.Join(dir, "go.tar.gz")
			data := tartest.TarGz(t, append(slices.Clone(release), tc.tail...)...)
			if err := os.WriteFile(tgz, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			os.Mkdir(out, 0o755)
			plan := earlyPlan(t, "1.26.8", "")
			_, err := BuildTarball(plan, tgz, srctree.ExtractOptions{SHA256: tartest.SHA256(data)}, out, Options{Common: Common{Arch: "x86_64", Level: 3, TempDir: out}, Threads: 2})
			var xerr *srctree.ExtractError
			if !errors.As(err, &xerr) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("BuildTarball: %v, want an *ExtractError saying %q", err, tc.want)
			}
			if left, _ := os.ReadDir(out); len(left) > 0 {
				t.Errorf("left in the output directory: %v", left)
			}
		})
	}
}

// TestBuildTarballReal builds the local toolchain's tarball both ways at
// a fast level and checks the early start is kept and changes no byte.
func TestBuildTarballReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 270 MB toolchain twice")
	}
	tb := testenv.Toolchains(t)[0]
	version := strings.TrimSuffix(strings.TrimPrefix(tb.File, "go"), ".linux-amd64.tar.gz")
	plan := earlyPlan(t, version, "")
	sde := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	opt := Options{Common: Common{Arch: "x86_64", Level: 1, SourceDateEpoch: &sde}, Threads: 2}
	xopt := srctree.ExtractOptions{SHA256: tb.SHA256}

	if started, kept := buildBothWays(t, plan, tb.Path, xopt, opt); !started || !kept {
		t.Errorf("early start: started %v, kept %v; want both on a release tarball", started, kept)
	}
}

// buildBothWays builds tarball tgz with BuildTarball and with Extract and
// Build, checks they wrote the same packages to the byte and nothing
// else, and returns whether the early start happened and was kept.
func buildBothWays(t *testing.T, plan *toolchain.Plan, tgz string, xopt srctree.ExtractOptions, opt Options) (started, kept bool) {
	t.Helper()
	early := t.TempDir()
	var told bool
	eopt := opt
	eopt.TempDir = early
	eopt.earlyStart = func(s, k bool) { started, kept, told = s, k, true }
	got, err := BuildTarball(plan, tgz, xopt, early, eopt)
	if err != nil {
		t.Fatalf("BuildTarball: %v", err)
	}
	if !told {
		t.Error("BuildTarball did not say whether it started early")
	}
	plain := t.TempDir()
	tree, err := srctree.Extract(tgz, plain, xopt)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	popt := opt
	popt.TempDir = plain
	want, err := Build(plan, tree, plain, popt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d packages, want %d", len(got), len(want))
	}
	for i := range want {
		a, _ := os.ReadFile(got[i].Path)
		b, _ := os.ReadFile(want[i].Path)
		if got[i].Name != want[i].Name || filepath.Base(got[i].Path) != filepath.Base(want[i].Path) || !bytes.Equal(a, b) {
			t.Errorf("%s: BuildTarball wrote %s (%d bytes), Extract and Build %s (%d bytes)", want[i].Name, got[i].Path, len(a), want[i].Path, len(b))
		}
	}
	if left, _ := filepath.Glob(filepath.Join(early, ".*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	return started, kept
}
