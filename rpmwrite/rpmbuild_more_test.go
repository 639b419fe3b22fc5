package rpmwrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmtag"
)

const smallSpec = `Name: small
Version: 2.0~rc1
Release: 1
Summary: Small package
License: MIT
AutoReqProv: no
%s

%description
Small.

%install
cp -a %{srcroot}/. %{buildroot}/

%files
%s
`

func smallMetadata(arch string) Metadata {
	return Metadata{
		Name: "small", Version: "2.0~rc1", Release: "1", Arch: arch,
		Summary: "Small package", Description: "Small.", License: "MIT",
		BuildHost: "build.example.org", BuildTime: sourceDateEpoch, OptFlags: "-O2 -g",
	}
}

// buildSmall builds smallSpec with extra preamble lines and the given
// payload macro.
func buildSmall(t *testing.T, dir, preamble, payload string, tree []treeFile) string {
	t.Helper()
	spec := strings.Replace(smallSpec, "%s", preamble, 1)
	if payload != "w19.zstdio" {
		spec = strings.Replace(spec, "AutoReqProv: no", "AutoReqProv: no\n%define _binary_payload "+payload, 1)
	}
	return rpmbuildPackage(t, dir, spec, tree)
}

// TestMatchesRpmbuildCompressors checks the payload tags and rpmlib()
// requirement for each compressor against rpmbuild with the matching
// %_binary_payload.
func TestMatchesRpmbuildCompressors(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpmbuild", "rpm2cpio", "cpio")
	arch := hostArch(t)
	tree := []treeFile{
		{path: "/usr/share/small", mode: 0o40755, spec: "%dir /usr/share/small"},
		{path: "/usr/share/small/a.txt", mode: 0o100644, body: strings.Repeat("some text\n", 5000)},
		{path: "/usr/share/small/b", mode: 0o120777, link: "a.txt"},
	}
	cases := []struct {
		payload string
		opt     Options
	}{
		{"w19.zstdio", Options{Compressor: "zstd", Level: 19}},
		{"w3.zstdio", Options{Compressor: "zstd", Level: 3}},
		{"w6.xzdio", Options{Compressor: "xz", Level: 6}},
		{"w2.xzdio", Options{Compressor: "xz", Level: 2}},
		{"w9.gzdio", Options{Compressor: "gzip", Level: 9}},
		{"w1.gzdio", Options{Compressor: "gzip", Level: 1}},
		{"w.ufdio", Options{Compressor: "none"}},
	}
	for _, c := range cases {
		t.Run(c.payload, func(t *testing.T) {
			dir := t.TempDir()
			theirs := buildSmall(t, dir, "Requires: foo >= 1.0^git2", c.payload, tree)
			m := smallMetadata(arch)
			m.Requires = []Dependency{{Name: "foo", Flags: rpmtag.SenseGreater | rpmtag.SenseEqual, Version: "1.0^git2"}}
			ours := writePackage(t, dir, "ours.rpm", m, treeFiles(tree), c.opt)
			compareHeaders(t, readRPM(t, theirs).main, readRPM(t, ours).main)
			for _, q := range []string{"--requires", "--dump"} {
				if want, got := rpmQuery(t, theirs, q), rpmQuery(t, ours, q); want != got {
					t.Errorf("rpm -qp %s differs:\n%s", q, diffLines(want, got))
				}
			}
			if out := run(t, "", nil, "rpm", "-K", "--nosignature", ours); !strings.Contains(out, "digests OK") {
				t.Errorf("rpm -K: %s", out)
			}
			if want, got := shell(t, "", "rpm2cpio "+theirs), shell(t, "", "rpm2cpio "+ours); want != got {
				t.Errorf("rpm2cpio output differs")
			}
		})
	}
}

// TestMatchesRpmbuildLargeFiles checks the 64-bit size tags, the
// rpmlib(LargeFiles) requirement and rpm's stripped cpio headers, which
// rpmbuild switches to when a file reaches 4 GiB. A sparse %ghost keeps
// the test fast: it is sized but never read.
func TestMatchesRpmbuildLargeFiles(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpmbuild")
	dir := t.TempDir()
	arch := hostArch(t)
	tree := []treeFile{
		{path: "/usr/share/small", mode: 0o40755, spec: "%dir /usr/share/small"},
		{path: "/usr/share/small/readme", mode: 0o100644, body: "hello\n"},
		{path: "/usr/share/small/link", mode: 0o120777, link: "readme"},
		{path: "/var/lib/small/disk.img", mode: 0o100644, sparse: 5 << 30, flags: rpmtag.FileGhost,
			spec: "%ghost /var/lib/small/disk.img"},
	}
	theirs := buildSmall(t, dir, "", "w19.zstdio", tree)
	ours := writePackage(t, dir, "ours.rpm", smallMetadata(arch), treeFiles(tree), Options{})
	tr, or := readRPM(t, theirs), readRPM(t, ours)
	compareHeaders(t, tr.main, or.main)
	for _, tag := range []uint32{rpmtag.LongFileSizes, rpmtag.LongSize, rpmtag.PayloadDigestAlt} {
		if _, ok := or.main[tag]; !ok {
			t.Errorf("tag %d missing", tag)
		}
	}
	if !or.sig[rpmtag.SigPayloadSize].same(tr.sig[rpmtag.SigPayloadSize]) {
		t.Errorf("payload size %v, rpmbuild %v", or.sig[rpmtag.SigPayloadSize], tr.sig[rpmtag.SigPayloadSize])
	}
	for _, q := range []string{"--requires", "--dump", "-i"} {
		if want, got := rpmQuery(t, theirs, q), rpmQuery(t, ours, q); want != got {
			t.Errorf("rpm -qp %s differs:\n%s", q, diffLines(want, got))
		}
	}
	if out := run(t, "", nil, "rpm", "-K", "--nosignature", ours); !strings.Contains(out, "digests OK") {
		t.Errorf("rpm -K: %s", out)
	}
	root := filepath.Join(dir, "root")
	run(t, "", nil, "rpm", "--root", root, "--dbpath", "/rpmdb", "--initdb")
	run(t, "", nil, "rpm", "-i", "--root", root, "--dbpath", "/rpmdb", "--nodeps", "--noscripts", ours)
	if b, err := os.ReadFile(filepath.Join(root, "usr/share/small/readme")); err != nil || string(b) != "hello\n" {
		t.Errorf("installed readme: %q, %v", b, err)
	}
	if l, err := os.Readlink(filepath.Join(root, "usr/share/small/link")); err != nil || l != "readme" {
		t.Errorf("installed link: %q, %v", l, err)
	}
}

// TestMatchesRpmbuildDirNames checks the compressed file names on a list
// whose directories do not come out sorted: rpm looks directories up by
// binary search in the order it met them, so it records "/" twice here,
// and so must we.
func TestMatchesRpmbuildDirNames(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpmbuild")
	dir := t.TempDir()
	var tree []treeFile
	for _, p := range []string{"/a/a.", "/a/a0/ab", "/a0", "/ab", "/b/b/a."} {
		tree = append(tree, treeFile{path: p, mode: 0o100644, body: p + "\n"})
	}
	theirs := buildSmall(t, dir, "", "w19.zstdio", tree)
	ours := writePackage(t, dir, "ours.rpm", smallMetadata(hostArch(t)), treeFiles(tree), Options{})
	tr, or := readRPM(t, theirs), readRPM(t, ours)
	compareHeaders(t, tr.main, or.main)
	if got := or.main[rpmtag.DirNames].text; got != `"/a/","/a/a0/","/","/","/b/b/"` {
		t.Errorf("DIRNAMES = %s", got)
	}
}
