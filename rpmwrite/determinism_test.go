package rpmwrite

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"
)

// lineReader produces size bytes of deterministic, compressible text,
// numbered lines with pseudo-random words, seeded by seed.
type lineReader struct {
	seed, line uint64
	left       int64
	pending    []byte
}

func newLineReader(seed uint64, size int64) *lineReader {
	return &lineReader{seed: seed | 1, left: size}
}

var words = []string{"toolchain", "go", "rpm", "payload", "header", "cpio", "zstd", "fedora",
	"build", "linker", "runtime", "compile", "asm", "vet", "module", "sum"}

func (r *lineReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		if len(r.pending) == 0 {
			r.seed ^= r.seed << 13
			r.seed ^= r.seed >> 7
			r.seed ^= r.seed << 17
			r.pending = fmt.Appendf(r.pending[:0], "%09d %s %s %s\n",
				r.line, words[r.seed&15], words[r.seed>>4&15], words[r.seed>>8&15])
			r.line++
		}
		k := copy(p[n:], r.pending)
		if int64(k) > r.left {
			k = int(r.left)
		}
		r.pending = r.pending[k:]
		n += k
		r.left -= int64(k)
	}
	return n, nil
}

func generated(path string, seed uint64, size int64) File {
	return File{
		Path: path, Mode: 0o100644, Size: size, MTime: sourceDateEpoch,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(newLineReader(seed, size)), nil },
	}
}

func determinismInput() (Metadata, []File) {
	m := Metadata{
		Name: "det", Version: "1", Release: "1", Arch: "x86_64", Summary: "s", License: "MIT",
		BuildTime: sourceDateEpoch,
	}
	files := []File{
		{Path: "/usr/lib/det", Mode: 0o40755, MTime: sourceDateEpoch},
		generated("/usr/lib/det/a", 1, 1<<20),
		generated("/usr/lib/det/b", 2, 3<<20+123),
		{Path: "/usr/lib/det/c", Mode: 0o120777, LinkTo: "a", MTime: sourceDateEpoch},
		generated("/usr/lib/det/d", 3, 0),
	}
	return m, files
}

// TestDeterministic checks that the output depends only on the inputs:
// not on the run, not on the order of the files, not on Options.Threads.
// The bodies span several zstd blocks and gzip's 1 MiB parallel blocks.
func TestDeterministic(t *testing.T) {
	m, files := determinismInput()
	reversed := make([]File, len(files))
	for i, f := range files {
		reversed[len(files)-1-i] = f
	}
	for _, comp := range []string{"zstd", "gzip", "xz", "none"} {
		t.Run(comp, func(t *testing.T) {
			var sums []string
			for _, v := range []struct {
				files   []File
				threads int
			}{{files, 1}, {reversed, 2}, {files, 4}} {
				var buf bytes.Buffer
				if err := Write(&buf, m, v.files, Options{Compressor: comp, Threads: v.threads, TempDir: t.TempDir()}); err != nil {
					t.Fatal(err)
				}
				sums = append(sums, fmt.Sprintf("%x", sha256.Sum256(buf.Bytes())))
			}
			for i, s := range sums[1:] {
				if s != sums[0] {
					t.Errorf("run %d differs from run 0: %s vs %s", i+1, s, sums[0])
				}
			}
		})
	}
}
