// Package tartest writes small tar.gz archives from a list of entries,
// for the tests of the tarball reader (srctree) and of the builder that
// reads tarballs while it builds (rpmbuild). Entries can be made to
// break an archive the way hostile or damaged tarballs do: a header
// claiming a body that is not there, any type flag, any mode.
package tartest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Time is the mtime of entries that set none.
var Time = time.Date(2026, 8, 28, 16, 20, 0, 0, time.UTC)

// Entry is one entry of a test tarball.
type Entry struct {
	Name string
	// Type is tar.TypeReg when 0. A tar.TypeXGlobalHeader entry is a
	// PAX global header whose comment is Body.
	Type byte
	// Mode is 0644, or 0755 for directories, when 0.
	Mode int64
	Body string
	Link string
	// Size, when set, is the size the header claims: the archive ends
	// right after that header, with no body and no end-of-archive marker.
	Size int64
	// MTime is Time when zero.
	MTime time.Time
}

// Reg is a regular file.
func Reg(name, body string) Entry { return Entry{Name: name, Body: body} }

// Dir is a directory.
func Dir(name string) Entry { return Entry{Name: name, Type: tar.TypeDir} }

// Sym is a symlink to link.
func Sym(name, link string) Entry { return Entry{Name: name, Type: tar.TypeSymlink, Link: link} }

// Tar returns entries as a tar archive in format (any when
// FormatUnknown).
func Tar(t testing.TB, format tar.Format, entries []Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Typeflag: e.Type, Mode: e.Mode, Linkname: e.Link, ModTime: e.MTime, Format: format}
		if e.Type == tar.TypeXGlobalHeader { // archive/tar names it
			h = &tar.Header{Typeflag: e.Type, PAXRecords: map[string]string{"comment": e.Body}}
			if err := tw.WriteHeader(h); err != nil {
				t.Fatalf("tar global header: %v", err)
			}
			continue
		}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.ModTime.IsZero() {
			h.ModTime = Time
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if e.Size != 0 {
			h.Size = e.Size
			if err := tw.WriteHeader(h); err != nil {
				t.Fatalf("tar header %q: %v", e.Name, err)
			}
			return b.Bytes() // no body, no end of archive
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %q: %v", e.Name, err)
		}
		if _, err := io.WriteString(tw, e.Body); err != nil {
			t.Fatalf("tar body %q: %v", e.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatalf("closing tar: %v", err)
	}
	return b.Bytes()
}

// Gzip compresses b.
func Gzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out.Bytes()
}

// TarGz returns entries as a .tar.gz.
func TarGz(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	return Gzip(t, Tar(t, tar.FormatUnknown, entries))
}

// SHA256 returns the hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Noise returns n bytes of text that compresses, but not to nothing; the
// same seed gives the same text.
func Noise(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "%x %d\n", rng.Uint32()&0xffff, b.Len())
	}
	return b.String()[:n]
}
