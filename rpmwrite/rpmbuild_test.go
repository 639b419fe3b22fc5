package rpmwrite

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"

	"github.com/gotc-project/gotc/rpmtag"
)

// sourceDateEpoch is the SOURCE_DATE_EPOCH both builds use; rpmbuild
// clamps file mtimes to it and uses it as the build time.
const sourceDateEpoch = 1700000000

// treeFile is one file of the differential test package: how to create
// it in the build root, how the spec lists it, and the File that
// describes it to Write.
type treeFile struct {
	path     string
	mode     uint32
	body     string
	link     string
	flags    uint32
	missing  bool  // a %ghost not created in the build root
	sparse   int64 // size of a sparse, all-zero body (for huge ghosts)
	user     string
	noVerify uint32
	lang     string
	spec     string // the %files line
}

// demoTree covers the file kinds and attributes the differential test
// compares: regular, executable, binary, empty, %dir, symlink,
// %config(noreplace), %doc, %license, %lang, %verify, %attr with another
// owner, a %ghost file, a %ghost symlink, a %ghost %config file that exists
// and a %ghost that does not.
var demoTree = []treeFile{
	{path: "/usr/lib/demo/bin/tool", mode: 0o100755, body: "#!/bin/sh\necho hi\n"},
	{path: "/etc/demo.conf", mode: 0o100644, body: "conf=1\n", flags: rpmtag.FileConfig | rpmtag.FileNoReplace,
		spec: "%config(noreplace) /etc/demo.conf"},
	{path: "/etc/demo.local", mode: 0o100644, body: "local settings\n",
		flags: rpmtag.FileGhost | rpmtag.FileConfig | rpmtag.FileNoReplace,
		spec:  "%ghost %config(noreplace) /etc/demo.local"},
	{path: "/etc/demo.verify", mode: 0o100600, body: "v\n", flags: rpmtag.FileConfig,
		noVerify: rpmtag.VerifyDigest | rpmtag.VerifyFileSize | rpmtag.VerifyMTime,
		spec:     "%config %verify(not md5 size mtime) /etc/demo.verify"},
	{path: "/usr/bin/demo", mode: 0o120777, link: "/etc/alternatives/demo", flags: rpmtag.FileGhost,
		spec: "%ghost /usr/bin/demo"},
	{path: "/usr/lib/demo", mode: 0o40755, spec: "%dir /usr/lib/demo"},
	{path: "/usr/lib/demo/bin", mode: 0o40755, spec: "%dir /usr/lib/demo/bin"},
	{path: "/usr/lib/demo/data.bin", mode: 0o100644, body: binaryBody()},
	{path: "/usr/lib/demo/empty.txt", mode: 0o100644},
	{path: "/usr/lib/demo/link", mode: 0o120777, link: "bin/tool"},
	{path: "/usr/lib/demo-extra/x", mode: 0o100644, body: "x\n"},
	{path: "/usr/share/demo/de.msg", mode: 0o100644, body: "hallo\n", lang: "de",
		spec: "%lang(de) /usr/share/demo/de.msg"},
	{path: "/usr/share/doc/demo/README", mode: 0o100644, body: "readme\n", flags: rpmtag.FileDoc,
		spec: "%doc /usr/share/doc/demo/README"},
	{path: "/usr/share/licenses/demo/LICENSE", mode: 0o100644, body: "license text\n", flags: rpmtag.FileLicense,
		spec: "%license /usr/share/licenses/demo/LICENSE"},
	{path: "/var/lib/demo", mode: 0o40750, user: "daemon",
		spec: "%dir %attr(0750,daemon,daemon) /var/lib/demo"},
	{path: "/var/lib/demo/state", mode: 0o100640, flags: rpmtag.FileGhost, missing: true,
		spec: "%ghost %attr(0640,root,root) /var/lib/demo/state"},
}

func binaryBody() string {
	b := make([]byte, 70000)
	x := uint32(1)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return string(b)
}

// populate creates the tree's non-missing files under root.
func populate(t *testing.T, root string, tree []treeFile) {
	t.Helper()
	for _, f := range tree {
		if f.missing {
			continue
		}
		p := filepath.Join(root, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch f.mode & modeType {
		case modeDir:
			err = os.MkdirAll(p, 0o755)
		case modeSymlink:
			err = os.Symlink(f.link, p)
		default:
			if err = os.WriteFile(p, []byte(f.body), 0o644); err == nil {
				err = os.Chmod(p, os.FileMode(f.mode&0o777))
			}
			if err == nil && f.sparse > 0 {
				err = os.Truncate(p, f.sparse)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// treeFiles describes the tree to Write, in an order other than the
// sorted one.
func treeFiles(tree []treeFile) []File {
	var files []File
	for i := len(tree) - 1; i >= 0; i-- {
		tf := tree[i]
		f := File{
			Path: tf.path, Mode: tf.mode, MTime: sourceDateEpoch, Flags: tf.flags,
			LinkTo: tf.link, Missing: tf.missing, User: tf.user, Group: tf.user,
			NoVerify: tf.noVerify, Lang: tf.lang,
		}
		if f.isRegular() {
			f.Size = int64(len(tf.body))
			if tf.sparse > 0 {
				f.Size = tf.sparse
			}
			if !f.isGhost() {
				f.Open = body(tf.body)
			}
		}
		files = append(files, f)
	}
	return files
}

const demoSpec = `Name: demo
Epoch: 3
Version: 1.2
Release: 4.fc41
Summary: A demo package
License: BSD-3-Clause
URL: https://example.org/demo
Vendor: gotc
Packager: Some One <someone@example.org>
Group: Development/Languages
Distribution: Fedora
AutoReqProv: no
Requires: coreutils
Requires: bash >= 5.0
Requires: bash >= 5.0
Requires(post): /usr/sbin/alternatives
Requires(postun): /usr/sbin/alternatives
Requires(pre): /bin/sh
Provides: golang-demo = 1.2
Provides: demo-virtual
Conflicts: otherdemo < 2
Obsoletes: olddemo < 1.0-1
Recommends: git
Suggests: gdb

%description
Demo package used to compare rpmwrite with rpmbuild.
It has a second line.

%install
cp -a %{srcroot}/. %{buildroot}/

%pre
echo pre $1
%post
/usr/sbin/alternatives --install /usr/bin/demo demo /usr/lib/demo/bin/tool 10
%preun
echo preun
%postun
if [ $1 -eq 0 ]; then
  /usr/sbin/alternatives --remove demo /usr/lib/demo/bin/tool
fi
%pretrans -p <lua>
print("pretrans")
%posttrans
echo posttrans

%files
%s

%changelog
* Tue Jan 02 2024 Some One <someone@example.org> - 3:1.2-4
- second entry

* Mon Jan 01 2024 Other Person <o@example.org> - 1.0-1
- first entry
- more text
`

// demoMetadata describes demoSpec to Write, with dependencies in another
// order than rpmbuild's and a duplicate, as in the spec.
func demoMetadata(arch string) Metadata {
	return Metadata{
		Name: "demo", Epoch: u32(3), Version: "1.2", Release: "4.fc41", Arch: arch,
		Summary:      "A demo package",
		Description:  "Demo package used to compare rpmwrite with rpmbuild.\nIt has a second line.",
		License:      "BSD-3-Clause",
		URL:          "https://example.org/demo",
		Vendor:       "gotc",
		Packager:     "Some One <someone@example.org>",
		Group:        "Development/Languages",
		Distribution: "Fedora",
		SourceRPM:    "demo-1.2-4.fc41.src.rpm",
		BuildHost:    "build.example.org",
		BuildTime:    sourceDateEpoch,
		OptFlags:     "-O2 -g",
		Requires: []Dependency{
			{Name: "/usr/sbin/alternatives", Flags: rpmtag.SenseScriptPostun},
			{Name: "bash", Flags: rpmtag.SenseGreater | rpmtag.SenseEqual, Version: "5.0"},
			{Name: "coreutils"},
			{Name: "/usr/sbin/alternatives", Flags: rpmtag.SenseScriptPost},
			{Name: "bash", Flags: rpmtag.SenseGreater | rpmtag.SenseEqual, Version: "5.0"},
			{Name: "/bin/sh", Flags: rpmtag.SenseScriptPre},
		},
		Provides:   []Dependency{{Name: "golang-demo", Flags: rpmtag.SenseEqual, Version: "1.2"}, {Name: "demo-virtual"}},
		Conflicts:  []Dependency{{Name: "otherdemo", Flags: rpmtag.SenseLess, Version: "2"}},
		Obsoletes:  []Dependency{{Name: "olddemo", Flags: rpmtag.SenseLess, Version: "1.0-1"}},
		Recommends: []Dependency{{Name: "git"}},
		Suggests:   []Dependency{{Name: "gdb"}},
		PreIn:      Script{Body: "echo pre $1"},
		PostIn:     Script{Body: "/usr/sbin/alternatives --install /usr/bin/demo demo /usr/lib/demo/bin/tool 10"},
		PreUn:      Script{Body: "echo preun"},
		PostUn:     Script{Body: "if [ $1 -eq 0 ]; then\n  /usr/sbin/alternatives --remove demo /usr/lib/demo/bin/tool\nfi"},
		PreTrans:   Script{Body: `print("pretrans")`, Interpreter: "<lua>"},
		PostTrans:  Script{Body: "echo posttrans"},
		Changelog: []ChangelogEntry{
			{Time: 1704196800, Author: "Some One <someone@example.org> - 3:1.2-4", Text: "- second entry"},
			{Time: 1704110400, Author: "Other Person <o@example.org> - 1.0-1", Text: "- first entry\n- more text"},
		},
	}
}

// rpmbuildPackage builds spec with rpmbuild, its %{srcroot} populated with
// tree, and returns the path of the binary package.
func rpmbuildPackage(t *testing.T, dir, spec string, tree []treeFile) string {
	t.Helper()
	src := filepath.Join(dir, "src")
	populate(t, src, tree)
	var lines []string
	for _, f := range tree {
		if f.spec != "" {
			lines = append(lines, f.spec)
		} else {
			lines = append(lines, f.path)
		}
	}
	specPath := filepath.Join(dir, "demo.spec")
	if err := os.WriteFile(specPath, []byte(strings.Replace(spec, "%s", strings.Join(lines, "\n"), 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	top := filepath.Join(dir, "top")
	run(t, dir, []string{fmt.Sprintf("SOURCE_DATE_EPOCH=%d", sourceDateEpoch)}, "rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+top,
		"--define", "srcroot "+src,
		"--define", "_binary_payload w19.zstdio",
		"--define", "__os_install_post %{nil}",
		"--define", "debug_package %{nil}",
		"--define", "_build_id_links none",
		"--define", "use_source_date_epoch_as_buildtime 1",
		"--define", "clamp_mtime_to_source_date_epoch 1",
		"--define", "_buildhost build.example.org",
		"--define", "optflags -O2 -g",
		"--define", "_target_platform %{_target_cpu}-redhat-linux-gnu",
		specPath)
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(rpms) != 1 {
		t.Fatalf("rpmbuild made %d packages, want 1: %v", len(rpms), rpms)
	}
	return rpms[0]
}

// hostArch is the architecture rpmbuild builds for by default.
func hostArch(t *testing.T) string {
	return strings.TrimSpace(run(t, "", nil, "rpm", "--eval", "%{_arch}"))
}

// Tags that legitimately differ between rpmbuild's package and ours:
// the digest of the compressed payload (libzstd and klauspost/compress
// compress differently) and the libmagic file classes rpmbuild computes.
var differingTags = map[uint32]string{
	rpmtag.PayloadDigest: "compressed payload bytes differ",
	rpmtag.FileClass:     "libmagic classification",
	rpmtag.ClassDict:     "libmagic classification",
}

// tagUnion is the tags of two parsed headers, sorted.
func tagUnion(a, b map[uint32]tagValue) []uint32 {
	var tags []uint32
	for tag := range a {
		tags = append(tags, tag)
	}
	for tag := range b {
		if _, ok := a[tag]; !ok {
			tags = append(tags, tag)
		}
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	return tags
}

// compareHeaders checks that two main headers have the same tags with the
// same types, counts and values, apart from differingTags.
func compareHeaders(t *testing.T, want, got map[uint32]tagValue) {
	t.Helper()
	tags := tagUnion(want, got)
	for _, tag := range tags {
		w, inWant := want[tag]
		g, inGot := got[tag]
		switch {
		case !inWant:
			t.Errorf("tag %d: rpmwrite writes it, rpmbuild does not: %s", tag, g.text)
		case !inGot:
			t.Errorf("tag %d: rpmbuild writes it, rpmwrite does not: %s", tag, w.text)
		case w.typ != g.typ:
			t.Errorf("tag %d: type %d, rpmbuild %d", tag, g.typ, w.typ)
		case differingTags[tag] != "":
		case !w.same(g):
			t.Errorf("tag %d:\n  rpmbuild: %d× %s\n  rpmwrite: %d× %s", tag, w.count, w.text, g.count, g.text)
		}
	}
}

func TestMatchesRpmbuild(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpmbuild", "rpm2cpio", "cpio")
	dir := t.TempDir()
	arch := hostArch(t)
	theirs := rpmbuildPackage(t, dir, demoSpec, demoTree)
	tr := readRPM(t, theirs)
	// File.Class is the caller's libmagic verdict; take rpmbuild's so the
	// headers can be compared byte for byte.
	classes := fileClasses(tr.main)
	files := treeFiles(demoTree)
	for i := range files {
		files[i].Class = classes[files[i].Path]
	}
	ours := writePackage(t, dir, "ours.rpm", demoMetadata(arch), files, Options{Compressor: "zstd", Level: 19})
	or := readRPM(t, ours)

	queries := [][]string{
		{"--dump"},
		{"--requires"},
		{"--provides"},
		{"--conflicts"},
		{"--obsoletes"},
		{"--recommends"},
		{"--suggests"},
		{"--scripts"},
		{"--changelog"},
		{"-i"},
		{"--qf", "[%{REQUIRENAME} %{REQUIREFLAGS} %{REQUIREVERSION}\n]"},
		{"--qf", "[%{PROVIDENAME} %{PROVIDEFLAGS} %{PROVIDEVERSION}\n]"},
		{"--qf", "[%{FILENAMES} %{FILEFLAGS} %{FILEVERIFYFLAGS} %{FILEDEVICES} %{FILEINODES} %{FILELANGS} %{FILECOLORS}\n]"},
		{"--qf", "%{NEVRA} %{PLATFORM} %{OPTFLAGS} %{RPMVERSION} %{PAYLOADCOMPRESSOR} %{PAYLOADFLAGS} %{ENCODING} %{SIZE}\n"},
	}
	for _, q := range queries {
		want := rpmQuery(t, theirs, q...)
		got := rpmQuery(t, ours, q...)
		if want != got {
			t.Errorf("rpm -qp %s differs:\n%s", strings.Join(q, " "), diffLines(want, got))
		}
	}

	compareHeaders(t, tr.main, or.main)
	// Byte for byte, the main headers differ only in the digest of the
	// compressed payload.
	ourHeader := bytes.Replace(or.mainBytes, []byte(or.main[rpmtag.PayloadDigest].strs[0]),
		[]byte(tr.main[rpmtag.PayloadDigest].strs[0]), 1)
	if !bytes.Equal(ourHeader, tr.mainBytes) {
		t.Errorf("main header bytes differ from rpmbuild's beyond the payload digest")
	}
	if string(tr.lead) != string(or.lead) {
		t.Errorf("lead differs:\n  rpmbuild: %x\n  rpmwrite: %x", tr.lead, or.lead)
	}
	if tr.sigLen != or.sigLen {
		t.Errorf("signature header is %d bytes, rpmbuild's %d", or.sigLen, tr.sigLen)
	}
	for _, tag := range []uint32{rpmtag.SigPayloadSize, rpmtag.SigReservedSpace} {
		if !tr.sig[tag].same(or.sig[tag]) {
			t.Errorf("signature tag %d = %v, rpmbuild %v", tag, or.sig[tag], tr.sig[tag])
		}
	}
	var sigTags, wantSigTags []uint32
	for tag := range or.sig {
		sigTags = append(sigTags, tag)
	}
	for tag := range tr.sig {
		wantSigTags = append(wantSigTags, tag)
	}
	sort.Slice(sigTags, func(i, j int) bool { return sigTags[i] < sigTags[j] })
	sort.Slice(wantSigTags, func(i, j int) bool { return wantSigTags[i] < wantSigTags[j] })
	if fmt.Sprint(sigTags) != fmt.Sprint(wantSigTags) {
		t.Errorf("signature tags %v, rpmbuild %v", sigTags, wantSigTags)
	}

	// The uncompressed payloads are the same bytes.
	wantCPIO := shell(t, "", "rpm2cpio "+theirs)
	gotCPIO := shell(t, "", "rpm2cpio "+ours)
	if wantCPIO != gotCPIO {
		t.Errorf("rpm2cpio output differs: %d bytes, rpmbuild %d", len(gotCPIO), len(wantCPIO))
	}

	if out := run(t, "", nil, "rpm", "-K", "--nosignature", ours); !strings.Contains(out, "digests OK") {
		t.Errorf("rpm -K: %s", out)
	}

	var wantNames []string
	for _, f := range demoTree {
		if f.flags&rpmtag.FileGhost == 0 {
			wantNames = append(wantNames, "."+f.path)
		}
	}
	sort.Strings(wantNames)
	if got := cpioList(t, ours); strings.Join(got, "\n") != strings.Join(wantNames, "\n") {
		t.Errorf("cpio -t lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantNames, "\n"))
	}

	// cpio can extract it, with the right contents and modes.
	x := filepath.Join(dir, "extract")
	if err := os.Mkdir(x, 0o755); err != nil {
		t.Fatal(err)
	}
	shell(t, x, "rpm2cpio "+ours+" | cpio -idm --quiet --no-absolute-filenames")
	checkTree(t, x, demoTree, false)

	// rpm installs it.
	root := filepath.Join(dir, "root")
	run(t, "", nil, "rpm", "--root", root, "--dbpath", "/rpmdb", "--initdb")
	run(t, "", nil, "rpm", "-i", "--root", root, "--dbpath", "/rpmdb", "--nodeps", "--noscripts", ours)
	checkTree(t, root, demoTree, true)
	if out := run(t, "", nil, "rpm", "-q", "--root", root, "--dbpath", "/rpmdb", "demo"); !strings.HasPrefix(out, "demo-1.2-4.fc41") {
		t.Errorf("rpm -q after install: %q", out)
	}
	// rpm -V finds the installed files as the header describes them.
	run(t, "", nil, "rpm", "-V", "--nodeps", "--root", root, "--dbpath", "/rpmdb", "demo")

	// rpmlint says the same about both packages, except what it derives
	// from the libmagic classes only rpmbuild records.
	if diff := diffLines(rpmlint(t, theirs), rpmlint(t, ours)); diff != "" {
		t.Errorf("rpmlint findings differ:\n%s", diff)
	}
}

// rpmlint returns rpmlint's findings for the package at path, sorted,
// without the summary line and the checks that read FILECLASS.
func rpmlint(t *testing.T, path string) string {
	t.Helper()
	testenv.NeedTools(t, "rpmlint")
	// rpmlint compares the file name with the header; give both the same.
	dir := t.TempDir()
	link := filepath.Join(dir, strings.TrimSpace(rpmQuery(t, path, "--qf", "%{NEVRA}.rpm")))
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	// rpmlint exits non-zero when it finds errors; the findings are what
	// we compare.
	out, _ := runErr(dir, nil, "rpmlint", link)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l == "" || strings.Contains(l, "packages and 0 specfiles checked") ||
			strings.Contains(l, "only-non-binary-in-usr-lib") {
			continue
		}
		lines = append(lines, l)
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		t.Fatalf("rpmlint %s printed no findings: %q", path, out)
	}
	return strings.Join(lines, "\n")
}

// checkTree checks the regular files and symlinks of tree under root.
func checkTree(t *testing.T, root string, tree []treeFile, installed bool) {
	t.Helper()
	for _, f := range tree {
		p := filepath.Join(root, f.path)
		if f.flags&rpmtag.FileGhost != 0 {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("%s: ghost present after extraction", f.path)
			}
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Errorf("%s: %v", f.path, err)
			continue
		}
		switch f.mode & modeType {
		case modeSymlink:
			if l, _ := os.Readlink(p); l != f.link {
				t.Errorf("%s: links to %q, want %q", f.path, l, f.link)
			}
		case modeRegular:
			b, _ := os.ReadFile(p)
			if string(b) != f.body {
				t.Errorf("%s: content differs", f.path)
			}
			if perm := uint32(fi.Mode().Perm()); perm != f.mode&0o777 {
				t.Errorf("%s: mode %#o, want %#o", f.path, perm, f.mode&0o777)
			}
			if installed && fi.ModTime().Unix() != sourceDateEpoch {
				t.Errorf("%s: mtime %d, want %d", f.path, fi.ModTime().Unix(), sourceDateEpoch)
			}
		case modeDir:
			if !fi.IsDir() {
				t.Errorf("%s: not a directory", f.path)
			}
		}
	}
}
