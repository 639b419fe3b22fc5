package abi

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// buildRPM builds, with rpmbuild, a package holding a program that
// needs GLIBC_2.34, a static program, a library needing only
// GLIBC_2.2.5, an ELF file under testdata, a broken ELF file and a text
// file, and returns its path.
func buildRPM(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	src := filepath.Join(top, "SOURCES")
	os.MkdirAll(src, 0o755)
	for name, from := range map[string]string{"pthread": built(t, "pthread"), "static": built(t, "static"), "libold.so": built(t, "libold.so")} {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, name), data, 0o755)
	}
	os.WriteFile(filepath.Join(src, "broken"), append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0xff}, 100)...), 0o755)
	spec := filepath.Join(top, "abitest.spec")
	os.WriteFile(spec, []byte(`Name: abitest
Version: 1.0
Release: 1
Summary: abi test package
License: MIT
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _build_id_links none
%description
Test package.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib64/abitest/testdata %{buildroot}/usr/share/abitest
install -m 0755 %{_sourcedir}/pthread %{_sourcedir}/static %{buildroot}/usr/bin/
install -m 0755 %{_sourcedir}/libold.so %{buildroot}/usr/lib64/abitest/
install -m 0755 %{_sourcedir}/pthread %{buildroot}/usr/lib64/abitest/testdata/prog
install -m 0644 %{_sourcedir}/broken %{buildroot}/usr/lib64/abitest/broken
echo hello > %{buildroot}/usr/share/abitest/readme
%files
/usr/bin/pthread
/usr/bin/static
/usr/lib64/abitest
/usr/share/abitest
`), 0o644)
	testenv.Run(t, top, nil, testenv.NeedTool(t, "rpmbuild"), "-bb", "--define", "_topdir "+top, "--define", "_binary_payload w9.xzdio", spec)
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "abitest-1.0-1.*.rpm"))
	if len(rpms) != 1 {
		t.Fatalf("rpmbuild made %q", rpms)
	}
	return rpms[0]
}

// TestAnalyzeRPM reads a package rpmbuild made, from memory and spooled,
// and compares the newest glibc need with the Requires rpmbuild wrote.
func TestAnalyzeRPM(t *testing.T) {
	pkg := buildRPM(t)
	var want *Input
	for _, limit := range []int64{0, 1} {
		spool := t.TempDir()
		in, err := AnalyzeRPM(pkg, RPMOptions{Spool: SpoolOptions{MaxInMemory: limit, TempDir: spool}})
		if err != nil {
			t.Fatal(err)
		}
		if left, _ := os.ReadDir(spool); len(left) != 0 {
			t.Errorf("spool files left: %v", left)
		}
		if want == nil {
			want = in
		} else if !reflect.DeepEqual(in, want) {
			t.Errorf("spooled analysis differs:\n%+v\n%+v", in, want)
		}
	}
	in := want
	if !strings.HasPrefix(in.Package, "abitest-1.0-1.") {
		t.Errorf("package %q", in.Package)
	}
	var paths []string
	for _, f := range in.Files {
		paths = append(paths, f.Path)
	}
	if w := []string{"/usr/bin/pthread", "/usr/bin/static", "/usr/lib64/abitest/broken", "/usr/lib64/abitest/libold.so"}; !reflect.DeepEqual(paths, w) {
		t.Errorf("files %q, want %q", paths, w)
	}
	if !reflect.DeepEqual(in.Skipped, []string{"/usr/lib64/abitest/testdata/prog"}) {
		t.Errorf("skipped %q", in.Skipped)
	}
	if in.Files[2].Error == "" || !strings.Contains(in.Files[2].Error, "malformed") {
		t.Errorf("broken ELF file: %+v", in.Files[2])
	}
	if in.Static || in.Newest == nil || in.Newest.Version != "GLIBC_2.34" || in.NewestFile != "/usr/bin/pthread" || !reflect.DeepEqual(in.Symbols, []string{"__libc_start_main", "pthread_create", "pthread_join"}) {
		t.Errorf("newest %v in %s (%q), static %v", in.Newest, in.NewestFile, in.Symbols, in.Static)
	}
	// rpmbuild's own generator agrees on the newest glibc version.
	reqs := testenv.Run(t, "", nil, testenv.NeedTool(t, "rpm"), "-qp", "--requires", pkg)
	best := ""
	for _, r := range strings.Split(reqs, "\n") {
		if _, v, ok := ParseRequirement(strings.TrimSpace(r)); ok {
			if rel, ok := Release(v); ok && (best == "" || Compare(rel, best) > 0) {
				best = rel
			}
		}
	}
	if best != in.Newest.Release {
		t.Errorf("rpm -qp --requires names glibc %q, the analysis %q:\n%s", best, in.Newest.Release, reqs)
	}
	t.Run("skip-nothing", func(t *testing.T) {
		in, err := AnalyzeRPM(pkg, RPMOptions{Skip: func(string) bool { return false }})
		if err != nil || len(in.Files) != 5 || len(in.Skipped) != 0 {
			t.Errorf("got %d files, %d skipped, %v", len(in.Files), len(in.Skipped), err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		data, _ := os.ReadFile(pkg)
		p := filepath.Join(t.TempDir(), "cut.rpm")
		os.WriteFile(p, data[:len(data)*2/3], 0o644)
		if _, err := AnalyzeRPM(p, RPMOptions{}); err == nil {
			t.Error("no error for a truncated package")
		}
	})
	t.Run("spool-dir-missing", func(t *testing.T) {
		_, err := AnalyzeRPM(pkg, RPMOptions{Spool: SpoolOptions{MaxInMemory: 1, TempDir: filepath.Join(t.TempDir(), "none")}})
		var se *SpoolError
		if !errors.As(err, &se) {
			t.Errorf("got %v, want a *SpoolError", err)
		}
	})
}

// TestRun runs the whole analysis as the CLI does, on a package, a
// program and a static binary, against targets and this machine.
func TestRun(t *testing.T) {
	pkg := buildRPM(t)
	opt := Options{Targets: []toolchain.Target{target(t, "el8"), target(t, "fc43")}, Root: "/"}
	rep, err := Run([]string{pkg, built(t, "pthread"), built(t, "static")}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Fails() || len(rep.Inputs) != 3 || len(rep.RootGlibc) != 1 || !reflect.DeepEqual(rep.Targets, []string{"epel-8", "fedora-43"}) {
		t.Errorf("report: fails %v, %d inputs, root glibc %v, targets %q", rep.Fails(), len(rep.Inputs), rep.RootGlibc, rep.Targets)
	}
	rep, err = Run([]string{built(t, "static")}, opt)
	if err != nil || rep.Fails() {
		t.Errorf("a static program fails: %v", err)
	}
	for _, c := range []struct{ name, path, want string }{
		{"missing", filepath.Join(t.TempDir(), "none"), "no such file"},
		{"text", writeFile(t, "hello\n"), "neither an ELF file nor an RPM package"},
		{"empty", writeFile(t, ""), "neither an ELF file nor an RPM package"},
		{"broken-elf", writeFile(t, "\x7fELF\x02\x01\x01garbage"), "malformed ELF file"},
		{"directory", t.TempDir(), "not a regular file"},
	} {
		if _, err := Run([]string{c.path}, Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Run(nil, Options{Root: filepath.Join(t.TempDir(), "none")}); err == nil {
		t.Error("a missing root is no error")
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
