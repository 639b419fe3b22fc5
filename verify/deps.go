package verify

import (
	"regexp"
	"strings"

	"github.com/gotc-project/gotc/abi"
	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/toolchain"
)

// unsatisfiable matches Requires no Fedora or EL base system satisfies —
// what rpmbuild's generators find in Go's testdata and source trees: Plan
// 9 rc scripts, perl and its modules, TIFF test images' libraries,
// /usr/local paths.
var unsatisfiable = regexp.MustCompile(`^(/bin/rc|/usr/bin/rc|/bin/perl|/usr/bin/perl|perl\(.*\)|libtiff.*|/usr/local/.*)$`)

// glibcRequirement reports what a dynamically linked program may require
// of glibc: one of its libraries (abi.IsGlibcLibrary), with or without
// a symbol version, or an rtld feature.
func glibcRequirement(name string) bool {
	if strings.HasPrefix(name, "rtld(") && strings.HasSuffix(name, ")") {
		return true
	}
	soname, _, _ := strings.Cut(name, "(")
	return abi.IsGlibcLibrary(soname)
}

// fileDeps maps Requires and Provides (by index in the package's lists)
// to the files rpmbuild recorded as their origin (FILEDEPENDSX,
// FILEDEPENDSN, DEPENDSDICT); empty when the header has no such record
// (gotc's native builder and most writers other than rpmbuild).
type fileDeps struct {
	requires, provides map[int][]string
}

// writeTimeRPMLib are the rpmlib() requirements rpmbuild adds when it
// writes the package, after the dependency generators ran: the
// DEPENDSDICT indices count the Requires without them.
var writeTimeRPMLib = map[string]bool{
	"rpmlib(PayloadIsZstd)": true, "rpmlib(PayloadIsXz)": true,
	"rpmlib(PayloadIsLzma)": true, "rpmlib(PayloadIsBzip2)": true,
}

func dependencyOrigins(p *rpmread.Package) fileDeps {
	out := fileDeps{requires: map[int][]string{}, provides: map[int][]string{}}
	h := p.Header()
	if h == nil {
		return out
	}
	dict := h.Ints(rpmtag.DependsDict)
	xs, ns := h.Ints(rpmtag.FileDependsX), h.Ints(rpmtag.FileDependsN)
	if dict == nil || len(xs) != len(p.Files) || len(ns) != len(p.Files) {
		return out
	}
	// Map the generator-time Requires index onto the header's list.
	var reqIndex []int
	for i, r := range p.Requires {
		if !writeTimeRPMLib[r.Name] {
			reqIndex = append(reqIndex, i)
		}
	}
	for i, f := range p.Files {
		start, n := xs[i], ns[i]
		for k := start; k < start+n && k < uint64(len(dict)); k++ {
			d := dict[k]
			idx := int(d & 0x00ffffff)
			switch byte(d >> 24) {
			case 'R':
				if idx < len(reqIndex) {
					j := reqIndex[idx]
					out.requires[j] = append(out.requires[j], f.Path)
				}
			case 'P':
				if idx < len(p.Provides) {
					out.provides[idx] = append(out.provides[idx], f.Path)
				}
			}
		}
	}
	return out
}

// checkDeps reports Requires nothing can satisfy, dependencies that came
// from testdata or source trees, soname Provides of a Go toolchain (it
// ships no shared library), and unexpected Requires of gotc packages.
func (v *verifier) checkDeps(p *pkgInfo) {
	origins := dependencyOrigins(p.pkg)
	leaked := func(paths []string) string {
		for _, path := range paths {
			if skippedTree(p, path) {
				return path
			}
		}
		return ""
	}
	allowed := map[string]bool{"/bin/sh": true, toolchain.UpdateAlternatives: true}
	declared := map[string]bool{} // configured Provides
	if p.plan != nil {
		for _, part := range p.plan.Packages {
			allowed[part.Name] = true
		}
		for _, d := range p.part.Requires {
			allowed[d.Name] = true
		}
		for _, d := range p.part.Provides {
			declared[d.Name] = true
		}
	}
	for i, r := range p.pkg.Requires {
		if r.Flags&rpmtag.SenseRPMLib != 0 || strings.HasPrefix(r.Name, "rpmlib(") {
			continue
		}
		if from := leaked(origins.requires[i]); from != "" && !allowedByPlan(p, r.Name) {
			v.add(p, findings.Error, CheckDeps, from, "Requires %s comes from a file dependency generators must skip", r)
			continue
		}
		if unsatisfiable.MatchString(r.Name) {
			v.add(p, findings.Error, CheckDeps, "", "Requires %s, which no base system provides (leaked from testdata or a source tree?)", r)
			continue
		}
		if p.plan != nil && !allowed[r.Name] && !glibcRequirement(r.Name) {
			v.add(p, findings.Warning, CheckDeps, "", "unexpected Requires %s (not the package chain, /bin/sh, update-alternatives, glibc or a configured requirement)", r)
		}
	}
	for i, d := range p.pkg.Provides {
		if from := leaked(origins.provides[i]); from != "" && !allowedByPlan(p, d.Name) {
			v.add(p, findings.Error, CheckDeps, from, "Provides %s comes from a file dependency generators must skip", d)
			continue
		}
		if p.plan != nil && !declared[d.Name] && (strings.Contains(d.Name, ".so") || strings.HasPrefix(d.Name, "/")) {
			v.add(p, findings.Error, CheckDeps, "", "Provides %s: a Go toolchain ships no shared library, so it can only come from testdata or a source tree", d)
		}
	}
}

// allowedByPlan reports dependencies the plan itself declares (the
// package chain), which no file generates: a DEPENDSDICT entry pointing
// at one is misread, not a leak.
func allowedByPlan(p *pkgInfo, name string) bool {
	if p.plan == nil {
		return false
	}
	for _, part := range p.plan.Packages {
		if part.Name == name || strings.HasPrefix(name, part.Name+"(") {
			return true
		}
	}
	return false
}
