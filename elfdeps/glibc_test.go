package elfdeps

import (
	"testing"
)

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
