package elfdeps

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

// elfAttr is rpm's file attribute for ELF files: rpmbuild runs the
// provides and requires command lines on every file it classifies as ELF.
const elfAttr = "/usr/lib/rpm/fileattrs/elf.attr"

// verFlgWeak is VER_FLG_WEAK (vd_flags, vna_flags).
const verFlgWeak = 0x2

// generatorFlags reads the elfdeps command lines of elf.attr, expanded
// by rpm itself, and returns the options each passes. It fails when the
// attribute runs another program, passes an option Analyze does not
// model (rpm 4.18's elfdeps also knows --soname-only, --no-fake-soname,
// --no-filter-soname and --require-interp, which elf.attr does not use),
// or sets %__elf_flags (Analyze has no exeonly or magic_and_path mode).
func generatorFlags(t *testing.T) (provides, requires []string) {
	t.Helper()
	rpm := testenv.NeedTool(t, "rpm")
	data, err := os.ReadFile(elfAttr)
	if err != nil {
		t.Fatalf("rpm's ELF file attribute: %v", err)
	}
	macros := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok || !strings.HasPrefix(name, "%__elf_") {
			continue
		}
		macros[name] = strings.TrimSpace(value)
	}
	if f, ok := macros["%__elf_flags"]; ok {
		t.Fatalf("%s sets %%__elf_flags %q, which Analyze does not model", elfAttr, f)
	}
	if m := macros["%__elf_magic"]; !strings.Contains(m, "ELF (32|64)-bit") {
		t.Fatalf("%s: %%__elf_magic is %q; Analyze assumes every 32- and 64-bit ELF file", elfAttr, m)
	}
	known := map[string][]string{
		"%__elf_provides": {"--provides", "-P"},
		"%__elf_requires": {"--requires", "-R"},
	}
	out := map[string][]string{}
	for name, allowed := range known {
		value, ok := macros[name]
		if !ok {
			t.Fatalf("%s does not define %s", elfAttr, name)
		}
		expanded, err := exec.Command(rpm, "--eval", value).Output()
		if err != nil {
			t.Fatalf("rpm --eval %q: %v", value, err)
		}
		fields := strings.Fields(string(expanded))
		if len(fields) < 2 || fields[0] != toolPath {
			t.Fatalf("%s runs %q, not %s", name, expanded, toolPath)
		}
		for _, f := range fields[1:] {
			if f != allowed[0] && f != allowed[1] {
				t.Fatalf("%s passes %q to elfdeps, which Analyze does not model", name, f)
			}
		}
		out[name] = fields[1:]
	}
	return out["%__elf_provides"], out["%__elf_requires"]
}

// setVernauxFlags sets flags on the version need named version in the
// .gnu.version_r section of the ELF file in data, as another linker
// would write it. It reports whether the need was found.
func setVernauxFlags(data []byte, version string, flags uint16) bool {
	f, err := elf.NewFile(strings.NewReader(string(data)))
	if err != nil {
		return false
	}
	defer f.Close()
	sec := f.SectionByType(elf.SHT_GNU_VERNEED)
	if sec == nil || int(sec.Link) >= len(f.Sections) {
		return false
	}
	strs, err := f.Sections[sec.Link].Data()
	if err != nil {
		return false
	}
	name := func(off uint32) string {
		if int(off) >= len(strs) {
			return ""
		}
		s := strs[off:]
		if i := strings.IndexByte(string(s), 0); i >= 0 {
			s = s[:i]
		}
		return string(s)
	}
	bo := f.ByteOrder
	base := int(sec.Offset)
	for need, i := 0, 0; i < int(sec.Info); i++ {
		vn := data[base+need:]
		cnt, aux := int(bo.Uint16(vn[2:])), need+int(bo.Uint32(vn[8:]))
		for j := 0; j < cnt; j++ {
			vna := data[base+aux:]
			if name(bo.Uint32(vna[8:])) == version {
				bo.PutUint16(vna[4:], bo.Uint16(vna[4:])|flags)
				return true
			}
			aux += int(bo.Uint32(vna[12:]))
		}
		next := int(bo.Uint32(vn[12:]))
		if next == 0 {
			break
		}
		need += next
	}
	return false
}

// versionFlags returns the flags of the version definitions and needs
// of the ELF file at path, by version name.
func versionFlags(t *testing.T, path string) (defs, needs map[string]elf.DynamicVersionFlag) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defs, needs = map[string]elf.DynamicVersionFlag{}, map[string]elf.DynamicVersionFlag{}
	vd, _ := f.DynamicVersions()
	for _, v := range vd {
		defs[v.Name] = v.Flags
	}
	vn, _ := f.DynamicVersionNeeds()
	for _, n := range vn {
		for _, d := range n.Needs {
			needs[d.Dep] = d.Flags
		}
	}
	return defs, needs
}

// hostFile returns the first of paths that exists, resolved.
func hostFile(t *testing.T, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
	}
	t.Fatalf("none of %q exists", paths)
	return ""
}

// TestFileAttr is the differential test against rpmbuild's own
// configuration: elfdeps runs with the options elf.attr gives it, the
// way rpmbuild feeds it (paths on standard input, one run for the whole
// table and one per file), on a table of real files, each of which must
// also show the feature it stands for.
func TestFileAttr(t *testing.T) {
	pFlags, rFlags := generatorFlags(t)
	b, _ := buildCorpus(t)
	_, goroot := goTool(t)
	tools := filepath.Join(goroot, "pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH)
	elfTestdata := filepath.Join(goroot, "src", "debug", "elf", "testdata")
	libc := hostFile(t, "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6")

	weakDef := func(t *testing.T, path string) {
		defs, _ := versionFlags(t, path)
		if defs["WEAK_2.0"]&elf.VER_FLG_WEAK == 0 {
			t.Errorf("WEAK_2.0 is not a weak version definition: %v", defs)
		}
	}
	weakNeed := func(t *testing.T, path string) {
		_, needs := versionFlags(t, path)
		if needs["VERS_2.0"]&elf.VER_FLG_WEAK == 0 {
			t.Errorf("VERS_2.0 is not a weak version need: %v", needs)
		}
	}
	interpNoExec := func(t *testing.T, path string) {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		interp := false
		for _, p := range f.Progs {
			interp = interp || p.Type == elf.PT_INTERP
		}
		if !interp || st.Mode().Perm()&0o111 != 0 {
			t.Errorf("want a program with PT_INTERP and no execute bits: interp %v, mode %v", interp, st.Mode())
		}
	}
	table := []struct {
		name, path string
		req, prv   []string                        // lines that must be printed
		none       bool                            // no dependencies at all
		check      func(t *testing.T, path string) // the file is what the case says
	}{
		{name: "versioned-library", path: b.path("libvers.so.1"), prv: []string{"libvers.so.1(VERS_1.0)(64bit)", "libvers.so.1(VERS_2.0)(64bit)"}},
		{name: "weak-version-definition", path: b.path("libweakdef.so.1"), prv: []string{"libweakdef.so.1(WEAK_2.0)(64bit)"}, check: weakDef},
		{name: "version-needs", path: b.path("pie"), req: []string{"libvers.so.1(VERS_2.0)(64bit)", "libc.so.6(GLIBC_2.34)(64bit)"}},
		{name: "weak-version-need", path: b.path("weakneed"), req: []string{"libvers.so.1(VERS_2.0)(64bit)"}, check: weakNeed},
		{name: "weak-symbol", path: b.path("weakref"), req: []string{"libvers.so.1(VERS_2.0)(64bit)"}},
		{name: "gnu-hash-only", path: b.path("pie"), req: []string{"rtld(GNU_HASH)"}},
		{name: "hash-style-both", path: b.path("libboth.so.2"), prv: []string{"libboth.so.2()(64bit)"}},
		{name: "hash-style-sysv", path: b.path("libsysv.so.3"), prv: []string{"libsysv.so.3()(64bit)"}},
		{name: "static", path: b.path("static"), none: true},
		{name: "static-pie", path: b.path("static-pie"), req: []string{"rtld(GNU_HASH)"}},
		{name: "cgo-program", path: b.path("cgoprog"), req: []string{"libc.so.6()(64bit)"}},
		{name: "host-libc", path: libc, prv: []string{"libc.so.6(GLIBC_2.34)(64bit)", "libc.so.6()(64bit)"}, req: []string{"ld-linux-x86-64.so.2()(64bit)"}},
		{name: "host-libm", path: hostFile(t, filepath.Join(filepath.Dir(libc), "libm.so.6")), prv: []string{"libm.so.6(GLIBC_2.29)(64bit)"}},
		{name: "host-dynamic-linker", path: hostFile(t, "/lib64/ld-linux-x86-64.so.2"), prv: []string{"ld-linux-x86-64.so.2(GLIBC_2.3)(64bit)"}},
		{name: "go-command", path: filepath.Join(goroot, "bin", "go"), none: true},
		{name: "gofmt", path: filepath.Join(goroot, "bin", "gofmt"), none: true},
		{name: "go-compile", path: filepath.Join(tools, "compile"), none: true},
		{name: "go-link", path: filepath.Join(tools, "link"), none: true},
		// A program shipped without execute bits (GOROOT testdata is 0644):
		// elfdeps gives a file with PT_INTERP no Requires then.
		{name: "go-testdata-program-0644", path: filepath.Join(elfTestdata, "gcc-amd64-linux-exec"), none: true, check: interpNoExec},
		{name: "go-testdata-freebsd-386", path: filepath.Join(elfTestdata, "gcc-386-freebsd-exec")},
		{name: "go-testdata-library", path: filepath.Join(elfTestdata, "libtiffxx.so_"), req: []string{"libstdc++.so.6(GLIBCXX_3.4)(64bit)"}},
		{name: "go-testdata-object", path: filepath.Join(elfTestdata, "go-relocation-test-gcc441-x86-64.obj"), none: true},
	}
	var paths []string
	var gotP, gotR []string
	for _, c := range table {
		t.Run(c.name, func(t *testing.T) {
			if c.check != nil {
				c.check(t, c.path)
			}
			got, err := analyzeFile(c.path)
			if err != nil {
				t.Errorf("Analyze: %v", err)
			}
			p := runToolArgs(t, pFlags, 10*time.Second, c.path)
			r := runToolArgs(t, rFlags, 10*time.Second, c.path)
			if p.crashed || r.crashed || p.timeout || r.timeout {
				t.Fatalf("elfdeps failed: %+v %+v", p, r)
			}
			if !sameLines(got.Provides, p.lines) {
				t.Errorf("Provides (elfdeps %s)\n got  %q\n want %q", strings.Join(pFlags, " "), got.Provides, p.lines)
			}
			if !sameLines(got.Requires, r.lines) {
				t.Errorf("Requires (elfdeps %s)\n got  %q\n want %q", strings.Join(rFlags, " "), got.Requires, r.lines)
			}
			if c.none && len(got.Provides)+len(got.Requires) > 0 {
				t.Errorf("got %+v, want no dependencies", got)
			}
			for _, w := range c.req {
				if !contains(got.Requires, w) {
					t.Errorf("Requires %q lack %q", got.Requires, w)
				}
			}
			for _, w := range c.prv {
				if !contains(got.Provides, w) {
					t.Errorf("Provides %q lack %q", got.Provides, w)
				}
			}
			gotP = append(gotP, got.Provides...)
			gotR = append(gotR, got.Requires...)
			paths = append(paths, c.path)
		})
	}
	// One run over the whole table, as rpmbuild feeds a package's files.
	p := runToolArgs(t, pFlags, 30*time.Second, paths...)
	r := runToolArgs(t, rFlags, 30*time.Second, paths...)
	if !sameLines(gotP, p.lines) || !sameLines(gotR, r.lines) {
		t.Errorf("one elfdeps run over the table differs from the per-file results")
	}
}
