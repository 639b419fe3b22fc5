package rpmread

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestDecompressorsAgainstCLI compresses data with the real command-line
// tools in the framings rpm and people produce (multi-block and
// multi-stream xz, stream padding, every check type, legacy lzma, zstd with
// a long window) and checks that our decompressors (with the xz guard and
// window limits) return the same bytes, or ErrTooLarge where a window is
// over the limit.
func TestDecompressorsAgainstCLI(t *testing.T) {
	size := 400 << 10
	if testing.Short() {
		size = 48 << 10
	}
	var data bytes.Buffer
	for i := 0; data.Len() < size; i++ {
		fmt.Fprintf(&data, "line %c %d\n", 'a'+i%26, i*7919%100003)
	}
	in := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(in, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	compressed := func(tool string, args ...string) []byte {
		t.Helper()
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd := exec.Command(testenv.NeedTool(t, tool), args...)
		cmd.Stdin = f
		out, err := runCmd(cmd)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	twoStreams := append(compressed("xz", "-c", "-1"), compressed("xz", "-c", "-1")...)
	padded := append(append(compressed("xz", "-c", "-3"), 0, 0, 0, 0, 0, 0, 0, 0), compressed("xz", "-c", "-3", "--check=sha256")...)
	cases := []struct {
		name, comp string
		payload    []byte
		maxWindow  int64
		want       []byte // nil: ErrTooLarge
	}{
		{"xz default", "xz", compressed("xz", "-c", "-6"), DefaultMaxWindowSize, data.Bytes()},
		{"xz blocks", "xz", compressed("xz", "-c", "-6", "--block-size=16384"), DefaultMaxWindowSize, data.Bytes()},
		{"xz threads", "xz", compressed("xz", "-c", "-1", "-T2", "--block-size=20000"), DefaultMaxWindowSize, data.Bytes()},
		{"xz check none", "xz", compressed("xz", "-c", "--check=none"), DefaultMaxWindowSize, data.Bytes()},
		{"xz check crc64", "xz", compressed("xz", "-c", "--check=crc64"), DefaultMaxWindowSize, data.Bytes()},
		{"xz check sha256", "xz", compressed("xz", "-c", "--check=sha256"), DefaultMaxWindowSize, data.Bytes()},
		{"xz two streams", "xz", twoStreams, DefaultMaxWindowSize, append(data.Bytes(), data.Bytes()...)},
		{"xz stream padding", "xz", padded, DefaultMaxWindowSize, append(data.Bytes(), data.Bytes()...)},
		{"xz dictionary over limit", "xz", compressed("xz", "-c", "-6"), 4 << 20, nil},
		{"lzma", "lzma", compressed("xz", "-c", "--format=lzma", "-6"), DefaultMaxWindowSize, data.Bytes()},
		{"lzma dictionary over limit", "lzma", compressed("xz", "-c", "--format=lzma", "-6"), 4 << 20, nil},
		{"zstd", "zstd", compressed("zstd", "-c", "-19"), DefaultMaxWindowSize, data.Bytes()},
		{"zstd long window over limit", "zstd", compressed("zstd", "-c", "--long=25", "--no-content-size"), 8 << 20, nil},
		{"gzip", "gzip", compressed("gzip", "-c", "-9"), DefaultMaxWindowSize, data.Bytes()},
		{"bzip2", "bzip2", compressed("bzip2", "-c", "-9"), DefaultMaxWindowSize, data.Bytes()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, closeDec, err := decompressor(bytes.NewReader(c.payload), c.comp, c.maxWindow)
			var got []byte
			if err == nil {
				got, err = io.ReadAll(r)
				closeDec()
			}
			if c.want == nil {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("got %v, want ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Fatalf("decompressed %d bytes, want %d", len(got), len(c.want))
			}
		})
	}
}
