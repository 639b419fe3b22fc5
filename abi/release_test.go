package abi

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

func TestRelease(t *testing.T) {
	cases := []struct {
		version, want string
		ok            bool
	}{
		{"GLIBC_2.34", "2.34", true},
		{"GLIBC_2.2.5", "2.2.5", true},
		{"GLIBC_2.0", "2.0", true},
		{"GLIBC_ABI_DT_RELR", "2.36", true},
		{"GLIBC_ABI_GNU2_TLS", "2.41", true},
		{"GLIBC_ABI_DT_X86_64_PLT", "", false},
		{"GLIBC_PRIVATE", "", false},
		{"GLIBC_2", "", false},
		{"GLIBC_2.", "", false},
		{"GLIBC_.34", "", false},
		{"GLIBC_2.x", "", false},
		{"GLIBC_2.1234567890", "", false},
		{"GLIBCXX_3.4", "", false},
		{"XCRYPT_2.0", "", false},
	}
	for _, c := range cases {
		if got, ok := Release(c.version); got != c.want || ok != c.ok {
			t.Errorf("Release(%q) = %q, %v; want %q, %v", c.version, got, ok, c.want, c.ok)
		}
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"2.34", "2.28", 1}, {"2.28", "2.34", -1}, {"2.3.4", "2.3", 1}, {"2.10", "2.9", 1},
		{"2.34", "2.34", 0}, {"2.34", "2.34.0", 0}, {"2.2.5", "2.28", -1}, {"3.0", "2.99", 1},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestParseRequirement(t *testing.T) {
	cases := []struct {
		req, lib, version string
		ok                bool
	}{
		{"libc.so.6(GLIBC_2.34)(64bit)", "libc.so.6", "GLIBC_2.34", true},
		{"libm.so.6(GLIBC_2.29)", "libm.so.6", "GLIBC_2.29", true},
		{"ld-linux-x86-64.so.2(GLIBC_2.35)(64bit)", "ld-linux-x86-64.so.2", "GLIBC_2.35", true},
		{"libpthread.so.0(GLIBC_2.3.2)(64bit)", "libpthread.so.0", "GLIBC_2.3.2", true},
		{"ld64.so.2(GLIBC_2.22)(64bit)", "ld64.so.2", "GLIBC_2.22", true},
		{"libc.so.6(GLIBC_PRIVATE)(64bit)", "libc.so.6", "GLIBC_PRIVATE", true},
		{"libc.so.6()(64bit)", "", "", false},
		{"libc.so.6", "", "", false},
		{"libcrypt.so.1(GLIBC_2.2.5)(64bit)", "", "", false},
		{"libcrypt.so.2(XCRYPT_2.0)(64bit)", "", "", false},
		{"libstdc++.so.6(GLIBCXX_3.4)(64bit)", "", "", false},
		{"libc.so.6(GLIBC_2.34)(32bit)", "", "", false},
		{"libc.so.6(GLIBC_2.34", "", "", false},
		{"(GLIBC_2.34)", "", "", false},
		{"rtld(GNU_HASH)", "", "", false},
	}
	for _, c := range cases {
		lib, v, ok := ParseRequirement(c.req)
		if lib != c.lib || v != c.version || ok != c.ok {
			t.Errorf("ParseRequirement(%q) = %q, %q, %v", c.req, lib, v, ok)
		}
	}
}

// TestGlibcLibraries checks IsGlibcLibrary against the libraries this
// machine's glibc package (Debian's libc6) installs, and against the
// dynamic linkers and the libraries that are not glibc's.
func TestGlibcLibraries(t *testing.T) {
	out := testenv.Run(t, "", nil, testenv.NeedTool(t, "dpkg"), "-L", "libc6")
	soname := regexp.MustCompile(`^(lib[^.]+|ld-[^.]+)\.so\.[0-9]+$`)
	n := 0
	for _, p := range strings.Split(out, "\n") {
		if base := path.Base(strings.TrimSpace(p)); soname.MatchString(base) {
			n++
			if !IsGlibcLibrary(base) {
				t.Errorf("%s is installed by glibc (libc6) but not a glibc library", base)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d glibc libraries in dpkg -L libc6", n)
	}
	for _, s := range []string{"ld-linux-aarch64.so.1", "ld-linux.so.2", "ld64.so.1", "ld64.so.2", "ld.so.1", "ld-linux-riscv64-lp64d.so.1", "libc.so.6.1"} {
		if !IsGlibcLibrary(s) {
			t.Errorf("%s is glibc's", s)
		}
	}
	for _, s := range []string{"libcrypt.so.1", "libcrypt.so.2", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "ld-linux", "libc.so", "libnsl.so.3"} {
		if IsGlibcLibrary(s) {
			t.Errorf("%s is not glibc's", s)
		}
	}
}
