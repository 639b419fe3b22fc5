package rpmwrite

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmtag"
)

// TestRpmpackDefects pins down, one subtest each, the google/rpmpack v0.7.1
// defects this package exists to avoid.
func TestRpmpackDefects(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpm2cpio", "cpio")
	dir := t.TempDir()
	m := Metadata{
		Name: "demo", Epoch: u32(2), Version: "1.0", Release: "1", Arch: "x86_64",
		Summary: "s", License: "MIT", BuildTime: sourceDateEpoch,
	}
	files := []File{
		{Path: "/etc/demo.conf", Mode: 0o100644, Size: 12, Flags: rpmtag.FileGhost | rpmtag.FileConfig},
		{Path: "/usr/share/demo", Mode: 0o40755},
		{Path: "/usr/share/demo/a", Mode: 0o100644, Size: 6, Open: body("hello\n")},
	}
	pkg := writePackage(t, dir, "demo.rpm", m, files, Options{})
	r := readRPM(t, pkg)

	t.Run("ghost config file not in payload", func(t *testing.T) {
		names := cpioList(t, pkg)
		if want := []string{"./usr/share/demo", "./usr/share/demo/a"}; strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("payload holds %v, want %v", names, want)
		}
		if got := rpmQuery(t, pkg, "--qf", "[%{FILENAMES} %{FILEFLAGS}\n]"); !strings.Contains(got, "/etc/demo.conf 65\n") {
			t.Errorf("header file list:\n%s", got)
		}
	})

	t.Run("signature payload size is the cpio length", func(t *testing.T) {
		archive := shell(t, "", "rpm2cpio "+pkg)
		if got := r.sig[rpmtag.SigPayloadSize].text; got != strconv.Itoa(len(archive)) {
			t.Errorf("SIGTAG_PAYLOADSIZE = %s, rpm2cpio gives %d bytes", got, len(archive))
		}
	})

	t.Run("rpmlib requires", func(t *testing.T) {
		got := rpmQuery(t, pkg, "--requires")
		for _, want := range []string{
			"rpmlib(CompressedFileNames) <= 3.0.4-1",
			"rpmlib(FileDigests) <= 4.6.0-1",
			"rpmlib(PayloadFilesHavePrefix) <= 4.0-1",
			"rpmlib(PayloadIsZstd) <= 5.4.18-1",
		} {
			if !strings.Contains(got, want+"\n") {
				t.Errorf("requires lack %q:\n%s", want, got)
			}
		}
	})

	t.Run("epoch in self provides", func(t *testing.T) {
		if got, want := rpmQuery(t, pkg, "--provides"), "demo = 2:1.0-1\ndemo(x86-64) = 2:1.0-1\n"; got != want {
			t.Errorf("provides %q, want %q", got, want)
		}
	})

	t.Run("payload flags from the level", func(t *testing.T) {
		cases := []struct {
			opt                 Options
			compressor, flags   string
			rpmlibFeature, skip string
		}{
			{Options{Compressor: "zstd", Level: 3}, "zstd", "3", "rpmlib(PayloadIsZstd)", ""},
			{Options{Compressor: "zstd", Level: 19}, "zstd", "19", "rpmlib(PayloadIsZstd)", ""},
			{Options{}, "zstd", "19", "rpmlib(PayloadIsZstd)", ""},
			{Options{Compressor: "xz", Level: 2}, "xz", "2", "rpmlib(PayloadIsXz)", ""},
			{Options{Compressor: "gzip", Level: 6}, "gzip", "6", "", "rpmlib(PayloadIs"},
			{Options{Compressor: "none"}, "(none)", "", "", "rpmlib(PayloadIs"},
		}
		for _, c := range cases {
			p := writePackage(t, dir, "flags.rpm", m, files, c.opt)
			got := rpmQuery(t, p, "--qf", "%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}")
			if want := c.compressor + "|" + c.flags; got != want {
				t.Errorf("%+v: compressor|flags = %q, want %q", c.opt, got, want)
			}
			req := rpmQuery(t, p, "--requires")
			if c.rpmlibFeature != "" && !strings.Contains(req, c.rpmlibFeature) {
				t.Errorf("%+v: requires lack %s", c.opt, c.rpmlibFeature)
			}
			if c.skip != "" && strings.Contains(req, c.skip) {
				t.Errorf("%+v: requires have %s", c.opt, c.skip)
			}
			if out := run(t, "", nil, "rpm", "-K", "--nosignature", p); !strings.Contains(out, "digests OK") {
				t.Errorf("%+v: rpm -K: %s", c.opt, out)
			}
		}
	})
}
