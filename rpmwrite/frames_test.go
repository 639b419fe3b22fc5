package rpmwrite

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// frameSize is small and odd, so frames begin inside headers, names and
// bodies, and a body spans several frames.
const frameSize = 100_003

// framedInput is determinismInput with a few more files.
func framedInput() (Metadata, []File) {
	m, files := determinismInput()
	files = append(files,
		reg("/usr/lib/det/small", "small\n"),
		generated("/usr/lib/det/z/exactly-a-frame", 4, frameSize),
		File{Path: "/usr/lib/det/z", Mode: 0o40755, MTime: sourceDateEpoch},
	)
	return m, files
}

// TestFramesReadByRPM checks that a payload cut into independent zstd
// frames is one archive to real rpm: the same bytes from rpm2cpio as an
// unframed payload, digests that verify, files that install.
func TestFramesReadByRPM(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpm2cpio", "cpio", "sha256sum")
	dir := t.TempDir()
	m, files := framedInput()
	framed := writePackage(t, dir, "framed.rpm", m, files, Options{Compressor: "zstd", Level: 3, FrameSize: frameSize})
	whole := writePackage(t, dir, "whole.rpm", m, files, Options{Compressor: "zstd", Level: 3})

	p, err := Prepare(m, files, Options{Compressor: "zstd", FrameSize: frameSize})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if want := (p.archive.size + frameSize - 1) / frameSize; int64(len(p.frames)) != want || want < 40 {
		t.Fatalf("%d frames for a %d-byte archive, want %d", len(p.frames), p.archive.size, want)
	}

	run(t, "", nil, "rpm", "-K", "--nosignature", framed)
	if a, b := shell(t, "", "rpm2cpio "+framed+" | sha256sum"), shell(t, "", "rpm2cpio "+whole+" | sha256sum"); a != b {
		t.Errorf("rpm2cpio of the framed package %s, of the unframed one %s", a, b)
	}
	if a, b := rpmQuery(t, framed, "--dump"), rpmQuery(t, whole, "--dump"); a != b {
		t.Errorf("rpm -qp --dump differs:\n%s", diffLines(b, a))
	}
	root := filepath.Join(dir, "root")
	run(t, "", nil, "rpm", "-i", "--root", root, "--dbpath", "/rpmdb", "--nodeps", "--noscripts", framed)
	got, err := os.ReadFile(filepath.Join(root, "usr/lib/det/z/exactly-a-frame"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(newLineReader(4, frameSize))
	if !bytes.Equal(got, want) {
		t.Error("installed exactly-a-frame differs from its body")
	}
}

// TestFramesDeterministic checks that the bytes do not depend on the
// order or concurrency of the tasks.
func TestFramesDeterministic(t *testing.T) {
	m, files := framedInput()
	opt := Options{Compressor: "zstd", Level: 3, FrameSize: frameSize, TempDir: t.TempDir()}
	var sequential bytes.Buffer
	if err := Write(&sequential, m, files, opt); err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(m, files, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tasks := p.Tasks()
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i := len(tasks) - 1; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = tasks[i].Run()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var concurrent bytes.Buffer
	if err := p.Finish(&concurrent); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sequential.Bytes(), concurrent.Bytes()) {
		t.Error("tasks run concurrently in reverse order wrote other bytes than Write")
	}

	// Nor on how reads of the bodies happen to be cut.
	choppy := append([]File(nil), files...)
	for i := range choppy {
		if open := choppy[i].Open; open != nil {
			choppy[i].Open = func() (io.ReadCloser, error) {
				rc, err := open()
				return &choppyReader{ReadCloser: rc}, err
			}
		}
	}
	var chopped bytes.Buffer
	if err := Write(&chopped, m, choppy, opt); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sequential.Bytes(), chopped.Bytes()) {
		t.Error("bodies read in irregular short reads gave other bytes")
	}
}

// choppyReader returns short reads of irregular lengths.
type choppyReader struct {
	io.ReadCloser
	calls int
}

func (r *choppyReader) Read(p []byte) (int, error) {
	r.calls++
	if n := 1 + r.calls*7919%5003; len(p) > n {
		p = p[:n]
	}
	return r.ReadCloser.Read(p)
}

// TestFramesRefused checks misuse and bad bodies are refused.
func TestFramesRefused(t *testing.T) {
	m, files := framedInput()
	short := append([]File(nil), files...)
	short[1].Size++ // a 1 MiB body whose header says one byte more
	long := append([]File(nil), files...)
	long[2].Size-- // the last byte of b falls outside its Size
	tests := []struct {
		name  string
		files []File
		opt   Options
		want  string
	}{
		{"xz", files, Options{Compressor: "xz", FrameSize: frameSize}, "FrameSize is for zstd payloads, not xz"},
		{"gzip", files, Options{Compressor: "gzip", FrameSize: frameSize}, "FrameSize is for zstd payloads, not gzip"},
		{"negative", files, Options{FrameSize: -1}, "negative FrameSize"},
		{"short body", short, Options{Level: 3, FrameSize: frameSize}, "body has 1048576 bytes, Size is 1048577"},
		{"long body", long, Options{Level: 3, FrameSize: frameSize}, "body is longer than Size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.TempDir = t.TempDir()
			var out bytes.Buffer
			err := Write(&out, m, tc.files, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write: %v, want an error saying %q", err, tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("%d bytes written despite the error", out.Len())
			}
			if left, _ := os.ReadDir(tc.opt.TempDir); len(left) > 0 {
				t.Errorf("left in TempDir: %v", left)
			}
		})
	}

	p, err := Prepare(m, files, Options{Level: 3, FrameSize: frameSize, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tasks := p.Tasks()
	if err := tasks[1].Run(); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(io.Discard); err == nil || !strings.Contains(err.Error(), "tasks not done") {
		t.Errorf("Finish with tasks pending: %v", err)
	}
	for _, task := range tasks[2:] {
		task.Run()
	}
	tasks[0].Run()
	p.Close()
	if err := p.Finish(io.Discard); err == nil {
		t.Error("Finish after Close succeeded")
	}
}

// TestCancel checks that Cancel stops a running task soon, makes tasks
// not yet started return at once, and leaves a package Finish refuses.
func TestCancel(t *testing.T) {
	m, files := framedInput()
	release := make(chan struct{})
	reading := make(chan struct{}, 1)
	for i := range files {
		if open := files[i].Open; open != nil && files[i].Size > 1<<20 {
			files[i].Open = func() (io.ReadCloser, error) {
				rc, err := open()
				return &gatedReader{ReadCloser: rc, reading: reading, release: release}, err
			}
		}
	}
	p, err := Prepare(m, files, Options{Level: 3, FrameSize: frameSize, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tasks := p.Tasks()
	done := make(chan error, 1)
	go func() { done <- tasks[0].Run() }() // the hash task reads every body
	<-reading
	p.Cancel()
	close(release)
	if err := <-done; !errors.Is(err, ErrCanceled) {
		t.Errorf("running task after Cancel: %v, want ErrCanceled", err)
	}
	for i, task := range tasks[1:] {
		if err := task.Run(); !errors.Is(err, ErrCanceled) {
			t.Errorf("task %d started after Cancel: %v, want ErrCanceled", i+1, err)
		}
	}
	if err := p.Finish(io.Discard); err == nil {
		t.Error("Finish of a canceled package succeeded")
	}
}

// gatedReader signals its first read, then waits for release.
type gatedReader struct {
	io.ReadCloser
	reading chan<- struct{}
	release <-chan struct{}
	started bool
}

func (r *gatedReader) Read(p []byte) (int, error) {
	if !r.started {
		r.started = true
		select {
		case r.reading <- struct{}{}:
		default:
		}
		<-r.release
	}
	return r.ReadCloser.Read(p)
}
