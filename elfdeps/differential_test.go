package elfdeps

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
)

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
		d, err := analyzeFile(f)
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
		if d, err := analyzeFile(f); err != nil || len(d.Requires)+len(d.Provides) != 0 {
			t.Errorf("%s: static Go binary: %+v, %v; want nothing", f, d, err)
		}
	}
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

// buildCorpus builds programs and libraries of every kind the rules
// distinguish, in a fresh directory, and returns them by name.
func buildCorpus(t *testing.T) (*buildEnv, []string) {
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
	// An empty version node, which GNU ld marks VER_FLG_WEAK in
	// .gnu.version_d (as elfutils' libdw and json-c's library have).
	b.write("weak.map", "WEAK_1.0 { global: plain; local: *; };\nWEAK_2.0 { } WEAK_1.0;\n")
	b.cc("-shared", "-fPIC", "-o", "libweakdef.so.1", "-Wl,-soname,libweakdef.so.1", "-Wl,--version-script,weak.map", "plain.c")
	// Programs: PIE and not, linked against the versioned library (one
	// with a weak undefined symbol: GNU ld still writes its version need
	// without VER_FLG_WEAK), static and static PIE.
	b.cc("-pie", "-fPIE", "-o", "pie", "main.c", "-L.", "-lvers", "-Wl,-rpath,$ORIGIN")
	b.cc("-no-pie", "-fno-PIE", "-o", "nopie", "hello.c", "-lm")
	b.cc("-o", "weakref", "weak.c", "-L.", "-lvers", "-Wl,-rpath,$ORIGIN")
	b.cc("-static", "-o", "static", "hello.c", "-lm")
	b.cc("-static-pie", "-o", "static-pie", "hello.c", "-lm")
	// A version need marked VER_FLG_WEAK, as other linkers write it for
	// versions only weak references use: the PIE with its need of
	// VERS_2.0 patched.
	pie, err := os.ReadFile(b.path("pie"))
	if err != nil {
		t.Fatal(err)
	}
	if !setVernauxFlags(pie, "VERS_2.0", verFlgWeak) {
		t.Fatal("pie has no version need VERS_2.0 to mark weak")
	}
	if err := os.WriteFile(b.path("weakneed"), pie, 0o755); err != nil {
		t.Fatal(err)
	}

	files := []string{"libvers.so.1", "libvers.so", "libnosoname.so", "plugin.so", "libboth.so.2", "libsysv.so.3", "libodd.so", "libld.so", "libweakdef.so.1",
		"pie", "nopie", "weakref", "weakneed", "static", "static-pie"}

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
	return b, files
}

// TestDifferentialBuilt compares Analyze with elfdeps on the built
// corpus, with and without execute bits, and spot-checks the rules.
func TestDifferentialBuilt(t *testing.T) {
	b, files := buildCorpus(t)

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
		d, err := analyzeFile(b.path(c.file))
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
	if d, _ := analyzeFile(b.path("plugin.so")); len(d.Provides) != 0 {
		t.Errorf("plugin.so: Provides %q, want none (soname filter)", d.Provides)
	}
	if d, _ := analyzeFile(b.path("noexec/pie")); len(d.Requires) != 0 {
		t.Errorf("non-executable PIE: Requires %q, want none", d.Requires)
	}
	if d, _ := analyzeFile(b.path("noexec/libvers.so.1")); len(d.Requires) == 0 {
		t.Errorf("non-executable library: no Requires, want them")
	}
	if d, _ := analyzeFile(b.path("libvers.so.1")); countOf(d.Provides, "libvers.so.1(VERS_2.0)(64bit)") != 2 {
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
