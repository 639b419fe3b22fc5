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
}

// glibcByTarget is the glibc each supported release ships. Sources: the
// glibc package in each release's base repository (Fedora 38–45 ship
// 2.37–2.44; EL8 2.28, EL9 2.34, EL10 2.39). rawhide is the newest.
var glibcByTarget = map[string]string{
	"fedora-38": "2.37",
	"fedora-39": "2.38",
	"fedora-40": "2.39",
	"fedora-41": "2.40",
	"fedora-42": "2.41",
	"fedora-43": "2.42",
	"fedora-44": "2.43",
	"fedora-45": "2.44",
	"epel-8":    "2.28",
	"epel-9":    "2.34",
	"epel-10":   "2.39",
	"rawhide":   "2.44",
}

var targetRE = regexp.MustCompile(`^(fedora|epel)-([0-9]+)$`)

// ParseTarget looks a target name up in gotc's release table.
func ParseTarget(name string) (Target, error) {
	glibc, ok := glibcByTarget[name]
	if !ok {
		return Target{}, fmt.Errorf("unknown target %q (known: %s)", name, knownTargets())
	}
	if name == "rawhide" {
		return Target{Name: name, Distro: "fedora", Glibc: glibc}, nil
	}
	m := targetRE.FindStringSubmatch(name)
	rel, _ := strconv.Atoi(m[2])
	return Target{Name: name, Distro: m[1], Release: rel, Glibc: glibc}, nil
}

// KnownTargets lists the target names gotc knows, sorted.
func KnownTargets() []string {
	var names []string
	for _, d := range []string{"fedora", "epel"} {
		for r := 0; r < 100; r++ {
			n := fmt.Sprintf("%s-%d", d, r)
			if _, ok := glibcByTarget[n]; ok {
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
