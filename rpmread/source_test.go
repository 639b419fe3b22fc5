package rpmread

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
)

// TestSourcePackage reads a source package as rpmbuild -bs lays it out:
// bare file names in the header and the payload, the spec marked.
func TestSourcePackage(t *testing.T) {
	body := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	m := rpmwrite.Metadata{Name: "s", Version: "1", Release: "1", Arch: "x86_64", Summary: "s", License: "MIT",
		Source: &rpmwrite.Source{Sources: []string{"s.tar.gz"}, ExclusiveArch: []string{"x86_64"}, Cookie: "localhost 0"}}
	files := []rpmwrite.File{
		{Path: "s.spec", Mode: 0o100644, Size: 5, Flags: rpmtag.FileSpecfile, Open: body("spec\n")},
		{Path: "s.tar.gz", Mode: 0o100644, Size: 3, Open: body("tgz")},
	}
	var buf bytes.Buffer
	if err := rpmwrite.Write(&buf, m, files, rpmwrite.Options{Compressor: "gzip", Level: 9, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	r, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	p := r.Package
	if !p.Source || p.SourceRPM != "" || r.Lead.Type != 1 {
		t.Errorf("Source %v, SourceRPM %q, lead type %d", p.Source, p.SourceRPM, r.Lead.Type)
	}
	if len(p.Files) != 2 || p.Files[0].Path != "s.spec" || p.Files[0].Flags&rpmtag.FileSpecfile == 0 || p.Files[1].Path != "s.tar.gz" {
		t.Fatalf("files %+v", p.Files)
	}
	pr, err := r.Payload()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		e, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.FileIndex < 0 {
			t.Errorf("payload entry %q not matched with the header", e.Path)
		}
		names = append(names, e.Path)
	}
	if strings.Join(names, " ") != "s.spec s.tar.gz" {
		t.Errorf("payload names %v", names)
	}
	if err := r.Verify(); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
