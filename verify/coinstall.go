package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
)

// owner is one package's entry for a path.
type owner struct {
	p *pkgInfo
	f *rpmread.File
}

// checkCoinstall finds paths owned by two of the packages that rpm would
// refuse to install together: anything but two directories must agree on
// type, mode, owner, group, content digest and link target. Ghosts are
// compared the same way, so the alternatives ghosts every series ships
// must be identical. A conflict is reported once, on the package given
// first.
func (v *verifier) checkCoinstall() {
	byPath := map[string][]owner{}
	for _, p := range v.pkgs {
		if p.pkg.Source {
			continue // installs nothing
		}
		for i := range p.pkg.Files {
			f := &p.pkg.Files[i]
			if p.index[f.Path] != i {
				continue // duplicates are a structure finding
			}
			byPath[f.Path] = append(byPath[f.Path], owner{p, f})
		}
	}
	paths := make([]string, 0, len(byPath))
	for path, owners := range byPath {
		if len(owners) > 1 {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		owners := byPath[path]
		for i := 0; i < len(owners); i++ {
			for j := i + 1; j < len(owners); j++ {
				a, b := owners[i], owners[j]
				if a.p.nevra == b.p.nevra {
					continue
				}
				if diff := fileConflict(a.f, b.f); diff != "" {
					v.add(a.p, findings.Error, CheckCoinstall, path, "conflicts with %s: %s", b.p.nevra, diff)
				}
			}
		}
	}
}

// fileConflict says how two packages' entries for one path differ, ""
// when rpm installs both.
func fileConflict(a, b *rpmread.File) string {
	if a.IsDir() && b.IsDir() {
		return ""
	}
	var diffs []string
	if a.Mode != b.Mode {
		diffs = append(diffs, fmt.Sprintf("mode %s vs %s", rpmread.PermString(a.Mode), rpmread.PermString(b.Mode)))
	}
	if a.User != b.User || a.Group != b.Group {
		diffs = append(diffs, fmt.Sprintf("owner %s:%s vs %s:%s", a.User, a.Group, b.User, b.Group))
	}
	if a.IsRegular() && b.IsRegular() && !strings.EqualFold(a.Digest, b.Digest) {
		da, db := a.Digest, b.Digest
		if da == "" {
			da = "none"
		}
		if db == "" {
			db = "none"
		}
		diffs = append(diffs, fmt.Sprintf("content digest %s vs %s", short(da), short(db)))
	}
	if a.LinkTo != b.LinkTo {
		diffs = append(diffs, fmt.Sprintf("link %q vs %q", a.LinkTo, b.LinkTo))
	}
	if a.IsGhost() != b.IsGhost() {
		diffs = append(diffs, "%ghost in one package only")
	}
	return strings.Join(diffs, ", ")
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12] + "…"
	}
	return digest
}
