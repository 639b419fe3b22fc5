package verify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// rpmVersionRE matches the RPM Version gotc writes: 1.26.8, or 1.27.0~rc1
// for the pre-release 1.27rc1.
var rpmVersionRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.([0-9]+)(?:~((?:rc|beta)[0-9]+))?$`)

// goVersionOf turns an RPM Version back into the Go version gotc.yaml
// writes.
func goVersionOf(rpmVersion string) (string, bool) {
	m := rpmVersionRE.FindStringSubmatch(rpmVersion)
	if m == nil {
		return "", false
	}
	if m[4] != "" {
		if m[3] != "0" {
			return "", false
		}
		return m[1] + "." + m[2] + m[4], true
	}
	return rpmVersion, true
}

// resolvePlan finds the plan and plan package p is: from the
// configuration when there is one, else from a minimal configuration for
// the package's version.
func (v *verifier) resolvePlan(p *pkgInfo) error {
	if v.opt.Config != nil {
		v.planFromConfig(p)
	} else {
		v.planInferred(p)
	}
	if p.plan != nil {
		if re := p.plan.DependencyExcludeRegexp(); re != "" {
			p.depExclude = regexp.MustCompile(re)
		}
	}
	return nil
}

func (v *verifier) planFromConfig(p *pkgInfo) {
	cfg := v.opt.Config
	var sameName *toolchain.Plan
	for _, plan := range cfg.Plans() {
		for _, part := range plan.Packages {
			if part.Name != p.pkg.Name {
				continue
			}
			sameName = plan
			if plan.RPMVersion == p.pkg.Version {
				p.plan, p.part = plan, part
			}
		}
	}
	switch {
	case p.plan != nil:
		v.checkIdentity(p)
	case sameName != nil:
		v.add(p, findings.Error, CheckFiles, "", "version %s is not the %s that %s packages as %s", p.pkg.Version, sameName.RPMVersion, cfg.File(), p.pkg.Name)
	default:
		v.add(p, findings.Error, CheckFiles, "", "%s describes no package named %s", cfg.File(), p.pkg.Name)
	}
}

// checkIdentity compares epoch, release and arch with the plan's.
func (v *verifier) checkIdentity(p *pkgInfo) {
	switch arch := p.pkg.Arch; {
	case p.pkg.Source:
		// A source package records the arch of the machine that built it.
	case p.part.Noarch && arch != "noarch":
		v.add(p, findings.Error, CheckFiles, "", "arch %s, the configuration makes %s noarch", arch, p.part.Name)
	case !p.part.Noarch && arch == "noarch":
		v.add(p, findings.Error, CheckFiles, "", "noarch, but %s holds arch-specific files", p.part.Name)
	case !p.part.Noarch && p.plan.Toolchain.Sources[arch].SHA256 == "":
		v.add(p, findings.Error, CheckFiles, "", "arch %s, the configuration has no %s source for %s", arch, arch, p.plan.Name)
	}
	want := p.plan.Epoch
	got := p.pkg.Epoch
	switch {
	case want == nil && got != nil:
		v.add(p, findings.Error, CheckFiles, "", "epoch %d, the configuration sets none", *got)
	case want != nil && got == nil:
		v.add(p, findings.Error, CheckFiles, "", "no epoch, the configuration sets %d", *want)
	case want != nil && got != nil && uint32(*want) != *got:
		v.add(p, findings.Error, CheckFiles, "", "epoch %d, the configuration sets %d", *got, *want)
	}
	rel := strconv.Itoa(p.plan.Release)
	if p.pkg.Release != rel && !strings.HasPrefix(p.pkg.Release, rel+".") {
		v.add(p, findings.Error, CheckFiles, "", "release %s, the configuration sets %s (plus a dist tag)", p.pkg.Release, rel)
	}
}

// seriesNameRE matches gotc package names: go-toolchain-1.26 and its
// subpackages.
var seriesNameRE = regexp.MustCompile(`^` + regexp.QuoteMeta(toolchain.NamePrefix) + `([0-9]+\.[0-9]+)(?:-(.+))?$`)

// planInferred builds the plan of a one-toolchain configuration for the
// package's version, with every default. A package that does not fit it
// (not a gotc name, an unknown subpackage, not in the default layout) gets
// no plan and only the checks that need none.
func (v *verifier) planInferred(p *pkgInfo) {
	m := seriesNameRE.FindStringSubmatch(p.pkg.Name)
	if m == nil {
		return
	}
	goVersion, ok := goVersionOf(p.pkg.Version)
	if !ok {
		v.add(p, findings.Warning, CheckFiles, "", "version %s is not a Go version gotc packages; pass -c to check the files", p.pkg.Version)
		return
	}
	arch := p.pkg.Arch
	if _, ok := toolchain.GOARCH[arch]; !ok {
		arch = "x86_64"
	}
	release := 1
	if n, err := strconv.Atoi(strings.SplitN(p.pkg.Release, ".", 2)[0]); err == nil && n > 0 {
		release = n
	}
	epoch := ""
	if p.pkg.Epoch != nil {
		epoch = fmt.Sprintf("\n    epoch: %d", *p.pkg.Epoch)
	}
	key := fmt.Sprintf("%s %d %s %s", goVersion, release, epoch, arch)
	cfg := v.inferred[key]
	if cfg == nil {
		yaml := fmt.Sprintf("toolchains:\n  - version: %q\n    release: %d%s\n    sources:\n      %s: {sha256: %q}\n",
			goVersion, release, epoch, arch, strings.Repeat("0", 64))
		c, _, err := toolchain.Parse("(inferred from "+p.pkg.Name+")", []byte(yaml))
		if err != nil {
			v.add(p, findings.Warning, CheckFiles, "", "cannot infer gotc's plan for version %s (%v); pass -c to check the files", goVersion, err)
			return
		}
		v.inferred[key] = c
		cfg = c
	}
	plan := cfg.Plans()[0]
	if plan.Version.Series() != m[1] {
		v.add(p, findings.Error, CheckFiles, "", "version %s is not of the %s series the name says", p.pkg.Version, m[1])
		return
	}
	for _, part := range plan.Packages {
		if part.Name == p.pkg.Name {
			p.part = part
		}
	}
	if p.part == nil {
		v.add(p, findings.Warning, CheckFiles, "", "%s is not one of gotc's default subpackages; pass -c to check the files", p.pkg.Name)
		return
	}
	if p.pkg.Source {
		p.plan, p.inferred = plan, true // holds no installed paths
		return
	}
	// Without a configuration the layout is gotc's default; a package
	// built with another layout is not checked against it.
	inRoot := false
	for _, f := range p.pkg.Files {
		if f.Path == plan.GOROOT || strings.HasPrefix(f.Path, plan.GOROOT+"/") {
			inRoot = true
			break
		}
	}
	if !inRoot {
		v.add(p, findings.Warning, CheckFiles, "", "no file under gotc's default root %s; pass -c with the configuration it was built from to check the files", plan.GOROOT)
		p.part = nil
		return
	}
	p.plan, p.inferred = plan, true
}
