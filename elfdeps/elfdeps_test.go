package elfdeps

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

// toolPath is rpm 4.18's generator, the oracle of every differential test.
const toolPath = "/usr/lib/rpm/elfdeps"

// toolRun is what one elfdeps invocation printed.
type toolRun struct {
	lines   []string
	crashed bool // killed by a signal (elfdeps divides by zero on some files)
	timeout bool
}

// runTool runs "elfdeps flag" with paths on standard input, as rpmbuild
// does.
func runTool(t testing.TB, flag string, timeout time.Duration, paths ...string) toolRun {
	t.Helper()
	testenv.NeedTool(t, toolPath)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, toolPath, flag)
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var res toolRun
	if ctx.Err() != nil {
		res.timeout = true
		return res
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run %s %s: %v", toolPath, flag, err)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.crashed = true
		}
		// Exit status 1 means some file was not ELF: not an error.
	}
	if s := out.String(); s != "" {
		res.lines = strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	}
	return res
}

// toolDeps runs elfdeps -R and -P on one file.
func toolDeps(t testing.TB, path string) (Deps, bool) {
	t.Helper()
	r := runTool(t, "-R", 10*time.Second, path)
	p := runTool(t, "-P", 10*time.Second, path)
	if r.timeout || p.timeout {
		t.Fatalf("%s: elfdeps timed out", path)
	}
	return Deps{Requires: r.lines, Provides: p.lines}, r.crashed || p.crashed
}

func sameLines(a, b []string) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// checkFile compares Analyze with elfdeps on one file; real files must
// also analyze without error.
func checkFile(t *testing.T, path string, wantClean bool) Deps {
	t.Helper()
	got, err := AnalyzeFile(path)
	if err != nil && wantClean {
		t.Errorf("%s: Analyze: %v", path, err)
	}
	want, crashed := toolDeps(t, path)
	if crashed {
		t.Errorf("%s: elfdeps crashed", path)
	}
	if !sameLines(got.Requires, want.Requires) {
		t.Errorf("%s: Requires\n got  %q\n want %q", path, got.Requires, want.Requires)
	}
	if !sameLines(got.Provides, want.Provides) {
		t.Errorf("%s: Provides\n got  %q\n want %q", path, got.Provides, want.Provides)
	}
	return got
}

// sample returns up to n regular files matching pattern, spread evenly
// over the sorted list so that the sample reaches the whole alphabet.
func sample(t *testing.T, pattern string, n int) []string {
	t.Helper()
	all, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, p := range all {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	if len(files) <= n {
		return files
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, files[i*len(files)/n])
	}
	return out
}

// TestDifferentialSystem compares Analyze with elfdeps on installed files:
// one elfdeps run per flag for the whole sample, and a per-file run to
// name the culprit when the concatenations differ.
func TestDifferentialSystem(t *testing.T) {
	_, goroot := goTool(t)
	var files []string
	files = append(files, sample(t, "/usr/bin/*", 1000)...)
	files = append(files, sample(t, "/usr/lib/x86_64-linux-gnu/*.so*", 1000)...)
	goFiles := append([]string{filepath.Join(goroot, "bin", "go")},
		sample(t, filepath.Join(goroot, "pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH, "*"), 50)...)
	files = append(files, goFiles...)
	if len(files) < 100 {
		t.Fatalf("only %d files to compare", len(files))
	}

	var gotR, gotP []string
	elfCount := 0
	for _, f := range files {
		d, err := AnalyzeFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if len(d.Requires)+len(d.Provides) > 0 {
			elfCount++
		}
		gotR = append(gotR, d.Requires...)
		gotP = append(gotP, d.Provides...)
	}
	wantR := runTool(t, "-R", 60*time.Second, files...)
	wantP := runTool(t, "-P", 60*time.Second, files...)
	if wantR.timeout || wantR.crashed || wantP.timeout || wantP.crashed {
		t.Fatalf("elfdeps failed on the sample: %+v %+v", wantR, wantP)
	}
	if !sameLines(gotR, wantR.lines) || !sameLines(gotP, wantP.lines) {
		for _, f := range files {
			checkFile(t, f, true)
		}
		if !t.Failed() {
			t.Errorf("concatenated output differs but no single file does")
		}
	}
	if elfCount < 50 {
		t.Errorf("only %d of %d files had dependencies; the sample is too thin", elfCount, len(files))
	}
	t.Logf("%d files, %d with dependencies, %d requires and %d provides lines", len(files), elfCount, len(gotR), len(gotP))

	for _, f := range goFiles {
		if d, err := AnalyzeFile(f); err != nil || len(d.Requires)+len(d.Provides) != 0 {
			t.Errorf("%s: static Go binary: %+v, %v; want nothing", f, d, err)
		}
	}
}

// goTool returns the go command and its GOROOT (the Go distribution whose
// static binaries must yield no dependencies).
func goTool(t *testing.T) (string, string) {
	t.Helper()
	goCmd := testenv.NeedTool(t, "go")
	out, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return goCmd, strings.TrimSpace(string(out))
}

// buildEnv is a scratch directory for objects built by the test.
type buildEnv struct {
	t   *testing.T
	dir string
	gcc string
}

func (b *buildEnv) path(name string) string { return filepath.Join(b.dir, name) }

func (b *buildEnv) write(name, text string) string {
	b.t.Helper()
	p := b.path(name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		b.t.Fatal(err)
	}
	return p
}

func (b *buildEnv) run(env []string, name string, args ...string) error {
	b.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func (b *buildEnv) cc(args ...string) {
	b.t.Helper()
	if err := b.run(nil, b.gcc, args...); err != nil {
		b.t.Fatal(err)
	}
}

// copyTo copies name into subdirectory sub with mode, keeping the base
// name (elfdeps' soname fallback uses it).
func (b *buildEnv) copyTo(name, sub string, mode os.FileMode, patch func([]byte)) string {
	b.t.Helper()
	data, err := os.ReadFile(b.path(name))
	if err != nil {
		b.t.Fatal(err)
	}
	if patch != nil {
		patch(data)
	}
	if err := os.MkdirAll(b.path(sub), 0o755); err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(b.path(sub), filepath.Base(name))
	if err := os.WriteFile(p, data, mode); err != nil {
		b.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		b.t.Fatal(err)
	}
	return p
}

const versionScript = `VERS_1.0 { global: v1; local: *; };
VERS_1.1 { global: v1b; } VERS_1.0;
VERS_2.0 { global: v2; } VERS_1.1;
`

// TestDifferentialBuilt builds programs and libraries of every kind the
// rules distinguish and compares Analyze with elfdeps on each.
func TestDifferentialBuilt(t *testing.T) {
	b := &buildEnv{t: t, dir: t.TempDir(), gcc: testenv.NeedTool(t, "gcc")}
	b.write("vers.c", "int v1(void){return 1;}\nint v1b(void){return 2;}\nint v2(void){return 3;}\n")
	b.write("vers.map", versionScript)
	b.write("plain.c", "int plain(void){return 4;}\n")
	b.write("main.c", `#include <stdio.h>
int v1(void);
int v2(void);
int main(void){ printf("%d\n", v1()+v2()); return 0; }
`)
	b.write("weak.c", `#include <stdio.h>
extern int v2(void) __attribute__((weak));
int v1(void);
int main(void){ printf("%d\n", v1() + (v2 ? v2() : 0)); return 0; }
`)
	b.write("hello.c", "#include <stdio.h>\n#include <math.h>\nint main(int c, char **v){ printf(\"%f\\n\", sqrt(c)); return 0; }\n")

	// Shared libraries: with a soname and versions, without a soname
	// (named like a library, so elfdeps falls back to the file name, and
	// named like a plugin, which the soname filter drops), and the
	// hash-table styles that decide rtld(GNU_HASH).
	b.cc("-shared", "-fPIC", "-o", "libvers.so.1", "-Wl,-soname,libvers.so.1", "-Wl,--version-script,vers.map", "vers.c")
	if err := os.Symlink("libvers.so.1", b.path("libvers.so")); err != nil {
		t.Fatal(err)
	}
	b.cc("-shared", "-fPIC", "-o", "libnosoname.so", "plain.c")
	b.cc("-shared", "-fPIC", "-o", "plugin.so", "plain.c")
	b.cc("-shared", "-fPIC", "-o", "libboth.so.2", "-Wl,-soname,libboth.so.2", "-Wl,--hash-style=both", "plain.c")
	b.cc("-shared", "-fPIC", "-o", "libsysv.so.3", "-Wl,-soname,libsysv.so.3", "-Wl,--hash-style=sysv", "plain.c")
	b.cc("-shared", "-fPIC", "-o", "libodd.so", "-Wl,-soname,odd-name.so.1", "plain.c")
	b.cc("-shared", "-fPIC", "-o", "libld.so", "-Wl,-soname,ld64x.so.1", "plain.c")
	// Programs: PIE and not, linked against the versioned library (one
	// with a weak reference, VER_FLG_WEAK in .gnu.version_r), static.
	b.cc("-pie", "-fPIE", "-o", "pie", "main.c", "-L.", "-lvers", "-Wl,-rpath,$ORIGIN")
	b.cc("-no-pie", "-fno-PIE", "-o", "nopie", "hello.c", "-lm")
	b.cc("-o", "weakref", "weak.c", "-L.", "-lvers", "-Wl,-rpath,$ORIGIN")
	b.cc("-static", "-o", "static", "hello.c", "-lm")

	files := []string{"libvers.so.1", "libvers.so", "libnosoname.so", "plugin.so", "libboth.so.2", "libsysv.so.3", "libodd.so", "libld.so", "pie", "nopie", "weakref", "static"}

	// A cgo program.
	goCmd, _ := goTool(t)
	if err := os.Mkdir(b.path("cgo"), 0o755); err != nil {
		t.Fatal(err)
	}
	b.write("cgo/go.mod", "module cgoprog\n")
	b.write("cgo/main.go", "package main\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc main() { C.free(C.malloc(16)) }\n")
	if err := b.run([]string{"CGO_ENABLED=1", "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local"}, goCmd, "build", "-C", "cgo", "-o", "../cgoprog", "."); err != nil {
		t.Fatal(err)
	}
	files = append(files, "cgoprog")

	// 32-bit objects need multilib; only this sub-case may be skipped.
	t.Run("m32", func(t *testing.T) {
		if err := b.run(nil, b.gcc, "-m32", "-o", "hello32", "hello.c", "-lm"); err != nil {
			t.Skipf("gcc -m32 does not work (no multilib): %v", err)
		}
		b.cc("-m32", "-shared", "-fPIC", "-o", "libvers32.so.1", "-Wl,-soname,libvers32.so.1", "-Wl,--version-script,vers.map", "vers.c")
		for _, f := range []string{"hello32", "libvers32.so.1"} {
			d := checkFile(t, b.path(f), true)
			for _, dep := range append(d.Requires, d.Provides...) {
				if strings.Contains(dep, "64bit") {
					t.Errorf("%s: 32-bit dependency %q has a 64bit marker", f, dep)
				}
			}
		}
	})

	for _, f := range files {
		checkFile(t, b.path(f), true)
		// Without execute bits: programs lose their Requires, libraries
		// keep them.
		checkFile(t, b.copyTo(f, "noexec", 0o644, nil), true)
	}
	// Machines without the (64bit) marker.
	for _, m := range []elf.Machine{elf.EM_ALPHA, emFakeAlpha} {
		sub := fmt.Sprintf("machine%d", m)
		patch := func(data []byte) { binary.LittleEndian.PutUint16(data[18:], uint16(m)) }
		checkFile(t, b.copyTo("libvers.so.1", sub, 0o755, patch), true)
		checkFile(t, b.copyTo("pie", sub, 0o755, patch), true)
	}

	// Spot checks of the rules, on top of agreeing with elfdeps.
	spot := []struct {
		file     string
		req, prv []string // must be present
		none     bool     // no dependencies at all
	}{
		{file: "libvers.so.1", prv: []string{"libvers.so.1()(64bit)", "libvers.so.1(VERS_1.0)(64bit)", "libvers.so.1(VERS_2.0)(64bit)"}, req: []string{"rtld(GNU_HASH)"}},
		{file: "libnosoname.so", prv: []string{"libnosoname.so()(64bit)"}},
		{file: "pie", req: []string{"libvers.so.1()(64bit)", "libvers.so.1(VERS_1.0)(64bit)", "libvers.so.1(VERS_2.0)(64bit)"}},
		{file: "weakref", req: []string{"libvers.so.1(VERS_2.0)(64bit)"}},
		{file: "nopie", req: []string{"libm.so.6()(64bit)", "libm.so.6(GLIBC_2.2.5)(64bit)"}},
		{file: "cgoprog", req: []string{"libc.so.6()(64bit)"}},
		{file: "static", none: true},
		{file: "noexec/pie", prv: nil},
	}
	for _, c := range spot {
		d, err := AnalyzeFile(b.path(c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if c.none && len(d.Requires)+len(d.Provides) != 0 {
			t.Errorf("%s: got %+v, want no dependencies", c.file, d)
		}
		for _, w := range c.req {
			if !contains(d.Requires, w) {
				t.Errorf("%s: Requires %q lack %q", c.file, d.Requires, w)
			}
		}
		for _, w := range c.prv {
			if !contains(d.Provides, w) {
				t.Errorf("%s: Provides %q lack %q", c.file, d.Provides, w)
			}
		}
	}
	if d, _ := AnalyzeFile(b.path("plugin.so")); len(d.Provides) != 0 {
		t.Errorf("plugin.so: Provides %q, want none (soname filter)", d.Provides)
	}
	if d, _ := AnalyzeFile(b.path("noexec/pie")); len(d.Requires) != 0 {
		t.Errorf("non-executable PIE: Requires %q, want none", d.Requires)
	}
	if d, _ := AnalyzeFile(b.path("noexec/libvers.so.1")); len(d.Requires) == 0 {
		t.Errorf("non-executable library: no Requires, want them")
	}
	if d, _ := AnalyzeFile(b.path("libvers.so.1")); countOf(d.Provides, "libvers.so.1(VERS_2.0)(64bit)") != 2 {
		t.Errorf("inheriting version definition: Provides %q, want VERS_2.0 twice as elfdeps prints it", d.Provides)
	}
}

func contains(list []string, s string) bool { return countOf(list, s) > 0 }

func countOf(list []string, s string) int {
	n := 0
	for _, l := range list {
		if l == s {
			n++
		}
	}
	return n
}

// synthNeed is one file of a synthesized .gnu.version_r.
type synthNeed struct {
	file string
	vers []string
	weak bool
}

// synthDef is one record of a synthesized .gnu.version_d.
type synthDef struct {
	name    string
	base    bool
	parents []string
}

// synth describes a small ELF file with the structures elfdeps reads,
// for the classes, byte orders and machines no compiler here produces.
type synth struct {
	is32, big            bool
	typ                  elf.Type
	machine              elf.Machine
	interp               string
	needed               []string
	soname               string
	debug, hash, gnuHash bool
	defs                 []synthDef
	needs                []synthNeed
}

// layout says where build put things, for hostile mutations.
type layout struct {
	phoff, shoff   int
	shsz           int
	sec            map[string]int // section name -> index
	dynOff, vnOff  int
	vdOff, strOff  int
	strLen, dynLen int
}

func (s synth) build() ([]byte, layout) {
	var bo binary.ByteOrder = binary.LittleEndian
	if s.big {
		bo = binary.BigEndian
	}
	ehsize, phsz, shsz, dynsz := 64, 56, 64, 16
	if s.is32 {
		ehsize, phsz, shsz, dynsz = 52, 32, 40, 8
	}
	str := []byte{0}
	add := func(x string) uint32 {
		off := len(str)
		str = append(append(str, x...), 0)
		return uint32(off)
	}
	type dyn struct {
		tag elf.DynTag
		val uint64
	}
	var dyns []dyn
	for _, n := range s.needed {
		dyns = append(dyns, dyn{elf.DT_NEEDED, uint64(add(n))})
	}
	if s.soname != "" {
		dyns = append(dyns, dyn{elf.DT_SONAME, uint64(add(s.soname))})
	}
	if s.hash {
		dyns = append(dyns, dyn{elf.DT_HASH, 0x1000})
	}
	if s.gnuHash {
		dyns = append(dyns, dyn{elf.DT_GNU_HASH, 0x1000})
	}
	if s.debug {
		dyns = append(dyns, dyn{elf.DT_DEBUG, 0})
	}
	dyns = append(dyns, dyn{elf.DT_NULL, 0})

	var vd []byte
	for i, d := range s.defs {
		names := append([]string{d.name}, d.parents...)
		next := uint32(verdefSize + verdauxSize*len(names))
		if i == len(s.defs)-1 {
			next = 0
		}
		flags := uint16(0)
		if d.base {
			flags = verFlgBase
		}
		rec := make([]byte, verdefSize)
		bo.PutUint16(rec[0:], 1)
		bo.PutUint16(rec[2:], flags)
		bo.PutUint16(rec[4:], uint16(i+1))
		bo.PutUint16(rec[6:], uint16(len(names)))
		bo.PutUint32(rec[12:], verdefSize)
		bo.PutUint32(rec[16:], next)
		vd = append(vd, rec...)
		for k, n := range names {
			aux := make([]byte, verdauxSize)
			bo.PutUint32(aux[0:], add(n))
			if k < len(names)-1 {
				bo.PutUint32(aux[4:], verdauxSize)
			}
			vd = append(vd, aux...)
		}
	}
	var vn []byte
	for i, n := range s.needs {
		next := uint32(verneedSize + vernauxSize*len(n.vers))
		if i == len(s.needs)-1 {
			next = 0
		}
		rec := make([]byte, verneedSize)
		bo.PutUint16(rec[0:], 1)
		bo.PutUint16(rec[2:], uint16(len(n.vers)))
		bo.PutUint32(rec[4:], add(n.file))
		bo.PutUint32(rec[8:], verneedSize)
		bo.PutUint32(rec[12:], next)
		vn = append(vn, rec...)
		for k, v := range n.vers {
			aux := make([]byte, vernauxSize)
			if n.weak {
				bo.PutUint16(aux[4:], 2) // VER_FLG_WEAK
			}
			bo.PutUint16(aux[6:], uint16(k+2))
			bo.PutUint32(aux[8:], add(v))
			if k < len(n.vers)-1 {
				bo.PutUint32(aux[12:], vernauxSize)
			}
			vn = append(vn, aux...)
		}
	}
	dynb := make([]byte, dynsz*len(dyns))
	for i, d := range dyns {
		if s.is32 {
			bo.PutUint32(dynb[i*8:], uint32(int32(d.tag)))
			bo.PutUint32(dynb[i*8+4:], uint32(d.val))
		} else {
			bo.PutUint64(dynb[i*16:], uint64(int64(d.tag)))
			bo.PutUint64(dynb[i*16+8:], d.val)
		}
	}

	var l layout
	l.sec = map[string]int{}
	l.shsz = shsz
	out := make([]byte, ehsize)
	align := func() {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
	}
	nph := 0
	if s.interp != "" {
		nph = 1
		l.phoff = len(out)
		out = append(out, make([]byte, phsz)...)
	}
	interpOff := len(out)
	if s.interp != "" {
		out = append(append(out, s.interp...), 0)
	}
	type sect struct {
		name       string
		typ        elf.SectionType
		off, size  int
		link, info uint32
		entsize    int
	}
	sects := []sect{{name: ""}}
	place := func(name string, typ elf.SectionType, data []byte, link, info uint32, entsize int) int {
		align()
		off := len(out)
		out = append(out, data...)
		sects = append(sects, sect{name, typ, off, len(data), link, info, entsize})
		l.sec[name] = len(sects) - 1
		return off
	}
	l.strOff = place(".dynstr", elf.SHT_STRTAB, str, 0, 0, 0)
	l.strLen = len(str)
	if len(vd) > 0 {
		l.vdOff = place(".gnu.version_d", elf.SHT_GNU_VERDEF, vd, 1, uint32(len(s.defs)), 0)
	}
	if len(vn) > 0 {
		l.vnOff = place(".gnu.version_r", elf.SHT_GNU_VERNEED, vn, 1, uint32(len(s.needs)), 0)
	}
	l.dynOff = place(".dynamic", elf.SHT_DYNAMIC, dynb, 1, 0, dynsz)
	l.dynLen = len(dynb)
	align()
	l.shoff = len(out)
	for _, sc := range sects {
		h := make([]byte, shsz)
		if s.is32 {
			bo.PutUint32(h[4:], uint32(sc.typ))
			bo.PutUint32(h[16:], uint32(sc.off))
			bo.PutUint32(h[20:], uint32(sc.size))
			bo.PutUint32(h[24:], sc.link)
			bo.PutUint32(h[28:], sc.info)
			bo.PutUint32(h[36:], uint32(sc.entsize))
		} else {
			bo.PutUint32(h[4:], uint32(sc.typ))
			bo.PutUint64(h[24:], uint64(sc.off))
			bo.PutUint64(h[32:], uint64(sc.size))
			bo.PutUint32(h[40:], sc.link)
			bo.PutUint32(h[44:], sc.info)
			bo.PutUint64(h[56:], uint64(sc.entsize))
		}
		out = append(out, h...)
	}

	copy(out, elf.ELFMAG)
	out[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	if s.is32 {
		out[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	}
	out[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	if s.big {
		out[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	}
	out[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	typ, machine := s.typ, s.machine
	if typ == 0 {
		typ = elf.ET_DYN
	}
	if machine == 0 {
		machine = elf.EM_X86_64
	}
	bo.PutUint16(out[16:], uint16(typ))
	bo.PutUint16(out[18:], uint16(machine))
	bo.PutUint32(out[20:], 1)
	if s.is32 {
		bo.PutUint32(out[28:], uint32(l.phoff))
		bo.PutUint32(out[32:], uint32(l.shoff))
		bo.PutUint16(out[40:], uint16(ehsize))
		bo.PutUint16(out[42:], uint16(phsz))
		bo.PutUint16(out[44:], uint16(nph))
		bo.PutUint16(out[46:], uint16(shsz))
		bo.PutUint16(out[48:], uint16(len(sects)))
	} else {
		bo.PutUint64(out[32:], uint64(l.phoff))
		bo.PutUint64(out[40:], uint64(l.shoff))
		bo.PutUint16(out[52:], uint16(ehsize))
		bo.PutUint16(out[54:], uint16(phsz))
		bo.PutUint16(out[56:], uint16(nph))
		bo.PutUint16(out[58:], uint16(shsz))
		bo.PutUint16(out[60:], uint16(len(sects)))
	}
	if nph == 1 {
		p := out[l.phoff:]
		bo.PutUint32(p[0:], uint32(elf.PT_INTERP))
		if s.is32 {
			bo.PutUint32(p[4:], uint32(interpOff))
			bo.PutUint32(p[16:], uint32(len(s.interp)+1))
		} else {
			bo.PutUint64(p[8:], uint64(interpOff))
			bo.PutUint64(p[32:], uint64(len(s.interp)+1))
		}
	}
	return out, l
}

// A library and a program in the shapes real linkers write.
var (
	synthLib = synth{
		soname: "libsyn.so.1", needed: []string{"libc.so.6"}, gnuHash: true,
		defs: []synthDef{{name: "libsyn.so.1", base: true}, {name: "SYN_1.0"}, {name: "SYN_1.1", parents: []string{"SYN_1.0"}}},
		needs: []synthNeed{{file: "libc.so.6", vers: []string{"GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_PRIVATE"}},
			{file: "libdl.so.2", vers: []string{"GLIBC_2.2.5"}, weak: true}},
	}
	synthProg = synth{
		interp: "/lib64/ld-linux-x86-64.so.2", debug: true, gnuHash: true, hash: true,
		needed: []string{"libsyn.so.1", "libc.so.6"},
		needs:  []synthNeed{{file: "libsyn.so.1", vers: []string{"SYN_1.1"}}, {file: "libc.so.6", vers: []string{"GLIBC_2.17", "GLIBC_2.4"}}},
	}
)

// with returns s changed by f, leaving s alone.
func (s synth) with(f func(*synth)) synth {
	f(&s)
	return s
}

// writeCase writes data as a file named base in a fresh directory.
func writeCase(t *testing.T, dir, sub, base string, data []byte, mode os.FileMode) string {
	t.Helper()
	d := filepath.Join(dir, sub)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, base)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDifferentialSynthetic covers classes, byte orders, machines and
// soname shapes with synthesized files, each checked against elfdeps.
func TestDifferentialSynthetic(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		base string // file name (soname fallback)
		s    synth
	}{
		{"lib64", "libsyn.so.1", synthLib},
		{"prog64", "prog", synthProg},
		{"lib32", "libsyn.so.1", synthLib.with(func(s *synth) { s.is32 = true })},
		{"prog32", "prog", synthProg.with(func(s *synth) { s.is32, s.machine, s.interp = true, elf.EM_386, "/lib/ld-linux.so.2" })},
		{"x32", "prog", synthProg.with(func(s *synth) { s.is32 = true })},
		{"lib64be", "libsyn.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_S390 })},
		{"prog32be", "prog", synthProg.with(func(s *synth) { s.is32, s.big, s.machine = true, true, elf.EM_PPC })},
		{"ppc64", "libsyn.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_PPC64 })},
		{"alpha", "libsyn.so.1", synthLib.with(func(s *synth) { s.machine = elf.EM_ALPHA })},
		{"exec-type", "prog", synthProg.with(func(s *synth) { s.typ = elf.ET_EXEC })},
		{"rel", "x.o", synthLib.with(func(s *synth) { s.typ = elf.ET_REL })},
		{"core", "core", synthLib.with(func(s *synth) { s.typ = elf.ET_CORE })},
		{"no-soname-lib-name", "libfallback.so.7", synthLib.with(func(s *synth) { s.soname = "" })},
		{"no-soname-plugin-name", "plugin.so", synthLib.with(func(s *synth) { s.soname = "" })},
		{"no-soname-32", "libfallback.so.7", synthLib.with(func(s *synth) { s.soname, s.is32 = "", true })},
		{"dso-with-debug", "libdebug.so", synthLib.with(func(s *synth) { s.soname, s.debug = "", true })},
		{"pie-with-interp", "libpie.so", synthProg.with(func(s *synth) { s.debug = false })},
		{"both-hashes", "libsyn.so.1", synthLib.with(func(s *synth) { s.hash = true })},
		{"sysv-hash", "libsyn.so.1", synthLib.with(func(s *synth) { s.hash, s.gnuHash = true, false })},
		{"soname-ld", "x", synthLib.with(func(s *synth) {
			s.soname = "ld-linux-x86-64.so.2"
			s.needed = []string{"ld.so.1", "ld64.so.2", "ld64-x.so", "ld6.so", "ldx.so", "lib", "libnoso", "foo.so.1", "xlib.so", " ", "", "lib\tx.so"}
		})},
		{"soname-filtered", "libx.so", synthLib.with(func(s *synth) { s.soname = "notalib.so.1" })},
		{"soname-no-so", "libx.so", synthLib.with(func(s *synth) { s.soname = "libnoso" })},
		{"verdef-base-filtered", "libx.so", synthLib.with(func(s *synth) {
			s.defs = []synthDef{{name: "plugin.so", base: true}, {name: "V1"}}
		})},
		{"verdef-no-base", "libx.so", synthLib.with(func(s *synth) { s.defs = []synthDef{{name: "V1"}, {name: "V2", parents: []string{"V1", "V0"}}} })},
		{"verdef-two-bases", "libx.so", synthLib.with(func(s *synth) {
			s.defs = []synthDef{{name: "libone.so", base: true}, {name: "V1"}, {name: "libtwo.so", base: true, parents: []string{"libthree.so"}}, {name: "V2"}}
		})},
		{"verneed-filtered-file", "libx.so", synthLib.with(func(s *synth) { s.needs = []synthNeed{{file: "weird", vers: []string{"V1"}}} })},
		{"newline-soname", "libx.so", synthLib.with(func(s *synth) { s.soname = "libnl.so\nsecond" })},
	}
	for _, c := range cases {
		data, _ := c.s.build()
		for _, mode := range []os.FileMode{0o755, 0o644} {
			t.Run(fmt.Sprintf("%s/%o", c.name, mode), func(t *testing.T) {
				p := writeCase(t, dir, fmt.Sprintf("%s-%o", c.name, mode), c.base, data, mode)
				checkFile(t, p, true)
			})
		}
	}
}

// patched returns a copy of data changed by f.
func patched(data []byte, f func(b []byte)) []byte {
	b := bytes.Clone(data)
	f(b)
	return b
}

// shdrAt returns the offset of section header i of a 64-bit synth file.
func (l layout) shdrAt(i int) int { return l.shoff + i*l.shsz }

// hostileCase is one malformed or unusual input. Unless noTool, elfdeps
// is run on it too and must print exactly what Analyze returns (or crash,
// and then Analyze returns nothing and an error).
type hostileCase struct {
	name   string
	base   string // file name for the soname fallback
	data   []byte
	exec   bool
	want   error // nil, ErrMalformed or ErrTooLarge
	noTool bool  // elfdeps would loop for minutes or print gigabytes
}

func hostileCases(t testing.TB) []hostileCase {
	lib, ll := synthLib.build()
	prog, pl := synthProg.build()
	le := binary.LittleEndian
	dyn, vn, vd, str := ll.sec[".dynamic"], ll.sec[".gnu.version_r"], ll.sec[".gnu.version_d"], ll.sec[".dynstr"]
	libSec := func(i, field int, v uint64, width int) []byte {
		return patched(lib, func(b []byte) {
			p := b[ll.shdrAt(i)+field:]
			switch width {
			case 4:
				le.PutUint32(p, uint32(v))
			case 8:
				le.PutUint64(p, v)
			}
		})
	}
	// Section header fields of ELF64.
	const (
		shType, shFlags, shOffset, shSize, shLink, shInfo, shEntsize = 4, 8, 24, 32, 40, 44, 56
	)
	// Many section headers that all describe the .dynamic section.
	manyDyn := func(n int) []byte {
		b := bytes.Clone(lib)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		shoff := len(b)
		b = append(b, lib[ll.shdrAt(0):ll.shdrAt(0)+64]...)
		b = append(b, lib[ll.shdrAt(str):ll.shdrAt(str)+64]...)
		for i := 2; i < n; i++ {
			b = append(b, lib[ll.shdrAt(dyn):ll.shdrAt(dyn)+64]...)
		}
		le.PutUint64(b[40:], uint64(shoff))
		le.PutUint16(b[60:], uint16(n))
		return b
	}
	// Sections of the whole file's size, far more than the file: reading
	// them all would take gigabytes.
	wholeFile := func(n int) []byte {
		b := manyDyn(n)
		for i := 2; i < n; i++ {
			h := b[int(le.Uint64(b[40:]))+i*64:]
			le.PutUint64(h[shOffset:], 0)
			le.PutUint64(h[shSize:], uint64(len(b)/16*16))
		}
		return b
	}

	return []hostileCase{
		{name: "empty", data: nil},
		{name: "short-magic", data: []byte("\x7fEL")},
		{name: "script", data: []byte("#!/bin/sh\necho hi\n"), exec: true},
		{name: "archive", data: []byte("!<arch>\nfoo.o/          0           0     0     644     4         `\n\x7fELF"), exec: true},
		{name: "magic-only", data: []byte("\x7fELF"), exec: true, want: ErrMalformed},
		{name: "garbage-after-magic", data: append([]byte("\x7fELF"), bytes.Repeat([]byte{0xaa}, 200)...), exec: true, want: ErrMalformed},
		{name: "bad-ident-version", data: patched(lib, func(b []byte) { b[elf.EI_VERSION] = 0 }), exec: true, want: ErrMalformed},
		{name: "bad-class", data: patched(lib, func(b []byte) { b[elf.EI_CLASS] = 3 }), exec: true, want: ErrMalformed},
		{name: "truncated-ident", data: lib[:10], exec: true, want: ErrMalformed},
		{name: "truncated-header", data: lib[:40], exec: true, want: ErrMalformed},
		{name: "truncated-half", base: "libsyn.so.1", data: lib[:len(lib)/2], exec: true, want: ErrMalformed},
		{name: "truncated-before-shtab-end", data: lib[:len(lib)-1], exec: true, want: ErrMalformed},
		{name: "ident-and-zeros", data: append(bytes.Clone(lib[:16]), make([]byte, 200)...), exec: true},
		{name: "no-section-headers", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint64(b[40:], 0); le.PutUint16(b[60:], 0) }), exec: true},
		{name: "shoff-huge", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint64(b[40:], 1<<62) }), exec: true, want: ErrMalformed},
		{name: "shnum-huge", base: "libsyn.so.1", data: patched(lib, func(b []byte) { le.PutUint16(b[60:], 0xffff) }), exec: true, want: ErrMalformed},
		{name: "extended-shnum", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], uint64(le.Uint16(b[60:])))
			le.PutUint16(b[60:], 0)
		}), exec: true},
		{name: "extended-shnum-over-32-bits", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], 1<<40)
			le.PutUint16(b[60:], 0)
		}), exec: true, want: ErrMalformed},
		{name: "extended-shnum-truncated", base: "libsyn.so.1", data: patched(lib, func(b []byte) {
			le.PutUint64(b[ll.shdrAt(0)+shSize:], 0xffffffff)
			le.PutUint16(b[60:], 0)
		}), exec: true, want: ErrMalformed},
		{name: "phoff-huge-noexec", data: patched(prog, func(b []byte) { le.PutUint64(b[32:], 1<<40) }), want: ErrMalformed},
		{name: "phnum-huge-noexec", data: patched(prog, func(b []byte) { le.PutUint16(b[56:], 0xfffe) }), want: ErrMalformed},
		{name: "pn-xnum-noexec", data: patched(prog, func(b []byte) {
			le.PutUint16(b[56:], 0xffff)
			le.PutUint32(b[pl.shdrAt(0)+shInfo:], 1)
		})},
		{name: "interp-outside-noexec", data: patched(prog, func(b []byte) { le.PutUint64(b[pl.phoff+8:], 1<<40) }), want: ErrMalformed},
		{name: "dynamic-entsize-zero", base: "libsyn.so.1", data: libSec(dyn, shEntsize, 0, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-entsize-8", data: libSec(dyn, shEntsize, 8, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-entsize-32", data: libSec(dyn, shEntsize, 32, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-size-odd", base: "libsyn.so.1", data: libSec(dyn, shSize, uint64(ll.dynLen-4), 8), exec: true, want: ErrMalformed},
		{name: "dynamic-outside", base: "libsyn.so.1", data: libSec(dyn, shOffset, 1<<40, 8), exec: true, want: ErrMalformed},
		{name: "dynamic-compressed", base: "libsyn.so.1", data: libSec(dyn, shFlags, uint64(elf.SHF_COMPRESSED), 8), exec: true, want: ErrMalformed},
		{name: "dynamic-link-out-of-range", base: "libsyn.so.1", data: libSec(dyn, shLink, 99, 4), exec: true, want: ErrMalformed},
		{name: "dynamic-after-null", data: patched(lib, func(b []byte) {
			// Move DT_NULL first: elfdeps reads past it.
			d := b[ll.dynOff : ll.dynOff+ll.dynLen]
			copy(d[16:], bytes.Clone(d[:len(d)-16]))
			clear(d[:16])
		}), exec: true},
		{name: "strtab-wrong-type", base: "libsyn.so.1", data: libSec(str, shType, uint64(elf.SHT_PROGBITS), 4), exec: true, want: ErrMalformed},
		{name: "strtab-unterminated", data: patched(lib, func(b []byte) { b[ll.strOff+ll.strLen-1] = 'X' }), exec: true, want: ErrMalformed},
		{name: "strtab-outside", base: "libsyn.so.1", data: libSec(str, shOffset, 1<<40, 8), exec: true, want: ErrMalformed},
		{name: "strtab-compressed", base: "libsyn.so.1", data: libSec(str, shFlags, uint64(elf.SHF_COMPRESSED), 8), exec: true, want: ErrMalformed},
		{name: "verneed-cycle", data: libSec(vn, shInfo, 5000, 4), exec: true, want: ErrMalformed},
		{name: "verneed-info-int-min", data: libSec(vn, shInfo, 1<<31, 4), exec: true, want: ErrTooLarge, noTool: true},
		{name: "verneed-info-negative", data: libSec(vn, shInfo, 0xffffffff, 4), exec: true},
		{name: "verneed-misaligned-aux", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vnOff+8:], 8) }), exec: true, want: ErrMalformed},
		{name: "verneed-aux-outside", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vnOff+8:], 0xfffffff0) }), exec: true, want: ErrMalformed},
		{name: "verneed-size-not-16", data: libSec(vn, shSize, uint64(len(lib))%16+4, 8), exec: true, want: ErrMalformed},
		{name: "verneed-many-aux", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vnOff+2:], 5000) }), exec: true, want: ErrMalformed},
		{name: "verdef-cycle", data: libSec(vd, shInfo, 5000, 4), exec: true, want: ErrMalformed},
		{name: "verdef-info-int-min", data: libSec(vd, shInfo, 1<<31, 4), exec: true, want: ErrTooLarge, noTool: true},
		{name: "verdef-misaligned-aux", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vdOff+12:], 2) }), exec: true, want: ErrMalformed},
		{name: "verdef-repeat-5000", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vdOff+20+8+6:], 5000) }), exec: true},
		{name: "verdef-base-repeat", data: patched(lib, func(b []byte) { le.PutUint16(b[ll.vdOff+6:], 0xffff) }), exec: true},
		{name: "verdef-next-loop", data: patched(lib, func(b []byte) { le.PutUint32(b[ll.vdOff+16:], 0) }), exec: true},
		{name: "et-rel", data: patched(lib, func(b []byte) { le.PutUint16(b[16:], uint16(elf.ET_REL)) }), exec: true},
		{name: "et-core", data: patched(lib, func(b []byte) { le.PutUint16(b[16:], uint16(elf.ET_CORE)) }), exec: true},
		{name: "many-dynamic-sections", data: manyDyn(3000), exec: true},
		{name: "sections-larger-than-file", data: wholeFile(3000), exec: true, want: ErrTooLarge, noTool: true},
	}
}

// analyzeBytes runs AnalyzeNamed on data.
func analyzeBytes(base string, data []byte, exec bool) (Deps, error) {
	return AnalyzeNamed("/buildroot/usr/lib64/"+base, bytes.NewReader(data), int64(len(data)), exec)
}

// TestHostile checks malformed and unusual inputs: Analyze never panics,
// classifies the defect, and (where elfdeps finishes in reasonable time)
// returns exactly what elfdeps prints, since rpmbuild keeps that.
func TestHostile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			base := c.base
			if base == "" {
				base = "libhostile.so.1"
			}
			start := time.Now()
			got, err := analyzeBytes(base, c.data, c.exec)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Analyze took %v", d)
			}
			switch {
			case c.want == nil && err != nil:
				t.Errorf("Analyze: %v, want no error", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("Analyze: %v, want %v", err, c.want)
			}
			if errors.Is(err, ErrTooLarge) && len(got.Requires)+len(got.Provides) != 0 {
				t.Errorf("ErrTooLarge with dependencies %+v", got)
			}
			if c.noTool {
				return
			}
			mode := os.FileMode(0o644)
			if c.exec {
				mode = 0o755
			}
			p := writeCase(t, dir, c.name, base, c.data, mode)
			want, crashed := toolDeps(t, p)
			if crashed {
				if err == nil || len(got.Requires)+len(got.Provides) != 0 {
					t.Errorf("elfdeps crashes (and prints nothing); Analyze: %+v, %v", got, err)
				}
				return
			}
			if !sameLines(got.Requires, want.Requires) {
				t.Errorf("Requires\n got  %s\n want %s", clip(got.Requires), clip(want.Requires))
			}
			if !sameLines(got.Provides, want.Provides) {
				t.Errorf("Provides\n got  %s\n want %s", clip(got.Provides), clip(want.Provides))
			}
		})
	}
	t.Run("reader-shorter-than-size", func(t *testing.T) {
		lib, _ := synthLib.build()
		_, err := AnalyzeNamed("libsyn.so.1", bytes.NewReader(lib[:len(lib)/2]), int64(len(lib)), true)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %v, want an unexpected EOF", err)
		}
	})
	t.Run("negative-size", func(t *testing.T) {
		if _, err := AnalyzeNamed("x", bytes.NewReader(nil), -1, true); err == nil {
			t.Error("no error for a negative size")
		}
	})
}

func clip(l []string) string {
	if len(l) > 6 {
		return fmt.Sprintf("%q ... (%d lines)", l[:6], len(l))
	}
	return fmt.Sprintf("%q", l)
}

// mutate changes a few bytes or fields of data, mostly inside the
// structures elfdeps reads (l), sometimes truncating it.
func mutate(rng *rand.Rand, data []byte, l layout, bo binary.ByteOrder) []byte {
	d := bytes.Clone(data)
	type region struct{ off, n int }
	regions := []region{{0, 64}, {l.shoff, len(d) - l.shoff}, {l.dynOff, l.dynLen}, {l.strOff, l.strLen}}
	if l.vnOff > 0 {
		regions = append(regions, region{l.vnOff, l.dynOff - l.vnOff}, region{l.vnOff, 48})
	}
	if l.vdOff > 0 {
		regions = append(regions, region{l.vdOff, 64}, region{l.vdOff, 64})
	}
	if l.phoff > 0 {
		regions = append(regions, region{l.phoff, 56})
	}
	values := []uint64{0, 1, 2, 4, 8, 12, 16, 20, 32, 0xff, 0xffff, 0x7fffffff, 1 << 31, 0xffffffff, 1 << 32, ^uint64(0)}
	for range 1 + rng.Intn(3) {
		r := regions[rng.Intn(len(regions))]
		if r.n <= 0 || r.off >= len(d) {
			continue
		}
		pos := r.off + rng.Intn(min(r.off+r.n, len(d))-r.off)
		switch rng.Intn(5) {
		case 0:
			d[pos] ^= 1 << rng.Intn(8)
		case 1:
			d[pos] = byte(rng.Intn(256))
		case 2, 3:
			v := values[rng.Intn(len(values))]
			if rng.Intn(4) == 0 {
				v = uint64(len(d) + rng.Intn(64) - 32)
			}
			w := []int{2, 4, 8}[rng.Intn(3)]
			pos &^= w - 1
			if pos+w > len(d) {
				continue
			}
			switch w {
			case 2:
				bo.PutUint16(d[pos:], uint16(v))
			case 4:
				bo.PutUint32(d[pos:], uint32(v))
			default:
				bo.PutUint64(d[pos:], v)
			}
		default:
			d = d[:rng.Intn(len(d))]
		}
	}
	return d
}

// TestDifferentialMutations compares Analyze with elfdeps on randomly
// damaged files (a fixed seed, so failures reproduce): where elfdeps
// reads past a defect, Analyze must print the same partial result.
func TestDifferentialMutations(t *testing.T) {
	n := 160
	if testing.Short() {
		n = 40
	}
	seeds := []struct {
		name string
		s    synth
	}{
		{"libsyn.so.1", synthLib},
		{"prog", synthProg},
		{"libsyn32.so.1", synthLib.with(func(s *synth) { s.is32 = true })},
		{"libsynbe.so.1", synthLib.with(func(s *synth) { s.big, s.machine = true, elf.EM_S390 })},
		{"prog32be", synthProg.with(func(s *synth) { s.is32, s.big, s.machine = true, true, elf.EM_PPC })},
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	var stats struct{ same, crashed, slow, errs int }
	for i := 0; i < n; i++ {
		sd := seeds[i%len(seeds)]
		data, l := sd.s.build()
		var bo binary.ByteOrder = binary.LittleEndian
		if sd.s.big {
			bo = binary.BigEndian
		}
		m := mutate(rng, data, l, bo)
		exec := rng.Intn(3) != 0
		mode := os.FileMode(0o644)
		if exec {
			mode = 0o755
		}
		p := writeCase(t, dir, fmt.Sprint(i), sd.name, m, mode)
		got, err := AnalyzeFile(p)
		if err != nil {
			stats.errs++
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Errorf("mutation %d of %s: unexpected error kind: %v", i, sd.name, err)
			}
		}
		r := runTool(t, "-R", 5*time.Second, p)
		pp := runTool(t, "-P", 5*time.Second, p)
		switch {
		case r.timeout || pp.timeout:
			stats.slow++ // elfdeps loops for long; nothing to compare
		case r.crashed || pp.crashed:
			stats.crashed++
			if err == nil || len(got.Requires)+len(got.Provides) != 0 {
				t.Errorf("mutation %d of %s: elfdeps crashes; Analyze: %+v, %v", i, sd.name, got, err)
			}
		case !sameLines(got.Requires, r.lines) || !sameLines(got.Provides, pp.lines):
			t.Errorf("mutation %d of %s (kept in %s): err %v\n Requires got %s\n          want %s\n Provides got %s\n          want %s",
				i, sd.name, p, err, clip(got.Requires), clip(r.lines), clip(got.Provides), clip(pp.lines))
		default:
			stats.same++
		}
	}
	t.Logf("%d mutations: %d identical (%d with an error), %d elfdeps crashes, %d too slow to compare", n, stats.same, stats.errs, stats.crashed, stats.slow)
}

func TestSorted(t *testing.T) {
	cases := []struct {
		name     string
		in, want []string
	}{
		{"empty", nil, nil},
		{"dedup-and-sort", []string{"libz.so.1(ZLIB_1.2.9)(64bit)", "libc.so.6()(64bit)", "libz.so.1(ZLIB_1.2.9)(64bit)", "libz.so.1()(64bit)"},
			[]string{"libc.so.6()(64bit)", "libz.so.1()(64bit)", "libz.so.1(ZLIB_1.2.9)(64bit)"}},
		{"byte-order", []string{"rtld(GNU_HASH)", "libc.so.6(GLIBC_2.2.5)(64bit)", "libc.so.6(GLIBC_2.10)(64bit)", "ld-linux-x86-64.so.2()(64bit)"},
			[]string{"ld-linux-x86-64.so.2()(64bit)", "libc.so.6(GLIBC_2.10)(64bit)", "libc.so.6(GLIBC_2.2.5)(64bit)", "rtld(GNU_HASH)"}},
		{"whitespace-splits", []string{"lib a.so()(64bit)", "", "\t"}, []string{"a.so()(64bit)", "lib"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Deps{Requires: c.in, Provides: c.in}.Sorted()
			if !reflect.DeepEqual(got.Requires, c.want) || !reflect.DeepEqual(got.Provides, c.want) {
				t.Errorf("Sorted(%q) = %q, want %q", c.in, got.Requires, c.want)
			}
		})
	}
}

func TestRequiredGlibc(t *testing.T) {
	cases := []struct {
		name string
		req  []string
		want string
	}{
		{"none", nil, ""},
		{"no-glibc", []string{"libz.so.1()(64bit)", "rtld(GNU_HASH)"}, ""},
		{"highest", []string{"libc.so.6(GLIBC_2.2.5)(64bit)", "libc.so.6(GLIBC_2.34)(64bit)", "libc.so.6(GLIBC_2.4)(64bit)"}, "GLIBC_2.34"},
		{"numeric-not-lexical", []string{"libc.so.6(GLIBC_2.9)(64bit)", "libm.so.6(GLIBC_2.10)(64bit)"}, "GLIBC_2.10"},
		{"three-components", []string{"libc.so.6(GLIBC_2.3)(64bit)", "libc.so.6(GLIBC_2.3.4)(64bit)"}, "GLIBC_2.3.4"},
		{"32-bit-form", []string{"libc.so.6(GLIBC_2.0)", "libc.so.6(GLIBC_2.1.3)", "libc.so.6"}, "GLIBC_2.1.3"},
		{"dynamic-linker", []string{"ld-linux-x86-64.so.2(GLIBC_2.35)(64bit)", "libc.so.6(GLIBC_2.34)(64bit)"}, "GLIBC_2.35"},
		{"special-versions-ignored", []string{"libc.so.6(GLIBC_PRIVATE)(64bit)", "libc.so.6(GLIBC_ABI_DT_RELR)(64bit)", "libc.so.6(GLIBC_2.17)(64bit)"}, "GLIBC_2.17"},
		{"malformed-ignored", []string{"x(GLIBC_)", "x(GLIBC_2)", "x(GLIBC_2.)", "x(GLIBC_2.x)", "x(GLIBC_.1)", "x(GLIBC_2.1"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RequiredGlibc(Deps{Requires: c.req, Provides: []string{"libc.so.6(GLIBC_9.99)(64bit)"}}); got != c.want {
				t.Errorf("RequiredGlibc(%q) = %q, want %q", c.req, got, c.want)
			}
		})
	}
}

// TestName checks where the soname fallback name comes from.
func TestName(t *testing.T) {
	data, _ := synthLib.with(func(s *synth) { s.soname = "" }).build()
	want := []string{"libfallback.so.2()(64bit)"}
	if d, err := AnalyzeNamed("/some/dir/libfallback.so.2", bytes.NewReader(data), int64(len(data)), true); err != nil || !reflect.DeepEqual(d.Provides[len(d.Provides)-1:], want) {
		t.Errorf("AnalyzeNamed: %q, %v; want the last provide %q", d.Provides, err, want)
	}
	if d, err := Analyze(bytes.NewReader(data), int64(len(data)), true); err != nil || contains(d.Provides, want[0]) {
		t.Errorf("Analyze without a name: %q, %v; want no fallback provide", d.Provides, err)
	}
	p := writeCase(t, t.TempDir(), "x", "libfallback.so.2", data, 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if d, err := Analyze(f, int64(len(data)), false); err != nil || !contains(d.Provides, want[0]) {
		t.Errorf("Analyze of an *os.File: %q, %v; want %q", d.Provides, err, want)
	}
}

// FuzzAnalyze checks that no input panics Analyze or breaks its
// contract. Seeds: the synthesized files, the hostile table and small
// real binaries.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []synth{synthLib, synthProg, synthLib.with(func(s *synth) { s.is32, s.big = true, true })} {
		d, _ := s.build()
		f.Add(d, true)
	}
	for _, c := range hostileCases(f) {
		if !c.noTool {
			f.Add(c.data, c.exec)
		}
	}
	for _, p := range []string{"/usr/bin/true", "/usr/lib/x86_64-linux-gnu/libdl.so.2", "/usr/lib/perf-core/perf-read-vdso32"} {
		if data, err := os.ReadFile(p); err == nil && len(data) < 256<<10 {
			f.Add(data, true)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, exec bool) {
		d, err := analyzeBytes("libfuzz.so.1", data, exec)
		n := len(d.Requires) + len(d.Provides)
		if len(data) < 4 || string(data[:4]) != elf.ELFMAG {
			if err != nil || n != 0 {
				t.Fatalf("non-ELF input: %+v, %v", d, err)
			}
		}
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if errors.Is(err, ErrTooLarge) && n != 0 {
			t.Fatalf("ErrTooLarge with dependencies")
		}
		s := d.Sorted()
		if !reflect.DeepEqual(s.Sorted(), s) {
			t.Fatalf("Sorted is not idempotent")
		}
		RequiredGlibc(d)
	})
}
