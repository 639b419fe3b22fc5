package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/toolchain"
)

// testView is the progress view of a go1.26.8 plan (extra YAML first),
// with a clock the test sets.
func testView(t *testing.T, extra string, clock *time.Time) *progressView {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "gotc.yaml")
	os.WriteFile(cfgPath, []byte(extra+"toolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {file: go.tar.gz, sha256: \"0000000000000000000000000000000000000000000000000000000000000000\"}\n"), 0o644)
	cfg, _, err := toolchain.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	v := newProgressView(cfg.Plans()[0])
	v.now = func() time.Time { return *clock }
	return v
}

func TestProgressView(t *testing.T) {
	clock := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	v := testView(t, "", &clock)
	steps := []struct {
		advance time.Duration
		pr      rpmbuild.Progress
		want    string // "" when nothing is drawn
	}{
		{time.Second, rpmbuild.Progress{Package: "go-toolchain-1.26", TotalFiles: 100, TotalBytes: 1000},
			"go-toolchain-1.26: main 0% · tests 0% · docs 0% · src 0%  0/100 files"},
		{time.Millisecond, rpmbuild.Progress{Package: "go-toolchain-1.26-src", TotalFiles: 300, TotalBytes: 4000}, ""},
		{time.Second, rpmbuild.Progress{Package: "go-toolchain-1.26", Files: 50, TotalFiles: 100, Bytes: 410, TotalBytes: 1000},
			"go-toolchain-1.26: main 41% · tests 0% · docs 0% · src 0%  50/400 files"},
		{time.Millisecond, rpmbuild.Progress{Package: "go-toolchain-1.26-docs", Files: 3, TotalFiles: 3, Bytes: 20, TotalBytes: 20},
			"go-toolchain-1.26: main 41% · tests 0% · docs 100% · src 0%  53/403 files"},
		{time.Millisecond, rpmbuild.Progress{Package: "go-toolchain-1.26-src", Files: 1, TotalFiles: 300, Bytes: 10, TotalBytes: 4000}, ""},
		{time.Millisecond, rpmbuild.Progress{Package: "go-toolchain-1.26-tests", TotalFiles: 0, TotalBytes: 0},
			"go-toolchain-1.26: main 41% · tests 100% · docs 100% · src 0%  54/403 files"},
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		got, drawn := v.update(s.pr)
		if !drawn {
			got = ""
		}
		if got != s.want {
			t.Errorf("step %d: drew %q, want %q", i, got, s.want)
		}
	}
}

// TestProgressViewReading checks the tarball's share read leads the line
// while it is read, and is gone once it is.
func TestProgressViewReading(t *testing.T) {
	clock := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	v := testView(t, "subpackages: []\n", &clock)
	steps := []struct {
		advance     time.Duration
		read, total int64
		want        string
	}{
		{time.Second, 4 << 20, 80 << 20, "go-toolchain-1.26: reading 5% · main 0%"},
		{time.Millisecond, 8 << 20, 80 << 20, ""},
		{time.Second, 40 << 20, 80 << 20, "go-toolchain-1.26: reading 50% · main 0%"},
		{time.Millisecond, 80 << 20, 80 << 20, "go-toolchain-1.26: main 0%"},
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		got, drawn := v.reading(s.read, s.total)
		if !drawn {
			got = ""
		}
		if got != s.want {
			t.Errorf("step %d: drew %q, want %q", i, got, s.want)
		}
	}
}
