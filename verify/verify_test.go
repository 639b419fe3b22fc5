package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

const goroot126 = "/usr/libexec/go-toolchain/go1.26.8"

// rpmsOf returns the RPM paths of a series' packages, main first.
func rpmsOf(s *series, built map[string]string) []string {
	var out []string
	for _, part := range s.plan.Packages {
		out = append(out, built[part.Name])
	}
	return out
}

func mustVerify(t *testing.T, paths []string, opt Options) *Report {
	t.Helper()
	if opt.TempDir == "" {
		opt.TempDir = t.TempDir()
	}
	rep, err := Files(paths, opt)
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	return rep
}

func dump(r *Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

func epel(t *testing.T, names ...string) []toolchain.Target {
	t.Helper()
	ts, err := Targets(names)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestClean verifies the packages of both builders, with and without the
// configuration and the sources, alone and with the other series: no
// finding at all.
func TestClean(t *testing.T) {
	f := shared(t)
	native := append(rpmsOf(f.s126, f.s126.native), rpmsOf(f.s127, f.s127.native)...)
	built := rpmsOf(f.s126, f.s126.rpmbuild)
	// Not rawhide: its rpm enforces signatures and these are unsigned
	// (TestSignatureCheck covers it).
	targets := epel(t, "epel-9", "fedora-41", "fedora-44")
	cases := []struct {
		name  string
		paths []string
		opt   Options
	}{
		{"native/config", native, Options{Config: f.cfg, Targets: targets}},
		{"native/sources", native, Options{Config: f.cfg, Sources: f.s126.sources, Targets: targets}},
		{"native/inferred", native, Options{Targets: targets}},
		{"rpmbuild/config", built, Options{Config: f.cfg, Targets: targets}},
		{"rpmbuild/sources", built, Options{Config: f.cfg, Sources: f.s126.sources, Targets: targets}},
		{"rpmbuild/inferred", built, Options{}},
		{"rpmbuild+native 1.27", append(append([]string(nil), built...), rpmsOf(f.s127, f.s127.native)...), Options{Config: f.cfg, Sources: f.s126.sources}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := mustVerify(t, c.paths, c.opt)
			if len(rep.Findings) != 0 || rep.Packages != len(c.paths) {
				t.Errorf("want a clean report of %d packages, got:\n%s", len(c.paths), dump(rep))
			}
		})
	}
}

// edits used by the seeded defects.

func dropFile(path string) func(*rpmwrite.Metadata, *[]rpmwrite.File) {
	return func(_ *rpmwrite.Metadata, files *[]rpmwrite.File) {
		out := (*files)[:0]
		for _, f := range *files {
			if f.Path != path {
				out = append(out, f)
			}
		}
		*files = out
	}
}

func editFile(path string, edit func(f *rpmwrite.File)) func(*rpmwrite.Metadata, *[]rpmwrite.File) {
	return func(_ *rpmwrite.Metadata, files *[]rpmwrite.File) {
		for i := range *files {
			if (*files)[i].Path == path {
				edit(&(*files)[i])
			}
		}
	}
}

func addFile(f rpmwrite.File) func(*rpmwrite.Metadata, *[]rpmwrite.File) {
	return func(_ *rpmwrite.Metadata, files *[]rpmwrite.File) { *files = append(*files, f) }
}

func regular(path, body string, mode uint32) rpmwrite.File {
	return rpmwrite.File{Path: path, Mode: 0o100000 | mode, Size: int64(len(body)), Open: bodyOf([]byte(body))}
}

// TestSeededDefects seeds one defect per case into a clean package and
// expects an error finding of the named check (at the named path, when
// given) — the report a packager gets, and exit status 1 from the CLI.
func TestSeededDefects(t *testing.T) {
	f := shared(t)
	main126 := f.s126.native["go-toolchain-1.26"]
	src126 := f.s126.native["go-toolchain-1.26-src"]
	main127 := f.s127.native["go-toolchain-1.27"]
	withSources := func(o *Options) { o.Sources = f.s126.sources }
	cases := []struct {
		name   string
		base   string                                     // package the defect is seeded into
		edit   func(*rpmwrite.Metadata, *[]rpmwrite.File) // rpmwrite edit
		raw    func(t *testing.T, b []byte) []byte        // or a byte edit of base
		opt    func(o *Options)                           // options besides Config
		others []string                                   // verified alongside
		check  string                                     // expected error's check id
		path   string                                     // and path, when not ""
		level  findings.Level                             // Error unless set
	}{
		{name: "removed file (sources)", base: src126, edit: dropFile(goroot126 + "/src/runtime/x.go"), opt: withSources, check: CheckFiles, path: goroot126 + "/src/runtime/x.go"},
		{name: "removed required file (rules)", base: main126, edit: dropFile(goroot126 + "/bin/gofmt"), check: CheckFiles, path: goroot126 + "/bin/gofmt"},
		{name: "removed vendor tree (rules)", base: src126, edit: func(m *rpmwrite.Metadata, fs *[]rpmwrite.File) {
			dropFile(goroot126+"/src/vendor/modules.txt")(m, fs)
			dropFile(goroot126+"/src/vendor")(m, fs)
		}, check: CheckFiles, path: goroot126 + "/src/vendor"},
		{name: "extra file (sources)", base: main126, edit: addFile(regular(goroot126+"/extra.txt", "x\n", 0o644)), opt: withSources, check: CheckFiles, path: goroot126 + "/extra.txt"},
		{name: "extra file outside the root (rules)", base: main126, edit: addFile(regular("/usr/share/extra.txt", "x\n", 0o644)), check: CheckFiles, path: "/usr/share/extra.txt"},
		{name: "toolchain root not owned (rules)", base: src126, edit: dropFile(goroot126), check: CheckFiles, path: goroot126, level: findings.Warning},
		{name: "toolchain root not owned (sources)", base: src126, edit: dropFile(goroot126), opt: withSources, check: CheckFiles, path: goroot126},
		{name: "layout root a file (rules)", base: src126, edit: editFile("/usr/libexec/go-toolchain", func(f *rpmwrite.File) { *f = regular(f.Path, "x\n", 0o644) }), check: CheckFiles, path: "/usr/libexec/go-toolchain"},
		{name: "misplaced file (rules)", base: main126, edit: addFile(regular(goroot126+"/src/runtime/y.go", "package runtime\n", 0o644)), check: CheckFiles, path: goroot126 + "/src/runtime/y.go"},
		{name: "misplaced file (sources)", base: main126, edit: addFile(regular(goroot126+"/src/runtime/x.go", "package runtime\n", 0o644)), opt: withSources, check: CheckFiles, path: goroot126 + "/src/runtime/x.go"},
		{name: "wrong mode (rules)", base: main126, edit: editFile(goroot126+"/bin/gofmt", func(f *rpmwrite.File) { f.Mode = 0o100775 }), check: CheckFiles, path: goroot126 + "/bin/gofmt"},
		{name: "wrong mode (sources)", base: main126, edit: editFile(goroot126+"/VERSION", func(f *rpmwrite.File) { f.Mode = 0o100600 }), opt: withSources, check: CheckFiles, path: goroot126 + "/VERSION"},
		{name: "lost license mark (sources)", base: main126, edit: editFile(goroot126+"/LICENSE", func(f *rpmwrite.File) { f.Flags &^= rpmtag.FileLicense }), opt: withSources, check: CheckFiles, path: goroot126 + "/LICENSE"},
		{name: "changed content (sources)", base: main126, edit: editFile(goroot126+"/bin/gofmt", func(f *rpmwrite.File) {
			f.Open = bodyOf([]byte("#!/bin/sh\necho GOFMT\n"))
		}), opt: withSources, check: CheckFiles, path: goroot126 + "/bin/gofmt"},
		{name: "go.env GOTOOLCHAIN=auto", base: main126, edit: editFile(goroot126+"/go.env", func(f *rpmwrite.File) {
			body := "GOTOOLCHAIN=auto\n"
			f.Size, f.Open = int64(len(body)), bodyOf([]byte(body))
		}), check: CheckFiles, path: goroot126 + "/go.env"},
		{name: "noarch subpackage built for an arch", base: src126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) { m.Arch = "x86_64" }, check: CheckFiles},
		{name: "release not the configured one", base: src126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) { m.Release = "2.fc41" }, check: CheckFiles},
		{name: "missing ghost", base: main126, edit: dropFile("/etc/alternatives/gofmt"), check: CheckAlternatives, path: "/etc/alternatives/gofmt"},
		{name: "ghost not ghost", base: main126, edit: editFile("/usr/bin/go", func(f *rpmwrite.File) { f.Flags &^= rpmtag.FileGhost }), check: CheckAlternatives, path: "/usr/bin/go"},
		{name: "post without alternatives", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) { m.PostIn.Body = "exit 0" }, check: CheckAlternatives},
		{name: "post with a wrong follower", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			m.PostIn.Body = strings.Replace(m.PostIn.Body, "--slave /usr/bin/gofmt gofmt", "--slave /usr/bin/gofmt2 gofmt", 1)
		}, check: CheckAlternatives, path: "/usr/bin/gofmt"},
		{name: "wrong priority", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			m.PostIn.Body = strings.Replace(m.PostIn.Body, " 12608", " 90", 1)
		}, check: CheckAlternatives},
		{name: "postun without remove", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) { m.PostUn.Body = "exit 0" }, check: CheckAlternatives},
		{name: "no Requires(postun)", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			for i := range m.Requires {
				if m.Requires[i].Name == toolchain.UpdateAlternatives {
					m.Requires[i].Flags &^= rpmtag.SenseScriptPostun
				}
			}
		}, check: CheckAlternatives},
		{name: "two series own a non-identical file", base: main127, edit: editFile("/etc/alternatives/go", func(f *rpmwrite.File) { f.Mode = 0o100755 }), others: []string{main126}, check: CheckCoinstall, path: "/etc/alternatives/go"},
		{name: "two series own a regular file", base: main127, edit: addFile(regular("/usr/share/go-toolchain/notes", "1.27\n", 0o644)), others: []string{
			rewrite(t, main126, filepath.Join(t.TempDir(), "main126-notes.rpm"), addFile(regular("/usr/share/go-toolchain/notes", "1.26\n", 0o644))),
		}, check: CheckCoinstall, path: "/usr/share/go-toolchain/notes"},
		{name: "leaked Requires", base: src126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			m.Requires = append(m.Requires, rpmwrite.Dependency{Name: "/bin/rc", Flags: rpmtag.SenseFindRequires}, rpmwrite.Dependency{Name: "perl(strict)", Flags: rpmtag.SenseFindRequires})
		}, check: CheckDeps},
		{name: "leaked soname Provides", base: src126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			m.Provides = append(m.Provides, rpmwrite.Dependency{Name: "libtest.so()(64bit)", Flags: rpmtag.SenseFindProvides})
		}, check: CheckDeps},
		{name: "unexpected Requires", base: main126, edit: func(m *rpmwrite.Metadata, _ *[]rpmwrite.File) {
			m.Requires = append(m.Requires, rpmwrite.Dependency{Name: "git"})
		}, check: CheckDeps, level: findings.Warning},
		{name: "setuid", base: main126, edit: editFile(goroot126+"/bin/gofmt", func(f *rpmwrite.File) { f.Mode = 0o104755 }), check: CheckLint, path: goroot126 + "/bin/gofmt"},
		{name: "world-writable", base: src126, edit: editFile(goroot126+"/src/runtime/x.go", func(f *rpmwrite.File) { f.Mode = 0o100666 }), check: CheckLint, path: goroot126 + "/src/runtime/x.go"},
		{name: "file outside the standard tree", base: main126, edit: addFile(regular("/srv/go.txt", "x\n", 0o644)), check: CheckLint, path: "/srv/go.txt"},
		{name: "dangling symlink", base: main126, edit: addFile(rpmwrite.File{Path: goroot126 + "/bin/go2", Mode: 0o120777, LinkTo: "../nothere/go"}), check: CheckLint, path: goroot126 + "/bin/go2", level: findings.Warning},
		{name: "zero-length file", base: main126, edit: addFile(regular(goroot126+"/empty", "", 0o644)), check: CheckLint, path: goroot126 + "/empty", level: findings.Warning},
		{name: "corrupted payload", base: main126, raw: flipPayloadByte, check: CheckIntegrity},
		{name: "corrupted header", base: main126, raw: flipHeaderByte, check: CheckIntegrity},
		{name: "decompression bomb", base: main126, raw: func(t *testing.T, b []byte) []byte { return bomb(t, b) }, check: CheckStructure},
		{name: "ghost in the payload", base: main126, raw: splicePayload(main126, editFile("/etc/alternatives/go", func(f *rpmwrite.File) {
			f.Flags &^= rpmtag.FileGhost
			f.Open = bodyOf(nil)
		})), check: CheckStructure, path: "/etc/alternatives/go", level: findings.Warning},
		{name: "missing from the payload", base: main126, raw: splicePayload(main126, dropFile(goroot126+"/bin/gofmt")), check: CheckStructure, path: goroot126 + "/bin/gofmt"},
		{name: "not in the header", base: src126, raw: splicePayload(src126, addFile(regular(goroot126+"/src/runtime/z.go", "package runtime\n", 0o644))), check: CheckStructure, path: goroot126 + "/src/runtime/z.go"},
		{name: "payload mode differs", base: main126, raw: splicePayload(main126, editFile(goroot126+"/VERSION", func(f *rpmwrite.File) { f.Mode = 0o100600 })), check: CheckStructure, path: goroot126 + "/VERSION"},
		{name: "payload size differs", base: main126, raw: splicePayload(main126, editFile(goroot126+"/VERSION", func(f *rpmwrite.File) {
			body := "go1.26.8\ntime 2026-08-28T16:20:06Z\nextra\n"
			f.Size, f.Open = int64(len(body)), bodyOf([]byte(body))
		})), check: CheckIntegrity, path: goroot126 + "/VERSION"},
		{name: "file content differs from its digest", base: main126, raw: splicePayload(main126, editFile(goroot126+"/VERSION", func(f *rpmwrite.File) {
			body := "go1.26.9\ntime 2026-08-28T16:20:06Z\n"
			f.Open = bodyOf([]byte(body))
		})), check: CheckIntegrity, path: goroot126 + "/VERSION"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seeded := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".rpm")
			if c.raw != nil {
				b, err := os.ReadFile(c.base)
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(seeded, c.raw(t, b), 0o644)
			} else {
				rewrite(t, c.base, seeded, c.edit)
			}
			opt := Options{Config: f.cfg}
			if c.opt != nil {
				c.opt(&opt)
			}
			paths := append([]string{seeded}, c.others...)
			rep := mustVerify(t, paths, opt)
			level := c.level
			if level == "" {
				level = findings.Error
			}
			found := false
			for _, fd := range rep.Findings {
				if fd.Check == c.check && fd.Level == level && (c.path == "" || fd.Path == c.path) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s %s finding%s in:\n%s", level, c.check, map[bool]string{true: " at " + c.path}[c.path != ""], dump(rep))
			}
			if level == findings.Error && rep.Errors == 0 {
				t.Errorf("report has no errors (exit status would be 0)")
			}
			if testing.Verbose() {
				t.Logf("case %d:\n%s", i, dump(rep))
			}
		})
	}
}

// payloadOffset returns where the payload of the package b starts.
func payloadOffset(t *testing.T, b []byte) int64 {
	t.Helper()
	r, err := rpmread.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return r.PayloadOffset
}

func flipPayloadByte(t *testing.T, b []byte) []byte {
	off := payloadOffset(t, b)
	out := append([]byte(nil), b...)
	out[off+(int64(len(b))-off)/2] ^= 0x40
	return out
}

// flipHeaderByte changes one byte of the summary text in the main
// header, which stays parseable but no longer matches its digest.
func flipHeaderByte(t *testing.T, b []byte) []byte {
	r, err := rpmread.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b[r.HeaderOffset:], []byte(r.Package.Summary))
	if i < 0 {
		t.Fatal("summary not found in header")
	}
	out := append([]byte(nil), b...)
	out[r.HeaderOffset+int64(i)] ^= 0x20
	return out
}

// splicePayload returns a byte edit that keeps a package's lead and
// headers and appends the payload of a copy of src changed by edit: the
// header then describes a payload it does not match.
func splicePayload(src string, edit func(*rpmwrite.Metadata, *[]rpmwrite.File)) func(t *testing.T, b []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		other := rewrite(t, src, filepath.Join(t.TempDir(), "other.rpm"), edit)
		ob, err := os.ReadFile(other)
		if err != nil {
			t.Fatal(err)
		}
		return withPayload(t, b, ob[payloadOffset(t, ob):])
	}
}

// withPayload replaces the payload of package b and sets the signature
// header's SIZE to the new length, as a writer that put the wrong payload
// in would have: the file is whole, only its payload disagrees with the
// header.
func withPayload(t *testing.T, b, payload []byte) []byte {
	t.Helper()
	r, err := rpmread.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte(nil), b[:r.PayloadOffset]...), payload...)
	size := int64(len(out)) - r.HeaderOffset
	for _, tag := range []int{rpmtag.SigSize, rpmtag.SigLongSize} {
		v, ok := r.Signature.Tag(tag)
		if !ok {
			continue
		}
		at := r.SignatureOffset + 16 + int64(len(r.Signature.Entries()))*16 + int64(v.Offset)
		if v.Type == rpmtag.TypeInt64 {
			binary.BigEndian.PutUint64(out[at:], uint64(size))
		} else {
			binary.BigEndian.PutUint32(out[at:], uint32(size))
		}
	}
	return out
}

// bomb keeps the package's lead and headers and appends the payload of a
// package whose one file is 64 MiB of zeros: the payload decompresses to
// far more than the header's SIZE promises.
func bomb(t *testing.T, b []byte) []byte {
	dir := t.TempDir()
	zeros := make([]byte, 64<<20)
	m := rpmwrite.Metadata{Name: "bomb", Version: "1", Release: "1", Arch: "noarch", Summary: "bomb", License: "MIT"}
	path := filepath.Join(dir, "bomb.rpm")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = rpmwrite.Write(out, m, []rpmwrite.File{{Path: "/usr/share/bomb", Mode: 0o100644, Size: int64(len(zeros)), Open: bodyOf(zeros)}}, rpmwrite.Options{Compressor: "zstd", Level: 3, TempDir: dir})
	out.Close()
	if err != nil {
		t.Fatal(err)
	}
	bb, _ := os.ReadFile(path)
	return withPayload(t, b, bb[payloadOffset(t, bb):])
}

// TestABI builds a program with gcc that needs GLIBC_2.34 (this glibc
// versions pthread_create and __libc_start_main 2.34), ships it in the
// toolchain's tools directory and checks it against EL8's glibc 2.28
// (error) and Fedora 41's 2.40 (clean).
func TestABI(t *testing.T) {
	f := shared(t)
	gcc := testenv.NeedTool(t, "gcc")
	readelf := testenv.NeedTool(t, "readelf")
	dir := t.TempDir()
	src := filepath.Join(dir, "cgotool.c")
	os.WriteFile(src, []byte("#include <pthread.h>\n#include <stdio.h>\nstatic void *run(void *a) { puts(a); return 0; }\nint main(void) { pthread_t t; pthread_create(&t, 0, run, \"hi\"); pthread_join(t, 0); return 0; }\n"), 0o644)
	exe := filepath.Join(dir, "cgotool")
	run(t, "", nil, gcc, "-O2", "-pthread", "-o", exe, src)
	if v := run(t, "", nil, readelf, "-V", "--wide", exe); !strings.Contains(v, "GLIBC_2.34") {
		t.Fatalf("gcc's program does not need GLIBC_2.34:\n%s", v)
	}
	body, _ := os.ReadFile(exe)
	files := goTree("1.26.8")
	files["pkg/tool/linux_amd64/cgotool"] = treeFile{string(body), 0o755}
	root := writeTree(t, filepath.Join(dir, "tree"), files)
	built := buildNative(t, f.s126, root, filepath.Join(dir, "out"))
	main := built["go-toolchain-1.26"]
	tool := goroot126 + "/pkg/tool/linux_amd64/cgotool"

	for _, spool := range []bool{false, true} {
		if spool {
			// Large ELF files are analysed from a temporary file.
			defer func(n int64) { maxELFInMemory = n }(maxELFInMemory)
			maxELFInMemory = 1
		}
		spoolDir := t.TempDir()
		rep := mustVerify(t, []string{main}, Options{Config: f.cfg, Targets: epel(t, "epel-8"), TempDir: spoolDir})
		var abi []findings.Finding
		for _, fd := range rep.Findings {
			if fd.Check == CheckABI {
				abi = append(abi, fd)
			}
		}
		if len(abi) != 1 || abi[0].Path != tool || abi[0].Level != findings.Error ||
			!strings.Contains(abi[0].Message, "needs GLIBC_2.34") || !strings.Contains(abi[0].Message, "epel-8 has 2.28") {
			t.Errorf("spool %v: want one abi error for %s needing GLIBC_2.34 on epel-8, got:\n%s", spool, tool, dump(rep))
		}
		if left, _ := os.ReadDir(spoolDir); len(left) != 0 {
			t.Errorf("spool files left behind: %v", left)
		}
	}
	// epel-9 (2.34) and fedora-41 (2.40) run it.
	if rep := mustVerify(t, []string{main}, Options{Config: f.cfg, Targets: epel(t, "epel-9", "fedora-41")}); rep.Errors != 0 {
		t.Errorf("want no errors for epel-9 and fedora-41:\n%s", dump(rep))
	}
	// The same file under testdata is a test object, not checked.
	files = goTree("1.26.8")
	files["src/x/testdata/cgotool"] = treeFile{string(body), 0o755}
	root = writeTree(t, filepath.Join(dir, "tree2"), files)
	built = buildNative(t, f.s126, root, filepath.Join(dir, "out2"))
	if rep := mustVerify(t, []string{built["go-toolchain-1.26-tests"]}, Options{Config: f.cfg, Targets: epel(t, "epel-8")}); rep.Errors != 0 {
		t.Errorf("testdata ELF must not be checked:\n%s", dump(rep))
	}
}

// TestUnusableInput: files that are not verifiable packages are an
// *InputError naming the file (exit status 2), not findings.
func TestUnusableInput(t *testing.T) {
	f := shared(t)
	dir := t.TempDir()
	b, _ := os.ReadFile(f.s126.native["go-toolchain-1.26"])
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	cases := []struct {
		name, path, want string
	}{
		{"truncated in the payload", write("trunc.rpm", b[:len(b)-100]), "truncated"},
		{"truncated in the header", write("trunc-hdr.rpm", b[:payloadOffset(t, b)-10]), "truncated"},
		{"not an RPM", write("text.rpm", []byte("hello, world\n")), "not an RPM"},
		{"empty", write("empty.rpm", nil), "not an RPM"},
		{"missing", filepath.Join(dir, "nothere.rpm"), "no such file"},
		{"directory", dir, "not a regular file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Files([]string{f.s126.native["go-toolchain-1.26-src"], c.path}, Options{TempDir: t.TempDir()})
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != c.path || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want an InputError for %s mentioning %q on one line", err, c.path, c.want)
			}
		})
	}
}

// TestDocListsChecks: the package documentation names every check id.
func TestDocListsChecks(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Checks {
		if !regexp.MustCompile(`(?m)^//\t` + c + ` +\S`).Match(doc) {
			t.Errorf("doc.go does not describe check %s", c)
		}
	}
}

// TestUnusableSources: a tarball --sources names that is missing or not
// the configured one is an *InputError whose one line names the tarball
// once.
func TestUnusableSources(t *testing.T) {
	f := shared(t)
	missing := t.TempDir()
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, f.s126.file), []byte("not the tarball\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, sources, want string
		is                  error
	}{
		{"missing", missing, "open: no such file or directory", os.ErrNotExist},
		{"bad checksum", bad, "checksum mismatch: SHA-256 is ", srctree.ErrChecksum},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tarball := filepath.Join(c.sources, f.s126.file)
			_, err := Files([]string{f.s126.native["go-toolchain-1.26"]}, Options{Config: f.cfg, Sources: c.sources, TempDir: t.TempDir()})
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != tarball || !errors.Is(err, c.is) {
				t.Fatalf("got %v, want an InputError for %s that is %v", err, tarball, c.is)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tarball+": "+c.want) || strings.Count(msg, f.s126.file) != 1 || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line naming %s once: %q", msg, tarball, tarball+": "+c.want+"…")
			}
		})
	}
}

// TestReportFormats pins the text and JSON forms.
func TestReportFormats(t *testing.T) {
	r := &Report{Packages: 2, Counts: findings.Counts{Errors: 1, Warnings: 1}, Findings: []findings.Finding{
		{Level: findings.Error, Check: CheckIntegrity, Subject: "go-toolchain-1.26-1.26.8-1.x86_64", Path: goroot126 + "/bin/go", Message: "content digest ab, the header records cd"},
		{Level: findings.Warning, Check: CheckIntegrity, Subject: "go-toolchain-1.26-1.26.8-1.x86_64", Message: "no payload digest to check"},
	}}
	var text bytes.Buffer
	r.WriteText(&text)
	want := "error  integrity  go-toolchain-1.26-1.26.8-1.x86_64  " + goroot126 + "/bin/go: content digest ab, the header records cd\n" +
		"warning  integrity  go-toolchain-1.26-1.26.8-1.x86_64: no payload digest to check\n" +
		"2 packages verified: 1 error, 1 warning\n"
	if text.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), want)
	}
	var js bytes.Buffer
	r.WriteJSON(&js)
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range back {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "errors,findings,packages,warnings" || !strings.HasPrefix(js.String(), "{\n  \"findings\": [\n    {\n      \"level\": \"error\",\n      \"check\": \"integrity\",") {
		t.Errorf("json:\n%s", js.String())
	}
	js.Reset()
	amp := &Report{Packages: 1, Findings: []findings.Finding{{Level: findings.Error, Check: CheckLint, Subject: "p-1-1.noarch", Path: "/usr/share/doc/a&b<c>", Message: "x"}}}
	amp.WriteJSON(&js)
	if !strings.Contains(js.String(), `"path": "/usr/share/doc/a&b<c>"`) || !strings.Contains(js.String(), `"package": "p-1-1.noarch"`) {
		t.Errorf("json of a path with & < >:\n%s", js.String())
	}
	js.Reset()
	(&Report{}).WriteJSON(&js)
	if js.String() != "{\n  \"findings\": [],\n  \"packages\": 0,\n  \"errors\": 0,\n  \"warnings\": 0\n}\n" {
		t.Errorf("empty json:\n%s", js.String())
	}
}

// TestRPMBuildDefects builds, with real rpmbuild, a spec generated from a
// configuration that lets the dependency generators into testdata and
// hand-edited to drop %post, from a tree with a gcc-built tool needing
// GLIBC_2.34 and a testdata tree holding an rc script and a shared
// library. rpmbuild's own generators leak the dependencies; verify must
// name each defect.
func TestRPMBuildDefects(t *testing.T) {
	gcc := testenv.NeedTool(t, "gcc")
	dir := t.TempDir()
	src := filepath.Join(dir, "tool.c")
	os.WriteFile(src, []byte("#include <pthread.h>\nstatic void *run(void *a) { return a; }\nint main(void) { pthread_t t; pthread_create(&t, 0, run, 0); return pthread_join(t, 0); }\n"), 0o644)
	run(t, "", nil, gcc, "-O2", "-pthread", "-o", filepath.Join(dir, "tool"), src)
	lib := filepath.Join(dir, "lib.c")
	os.WriteFile(lib, []byte("int answer(void) { return 42; }\n"), 0o644)
	run(t, "", nil, gcc, "-shared", "-fPIC", "-Wl,-soname,libleak.so.1", "-o", filepath.Join(dir, "libleak.so.1"), lib)
	tool, _ := os.ReadFile(filepath.Join(dir, "tool"))
	so, _ := os.ReadFile(filepath.Join(dir, "libleak.so.1"))

	files := goTree("1.26.8")
	files["pkg/tool/linux_amd64/cgotool"] = treeFile{string(tool), 0o755}
	files["src/x/testdata/script.rc"] = treeFile{"#!/bin/rc\necho hello\n", 0o755}
	files["src/x/testdata/libleak.so.1"] = treeFile{string(so), 0o755}
	s := newSeries(t, dir, "1.26.8", files)
	cfgPath := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfgPath, []byte("dependency_exclude: [api]\n"+configYAML(s)), 0o644)
	cfg, _, err := toolchain.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s.cfg, s.plan = cfg, cfg.Plans()[0]
	built := buildRPMBuildEdited(t, s, filepath.Join(dir, "top"), func(spec string) string {
		i := strings.Index(spec, "\n%post\n")
		j := strings.Index(spec, "\n%postun\n")
		if i < 0 || j < i {
			t.Fatalf("no %%post section in the spec:\n%s", spec)
		}
		return spec[:i] + spec[j:]
	})
	rep := mustVerify(t, rpmsOf(s, built), Options{Config: cfg, Targets: epel(t, "epel-8")})
	root := s.plan.GOROOT
	want := []struct {
		pkg, check, path, text string
	}{
		{"go-toolchain-1.26-1.26.8", CheckAlternatives, "", "%post does not run update-alternatives --install"},
		{"go-toolchain-1.26-1.26.8", CheckABI, root + "/pkg/tool/linux_amd64/cgotool", "needs GLIBC_2.34"},
		{"go-toolchain-1.26-1.26.8", CheckABI, "", "Requires libc.so.6(GLIBC_2.34)(64bit), epel-8 has glibc 2.28"},
		{"go-toolchain-1.26-tests-1.26.8", CheckDeps, root + "/src/x/testdata/script.rc", "Requires /bin/rc"},
		{"go-toolchain-1.26-tests-1.26.8", CheckDeps, root + "/src/x/testdata/libleak.so.1", "Provides libleak.so.1()(64bit)"},
		{"go-toolchain-1.26-tests-1.26.8", CheckDeps, root + "/src/x/testdata/libleak.so.1", "Requires rtld(GNU_HASH)"},
	}
	for _, w := range want {
		found := false
		for _, f := range rep.Findings {
			if f.Level == findings.Error && strings.HasPrefix(f.Subject, w.pkg+"-") && f.Check == w.check && f.Path == w.path && strings.Contains(f.Message, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s error for %s %s %q in:\n%s", w.check, w.pkg, w.path, w.text, dump(rep))
		}
	}
	if testing.Verbose() {
		t.Log(dump(rep))
	}
}

// TestDependencies keeps the verifier independent of the builder and the
// writer it checks: what it expects comes from toolchain, srctree and
// filelist only.
func TestDependencies(t *testing.T) {
	out, err := exec.Command(testenv.NeedTool(t, "go"), "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/gotc-project/gotc/rpmbuild", "github.com/gotc-project/gotc/rpmwrite":
			t.Errorf("verify depends on %s", dep)
		}
	}
}
