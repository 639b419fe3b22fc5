package verify

import (
	"path"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
)

// standardTop are the top-level directories a package may put files in on
// Fedora and EL (with /usr merged, /bin, /sbin and /lib* are symlinks the
// filesystem package owns).
var standardTop = map[string]bool{"usr": true, "etc": true, "var": true, "opt": true, "boot": true}

// systemPaths are link targets that exist on every system without a
// package in the set providing them.
var systemPaths = []string{"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/env", "/dev/null"}

// inTestTree reports whether name lies in a testdata or test directory,
// where empty files are test inputs and expected outputs on purpose (Go's
// own test/ holds dozens); rpmlint/gotc-toolchain.toml filters the same.
func inTestTree(name string) bool {
	return strings.Contains(name, "/testdata/") || strings.Contains(name, "/test/")
}

// systemPrefixes are trees whose contents are not files packages own.
var systemPrefixes = []string{"/proc/", "/sys/", "/dev/", "/run/"}

// checkLint reports what rpmlint would: world-writable and setuid/setgid
// files (errors), dangling symlinks, zero-length files outside test trees,
// non-root owners (warnings), and files outside the standard top-level
// directories or in /usr/local (errors).
func (v *verifier) checkLint(p *pkgInfo) {
	for i := range p.pkg.Files {
		f := &p.pkg.Files[i]
		mode := f.Mode
		if !f.IsSymlink() && mode&0o002 != 0 {
			v.add(p, findings.Error, CheckLint, f.Path, "world-writable (%s)", rpmread.PermString(mode))
		}
		switch {
		case f.IsDir():
			if mode&0o4000 != 0 {
				v.add(p, findings.Warning, CheckLint, f.Path, "directory with the setuid bit (%s)", rpmread.PermString(mode))
			}
		case mode&0o4000 != 0:
			v.add(p, findings.Error, CheckLint, f.Path, "setuid file (%s)", rpmread.PermString(mode))
		case mode&0o2000 != 0:
			v.add(p, findings.Error, CheckLint, f.Path, "setgid file (%s)", rpmread.PermString(mode))
		}
		if f.User != "root" || f.Group != "root" {
			v.add(p, findings.Warning, CheckLint, f.Path, "owned by %s:%s, not root:root", f.User, f.Group)
		}
		if f.IsRegular() && !f.IsGhost() && f.Size == 0 && !inTestTree(f.Path) {
			v.add(p, findings.Warning, CheckLint, f.Path, "zero-length file")
		}
		if f.IsSymlink() {
			if target, ok := v.danglingLink(p, f); !ok {
				v.add(p, findings.Warning, CheckLint, f.Path, "dangling symlink: %s is not in the package, its siblings or the base system", target)
			}
		}
		top, _, _ := strings.Cut(strings.TrimPrefix(f.Path, "/"), "/")
		switch {
		case f.Path == "/":
		case !standardTop[top]:
			v.add(p, findings.Error, CheckLint, f.Path, "outside the standard top-level directories (/usr, /etc, /var, /opt, /boot)")
		case f.Path == "/usr/local" || strings.HasPrefix(f.Path, "/usr/local/"):
			v.add(p, findings.Error, CheckLint, f.Path, "packages must not install into /usr/local")
		}
	}
}

// danglingLink resolves a symlink's target and reports whether something
// will be there: a path of the package itself or of a package built from
// the same source RPM among those verified, /etc/alternatives for a
// ghost link update-alternatives manages, or a well-known system path.
func (v *verifier) danglingLink(p *pkgInfo, f *rpmread.File) (string, bool) {
	target := f.LinkTo
	if !strings.HasPrefix(target, "/") {
		target = path.Join(path.Dir(f.Path), target)
	}
	target = path.Clean(target)
	if f.IsGhost() && strings.HasPrefix(target, "/etc/alternatives/") {
		return target, true
	}
	if _, ok := p.index[target]; ok {
		return target, true
	}
	for _, q := range v.pkgs {
		if q != p && q.pkg.SourceRPM != "" && q.pkg.SourceRPM == p.pkg.SourceRPM {
			if _, ok := q.index[target]; ok {
				return target, true
			}
		}
	}
	for _, s := range systemPaths {
		if target == s {
			return target, true
		}
	}
	for _, s := range systemPrefixes {
		if strings.HasPrefix(target, s) {
			return target, true
		}
	}
	return target, false
}
