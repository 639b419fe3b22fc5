package rpmwrite

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmtag"
)

var errBroken = errors.New("broken disk")

func okMetadata() Metadata {
	return Metadata{Name: "ok", Version: "1", Release: "1", Arch: "noarch", Summary: "s", License: "MIT"}
}

func reg(path, content string) File {
	return File{Path: path, Mode: 0o100644, Size: int64(len(content)), Open: body(content)}
}

// badInputs are inputs Write must refuse, with what the error must say.
var badInputs = []struct {
	name  string
	meta  func(*Metadata)
	files []File
	opt   Options
	want  []string // substrings of the error
	is    error    // an error the result must wrap, if any
}{
	{name: "relative path", files: []File{reg("usr/bin/x", "x")}, want: []string{`"usr/bin/x"`, "not absolute"}},
	{name: "dot dot", files: []File{reg("/usr/../etc/x", "x")}, want: []string{`"/usr/../etc/x"`, `".."`}},
	{name: "trailing dot dot", files: []File{reg("/usr/..", "x")}, want: []string{`"/usr/.."`, `".."`}},
	{name: "not clean", files: []File{reg("/usr//bin/x", "x")}, want: []string{`"/usr//bin/x"`, "not clean"}},
	{name: "trailing slash", files: []File{reg("/usr/bin/", "x")}, want: []string{`"/usr/bin/"`, "not clean"}},
	{name: "root", files: []File{{Path: "/", Mode: 0o40755}}, want: []string{`"/"`, "root directory"}},
	{name: "empty path", files: []File{reg("", "x")}, want: []string{"empty path"}},
	{name: "control character", files: []File{reg("/usr/a\nb", "x")}, want: []string{"byte 0xa"}},
	{name: "duplicate", files: []File{reg("/usr/x", "a"), reg("/usr/y", "b"), reg("/usr/x", "a")},
		want: []string{`"/usr/x"`, "more than once"}},
	{name: "body shorter than size", files: []File{{Path: "/usr/x", Mode: 0o100644, Size: 10, Open: body("short")}},
		want: []string{`"/usr/x"`, "body has 5 bytes, Size is 10"}, is: ErrBodySize},
	{name: "body longer than size", files: []File{{Path: "/usr/x", Mode: 0o100644, Size: 3, Open: body("longer")}},
		want: []string{`"/usr/x"`, "longer than Size 3"}, is: ErrBodySize},
	{name: "empty body with size", files: []File{{Path: "/usr/x", Mode: 0o100644, Size: 1, Open: body("")}},
		want: []string{`"/usr/x"`, "body has 0 bytes"}, is: ErrBodySize},
	{name: "open error", files: []File{reg("/usr/a", "a"), {Path: "/usr/x", Mode: 0o100644, Size: 1,
		Open: func() (io.ReadCloser, error) { return nil, errBroken }}},
		want: []string{`"/usr/x"`, "opening body", "broken disk"}, is: errBroken},
	{name: "read error", files: []File{{Path: "/usr/x", Mode: 0o100644, Size: 4,
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(errBroken))), nil
		}}},
		want: []string{`"/usr/x"`, "reading body"}, is: errBroken},
	{name: "regular file without open", files: []File{{Path: "/usr/x", Mode: 0o100644, Size: 1}},
		want: []string{`"/usr/x"`, "without Open"}},
	{name: "symlink without target", files: []File{{Path: "/usr/x", Mode: 0o120777}},
		want: []string{`"/usr/x"`, "without LinkTo"}},
	{name: "symlink size", files: []File{{Path: "/usr/x", Mode: 0o120777, LinkTo: "abc", Size: 7}},
		want: []string{`"/usr/x"`, "len(LinkTo) = 3"}},
	{name: "link on regular file", files: []File{{Path: "/usr/x", Mode: 0o100644, LinkTo: "y", Open: body("")}},
		want: []string{`"/usr/x"`, "not a symlink"}},
	{name: "device", files: []File{{Path: "/dev/x", Mode: 0o20644}}, want: []string{`"/dev/x"`, "mode 020644"}},
	{name: "no type bits", files: []File{{Path: "/usr/x", Mode: 0o644}}, want: []string{`"/usr/x"`, "mode 0644"}},
	{name: "missing on non-ghost", files: []File{{Path: "/usr/x", Mode: 0o40755, Missing: true}},
		want: []string{`"/usr/x"`, "not a ghost"}},
	{name: "every bad file reported", files: []File{reg("a", "x"), reg("/b/../c", "y")},
		want: []string{`"a"`, `"/b/../c"`}},
	{name: "empty name", meta: func(m *Metadata) { m.Name = "" }, want: []string{"Name is empty"}},
	{name: "name with blank", meta: func(m *Metadata) { m.Name = "a b" }, want: []string{`Name "a b"`}},
	{name: "version with dash", meta: func(m *Metadata) { m.Version = "1-2" }, want: []string{`Version "1-2"`}},
	{name: "no summary", meta: func(m *Metadata) { m.Summary = "" }, want: []string{"Summary is empty"}},
	{name: "no arch", meta: func(m *Metadata) { m.Arch = "" }, want: []string{"Arch is empty"}},
	{name: "negative build time", meta: func(m *Metadata) { m.BuildTime = -1 }, want: []string{"BuildTime -1"}},
	{name: "version without comparison", meta: func(m *Metadata) {
		m.Requires = []Dependency{{Name: "foo", Version: "1.0"}}
	}, want: []string{`Requires "foo"`, "without a comparison"}},
	{name: "comparison without version", meta: func(m *Metadata) {
		m.Conflicts = []Dependency{{Name: "foo", Flags: rpmtag.SenseLess}}
	}, want: []string{`Conflicts "foo"`, "without a version"}},
	{name: "dependency with blank", meta: func(m *Metadata) {
		m.Provides = []Dependency{{Name: "foo bar"}}
	}, want: []string{`Provides "foo bar"`}},
	{name: "relative interpreter", meta: func(m *Metadata) {
		m.PostIn = Script{Body: "true", Interpreter: "sh"}
	}, want: []string{`interpreter "sh"`}},
	{name: "unknown compressor", opt: Options{Compressor: "lz4"}, want: []string{`unknown compressor "lz4"`}},
	{name: "zstd level", opt: Options{Compressor: "zstd", Level: 23}, want: []string{"zstd level 23"}},
	{name: "gzip level", opt: Options{Compressor: "gzip", Level: 10}, want: []string{"gzip level 10"}},
	{name: "level without compression", opt: Options{Compressor: "none", Level: 3}, want: []string{"uncompressed"}},
	{name: "missing temp dir", opt: Options{TempDir: "/nonexistent/rpmwrite"}, want: []string{"spooling payload"}},
}

func TestWriteRejectsBadInput(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			m := okMetadata()
			if c.meta != nil {
				c.meta(&m)
			}
			opt := c.opt
			tmp := t.TempDir()
			if opt.TempDir == "" {
				opt.TempDir = tmp
			}
			var out bytes.Buffer
			err := Write(&out, m, c.files, opt)
			if err == nil {
				t.Fatal("Write succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q does not wrap %v", err, c.is)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written despite the error", out.Len())
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in TempDir: %v", left)
			}
		})
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errBroken }

func TestWriteReportsOutputError(t *testing.T) {
	tmp := t.TempDir()
	err := Write(errWriter{}, okMetadata(), []File{reg("/usr/x", "x")}, Options{TempDir: tmp})
	if !errors.Is(err, errBroken) {
		t.Errorf("error %v does not wrap the writer's", err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("left in TempDir: %v", left)
	}
}

// TestWriteAcceptsEdgeCases covers valid inputs at the edges: no files,
// a ghost without a body, an empty body, Epoch 0, a rich dependency.
func TestWriteAcceptsEdgeCases(t *testing.T) {
	testenv.NeedTools(t, "rpm")
	dir := t.TempDir()
	m := okMetadata()
	m.Epoch = u32(0)
	m.Requires = []Dependency{{Name: "(a or b)"}}
	m.PostIn = Script{Interpreter: "/sbin/ldconfig"}
	cases := map[string][]File{
		"no files": nil,
		"ghost and empty": {
			{Path: "/var/x", Mode: 0o100644, Size: 100, Flags: rpmtag.FileGhost},
			reg("/usr/empty", ""),
		},
	}
	for name, files := range cases {
		p := writePackage(t, dir, "edge.rpm", m, files, Options{})
		if out := run(t, "", nil, "rpm", "-K", "--nosignature", p); !strings.Contains(out, "digests OK") {
			t.Errorf("%s: rpm -K: %s", name, out)
		}
		req := rpmQuery(t, p, "--requires")
		for _, want := range []string{"(a or b)", "/sbin/ldconfig", "rpmlib(RichDependencies) <= 4.12.0-1"} {
			if !strings.Contains(req, want+"\n") {
				t.Errorf("%s: requires lack %q:\n%s", name, want, req)
			}
		}
		if got := rpmQuery(t, p, "--provides"); got != "ok = 0:1-1\n" {
			t.Errorf("%s: provides %q", name, got)
		}
		if got := rpmQuery(t, p, "--scripts"); got != "postinstall program: /sbin/ldconfig\n" {
			t.Errorf("%s: scripts %q", name, got)
		}
	}
}

// TestSourcePackageFiles checks what a source package accepts: bare
// names of regular files only.
func TestSourcePackageFiles(t *testing.T) {
	m := Metadata{Name: "s", Version: "1", Release: "1", Arch: "x86_64", Summary: "s", License: "MIT", Source: &Source{Sources: []string{"s.tar.gz"}}}
	body := func(name string) File {
		return File{Path: name, Mode: 0o100644, Size: 2, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x\n")), nil }}
	}
	tests := []struct {
		name string
		file File
		want string
	}{
		{"absolute", body("/usr/s.spec"), "have no directory"},
		{"dot", body(".."), "is not a file name"},
		{"control byte", body("s\x01.spec"), "byte 0x1"},
		{"directory", File{Path: "d", Mode: 0o40755}, "regular files only"},
		{"ghost", File{Path: "g", Mode: 0o100644, Flags: rpmtag.FileGhost}, "regular files only"},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		err := Write(&out, m, []File{body("s.spec"), tc.file}, Options{Level: 3, TempDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	var out bytes.Buffer
	if err := Write(&out, m, []File{body("s.spec"), body("s.tar.gz")}, Options{Level: 3, TempDir: t.TempDir()}); err != nil {
		t.Fatalf("valid source package: %v", err)
	}
	if out.Bytes()[7] != 1 {
		t.Errorf("lead type %d, want 1 (source)", out.Bytes()[7])
	}
}
