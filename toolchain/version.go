package toolchain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a Go release version: 1.26.8 or a pre-release such as
// 1.27rc1 or 1.27beta2.
type Version struct {
	Major, Minor, Patch int
	// Pre is "rc1" or "beta2" for pre-releases, "" for releases.
	Pre string
}

var (
	releaseRE    = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	preReleaseRE = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)((?:rc|beta)[1-9][0-9]*)$`)
)

// ParseVersion parses a Go version as written in gotc.yaml. Legal forms
// are MAJOR.MINOR.PATCH (1.26.8) and MAJOR.MINORrcN / MAJOR.MINORbetaN
// (1.27rc1); the "go" prefix, two-part versions (1.26) and anything with a
// dash are refused with a hint.
func ParseVersion(s string) (Version, error) {
	if m := releaseRE.FindStringSubmatch(s); m != nil {
		v := Version{Major: atoi(m[1]), Minor: atoi(m[2]), Patch: atoi(m[3])}
		if v.Major == 0 || v.Minor > 99 || v.Patch > 99 {
			return Version{}, fmt.Errorf("version %q out of range (major ≥ 1, minor and patch ≤ 99)", s)
		}
		return v, nil
	}
	if m := preReleaseRE.FindStringSubmatch(s); m != nil {
		v := Version{Major: atoi(m[1]), Minor: atoi(m[2]), Pre: m[3]}
		if v.Major == 0 || v.Minor > 99 {
			return Version{}, fmt.Errorf("version %q out of range (major ≥ 1, minor ≤ 99)", s)
		}
		return v, nil
	}
	switch {
	case s == "":
		return Version{}, fmt.Errorf("version is required")
	case strings.HasPrefix(s, "go"):
		return Version{}, fmt.Errorf("version %q: drop the \"go\" prefix (write %q)", s, strings.TrimPrefix(s, "go"))
	case strings.Contains(s, "-"):
		return Version{}, fmt.Errorf("version %q: a dash is not allowed (RPM Version cannot contain \"-\")", s)
	case regexp.MustCompile(`^[0-9]+\.[0-9]+$`).MatchString(s):
		return Version{}, fmt.Errorf("version %q: write the full release, e.g. %q (Go 1.21+ releases are MAJOR.MINOR.PATCH)", s, s+".0")
	case regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(rc|beta)`).MatchString(s):
		return Version{}, fmt.Errorf("version %q: pre-releases have no patch number (write MAJOR.MINORrcN, e.g. 1.27rc1)", s)
	}
	return Version{}, fmt.Errorf("version %q is not a Go release version (want MAJOR.MINOR.PATCH like 1.26.8, or MAJOR.MINORrcN like 1.27rc1)", s)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // the regexps admit digits only, at most 2 for minor/patch checks
	return n
}

// String returns the version as gotc.yaml writes it.
func (v Version) String() string {
	if v.Pre != "" {
		return fmt.Sprintf("%d.%d%s", v.Major, v.Minor, v.Pre)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Series is MAJOR.MINOR, the unit one source package covers.
func (v Version) Series() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// GoVersion is the version as `go version` prints it: go1.26.8.
func (v Version) GoVersion() string { return "go" + v.String() }

// RPMVersion is the RPM Version tag: pre-releases sort before the release
// through "~" (1.27~rc1 < 1.27.0).
func (v Version) RPMVersion() string {
	if v.Pre != "" {
		return fmt.Sprintf("%d.%d.0~%s", v.Major, v.Minor, v.Pre)
	}
	return v.String()
}

// Priority is the default alternatives priority: MAJOR·10000 + MINOR·100
// + PATCH, so 1.26.8 → 12608 and a newer release always wins; a
// pre-release counts as patch 0.
func (v Version) Priority() int { return v.Major*10000 + v.Minor*100 + v.Patch }
