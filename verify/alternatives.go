package verify

import (
	"path"
	"strconv"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/toolchain"
)

// altCommand is one update-alternatives invocation found in a scriptlet.
type altCommand struct {
	program string
	// install is link, name, path, priority of --install.
	install []string
	// remove is name, path of --remove.
	remove []string
	// slaves maps a follower name to its link and path.
	slaves map[string][2]string
	// slaveOrder keeps the names in script order for messages.
	slaveOrder []string
}

// parseAlternatives finds the update-alternatives commands in a shell
// scriptlet: continuation lines are joined, commands split at newlines,
// ";", "&&", "||" and "then"/"do", and the words after the program read
// as options.
func parseAlternatives(script string) []altCommand {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var cmds []altCommand
	for _, line := range strings.Split(script, "\n") {
		for _, sep := range []string{";", "&&", "||"} {
			line = strings.ReplaceAll(line, sep, "\n")
		}
		for _, part := range strings.Split(line, "\n") {
			words := strings.Fields(part)
			for len(words) > 0 && (words[0] == "then" || words[0] == "do" || words[0] == "else" || words[0] == "{") {
				words = words[1:]
			}
			if len(words) == 0 {
				continue
			}
			if base := path.Base(words[0]); base != "update-alternatives" && base != "alternatives" {
				continue
			}
			c := altCommand{program: words[0], slaves: map[string][2]string{}}
			args := words[1:]
			for i := 0; i < len(args); i++ {
				switch args[i] {
				case "--install":
					if i+4 < len(args) {
						c.install = args[i+1 : i+5]
						i += 4
					} else {
						c.install = args[i+1:]
						i = len(args)
					}
				case "--slave", "--follower":
					if i+3 < len(args) {
						c.slaves[args[i+2]] = [2]string{args[i+1], args[i+3]}
						c.slaveOrder = append(c.slaveOrder, args[i+2])
						i += 3
					} else {
						i = len(args)
					}
				case "--remove":
					if i+2 < len(args) {
						c.remove = args[i+1 : i+3]
						i += 2
					} else {
						c.remove = args[i+1:]
						i = len(args)
					}
				}
			}
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// checkAlternatives checks the main package's alternatives registration
// against the plan: ghosts, %post, %preun, %postun and the scriptlet
// Requires.
func (v *verifier) checkAlternatives(p *pkgInfo) {
	if p.plan == nil || p.part != p.plan.Main() {
		return
	}
	a := p.plan.Alternative
	for _, g := range p.plan.Ghosts {
		i, ok := p.index[g.Path]
		if !ok {
			v.add(p, findings.Error, CheckAlternatives, g.Path, "missing %%ghost entry of the %s alternative", a.Name)
			continue
		}
		f := &p.pkg.Files[i]
		switch {
		case !f.IsGhost():
			v.add(p, findings.Error, CheckAlternatives, g.Path, "should be %%ghost: update-alternatives creates it")
		case g.LinkTo != "" && (!f.IsSymlink() || f.LinkTo != g.LinkTo):
			v.add(p, findings.Error, CheckAlternatives, g.Path, "%%ghost should be a symlink to %s", g.LinkTo)
		case g.LinkTo == "" && !f.IsRegular():
			v.add(p, findings.Error, CheckAlternatives, g.Path, "%%ghost should be a regular file, is a %s", typeName(f.Mode))
		}
	}

	post := p.pkg.Scripts["post"]
	var install *altCommand
	for _, c := range parseAlternatives(post.Body) {
		if c.install != nil {
			c := c
			install = &c
			break
		}
	}
	if install == nil {
		v.add(p, findings.Error, CheckAlternatives, "", "%%post does not run update-alternatives --install: the %s alternative is never registered", a.Name)
	} else {
		v.checkInstall(p, install, a)
	}

	// %preun removes while the links still exist (Fedora's alternatives
	// reads them first, and rpm erases the %ghost links before %postun
	// when the last toolchain goes); %postun removes after an upgrade
	// that changed the toolchain's path.
	for _, s := range []struct{ name, without string }{
		{"preun", "erasing the last toolchain fails under Fedora's alternatives, which needs the links rpm has removed by %postun"},
		{"postun", "an upgrade that changes the toolchain's path leaves a dangling alternative"},
	} {
		var remove []string
		for _, c := range parseAlternatives(p.pkg.Scripts[s.name].Body) {
			if c.remove != nil {
				remove = c.remove
				break
			}
		}
		switch {
		case remove == nil:
			v.add(p, findings.Error, CheckAlternatives, "", "%%%s does not run update-alternatives --remove %s %s: %s", s.name, a.Name, a.Path, s.without)
		case len(remove) != 2 || remove[0] != a.Name || remove[1] != a.Path:
			v.add(p, findings.Error, CheckAlternatives, "", "%%%s removes %q, want --remove %s %s", s.name, strings.Join(remove, " "), a.Name, a.Path)
		}
	}

	for _, need := range []struct {
		name  string
		sense uint64
	}{{"post", rpmtag.SenseScriptPost}, {"preun", rpmtag.SenseScriptPreun}, {"postun", rpmtag.SenseScriptPostun}} {
		found := false
		for _, r := range p.pkg.Requires {
			found = found || r.Name == toolchain.UpdateAlternatives && uint64(r.Flags)&need.sense != 0
		}
		if !found {
			v.add(p, findings.Error, CheckAlternatives, "", "no Requires(%s): %s", need.name, toolchain.UpdateAlternatives)
		}
	}
}

func (v *verifier) checkInstall(p *pkgInfo, c *altCommand, a toolchain.Alternative) {
	if c.program != toolchain.UpdateAlternatives {
		v.add(p, findings.Warning, CheckAlternatives, "", "%%post runs %s; the package requires %s", c.program, toolchain.UpdateAlternatives)
	}
	if len(c.install) != 4 {
		v.add(p, findings.Error, CheckAlternatives, "", "%%post: update-alternatives --install %q lacks arguments (want LINK NAME PATH PRIORITY)", strings.Join(c.install, " "))
		return
	}
	link, name, target, prio := c.install[0], c.install[1], c.install[2], c.install[3]
	if link != a.Link {
		v.add(p, findings.Error, CheckAlternatives, "", "%%post installs link %s, want %s", link, a.Link)
	}
	if name != a.Name {
		v.add(p, findings.Error, CheckAlternatives, "", "%%post installs alternative %s, want %s", name, a.Name)
	}
	if target != a.Path {
		v.add(p, findings.Error, CheckAlternatives, "", "%%post installs path %s, want %s", target, a.Path)
	}
	n, err := strconv.Atoi(prio)
	switch {
	case err != nil:
		v.add(p, findings.Error, CheckAlternatives, "", "%%post priority %q is not a number", prio)
	case !p.inferred && n != a.Priority:
		v.add(p, findings.Error, CheckAlternatives, "", "%%post priority %d, the configuration says %d", n, a.Priority)
	}
	want := map[string]bool{}
	for _, f := range a.Followers {
		want[f.Name] = true
		got, ok := c.slaves[f.Name]
		switch {
		case !ok:
			v.add(p, findings.Error, CheckAlternatives, f.Link, "%%post has no --slave %s %s %s", f.Link, f.Name, f.Path)
		case got[0] != f.Link || got[1] != f.Path:
			v.add(p, findings.Error, CheckAlternatives, f.Link, "%%post --slave %s %s %s, want %s %s %s", got[0], f.Name, got[1], f.Link, f.Name, f.Path)
		}
	}
	for _, name := range c.slaveOrder {
		if !want[name] {
			v.add(p, findings.Error, CheckAlternatives, c.slaves[name][0], "%%post has a --slave %s the plan does not name", name)
		}
	}
}
