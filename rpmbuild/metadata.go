package rpmbuild

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/toolchain"
)

// header is what the headers of all of p's packages, binary and source,
// say alike: version, release, epoch, license, URL, vendor, build host
// and time, and the changelog.
func header(p *toolchain.Plan, arch string, opt Common, buildTime time.Time) rpmwrite.Metadata {
	m := rpmwrite.Metadata{
		Version:   p.RPMVersion,
		Release:   p.ReleaseWithDist(opt.Dist),
		Arch:      arch,
		License:   p.Config.License,
		URL:       p.Config.URL,
		Vendor:    p.Config.Vendor,
		BuildHost: opt.BuildHost,
		BuildTime: buildTime.Unix(),
		Changelog: changelog(p, opt.SourceDateEpoch),
	}
	if m.BuildHost == "" {
		m.BuildHost = "localhost"
	}
	if p.Epoch != nil {
		e := uint32(*p.Epoch)
		m.Epoch = &e
	}
	return m
}

// sourceRPM is the file name of p's source package built with dist.
func sourceRPM(p *toolchain.Plan, dist string) string {
	return fmt.Sprintf("%s-%s-%s.src.rpm", p.Name, p.RPMVersion, p.ReleaseWithDist(dist))
}

// metadata maps a plan package onto the header rpmbuild writes for it.
func metadata(p *toolchain.Plan, pkg *toolchain.Package, arch string, opt Options, c *contents) (rpmwrite.Metadata, error) {
	m := header(p, arch, opt.Common, opt.buildTime)
	m.Name, m.Summary, m.Description = pkg.Name, pkg.Summary, pkg.Description
	m.SourceRPM = sourceRPM(p, opt.Dist)
	evr := p.EVRWithDist(opt.Dist)
	m.SourceNEVR = p.Name + "-" + evr // v6 only: the source package's
	conv := func(list []toolchain.Dep) []rpmwrite.Dependency {
		var out []rpmwrite.Dependency
		for _, d := range list {
			dep := rpmwrite.Dependency{Name: d.Name, Version: d.Version, Flags: senseOf(d.Op)}
			if d.Self {
				dep.Version = evr
			}
			out = append(out, dep)
		}
		return out
	}
	m.Requires = conv(pkg.Requires)
	m.Provides = conv(pkg.Provides)
	m.Conflicts = conv(pkg.Conflicts)
	m.Obsoletes = conv(pkg.Obsoletes)
	for _, r := range uniq(c.requires[pkg.Name]) {
		m.Requires = append(m.Requires, rpmwrite.Dependency{Name: r, Flags: rpmtag.SenseFindRequires})
	}
	for _, r := range uniq(c.provides[pkg.Name]) {
		m.Provides = append(m.Provides, rpmwrite.Dependency{Name: r, Flags: rpmtag.SenseFindProvides})
	}
	if pkg == p.Main() {
		s := p.Scriptlets()
		m.PostIn = rpmwrite.Script{Body: s.Post}
		m.PreUn = rpmwrite.Script{Body: s.Preun}
		m.PostUn = rpmwrite.Script{Body: s.Postun}
		m.Requires = append(m.Requires,
			rpmwrite.Dependency{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPost},
			rpmwrite.Dependency{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPreun},
			rpmwrite.Dependency{Name: toolchain.UpdateAlternatives, Flags: rpmtag.SenseScriptPostun})
	}
	return m, nil
}

// changelog is the %changelog of p's packages, as rpmbuild stores it.
func changelog(p *toolchain.Plan, sourceDateEpoch *time.Time) []rpmwrite.ChangelogEntry {
	var out []rpmwrite.ChangelogEntry
	for _, e := range p.ChangelogEntries(sourceDateEpoch) {
		lines := make([]string, len(e.Changes))
		for i, c := range e.Changes {
			lines[i] = "- " + c
		}
		out = append(out, rpmwrite.ChangelogEntry{
			Time:   e.Time.Unix(),
			Author: e.Author + " - " + e.Version,
			Text:   strings.Join(lines, "\n"),
		})
	}
	return out
}

// senseOf maps a spec comparison operator to rpm sense bits.
func senseOf(op string) uint32 {
	switch op {
	case "<":
		return rpmtag.SenseLess
	case "<=":
		return rpmtag.SenseLess | rpmtag.SenseEqual
	case "=":
		return rpmtag.SenseEqual
	case ">=":
		return rpmtag.SenseGreater | rpmtag.SenseEqual
	case ">":
		return rpmtag.SenseGreater
	}
	return rpmtag.SenseAny
}

func uniq(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
