package gotarball

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
)

func TestMode(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want fs.FileMode
	}{
		{"bin/go", 0o755},
		{"pkg/tool/linux_amd64/compile", 0o755},
		{"src/make.bash", 0o755},
		{"src/all.rc", 0o755},
		{"src/syscall/mkall.sh", 0o755},
		{"src/syscall/mksyscall.pl", 0o755},
		{"lib/wasm/go_js_wasm_exec", 0o755},
		{"lib/wasm/go_wasip1_wasm_exec", 0o755},
		{"lib/time/update.bash", 0o755},
		{"lib/wasm/go__wasm_exec", 0o644}, // GOOS must not be empty
		{"src/cmd/vendor/golang.org/x/telemetry/npm", 0o644},
		{"src/make.bash.orig", 0o644},
		{"src/sh/README", 0o644},
		{"VERSION", 0o644},
		{"pkg/include/textflag.h", 0o644},
		{"binary/x", 0o644},
	} {
		if got := Mode(tc.rel); got != tc.want {
			t.Errorf("Mode(%q) = %o, want %o", tc.rel, got, tc.want)
		}
	}
}

// TestWriteUpstreamShape writes a tree shaped like a module-cache
// toolchain — modes on disk that disagree with upstream's (a read-only
// script, an executable data file) and _go.mod copies of go.mod — and
// checks the tarball has upstream's modes and no copies; a _go.mod that is
// not a copy stays.
func TestWriteUpstreamShape(t *testing.T) {
	root := t.TempDir()
	files := map[string]fs.FileMode{
		"VERSION":       0o644,
		"bin/go":        0o555,
		"src/make.bash": 0o444,
		"src/data.txt":  0o755,
		"src/go.mod":    0o444,
		"src/_go.mod":   0o444,
		"src/x/_go.mod": 0o444,
	}
	for rel, mode := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		content := "x\n"
		if rel == "src/go.mod" || rel == "src/_go.mod" {
			content = "module std\n"
		}
		if rel == "VERSION" {
			content = "go1.26.8\ntime 2026-11-01T00:00:00Z\n"
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := Write(&buf, root); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h.Mode
	}
	want := map[string]int64{
		"go/": 0o755, "go/bin/": 0o755, "go/src/": 0o755,
		"go/VERSION": 0o644, "go/bin/go": 0o755, "go/src/make.bash": 0o755, "go/src/data.txt": 0o644,
		"go/src/go.mod": 0o644, "go/src/x/": 0o755, "go/src/x/_go.mod": 0o644,
	}
	for name, mode := range want {
		if got[name] != mode {
			t.Errorf("%s: mode %o, want %o", name, got[name], mode)
		}
	}
	if len(got) != len(want) {
		t.Errorf("entries %v, want %v", got, want)
	}
}
