package rpmwrite

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmtag"
)

// peakHeap writes a package with one generated body of size bytes and
// returns the largest live heap seen while bodies were written, sampled
// after a forced GC at each Progress call (every 16 MiB of body).
func peakHeap(t *testing.T, dir string, size int64, opt Options) (peak uint64, pkgSize int64, took time.Duration) {
	t.Helper()
	m := Metadata{
		Name: "big", Version: "1", Release: "1", Arch: "x86_64", Summary: "s", License: "MIT",
		BuildTime: sourceDateEpoch,
	}
	files := []File{
		{Path: "/usr/lib/big", Mode: 0o40755, MTime: sourceDateEpoch},
		generated("/usr/lib/big/blob", 7, size),
	}
	var ms runtime.MemStats
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > peak {
			peak = ms.HeapAlloc
		}
	}
	opt.TempDir = dir
	opt.Progress = func(int, int64) { sample() }
	out, err := os.Create(filepath.Join(dir, "big.rpm"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	runtime.GC()
	start := time.Now()
	if err := Write(out, m, files, opt); err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	fi, err := out.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return peak, fi.Size(), took
}

// TestBoundedMemory writes a 300 MB body and checks that the live heap
// stays within a few tens of MB and does not grow with the payload: the
// peak is compared with a run ten times smaller.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 300 MB through zstd; skipped with -short")
	}
	testenv.NeedTools(t, "rpm")
	const mb = 1 << 20
	for _, opt := range []Options{{Compressor: "zstd", Level: 19, Threads: 2}} {
		dir := t.TempDir()
		small, _, _ := peakHeap(t, dir, 30*mb, opt)
		peak, size, took := peakHeap(t, dir, 300*mb, opt)
		t.Logf("%s level %d threads %d: 300 MB body -> %.1f MB package in %v (%.0f MB/s); peak live heap %.1f MB (30 MB body: %.1f MB)",
			opt.Compressor, opt.Level, opt.Threads, float64(size)/mb, took.Round(time.Millisecond),
			300/took.Seconds(), float64(peak)/mb, float64(small)/mb)
		if peak > 80*mb {
			t.Errorf("peak live heap %.1f MB, want under 80 MB", float64(peak)/mb)
		}
		if peak > small+16*mb {
			t.Errorf("peak live heap grows with the payload: %.1f MB for 300 MB, %.1f MB for 30 MB",
				float64(peak)/mb, float64(small)/mb)
		}
		// The package is whole: rpm checks its digests, and the temporary
		// payload file is gone.
		if out := run(t, "", nil, "rpm", "-K", "--nosignature", filepath.Join(dir, "big.rpm")); !strings.Contains(out, "digests OK") {
			t.Errorf("rpm -K: %s", out)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "rpmwrite-*")); len(left) != 0 {
			t.Errorf("temporary files left behind: %v", left)
		}
	}
}

// TestBodyDigest checks FILEDIGESTS against a digest computed apart from
// Write, for a body larger than the copy buffer.
func TestBodyDigest(t *testing.T) {
	dir := t.TempDir()
	m, files := determinismInput()
	pkg := writePackage(t, dir, "det.rpm", m, files, Options{Compressor: "none"})
	h := sha256.New()
	if _, err := io.Copy(h, newLineReader(2, 3<<20+123)); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(h.Sum(nil))
	if got := readRPM(t, pkg).main[rpmtag.FileDigests].text; !strings.Contains(got, want) {
		t.Errorf("FILEDIGESTS %s lack %s", got, want)
	}
}
