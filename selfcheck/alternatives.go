package selfcheck

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/altstate"
	"github.com/gotc-project/gotc/toolchain"
)

// adminDirs are where update-alternatives keeps its state: Fedora's and
// EL's alternatives, then Debian's.
var adminDirs = []string{"/var/lib/alternatives", "/var/lib/dpkg/alternatives"}

// maxStateFile bounds what is read of a state file: real ones are a few
// hundred bytes.
const maxStateFile = 1 << 20

// group is an alternatives group as its state file records it.
type group struct {
	file string
	*altstate.State
}

// readGroup reads the group name's state file; nil when there is none.
func (ch *checker) readGroup(name string) (*group, error) {
	for _, dir := range adminDirs {
		p := dir + "/" + name
		f, err := ch.fs.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := parseGroup(f, p)
		if err != nil {
			return nil, err
		}
		return &group{file: p, State: st}, nil
	}
	return nil, nil
}

// parseGroup reads a state file as Fedora's alternatives reads it
// (package altstate), which also reads what Debian's writes; name is the
// path its errors give.
func parseGroup(r io.Reader, name string) (*altstate.State, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxStateFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxStateFile {
		return nil, fmt.Errorf("%s: larger than %d bytes, not an alternatives state file", name, maxStateFile)
	}
	return altstate.Parse(data, name)
}

// checkAlternatives checks the group against the installed toolchains
// and the links against the group.
func (ch *checker) checkAlternatives() {
	a := ch.c.Alternatives
	r := ch.report
	g, err := ch.readGroup(a.Name)
	if err != nil {
		ch.add(findings.Error, "", "", "alternatives group %s: %v", a.Name, err)
		return
	}
	if g == nil {
		if len(r.Toolchains) > 0 {
			ch.add(findings.Error, "", adminDirs[0]+"/"+a.Name, "no alternatives group %s: no toolchain is registered, %s selects none", a.Name, a.Link)
		}
		return
	}
	r.Mode = string(g.Mode)
	if g.Link != a.Link {
		ch.add(findings.Error, "", g.file, "group %s manages %s, want %s", a.Name, g.Link, a.Link)
	}
	suffix := "/" + a.Target
	byRoot := map[string]*Toolchain{}
	for i := range r.Toolchains {
		byRoot[r.Toolchains[i].Dir] = &r.Toolchains[i]
	}
	var best *altstate.Alternative
	if len(g.Alternatives) > 0 {
		best = &g.Alternatives[g.Best()]
	}
	for i := range g.Alternatives {
		e := &g.Alternatives[i]
		if _, err := ch.fs.Stat(e.Path); err != nil {
			ch.add(findings.Error, "", e.Path, "registered with priority %d but missing: a dangling alternative", e.Priority)
		}
		goroot, ours := strings.CutSuffix(e.Path, suffix)
		if !ours || path.Dir(goroot) != ch.c.Layout.Root {
			continue // another provider, such as Fedora's golang
		}
		name := path.Base(goroot)
		if t := byRoot[goroot]; t != nil {
			t.Registered, t.Priority = true, int(e.Priority)
		}
		for k, f := range g.Followers {
			want, ok := ch.followerPath(f.Name, goroot)
			if ok && e.Followers[k] != want {
				ch.add(findings.Error, name, e.Path, "follower %s registered as %q, want %s", f.Name, e.Followers[k], want)
			}
		}
		for _, f := range a.Followers {
			if !slices.ContainsFunc(g.Followers, func(gf altstate.Follower) bool { return gf.Name == f.Name }) {
				ch.add(findings.Error, name, e.Path, "registered without follower %s (%s)", f.Name, f.Link)
			}
		}
	}
	for _, t := range r.Toolchains {
		if !t.Registered {
			ch.add(findings.Error, path.Base(t.Dir), t.Dir, "not registered in alternatives group %s: %s can never select it", a.Name, a.Link)
		}
	}

	selected := ch.resolve(a.Link)
	switch {
	case selected == "":
		ch.add(findings.Error, "", a.Link, "leads nowhere")
		return
	case !registered(g, selected):
		ch.add(findings.Error, "", a.Link, "leads to %s, which is not registered in group %s", selected, a.Name)
	}
	goroot, ours := strings.CutSuffix(selected, suffix)
	if t := byRoot[goroot]; ours && t != nil {
		t.Selected = true
	} else {
		ch.add(findings.Warning, "", a.Link, "leads to %s, not a gotc toolchain under %s", selected, ch.c.Layout.Root)
	}
	if g.Mode == altstate.Auto && best != nil && best.Path != selected {
		ch.add(findings.Error, "", a.Link, "group %s is in auto mode but leads to %s, not to %s (priority %d)", a.Name, selected, best.Path, best.Priority)
	}
	for _, f := range a.Followers {
		want, ok := ch.followerPath(f.Name, goroot)
		if !ok || !ours {
			continue
		}
		if got := ch.resolve(f.Link); got != want {
			ch.add(findings.Error, "", f.Link, "leads to %q, but %s leads to %s: want %s", got, a.Link, selected, want)
		}
	}
}

// followerPath is where follower name of the toolchain at goroot points.
func (ch *checker) followerPath(name, goroot string) (string, bool) {
	for _, f := range ch.c.Alternatives.Followers {
		if f.Name == name {
			if f.Target == "." || f.Target == "" {
				return goroot, true
			}
			return goroot + "/" + f.Target, true
		}
	}
	return "", false
}

// checkVersionedCommands checks bin_dir/go<series> and gofmt<series> of
// every installed toolchain, and that no versioned command dangles.
func (ch *checker) checkVersionedCommands() {
	l := ch.c.Layout
	if l.VersionedCommands == nil || !*l.VersionedCommands {
		return
	}
	for _, t := range ch.report.Toolchains {
		v, err := toolchain.ParseVersion(strings.TrimPrefix(t.GoVersion, "go"))
		if err != nil {
			continue // reported by checkToolchain
		}
		series := v.Series()
		for _, cmd := range []string{"go", "gofmt"} {
			link := l.BinDir + "/" + cmd + series
			if got, want := ch.resolve(link), t.Dir+"/bin/"+cmd; got != want {
				ch.add(findings.Error, path.Base(t.Dir), link, "leads to %q, want %s", got, want)
			}
		}
	}
}

// resolve follows the symlinks of p inside the root, as the kernel would
// after a chroot, and returns the path they lead to, or "" when they
// lead nowhere. Each link is read with the components before it resolved
// inside the root too.
func (ch *checker) resolve(p string) string {
	for range 40 {
		target, err := ch.fs.Readlink(p)
		if err != nil {
			if _, err := ch.fs.Stat(p); err != nil {
				return ""
			}
			return p
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(p), target)
		}
		p = path.Clean(target)
	}
	return ""
}

func registered(g *group, p string) bool {
	return slices.ContainsFunc(g.Alternatives, func(e altstate.Alternative) bool { return e.Path == p })
}
