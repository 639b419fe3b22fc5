package selfcheck

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// adminDirs are where update-alternatives keeps its state: Fedora's and
// EL's alternatives, then Debian's.
var adminDirs = []string{"/var/lib/alternatives", "/var/lib/dpkg/alternatives"}

// group is an alternatives group as its administrative file records it.
type group struct {
	file    string
	mode    string // auto or manual
	link    string
	slaves  []string // follower names, in file order
	entries []entry
}

// entry is one registered alternative.
type entry struct {
	path     string
	priority int
	slaves   []string // the followers' paths, in group.slaves order ("" for none)
}

// readGroup reads the group name's administrative file; nil when there
// is none.
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
		g, err := parseGroup(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		g.file = p
		return g, nil
	}
	return nil, nil
}

// parseGroup parses an administrative file: mode, link, follower name
// and link pairs up to an empty line, then per alternative its path, its
// priority and one line per follower, up to an empty line or the end.
func parseGroup(f io.Reader) (*group, error) {
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 100000 {
			return nil, fmt.Errorf("too long to be an alternatives file")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) < 2 {
		return nil, fmt.Errorf("truncated")
	}
	g := &group{mode: lines[0], link: lines[1]}
	i := 2
	for ; i < len(lines) && lines[i] != ""; i += 2 {
		if i+1 >= len(lines) {
			return nil, fmt.Errorf("follower %q has no link", lines[i])
		}
		g.slaves = append(g.slaves, lines[i])
	}
	i++ // the empty line
	for i < len(lines) && lines[i] != "" {
		if i+1 >= len(lines) {
			return nil, fmt.Errorf("alternative %q is truncated", lines[i])
		}
		// Fedora's alternatives may add "@family" to the path's line.
		p, _, _ := strings.Cut(lines[i], "@")
		prio, err := strconv.Atoi(strings.TrimSpace(lines[i+1]))
		if err != nil {
			return nil, fmt.Errorf("alternative %q: priority %q is not a number", p, lines[i+1])
		}
		e := entry{path: p, priority: prio}
		for k := range g.slaves {
			if j := i + 2 + k; j < len(lines) {
				e.slaves = append(e.slaves, lines[j])
			} else {
				e.slaves = append(e.slaves, "")
			}
		}
		g.entries = append(g.entries, e)
		i += 2 + len(g.slaves)
	}
	return g, nil
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
	r.Mode = g.mode
	if g.link != a.Link {
		ch.add(findings.Error, "", g.file, "group %s manages %s, want %s", a.Name, g.link, a.Link)
	}
	suffix := "/" + a.Target
	byRoot := map[string]*Toolchain{}
	for i := range r.Toolchains {
		byRoot[r.Toolchains[i].Dir] = &r.Toolchains[i]
	}
	var best *entry
	for i := range g.entries {
		e := &g.entries[i]
		if best == nil || e.priority > best.priority {
			best = e
		}
		if _, err := ch.fs.Stat(e.path); err != nil {
			ch.add(findings.Error, "", e.path, "registered with priority %d but missing: a dangling alternative", e.priority)
		}
		goroot, ours := strings.CutSuffix(e.path, suffix)
		if !ours || path.Dir(goroot) != ch.c.Layout.Root {
			continue // another provider, such as Fedora's golang
		}
		name := path.Base(goroot)
		if t := byRoot[goroot]; t != nil {
			t.Registered, t.Priority = true, e.priority
		}
		for k, slave := range g.slaves {
			want, ok := ch.followerPath(slave, goroot)
			if ok && e.slaves[k] != want {
				ch.add(findings.Error, name, e.path, "follower %s registered as %q, want %s", slave, e.slaves[k], want)
			}
		}
		for _, f := range a.Followers {
			if !slices.Contains(g.slaves, f.Name) {
				ch.add(findings.Error, name, e.path, "registered without follower %s (%s)", f.Name, f.Link)
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
	if g.mode == "auto" && best != nil && best.path != selected {
		ch.add(findings.Error, "", a.Link, "group %s is in auto mode but leads to %s, not to %s (priority %d)", a.Name, selected, best.path, best.priority)
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
// inside the root too (rootFS).
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
	for _, e := range g.entries {
		if e.path == p {
			return true
		}
	}
	return false
}
