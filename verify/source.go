package verify

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/specgen"
)

// checkSource checks a source package (.src.rpm): it holds the spec
// gotc-spec gen writes for its toolchain, to the byte, and the upstream
// tarball of every arch the configuration names, with the configured
// SHA-256, and nothing else. Without a configuration only the spec's
// presence is checked.
func (v *verifier) checkSource(p *pkgInfo) {
	if p.plan == nil {
		return // resolvePlan reported why
	}
	specName := p.plan.Name + ".spec"
	i, ok := p.index[specName]
	switch {
	case !ok:
		v.add(p, findings.Error, CheckSource, specName, "missing: a source package of %s holds its spec", p.plan.Name)
	case p.pkg.Files[i].Flags&rpmtag.FileSpecfile == 0:
		v.add(p, findings.Error, CheckSource, specName, "not marked as the spec file (RPMFILE_SPECFILE)")
	}
	if p.inferred {
		v.add(p, findings.Warning, CheckSource, "", "no configuration: pass -c to check the spec and the tarballs against it")
		return
	}
	want := map[string]string{specName: ""}
	for _, arch := range p.plan.Arches {
		s := p.plan.Toolchain.Sources[arch]
		want[s.File] = s.SHA256
	}
	for _, f := range p.pkg.Files {
		sum, ok := want[f.Path]
		switch {
		case !ok:
			v.add(p, findings.Error, CheckSource, f.Path, "not a source of %s in %s", p.plan.Name, p.plan.Config.File())
		case f.Path != specName && !strings.EqualFold(f.Digest, sum):
			v.add(p, findings.Error, CheckSource, f.Path, "SHA-256 %s, the configuration says %s", f.Digest, sum)
		case f.Path != specName && p.pkg.FileDigestAlgo != rpmtag.HashAlgoSHA256:
			v.add(p, findings.Error, CheckSource, f.Path, "file digests are not SHA-256: the tarball cannot be compared with the configuration")
		}
	}
	for name := range want {
		if _, ok := p.index[name]; !ok && name != specName {
			v.add(p, findings.Error, CheckSource, name, "missing: the configuration names it as a source of %s", p.plan.Name)
		}
	}
	if ok && p.payloadRead && p.specRead {
		v.compareSpec(p, specName)
	}
}

// compareSpec compares the packaged spec with what gotc-spec gen writes.
// The generated changelog entry of a toolchain without one is dated from
// SOURCE_DATE_EPOCH, which is also the package's build time.
func (v *verifier) compareSpec(p *pkgInfo, specName string) {
	built := time.Unix(p.pkg.BuildTime, 0).UTC()
	var gen bytes.Buffer
	opt := specgen.Options{ConfigName: filepath.Base(p.plan.Config.File()), SourceDateEpoch: &built}
	if err := specgen.Generate(&gen, p.plan, opt); err != nil {
		v.add(p, findings.Error, CheckSource, specName, "cannot generate the spec to compare: %v", err)
		return
	}
	if bytes.Equal(gen.Bytes(), p.spec) {
		return
	}
	v.add(p, findings.Error, CheckSource, specName, "differs from what gotc-spec gen writes for %s: %s", p.plan.Config.File(), firstDifference(gen.String(), string(p.spec)))
}

// firstDifference names the first line where got differs from want.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d is %q, want %q", i+1, g, w)
		}
	}
	return "same lines, other bytes"
}
