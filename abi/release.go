package abi

import (
	"strconv"
	"strings"
)

// glibcLibraries are the sonames glibc installs whose symbol versions
// (GLIBC_x.y) count as glibc needs: libc and its satellites, which
// glibc 2.34 merged into libc but still ships as stubs with the same
// versions, glibc's NSS modules, and the dynamic linker (see
// IsGlibcLibrary). libcrypt.so.1 is not in the list: Fedora and
// Enterprise Linux 8 and later build it from libxcrypt, whose GLIBC_2.x
// versions are compatibility names, not glibc releases.
var glibcLibraries = map[string]bool{
	"libc.so.6": true, "libc.so.6.1": true, "libm.so.6": true, "libm.so.6.1": true,
	"libmvec.so.1": true, "libpthread.so.0": true, "libdl.so.2": true, "librt.so.1": true,
	"libresolv.so.2": true, "libutil.so.1": true, "libanl.so.1": true, "libnsl.so.1": true,
	"libBrokenLocale.so.1": true, "libthread_db.so.1": true, "libc_malloc_debug.so.0": true,
	"libnss_files.so.2": true, "libnss_dns.so.2": true, "libnss_compat.so.2": true,
	"libnss_db.so.2": true, "libnss_hesiod.so.2": true,
}

// IsGlibcLibrary reports whether soname is a library glibc installs:
// libc.so.6, libm.so.6, libpthread.so.0, libdl.so.2, librt.so.1,
// libresolv.so.2, libutil.so.1 and the rest of glibc's libraries, or a
// dynamic linker (ld-linux-x86-64.so.2, ld-linux-aarch64.so.1,
// ld-linux.so.2, ld64.so.2 on ppc64le, ld64.so.1 on s390x, ld.so.1).
func IsGlibcLibrary(soname string) bool {
	if glibcLibraries[soname] {
		return true
	}
	switch soname {
	case "ld.so.1", "ld64.so.1", "ld64.so.2":
		return true
	}
	return strings.HasPrefix(soname, "ld-linux") && strings.Contains(soname, ".so.")
}

// markers are glibc's version names that stand for an ABI feature, not
// for symbols, with the glibc release that introduced them:
// GLIBC_ABI_DT_RELR (packed relative relocations, glibc 2.36) and
// GLIBC_ABI_GNU2_TLS (x86-64 TLS descriptors that preserve all
// registers; defined from glibc 2.41 on). Other GLIBC_ABI_ names, such
// as GLIBC_ABI_DT_X86_64_PLT, are not dated: a file that needs one runs
// on a target only if --root shows its glibc defines the name.
var markers = map[string]string{
	"GLIBC_ABI_DT_RELR":  "2.36",
	"GLIBC_ABI_GNU2_TLS": "2.41",
}

// Private is glibc's version for its internal interfaces; only glibc's
// own libraries need it, and they are built together.
const Private = "GLIBC_PRIVATE"

// Release returns the glibc release that introduced the symbol version
// name: "2.34" for GLIBC_2.34, "2.2.5" for GLIBC_2.2.5, "2.36" for
// GLIBC_ABI_DT_RELR. It reports false for GLIBC_PRIVATE, for undated
// markers and for names that are not glibc's.
func Release(version string) (string, bool) {
	if r, ok := markers[version]; ok {
		return r, true
	}
	v, ok := strings.CutPrefix(version, "GLIBC_")
	if !ok || !numeric(v) {
		return "", false
	}
	return v, true
}

// numeric reports whether s is a dotted release with at least two
// components of at most nine digits each: 2.34, 2.2.5.
func numeric(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 9 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// Compare compares two dotted glibc releases numerically: -1 when a is
// older than b, 0 when they are equal (2.34 and 2.34.0 are), 1 when a
// is newer. 2.10 is newer than 2.9.
func Compare(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ParseRequirement reads a versioned glibc requirement the way
// rpmbuild's ELF generator writes it, "libc.so.6(GLIBC_2.34)(64bit)" or
// "libm.so.6(GLIBC_2.29)", and returns its library and version. It
// reports false for other requirements, "libc.so.6()(64bit)" and
// "libcrypt.so.1(GLIBC_2.2.5)(64bit)" among them.
func ParseRequirement(req string) (library, version string, ok bool) {
	open := strings.IndexByte(req, '(')
	if open <= 0 {
		return "", "", false
	}
	end := strings.IndexByte(req[open:], ')')
	if end < 0 {
		return "", "", false
	}
	library, version = req[:open], req[open+1:open+end]
	rest := req[open+end+1:]
	if rest != "" && rest != "(64bit)" {
		return "", "", false
	}
	if !IsGlibcLibrary(library) || !strings.HasPrefix(version, "GLIBC_") {
		return "", "", false
	}
	return library, version, true
}
