package toolchain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Target is a distribution release packages are built for.
type Target struct {
	// Name is the canonical name: fedora-41, epel-9, rawhide. ParseTarget
	// also takes the names users write (f41, fc41, el9, rhel-9,
	// centos-stream-9, almalinux-9, rocky-9) and returns this one.
	Name string
	// Distro is "fedora" or "epel" (Enterprise Linux).
	Distro string
	// Release is the release number (0 for rawhide).
	Release int
	// Glibc is the newest glibc symbol version (GLIBC_x.y) every
	// installation of the release has: "2.40". For Enterprise Linux
	// that is the glibc of its first minor release.
	Glibc string
	// Backport, when set, is a newer GLIBC_x.y that later minor releases
	// of an Enterprise Linux release define by backport ("2.35"), since
	// minor release BackportSince ("9.7"). A file that needs it runs
	// there and not on older minor releases.
	Backport, BackportSince string
	// RPM is the rpm version the release ships, major.minor: "4.20".
	RPM string
}

// HasBuildMtimePolicy says whether the release's rpm reads
// %build_mtime_policy, which rpm 4.20 added and which replaces the
// deprecated %clamp_mtime_to_source_date_epoch.
func (t Target) HasBuildMtimePolicy() bool {
	var major, minor int
	fmt.Sscanf(t.RPM, "%d.%d", &major, &minor)
	return major > 4 || major == 4 && minor >= 20
}

// release is one row of the release table.
type release struct {
	glibc, backport, since, rpm string
}

// releases is the glibc each release ships, checked against the
// distributions' own package builds (glibc-2.36-7.fc37, 2.37-10.fc38,
// 2.38-16.fc39, 2.39-8.fc40, 2.41-11.fc42, 2.42-4.fc43, and rawhide at
// 2.43.9000.fc45 in April 2026, as Fedora CoreOS pinned them; Fedora
// ships each January glibc in the spring release and each July glibc in
// the autumn one, so Fedora 41 has 2.40, 44 has 2.43 and 45 2.44) and
// for Enterprise Linux the glibc of its .0 release: EL8 2.28, EL9
// 2.34, EL10 2.39. Red Hat backports newer symbol versions into minor
// releases: RHEL 9.7 defines GLIBC_2.35 and RHEL 10.2 GLIBC_2.40
// (fluent-package-builder PRs 1087 and 1088, checkmk werk 18941: a
// package built on the newest minor release fails to install on older
// ones). rawhide is the newest Fedora. The rpm each ships is from the
// release's rpm package and Fedora's change pages (RPM 4.19 in Fedora
// 39, 4.20 in 41, 6.0 in 43; EL8 4.14, EL9 4.16, EL10 4.19).
var releases = map[string]release{
	"fedora-38": {glibc: "2.37", rpm: "4.18"},
	"fedora-39": {glibc: "2.38", rpm: "4.19"},
	"fedora-40": {glibc: "2.39", rpm: "4.19"},
	"fedora-41": {glibc: "2.40", rpm: "4.20"},
	"fedora-42": {glibc: "2.41", rpm: "4.20"},
	"fedora-43": {glibc: "2.42", rpm: "6.0"},
	"fedora-44": {glibc: "2.43", rpm: "6.0"},
	"fedora-45": {glibc: "2.44", rpm: "6.0"},
	"epel-8":    {glibc: "2.28", rpm: "4.14"},
	"epel-9":    {glibc: "2.34", backport: "2.35", since: "9.7", rpm: "4.16"},
	"epel-10":   {glibc: "2.39", backport: "2.40", since: "10.2", rpm: "4.19"},
	"rawhide":   {glibc: "2.44", rpm: "6.0"},
}

var (
	canonicalRE = regexp.MustCompile(`^(fedora|epel)-([0-9]+)$`)
	// fedoraRE and elRE are the names users write: fedora-43, fedora43,
	// f43, fc43; epel-9, el9, el-9, rhel-9, rhel9, centos-stream-9,
	// centos-9, almalinux-9, alma-9, rocky-9, rockylinux-9, ol9,
	// oraclelinux-9, with a minor release (rhel-9.4, el9.4) allowed for
	// Enterprise Linux.
	fedoraRE = regexp.MustCompile(`^(?:fedora|fc|f)-?([0-9]+)$`)
	elRE     = regexp.MustCompile(`^(?:epel|el|rhel|centos-stream|centos|almalinux|alma|rocky|rockylinux|oraclelinux|ol)-?([0-9]+)(?:\.[0-9]+)?$`)
)

// canonicalTarget returns the canonical name of a target as users write
// it, ignoring case: "F43", "fc43" → fedora-43; "el9", "rhel-9.4",
// "centos-stream-9", "almalinux-9", "rocky-9" → epel-9; "fedora-rawhide"
// → rawhide. It does not check that gotc knows the release.
func canonicalTarget(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "rawhide" || n == "fedora-rawhide" {
		return "rawhide", true
	}
	if m := fedoraRE.FindStringSubmatch(n); m != nil {
		return "fedora-" + strings.TrimLeft(m[1], "0"), true
	}
	if m := elRE.FindStringSubmatch(n); m != nil {
		return "epel-" + strings.TrimLeft(m[1], "0"), true
	}
	return "", false
}

// ParseTarget looks a target up in gotc's release table, by its
// canonical name or a name users write: f43 and fc43 for fedora-43, el9, rhel-9 (or
// rhel-9.4), centos-stream-9, almalinux-9 and rocky-9 for epel-9,
// fedora-rawhide for rawhide, in any case.
func ParseTarget(name string) (Target, error) {
	canon, ok := canonicalTarget(name)
	r, known := releases[canon]
	if !ok || !known {
		return Target{}, fmt.Errorf("unknown target %q (known: %s; also written f43, fc43, el9, rhel-9, centos-stream-10, almalinux-9, rocky-9)", name, strings.Join(KnownTargets(), ", "))
	}
	t := Target{Name: canon, Distro: "fedora", Glibc: r.glibc, Backport: r.backport, BackportSince: r.since, RPM: r.rpm}
	if m := canonicalRE.FindStringSubmatch(canon); m != nil {
		t.Distro = m[1]
		t.Release, _ = strconv.Atoi(m[2])
	}
	return t, nil
}

// KnownTargets lists the canonical target names gotc knows: Fedora and
// Enterprise Linux by release, then rawhide.
func KnownTargets() []string {
	var names []string
	for _, t := range Targets() {
		names = append(names, t.Name)
	}
	return names
}

// Targets returns every target gotc knows, in KnownTargets' order.
func Targets() []Target {
	var out []Target
	for _, d := range []string{"fedora", "epel"} {
		for r := 0; r < 100; r++ {
			if _, ok := releases[fmt.Sprintf("%s-%d", d, r)]; ok {
				t, _ := ParseTarget(fmt.Sprintf("%s-%d", d, r))
				out = append(out, t)
			}
		}
	}
	t, _ := ParseTarget("rawhide")
	return append(out, t)
}
