package verify

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gotc-project/gotc/filelist"
	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// tree is the file lists expected from a tarball.
type tree struct {
	expected map[string][]filelist.File
	// owner maps an expected path to its package name.
	owner map[string]string
}

// markFlags are the file flags the files check compares.
const markFlags = rpmtag.FileGhost | rpmtag.FileDoc | rpmtag.FileLicense | rpmtag.FileConfig

// checkFiles checks that p holds what its plan says: the exact expected
// lists when sources were given, else the plan's rules.
func (v *verifier) checkFiles(p *pkgInfo) error {
	if p.plan == nil || p.part == nil {
		return nil
	}
	v.checkGoEnv(p)
	if v.opt.Sources != "" {
		t, err := v.treeFor(p)
		if err != nil {
			return err
		}
		if t != nil {
			v.checkExpected(p, t)
			return nil
		}
	}
	v.checkRules(p)
	return nil
}

// checkGoEnv reads the packaged go.env: every setting the plan writes,
// GOTOOLCHAIN=local first of all, must be there.
func (v *verifier) checkGoEnv(p *pkgInfo) {
	path := p.plan.GOROOT + "/go.env"
	i, ok := p.index[path]
	if !ok || !p.payloadRead || p.pkg.Files[i].IsGhost() {
		return
	}
	if !p.goEnvRead {
		v.add(p, findings.Error, CheckFiles, path, "go.env is larger than %d bytes", maxGoEnv)
		return
	}
	have := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(p.goEnv))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, val, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			have[k] = val
		}
	}
	for _, kv := range p.plan.GoEnv() {
		got, ok := have[kv[0]]
		switch {
		case !ok:
			v.add(p, findings.Error, CheckFiles, path, "go.env does not set %s=%s", kv[0], kv[1])
		case got != kv[1]:
			v.add(p, findings.Error, CheckFiles, path, "go.env says %s=%s, want %s=%s", kv[0], got, kv[0], kv[1])
		}
	}
}

// requiredFiles are toolchain-relative paths a working toolchain needs;
// the package the plan puts each in must hold it. The tools directory
// depends on the arch.
func requiredFiles(goarch string) []string {
	list := []string{"VERSION", "go.env", "bin/go", "bin/gofmt", "src/vendor", "src/cmd/vendor"}
	if goarch != "" {
		list = append(list, "pkg/tool/linux_"+goarch+"/compile", "pkg/tool/linux_"+goarch+"/link")
	}
	return list
}

// checkRules applies the plan's rules without the tarball: every file
// belongs under the toolchain root (or is one of the main package's
// ghosts, links and owned directories), in the package the split rules
// name, with gotc's modes and marks; the files a toolchain needs are
// there.
func (v *verifier) checkRules(p *pkgInfo) {
	plan, main := p.plan, p.part == p.plan.Main()
	extra := map[string]bool{} // main package entries outside the tree
	for _, g := range plan.Ghosts {
		extra[g.Path] = true
	}
	for _, l := range plan.Links {
		extra[l.Path] = true
	}
	shared := map[string]bool{} // owned by every package of the toolchain
	for _, d := range plan.SharedDirs {
		shared[d] = true
		if _, ok := p.index[d]; !ok {
			v.add(p, findings.Warning, CheckFiles, d, "not owned: erasing this package last leaves the directory behind")
		}
	}
	for i := range p.pkg.Files {
		f := &p.pkg.Files[i]
		if shared[f.Path] {
			if !f.IsDir() {
				v.add(p, findings.Error, CheckFiles, f.Path, "a %s, not a directory", typeName(f.Mode))
			}
			continue
		}
		rel, ok := strings.CutPrefix(f.Path, plan.GOROOT+"/")
		if !ok {
			switch {
			case !extra[f.Path]:
				v.add(p, findings.Error, CheckFiles, f.Path, "outside the toolchain root %s", plan.GOROOT)
			case !main:
				v.add(p, findings.Error, CheckFiles, f.Path, "belongs in %s", plan.Main().Name)
			}
			continue
		}
		want, flag, excluded := plan.Classify(rel, f.IsDir())
		switch {
		case excluded:
			v.add(p, findings.Error, CheckFiles, f.Path, "excluded by the configuration, but packaged")
			continue
		case want != p.part:
			v.add(p, findings.Error, CheckFiles, f.Path, "misplaced: the split rules put it in %s", want.Name)
			continue
		}
		if f.IsGhost() {
			v.add(p, findings.Error, CheckFiles, f.Path, "a toolchain file marked %%ghost")
		}
		v.checkMarks(p, f, flag)
		if m := f.Mode; !(f.IsDir() && m&0o7777 == 0o755 || f.IsRegular() && (m&0o7777 == 0o755 || m&0o7777 == 0o644) || f.IsSymlink()) {
			v.add(p, findings.Error, CheckFiles, f.Path, "mode %s; gotc packages directories and executables 0755, other files 0644", rpmread.PermString(m))
		}
	}
	if main {
		if i, ok := p.index[plan.Config.Layout.Root]; !ok || !p.pkg.Files[i].IsDir() {
			v.add(p, findings.Error, CheckFiles, plan.Config.Layout.Root, "the main package must own the toolchains directory")
		}
		if _, ok := p.index[plan.GOROOT]; !ok {
			v.add(p, findings.Error, CheckFiles, plan.GOROOT, "the main package must own the toolchain root")
		}
		for _, l := range plan.Links {
			i, ok := p.index[l.Path]
			switch {
			case !ok:
				v.add(p, findings.Error, CheckFiles, l.Path, "versioned command link is missing")
			case !p.pkg.Files[i].IsSymlink() || p.pkg.Files[i].LinkTo != l.Target:
				v.add(p, findings.Error, CheckFiles, l.Path, "should be a symlink to %s", l.Target)
			}
		}
	}
	goarch := toolchain.GOARCH[p.pkg.Arch] // "" for noarch
	for _, rel := range requiredFiles(goarch) {
		want, _, excluded := plan.Classify(rel, rel == "src/vendor" || rel == "src/cmd/vendor")
		if excluded || want != p.part {
			continue
		}
		if _, ok := p.index[plan.GOROOT+"/"+rel]; !ok {
			v.add(p, findings.Error, CheckFiles, plan.GOROOT+"/"+rel, "missing: a working toolchain needs it")
		}
	}
}

// checkMarks compares a file's %doc/%license marks with the plan's.
func (v *verifier) checkMarks(p *pkgInfo, f *rpmread.File, flag toolchain.FileFlag) {
	if f.IsDir() {
		return
	}
	wantDoc, wantLicense := flag == toolchain.FlagDoc, flag == toolchain.FlagLicense
	if got := f.Flags&rpmtag.FileDoc != 0; got != wantDoc {
		v.add(p, findings.Error, CheckFiles, f.Path, "%%doc mark is %v, the configuration says %v", got, wantDoc)
	}
	if got := f.Flags&rpmtag.FileLicense != 0; got != wantLicense {
		v.add(p, findings.Error, CheckFiles, f.Path, "%%license mark is %v, the configuration says %v", got, wantLicense)
	}
}

// treeFor reads the tarball of p's plan (once per plan and arch) and
// derives the expected file lists. nil means the configuration has no
// source for the package's arch; a tarball that cannot be read is
// unusable input.
func (v *verifier) treeFor(p *pkgInfo) (*tree, error) {
	plan := p.plan
	arch := p.pkg.Arch
	if arch == "noarch" {
		// Every arch's tarball has the same noarch files; prefer the arch
		// of a main package being verified, then a tarball that is there.
		arch = ""
		for _, q := range v.pkgs {
			if q.plan == plan && q.part == plan.Main() {
				if _, ok := plan.Toolchain.Sources[q.pkg.Arch]; ok {
					arch = q.pkg.Arch
					break
				}
			}
		}
		for _, a := range plan.Arches {
			if arch != "" {
				break
			}
			src, _ := plan.Source(a)
			if _, err := os.Stat(filepath.Join(v.opt.Sources, src.File)); err == nil {
				arch = a
			}
		}
		if arch == "" {
			arch = plan.Arches[0] // its absence is reported by Extract
		}
	} else if _, ok := plan.Toolchain.Sources[arch]; !ok {
		return nil, nil // reported by checkIdentity
	}
	key := plan.Name + " " + arch
	if t, ok := v.trees[key]; ok {
		return t, nil
	}
	src, _ := plan.Source(arch)
	tarball := filepath.Join(v.opt.Sources, src.File)
	source, err := srctree.Extract(tarball, v.opt.TempDir, srctree.ExtractOptions{SHA256: src.SHA256})
	if err != nil {
		return nil, &InputError{File: tarball, Err: err}
	}
	v.cleanups = append(v.cleanups, func() { source.Close() })
	exp, err := filelist.Of(plan, source, plan.BuildTime(nil))
	if err != nil {
		return nil, &InputError{File: tarball, Err: err}
	}
	t := &tree{expected: exp, owner: map[string]string{}}
	for name, files := range exp {
		for _, f := range files {
			t.owner[f.Path] = name
		}
	}
	if v.trees == nil {
		v.trees = map[string]*tree{}
	}
	v.trees[key] = t
	return t, nil
}

// checkExpected compares p with the exact list the builder derives from
// the tarball: missing, extra and misplaced files; type, mode, owner,
// marks, link targets, sizes and contents of the files both have.
func (v *verifier) checkExpected(p *pkgInfo, t *tree) {
	want := map[string]*filelist.File{}
	exp := t.expected[p.part.Name]
	for i := range exp {
		want[exp[i].Path] = &exp[i]
	}
	for i := range p.pkg.Files {
		f := &p.pkg.Files[i]
		e, ok := want[f.Path]
		if !ok {
			if owner, elsewhere := t.owner[f.Path]; elsewhere {
				v.add(p, findings.Error, CheckFiles, f.Path, "misplaced: belongs in %s", owner)
			} else {
				v.add(p, findings.Error, CheckFiles, f.Path, "not in the tarball or the plan: extra file")
			}
			continue
		}
		v.compareExpected(p, f, e)
	}
	var missing []string
	for path := range want {
		if _, ok := p.index[path]; !ok {
			missing = append(missing, path)
		}
	}
	sort.Strings(missing)
	for _, path := range missing {
		v.add(p, findings.Error, CheckFiles, path, "missing: the plan puts it in this package")
	}
}

func (v *verifier) compareExpected(p *pkgInfo, f *rpmread.File, e *filelist.File) {
	if f.Mode&0o170000 != e.Mode&0o170000 {
		v.add(p, findings.Error, CheckFiles, f.Path, "is a %s, the tarball has a %s", typeName(f.Mode), typeName(e.Mode))
		return
	}
	if f.Mode != e.Mode {
		v.add(p, findings.Error, CheckFiles, f.Path, "mode %s, want %s", rpmread.PermString(f.Mode), rpmread.PermString(e.Mode))
	}
	wantFlags := e.Flags
	if f.IsDir() {
		wantFlags &^= rpmtag.FileConfig | rpmtag.FileDoc | rpmtag.FileLicense
	}
	if got, want := f.Flags&markFlags, wantFlags&markFlags; got != want {
		v.add(p, findings.Error, CheckFiles, f.Path, "flags [%s], want [%s]", strings.Join(rpmread.FileFlagNames(got), " "), strings.Join(rpmread.FileFlagNames(want), " "))
	}
	if f.User != "root" || f.Group != "root" {
		v.add(p, findings.Error, CheckFiles, f.Path, "owned by %s:%s, want root:root", f.User, f.Group)
	}
	switch {
	case f.IsSymlink():
		if f.LinkTo != e.LinkTo {
			v.add(p, findings.Error, CheckFiles, f.Path, "points to %q, want %q", f.LinkTo, e.LinkTo)
		}
	case f.IsRegular() && !f.IsGhost():
		if f.Size != e.Size {
			v.add(p, findings.Error, CheckFiles, f.Path, "%d bytes, the tarball's file has %d", f.Size, e.Size)
			return
		}
		if e.Open == nil || f.Digest == "" {
			return
		}
		h := p.pkg.NewFileHash()
		if h == nil {
			return
		}
		rc, err := e.Open()
		if err != nil {
			v.add(p, findings.Error, CheckFiles, f.Path, "cannot read the tarball's file: %v", err)
			return
		}
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			v.add(p, findings.Error, CheckFiles, f.Path, "cannot read the tarball's file: %v", err)
			return
		}
		if got := hexOf(h.Sum(nil)); !strings.EqualFold(got, f.Digest) {
			v.add(p, findings.Error, CheckFiles, f.Path, "content differs from the tarball's (digest %s, want %s)", f.Digest, got)
		}
	}
}
