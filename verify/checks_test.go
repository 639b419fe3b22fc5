package verify

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/toolchain"
)

// Table tests of the header-level checks on synthetic packages: each
// case seeds one defect into an otherwise plain package model.

// synthetic returns a pkgInfo for files, planned like a default
// go-toolchain-1.26 main package when plan is true.
func synthetic(t *testing.T, plan bool, files ...rpmread.File) *pkgInfo {
	t.Helper()
	for i := range files {
		if files[i].User == "" {
			files[i].User, files[i].Group = "root", "root"
		}
	}
	p := &pkgInfo{
		pkg:   &rpmread.Package{Name: "go-toolchain-1.26", Version: "1.26.8", Release: "1", Arch: "x86_64", Files: files, SourceRPM: "go-toolchain-1.26-1.26.8-1.src.rpm"},
		nevra: "go-toolchain-1.26-1.26.8-1.x86_64",
		index: map[string]int{},
	}
	for i, f := range files {
		if _, ok := p.index[f.Path]; !ok {
			p.index[f.Path] = i
		}
	}
	if plan {
		v := &verifier{inferred: map[string]*toolchain.Config{}}
		v.planInferred(p)
		if p.plan == nil {
			t.Fatalf("no plan inferred: %v", v.found)
		}
		if re := p.plan.DependencyExcludeRegexp(); re != "" {
			p.depExclude = regexpMust(re)
		}
	}
	return p
}

func reg(path string, mode uint32, size int64) rpmread.File {
	return rpmread.File{Path: path, Mode: 0o100000 | mode, Size: size, Digest: strings.Repeat("a", 64)}
}

func dir(path string) rpmread.File { return rpmread.File{Path: path, Mode: 0o40755} }

func link(path, to string) rpmread.File {
	return rpmread.File{Path: path, Mode: 0o120777, LinkTo: to, Size: int64(len(to))}
}

func findingsOf(v *verifier) string {
	var b strings.Builder
	for _, f := range v.found {
		fmt.Fprintln(&b, f.String())
	}
	return b.String()
}

// expectFinding asserts a finding of check at path whose message
// contains text; want "" asserts there is none of that check.
func expectFinding(t *testing.T, v *verifier, check, path, text string) {
	t.Helper()
	for _, f := range v.found {
		if f.Check != check {
			continue
		}
		if text == "" {
			t.Errorf("unexpected finding: %s", f)
			continue
		}
		if f.Path == path && strings.Contains(f.Message, text) {
			return
		}
	}
	if text != "" {
		t.Errorf("no %s finding at %q containing %q in:\n%s", check, path, text, findingsOf(v))
	}
}

func TestHeaderStructure(t *testing.T) {
	cases := []struct {
		name  string
		files []rpmread.File
		path  string
		text  string
	}{
		{"clean", []rpmread.File{dir("/usr"), reg("/usr/a", 0o644, 0)}, "", ""},
		{"dot-dot", []rpmread.File{reg("/usr/../etc/passwd", 0o644, 0)}, "/usr/../etc/passwd", `".." component`},
		{"relative", []rpmread.File{reg("usr/a", 0o644, 0)}, "usr/a", "not absolute"},
		{"unclean", []rpmread.File{reg("/usr//a", 0o644, 0)}, "/usr//a", "not clean"},
		{"duplicate", []rpmread.File{reg("/usr/a", 0o644, 0), reg("/usr/a", 0o644, 0)}, "/usr/a", "more than once"},
		{"symlink size", []rpmread.File{{Path: "/usr/l", Mode: 0o120777, LinkTo: "a", Size: 7}}, "/usr/l", "symlink size 7"},
		{"SIZE tag", nil, "", "header SIZE is 99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := synthetic(t, false, c.files...)
			p.pkg.Size = 0
			for _, f := range c.files {
				if f.IsRegular() || f.IsSymlink() {
					p.pkg.Size += f.Size
				}
			}
			if c.name == "SIZE tag" {
				p.pkg.Size = 99
			}
			v := &verifier{}
			v.checkHeaderStructure(p)
			expectFinding(t, v, CheckStructure, c.path, c.text)
		})
	}
}

func TestParseAlternatives(t *testing.T) {
	p := synthetic(t, true, dir(goroot126))
	s := p.plan.Scriptlets()
	cmds := parseAlternatives(s.Post)
	if len(cmds) != 1 || strings.Join(cmds[0].install, " ") != "/usr/bin/go go "+goroot126+"/bin/go 12608" ||
		cmds[0].slaves["gofmt"] != [2]string{"/usr/bin/gofmt", goroot126 + "/bin/gofmt"} ||
		cmds[0].slaves["go-toolchain-current"] != [2]string{"/usr/libexec/go-toolchain/current", goroot126} {
		t.Errorf("post %q parsed as %+v", s.Post, cmds)
	}
	cmds = parseAlternatives(s.Postun)
	if len(cmds) != 1 || strings.Join(cmds[0].remove, " ") != "go "+goroot126+"/bin/go" {
		t.Errorf("postun %q parsed as %+v", s.Postun, cmds)
	}
	// Fedora golang's style: on one line, after a test.
	cmds = parseAlternatives(`if [ $1 = 0 ]; then /usr/sbin/update-alternatives --remove go /usr/lib/golang/bin/go; fi`)
	if len(cmds) != 1 || strings.Join(cmds[0].remove, " ") != "go /usr/lib/golang/bin/go" {
		t.Errorf("one-line postun parsed as %+v", cmds)
	}
	if cmds := parseAlternatives("echo update-alternatives --install x y z 1"); len(cmds) != 0 {
		t.Errorf("an echo is not a command: %+v", cmds)
	}
}

func TestAlternativesScripts(t *testing.T) {
	base := func(t *testing.T) *pkgInfo {
		p := synthetic(t, true, dir(goroot126))
		s := p.plan.Scriptlets()
		p.pkg.Scripts = map[string]rpmread.Script{"post": {Body: s.Post}, "preun": {Body: s.Preun}, "postun": {Body: s.Postun}}
		p.pkg.Requires = []rpmread.Dependency{
			{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPost},
			{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPreun},
			{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPostun},
		}
		for _, g := range p.plan.Ghosts {
			f := rpmread.File{Path: g.Path, Mode: 0o100644, Flags: rpmtag.FileGhost, User: "root", Group: "root"}
			if g.LinkTo != "" {
				f.Mode, f.LinkTo = 0o120777, g.LinkTo
			}
			p.index[f.Path] = len(p.pkg.Files)
			p.pkg.Files = append(p.pkg.Files, f)
		}
		return p
	}
	cases := []struct {
		name string
		edit func(p *pkgInfo)
		path string
		text string
	}{
		{"clean", func(p *pkgInfo) {}, "", ""},
		{"wrong link", func(p *pkgInfo) {
			p.pkg.Scripts["post"] = rpmread.Script{Body: strings.Replace(p.pkg.Scripts["post"].Body, "--install /usr/bin/go", "--install /usr/local/bin/go", 1)}
		}, "", "installs link /usr/local/bin/go"},
		{"wrong path", func(p *pkgInfo) {
			p.pkg.Scripts["post"] = rpmread.Script{Body: strings.Replace(p.pkg.Scripts["post"].Body, goroot126+"/bin/go 12608", goroot126+"/bin/gofmt 12608", 1)}
		}, "", "installs path"},
		{"missing follower", func(p *pkgInfo) {
			p.pkg.Scripts["post"] = rpmread.Script{Body: p.plan.Scriptlets().Post[:strings.Index(p.plan.Scriptlets().Post, " \\\n  --slave /usr/libexec")]}
		}, "/usr/libexec/go-toolchain/current", "has no --slave"},
		{"extra follower", func(p *pkgInfo) {
			p.pkg.Scripts["post"] = rpmread.Script{Body: p.pkg.Scripts["post"].Body + " --slave /usr/bin/vet vet /x/vet"}
		}, "/usr/bin/vet", "does not name"},
		{"remove in preun only", func(p *pkgInfo) {
			p.pkg.Scripts["postun"] = rpmread.Script{}
		}, "", "%postun does not run update-alternatives --remove go " + goroot126 + "/bin/go: an upgrade that changes the toolchain's path leaves a dangling alternative"},
		{"remove in postun only (gotc before Fedora's alternatives)", func(p *pkgInfo) {
			p.pkg.Scripts["preun"] = rpmread.Script{}
		}, "", "%preun does not run update-alternatives --remove go " + goroot126 + "/bin/go: erasing the last toolchain fails under Fedora's alternatives"},
		{"preun removes another path", func(p *pkgInfo) {
			p.pkg.Scripts["preun"] = rpmread.Script{Body: strings.Replace(p.pkg.Scripts["preun"].Body, goroot126, "/opt/go", 1)}
		}, "", "%preun removes \"go /opt/go/bin/go\""},
		{"no Requires(post)", func(p *pkgInfo) { p.pkg.Requires = p.pkg.Requires[1:] }, "", "no Requires(post)"},
		{"no Requires(preun)", func(p *pkgInfo) { p.pkg.Requires = append(p.pkg.Requires[:1], p.pkg.Requires[2]) }, "", "no Requires(preun)"},
		{"ghost is a file", func(p *pkgInfo) {
			f := &p.pkg.Files[p.index["/usr/bin/gofmt"]]
			f.Mode, f.LinkTo = 0o100644, ""
		}, "/usr/bin/gofmt", "should be a symlink"},
		{"other program", func(p *pkgInfo) {
			p.pkg.Scripts["post"] = rpmread.Script{Body: strings.Replace(p.pkg.Scripts["post"].Body, toolchain.UpdateAlternatives, "/usr/sbin/alternatives", 1)}
		}, "", "runs /usr/sbin/alternatives"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base(t)
			p.inferred = false
			c.edit(p)
			v := &verifier{}
			v.checkAlternatives(p)
			expectFinding(t, v, CheckAlternatives, c.path, c.text)
		})
	}
}

func TestFileConflict(t *testing.T) {
	a := reg("/usr/bin/x", 0o755, 3)
	cases := []struct {
		name string
		edit func(b *rpmread.File)
		want string
	}{
		{"identical", func(b *rpmread.File) {}, ""},
		{"mode", func(b *rpmread.File) { b.Mode = 0o100644 }, "mode -rwxr-xr-x vs -rw-r--r--"},
		{"owner", func(b *rpmread.File) { b.User = "bin" }, "owner root:root vs bin:root"},
		{"digest", func(b *rpmread.File) { b.Digest = strings.Repeat("b", 64) }, "content digest"},
		{"type", func(b *rpmread.File) { *b = link("/usr/bin/x", "y") }, "mode"},
		{"ghost only in one", func(b *rpmread.File) { b.Flags = rpmtag.FileGhost }, "%ghost in one package only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := a
			a.User, a.Group = "root", "root"
			b := a
			c.edit(&b)
			if b.User == "" {
				b.User, b.Group = "root", "root"
			}
			got := fileConflict(&a, &b)
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("fileConflict = %q, want %q", got, c.want)
			}
		})
	}
	if got := fileConflict(&rpmread.File{Mode: 0o40755}, &rpmread.File{Mode: 0o40700, User: "x"}); got != "" {
		t.Errorf("two directories never conflict, got %q", got)
	}
	ga := rpmread.File{Path: "/etc/alternatives/go", Mode: 0o100644, Flags: rpmtag.FileGhost, User: "root", Group: "root"}
	gb := ga
	if got := fileConflict(&ga, &gb); got != "" {
		t.Errorf("identical ghosts conflict: %q", got)
	}
}

func TestLint(t *testing.T) {
	cases := []struct {
		name  string
		files []rpmread.File
		level findings.Level
		path  string
		text  string
	}{
		{"clean", []rpmread.File{dir("/usr/bin"), reg("/usr/bin/x", 0o755, 1), link("/usr/bin/y", "x")}, "", "", ""},
		{"world-writable", []rpmread.File{reg("/usr/bin/x", 0o757, 1)}, findings.Error, "/usr/bin/x", "world-writable"},
		{"world-writable dir", []rpmread.File{{Path: "/var/x", Mode: 0o40777}}, findings.Error, "/var/x", "world-writable"},
		{"setgid", []rpmread.File{reg("/usr/bin/x", 0o2755, 1)}, findings.Error, "/usr/bin/x", "setgid"},
		{"owner", []rpmread.File{{Path: "/usr/x", Mode: 0o100644, Size: 1, User: "nobody", Group: "root"}}, findings.Warning, "/usr/x", "not root:root"},
		{"zero-length", []rpmread.File{reg("/usr/share/x", 0o644, 0)}, findings.Warning, "/usr/share/x", "zero-length"},
		{"zero-length testdata", []rpmread.File{reg("/usr/share/testdata/x", 0o644, 0)}, "", "", ""},
		{"zero-length in a test tree", []rpmread.File{reg("/usr/lib/go/test/typeparam/issue47740.out", 0o644, 0)}, "", "", ""},
		{"zero-length, test only in a name", []rpmread.File{reg("/usr/share/latest/x", 0o644, 0)}, findings.Warning, "/usr/share/latest/x", "zero-length"},
		{"dangling relative", []rpmread.File{link("/usr/bin/y", "../lib/none")}, findings.Warning, "/usr/bin/y", "/usr/lib/none"},
		{"dangling absolute", []rpmread.File{link("/usr/bin/y", "/opt/none")}, findings.Warning, "/usr/bin/y", "/opt/none"},
		{"alternatives ghost link", []rpmread.File{{Path: "/usr/bin/go", Mode: 0o120777, LinkTo: "/etc/alternatives/go", Flags: rpmtag.FileGhost}}, "", "", ""},
		{"link to the shell", []rpmread.File{link("/usr/bin/mysh", "/bin/sh")}, "", "", ""},
		{"/usr/local", []rpmread.File{reg("/usr/local/bin/x", 0o755, 1)}, findings.Error, "/usr/local/bin/x", "/usr/local"},
		{"/tmp", []rpmread.File{reg("/tmp/x", 0o644, 1)}, findings.Error, "/tmp/x", "top-level"},
		{"/lib64 (usrmerge)", []rpmread.File{reg("/lib64/x.so", 0o755, 1)}, findings.Error, "/lib64/x.so", "top-level"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := synthetic(t, false, c.files...)
			v := &verifier{pkgs: []*pkgInfo{p}}
			v.checkLint(p)
			expectFinding(t, v, CheckLint, c.path, c.text)
			for _, f := range v.found {
				if f.Path == c.path && strings.Contains(f.Message, c.text) && f.Level != c.level {
					t.Errorf("level %s, want %s: %s", f.Level, c.level, f)
				}
			}
		})
	}
	// A link into a sibling package of the same source RPM resolves.
	a := synthetic(t, false, link("/usr/bin/go1", "../libexec/go/bin/go"))
	b := synthetic(t, false, reg("/usr/libexec/go/bin/go", 0o755, 1))
	v := &verifier{pkgs: []*pkgInfo{a, b}}
	v.checkLint(a)
	expectFinding(t, v, CheckLint, "", "")
}

func TestDepsRules(t *testing.T) {
	cases := []struct {
		name  string
		plan  bool
		req   []rpmread.Dependency
		prov  []rpmread.Dependency
		level findings.Level
		text  string
	}{
		{"clean", true, []rpmread.Dependency{{Name: "/bin/sh", Flags: rpmtag.SenseInterp | rpmtag.SenseScriptPost}, {Name: "go-toolchain-1.26-src", Flags: rpmtag.SenseEqual, Version: "1.26.8-1"}, {Name: "rpmlib(CompressedFileNames)", Flags: rpmtag.SenseRPMLib | rpmtag.SenseLess | rpmtag.SenseEqual, Version: "3.0.4-1"}, {Name: "libc.so.6(GLIBC_2.34)(64bit)"}, {Name: "rtld(GNU_HASH)"}, {Name: "ld-linux-x86-64.so.2()(64bit)"}}, []rpmread.Dependency{{Name: "go-toolchain-1.26", Flags: rpmtag.SenseEqual, Version: "1.26.8-1"}}, "", ""},
		{"rc", true, []rpmread.Dependency{{Name: "/bin/rc"}}, nil, findings.Error, "Requires /bin/rc"},
		{"perl module", false, []rpmread.Dependency{{Name: "perl(File::Temp)"}}, nil, findings.Error, "no base system"},
		{"perl", true, []rpmread.Dependency{{Name: "/usr/bin/perl"}}, nil, findings.Error, "no base system"},
		{"libtiff", true, []rpmread.Dependency{{Name: "libtiff.so.6()(64bit)"}}, nil, findings.Error, "no base system"},
		{"unexpected", true, []rpmread.Dependency{{Name: "bash-completion"}}, nil, findings.Warning, "unexpected Requires bash-completion"},
		{"unexpected, not gotc", false, []rpmread.Dependency{{Name: "bash-completion"}}, nil, "", ""},
		{"soname provide", true, nil, []rpmread.Dependency{{Name: "libfoo.so.1()(64bit)"}}, findings.Error, "Provides libfoo.so.1()(64bit)"},
		{"path provide", true, nil, []rpmread.Dependency{{Name: "/usr/bin/rc"}}, findings.Error, "Provides /usr/bin/rc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := synthetic(t, c.plan, dir(goroot126))
			p.pkg.Requires, p.pkg.Provides = c.req, c.prov
			v := &verifier{}
			v.checkDeps(p)
			expectFinding(t, v, CheckDeps, "", c.text)
			for _, f := range v.found {
				if f.Level != c.level {
					t.Errorf("level %s, want %s: %s", f.Level, c.level, f)
				}
			}
		})
	}
}

// TestGlibcHelpers checks what verify takes from package abi: a broken
// ELF body, the glibc requirements the deps check allows, and target
// names as users write them.
func TestGlibcHelpers(t *testing.T) {
	v := &verifier{}
	info, err := v.analyseELF("/usr/bin/x", []byte("\x7fELF"), strings.NewReader(" not really"), 15)
	if err != nil || info.err == nil || info.file != nil {
		t.Errorf("analyseELF of a broken ELF file = %+v, %v", info, err)
	}
	for _, m := range []string{"libc.so.6(GLIBC_2.34)(64bit)", "libm.so.6(GLIBC_2.29)", "ld-linux-x86-64.so.2(GLIBC_2.35)(64bit)", "libc.so.6()(64bit)", "rtld(GNU_HASH)", "libpthread.so.0", "ld64.so.2(GLIBC_2.17)(64bit)"} {
		if !glibcRequirement(m) {
			t.Errorf("%s is a glibc requirement", m)
		}
	}
	for _, m := range []string{"libcrypt.so.2(XCRYPT_2.0)(64bit)", "libtiff.so.6()(64bit)", "/bin/sh", "rtld"} {
		if glibcRequirement(m) {
			t.Errorf("%s is not a glibc requirement", m)
		}
	}
	if _, err := Targets([]string{"epel-7"}); err == nil {
		t.Error("Targets accepted epel-7")
	}
	ts, err := Targets([]string{"el8", "epel-8", "rocky-9", "f43"})
	if err != nil || len(ts) != 3 || ts[0].Name != "epel-8" || ts[1].Name != "epel-9" || ts[2].Name != "fedora-43" {
		t.Errorf("Targets(el8, epel-8, rocky-9, f43) = %+v, %v", ts, err)
	}
}

func TestGoVersionOf(t *testing.T) {
	for in, want := range map[string]string{"1.26.8": "1.26.8", "1.27.0~rc1": "1.27rc1", "1.27.0~beta2": "1.27beta2", "1.27.1~rc1": "", "1.26": "", "go1.26.8": ""} {
		got, ok := goVersionOf(in)
		if got != want || ok != (want != "") {
			t.Errorf("goVersionOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestMaxPerCheck(t *testing.T) {
	p := &pkgInfo{nevra: "x-1-1.noarch"}
	v := &verifier{opt: Options{MaxPerCheck: 2}}
	for i := 0; i < 5; i++ {
		v.add(p, findings.Warning, CheckLint, fmt.Sprintf("/usr/%d", i), "w")
	}
	v.add(p, findings.Error, CheckLint, "/usr/9", "e")
	r := v.report()
	if len(r.Findings) != 3 || r.Findings[2].Message != "4 more lint findings not shown" || r.Findings[2].Level != findings.Error || r.Findings[2].Path != "" {
		t.Errorf("got %+v", r.Findings)
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
