package abi

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// scratch is the directory of the files the tests build, shared by the
// tests of the package and removed by TestMain.
var scratch string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gotc-abi-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	scratch = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Sources of the programs the tests build.
const (
	// pthreadC calls pthread_create, which glibc 2.34 moved into libc
	// under GLIBC_2.34; crt1's __libc_start_main is GLIBC_2.34 too.
	pthreadC = `#include <pthread.h>
#include <stdio.h>
static void *run(void *a) { puts(a); return 0; }
int main(void) { pthread_t t; pthread_create(&t, 0, run, "hi"); pthread_join(t, 0); return 0; }
`
	// mathC needs libm.
	mathC = "#include <stdio.h>\n#include <math.h>\nint main(int c, char **v) { printf(\"%f\\n\", sqrt(c)); return 0; }\n"
	// oldC is a shared object that needs only GLIBC_2.2.5 (puts).
	oldC = "#include <stdio.h>\nvoid hello(void) { puts(\"hello\"); }\n"
	// weakC refers weakly to closefrom (GLIBC_2.34) and strongly to
	// puts (GLIBC_2.2.5); strongC calls closefrom outright.
	weakC   = "#include <stdio.h>\nextern void closefrom(int) __attribute__((weak));\nvoid hello(void) { if (closefrom) closefrom(3); puts(\"hello\"); }\n"
	strongC = "#include <stdio.h>\n#include <unistd.h>\nvoid hello(void) { closefrom(3); puts(\"hello\"); }\n"
	cgoGo   = "package main\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc main() { C.free(C.malloc(16)) }\n"
)

var (
	buildOnce, cgoOnce sync.Once
	buildErr, cgoErr   error
)

// built returns the path of a file the tests build (once, for every
// test): pthread (a PIE needing GLIBC_2.34), math (libm), static
// (gcc -static), static-pie, libold.so (GLIBC_2.2.5 only), libweak.so
// and libstrong.so (closefrom weakly and strongly), libweak-marked.so
// and libstrong-marked.so (the same with the GLIBC_2.34 need marked
// VER_FLG_WEAK, as other linkers write it), cgo (a cgo Go program).
func built(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() { buildErr = buildAll(t) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if name == "cgo" {
		cgoOnce.Do(func() { cgoErr = buildCgo(t) })
		if cgoErr != nil {
			t.Fatal(cgoErr)
		}
	}
	p := filepath.Join(scratch, "built", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no built file %s", name)
	}
	return p
}

func buildAll(t testing.TB) error {
	gcc := testenv.NeedTool(t, "gcc")
	dir := filepath.Join(scratch, "built")
	if err := os.MkdirAll(filepath.Join(dir, "cgosrc"), 0o755); err != nil {
		return err
	}
	for name, text := range map[string]string{"pthread.c": pthreadC, "math.c": mathC, "old.c": oldC, "weak.c": weakC, "strong.c": strongC,
		"cgosrc/go.mod": "module cgoprog\n", "cgosrc/main.go": cgoGo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	steps := [][]string{
		{gcc, "-O2", "-pthread", "-o", "pthread", "pthread.c"},
		{gcc, "-O2", "-o", "math", "math.c", "-lm"},
		{gcc, "-static", "-o", "static", "math.c", "-lm"},
		{gcc, "-static-pie", "-o", "static-pie", "math.c", "-lm"},
		{gcc, "-shared", "-fPIC", "-o", "libold.so", "old.c"},
		{gcc, "-shared", "-fPIC", "-o", "libweak.so", "weak.c"},
		{gcc, "-shared", "-fPIC", "-o", "libstrong.so", "strong.c"},
	}
	for _, s := range steps {
		if out, err := testenv.Output(dir, nil, s[0], s[1:]...); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	for _, lib := range []string{"weak", "strong"} {
		data, err := os.ReadFile(filepath.Join(dir, "lib"+lib+".so"))
		if err != nil {
			return err
		}
		if !markWeak(data, "GLIBC_2.34") {
			return fmt.Errorf("lib%s.so has no GLIBC_2.34 need", lib)
		}
		if err := os.WriteFile(filepath.Join(dir, "lib"+lib+"-marked.so"), data, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// buildCgo builds the cgo program (slower than the rest, so only when a
// test asks for it).
func buildCgo(t testing.TB) error {
	dir := filepath.Join(scratch, "built", "cgosrc")
	out, err := testenv.Output(dir, []string{"CGO_ENABLED=1", "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local"},
		testenv.NeedTool(t, "go"), "build", "-o", "../cgo", ".")
	if err != nil {
		return fmt.Errorf("go build (cgo): %v\n%s", err, out)
	}
	return nil
}

// markWeak sets VER_FLG_WEAK on the version need named version in the
// ELF file in data, found with debug/elf. It reports whether it was.
func markWeak(data []byte, version string) bool {
	f, err := elf.NewFile(strings.NewReader(string(data)))
	if err != nil {
		return false
	}
	defer f.Close()
	sec := f.SectionByType(elf.SHT_GNU_VERNEED)
	if sec == nil {
		return false
	}
	strs, err := f.Sections[sec.Link].Data()
	if err != nil {
		return false
	}
	bo := f.ByteOrder
	for off := int(sec.Offset); ; {
		aux := off + int(bo.Uint32(data[off+8:]))
		for {
			name := strs[bo.Uint32(data[aux+8:]):]
			if i := strings.IndexByte(string(name), 0); i >= 0 && string(name[:i]) == version {
				bo.PutUint16(data[aux+4:], bo.Uint16(data[aux+4:])|verFlgWeak)
				return true
			}
			next := int(bo.Uint32(data[aux+12:]))
			if next == 0 {
				break
			}
			aux += next
		}
		next := int(bo.Uint32(data[off+12:]))
		if next == 0 {
			return false
		}
		off += next
	}
}

// readelfNeeds runs binutils' readelf -V and returns the glibc version
// needs it prints, as "library version" with " weak" for VER_FLG_WEAK.
func readelfNeeds(t *testing.T, path string) []string {
	t.Helper()
	out := testenv.Run(t, "", nil, testenv.NeedTool(t, "readelf"), "-V", "--wide", path)
	var needs []string
	in, file := false, ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Version needs section"):
			in = true
		case strings.HasPrefix(line, "Version") || strings.HasPrefix(line, "No version"):
			in = false
		case in && strings.Contains(line, "File: "):
			file = strings.Fields(line[strings.Index(line, "File: ")+6:])[0]
		case in && strings.Contains(line, "Name: "):
			f := strings.Fields(line[strings.Index(line, "Name: ")+6:])
			if !IsGlibcLibrary(file) || !strings.HasPrefix(f[0], "GLIBC_") {
				continue
			}
			n := file + " " + f[0]
			if len(f) > 2 && f[1] == "Flags:" && strings.Contains(f[2], "WEAK") {
				n += " weak"
			}
			needs = append(needs, n)
		}
	}
	slices.Sort(needs)
	return slices.Compact(needs)
}

// readelfSymbols runs readelf --dyn-syms and returns the undefined
// symbols bound to version, sorted.
func readelfSymbols(t *testing.T, path, version string) []string {
	t.Helper()
	out := testenv.Run(t, "", nil, testenv.NeedTool(t, "readelf"), "--dyn-syms", "--wide", path)
	var syms []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || f[6] != "UND" {
			continue
		}
		if name, ver, ok := strings.Cut(f[7], "@"); ok && ver == version {
			syms = append(syms, name)
		}
	}
	slices.Sort(syms)
	return slices.Compact(syms)
}

// analyzeFile runs Analyze on the file at path.
func analyzeFile(t *testing.T, path string) *File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Analyze(path, fh, st.Size())
	if err != nil {
		t.Fatalf("Analyze(%s): %v", path, err)
	}
	return f
}

// needStrings renders needs as readelfNeeds does.
func needStrings(needs []Need) []string {
	var out []string
	for _, n := range needs {
		s := n.Library + " " + n.Version
		if n.Weak {
			s += " weak"
		}
		out = append(out, s)
	}
	return out
}
