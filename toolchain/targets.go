package toolchain

import (
	"fmt"
	"regexp"
	"strconv"
)

// Target is a distribution release packages are built for.
type Target struct {
	// Name is how gotc.yaml writes it: fedora-41, epel-9, rawhide.
	Name string
	// Distro is "fedora" or "epel" (Enterprise Linux).
	Distro string
	// Release is the release number (0 for rawhide).
	Release int
	// Glibc is the glibc version the release ships, "2.40".
	Glibc string
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

// releases are the glibc and rpm each supported release ships. Sources:
// the glibc and rpm packages in each release's base repository (Fedora
// 38–45 ship glibc 2.37–2.44; EL8 2.28, EL9 2.34, EL10 2.39) and
// Fedora's change pages (RPM 4.19 in Fedora 39, 4.20 in 41, 6.0 in 43).
// rawhide is the newest.
var releases = map[string]struct{ glibc, rpm string }{
	"fedora-38": {"2.37", "4.18"},
	"fedora-39": {"2.38", "4.19"},
	"fedora-40": {"2.39", "4.19"},
	"fedora-41": {"2.40", "4.20"},
	"fedora-42": {"2.41", "4.20"},
	"fedora-43": {"2.42", "6.0"},
	"fedora-44": {"2.43", "6.0"},
	"fedora-45": {"2.44", "6.0"},
	"epel-8":    {"2.28", "4.14"},
	"epel-9":    {"2.34", "4.16"},
	"epel-10":   {"2.39", "4.19"},
	"rawhide":   {"2.44", "6.0"},
}

var targetRE = regexp.MustCompile(`^(fedora|epel)-([0-9]+)$`)

// ParseTarget looks a target name up in gotc's release table.
func ParseTarget(name string) (Target, error) {
	r, ok := releases[name]
	if !ok {
		return Target{}, fmt.Errorf("unknown target %q (known: %s)", name, knownTargets())
	}
	if name == "rawhide" {
		return Target{Name: name, Distro: "fedora", Glibc: r.glibc, RPM: r.rpm}, nil
	}
	m := targetRE.FindStringSubmatch(name)
	rel, _ := strconv.Atoi(m[2])
	return Target{Name: name, Distro: m[1], Release: rel, Glibc: r.glibc, RPM: r.rpm}, nil
}

// KnownTargets lists the target names gotc knows, sorted.
func KnownTargets() []string {
	var names []string
	for _, d := range []string{"fedora", "epel"} {
		for r := 0; r < 100; r++ {
			n := fmt.Sprintf("%s-%d", d, r)
			if _, ok := releases[n]; ok {
				names = append(names, n)
			}
		}
	}
	return append(names, "rawhide")
}

func knownTargets() string {
	s := ""
	for i, n := range KnownTargets() {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
