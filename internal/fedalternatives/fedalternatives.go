// Package fedalternatives is a TEST DOUBLE of Fedora's alternatives
// program (the alternatives subpackage of fedora-sysv/chkconfig 1.33,
// alternatives.c), written in Go so the tests can run gotc's scriptlets
// under Fedora's implementation on a machine that cannot install it.
// It is not Fedora's program and is not for use outside tests.
//
// It follows alternatives.c step by step: the command line (--install
// with --follower/--slave, --initscript and --family; --remove,
// --remove-all, --set, --auto, --display, --config, --list,
// --add-follower, --remove-follower; --test, --verbose, --keep-missing,
// --keep-foreign, --altdir, --admindir), the state file it reads and
// writes (package altstate), how it reads /etc/alternatives/NAME first
// and fails with "failed to read link LINK: …" and exit code 2 when that
// link is missing, how a link that leads to no registered alternative, or
// to one that is not the best, turns the group to manual mode, the
// priority and family rules of --install, --remove and --set, which
// links it makes and removes, and its messages and exit codes (0, or 2
// after a message; usage on standard output and 2). Since 1.30 it
// creates the default admin directory, /var/lib/alternatives, when it is
// missing; so does the double.
//
// Where it differs, on purpose: it does not run the systemctl or
// chkconfig commands of --initscript (it records the service in the
// state file as alternatives.c does); it does not treat /usr/sbin and
// /usr/bin paths as equal on merged-sbin systems (chkconfig 1.32's
// change, whose code was not available to compare; gotc's links are
// under /usr/bin and /usr/libexec); --list goes through the admin
// directory in name order, not readdir order; where alternatives.c
// would crash (a state file without alternatives, or ending after an
// alternative's path) it prints a message and exits 2; and its standard
// output is flushed when it exits, as C's is when it is not a terminal.
package fedalternatives

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/internal/altstate"
)

// Version is the chkconfig version the double models.
const Version = "1.33"

// Env is what the program runs in.
type Env struct {
	// Root is the directory it runs in, as if chrooted there; "" or "/"
	// for the machine's own root.
	Root   string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// linkSet is a link: title is the name (gofmt), facility the generic
// name (/usr/bin/gofmt), target where it leads ("" for none).
type linkSet struct {
	title, facility, target string
}

// alternative is one registered alternative. family and initscript are
// nil when it has none (and may be set but empty, as in C).
type alternative struct {
	priority   int32
	leader     linkSet
	followers  []linkSet
	initscript *string
	family     *string
}

// altSet is a group as readConfig leaves it.
type altSet struct {
	mode          altstate.Mode
	alts          []alternative
	best, current int
	currentLink   string
}

type flags struct {
	test, verbose, keepMissing, keepForeign bool
}

// prog is one run.
type prog struct {
	sys
	out              *bufio.Writer
	errw             io.Writer
	in               *bufio.Reader
	altDir, stateDir string
	flags
}

// exit unwinds a run from inside usage, as exit(3) does.
type exit int

// Main runs the program with args (without the program name) and
// returns its exit code.
func Main(args []string, env Env) (code int) {
	p := &prog{sys: sys{root: env.Root}, out: bufio.NewWriter(env.Stdout), errw: env.Stderr}
	if env.Stdin != nil {
		p.in = bufio.NewReader(env.Stdin)
	}
	defer func() {
		r := recover()
		if e, ok := r.(exit); ok {
			code = int(e)
		} else if r != nil {
			panic(r)
		}
		p.out.Flush()
	}()
	return p.main(args)
}

func (p *prog) printf(format string, a ...any) { fmt.Fprintf(p.out, format, a...) }

func (p *prog) errorf(format string, a ...any) {
	p.out.Flush() // stderr is unbuffered; keep the order a terminal would show
	fmt.Fprintf(p.errw, format, a...)
}

func (p *prog) usage(rc int) {
	p.printf("alternatives version %s - Copyright (C) 2001 Red Hat, Inc.\n", Version)
	p.printf("This may be freely redistributed under the terms of the GNU Public License.\n\n")
	p.printf("usage: alternatives --install <link> <name> <path> <priority>\n")
	p.printf("                    [--initscript <service>]\n")
	p.printf("                    [--family <family>]\n")
	p.printf("                    [--follower <follower_link> <follower_name> <follower_path>]*\n")
	p.printf("       alternatives --remove <name> <path>\n")
	p.printf("       alternatives --auto <name>\n")
	p.printf("       alternatives --config <name>\n")
	p.printf("       alternatives --display <name>\n")
	p.printf("       alternatives --set <name> <path/family>\n")
	p.printf("       alternatives --list\n")
	p.printf("       alternatives --remove-all <name>\n")
	p.printf("       alternatives --add-follower <name> <path> <follower_link> <follower_name> <follower_path>\n")
	p.printf("       alternatives --remove-follower <name> <path> <follower_name>\n")
	p.printf("\n")
	p.printf("common options: --verbose --test --help --usage --version --keep-missing --keep-foreign\n")
	p.printf("                --altdir <directory> --admindir <directory>\n")
	panic(exit(rc))
}

type mode int

const (
	modeUnknown mode = iota
	modeInstall
	modeRemove
	modeRemoveAll
	modeAuto
	modeDisplay
	modeConfig
	modeSet
	modeFollower
	modeVersion
	modeUsage
	modeList
	modeAddFollower
	modeRemoveFollower
)

// args walks the command line as main's loop does.
type args struct {
	p    *prog
	list []string
}

// next takes the next argument; ok false when there is none.
func (a *args) next() (string, bool) {
	if len(a.list) == 0 {
		return "", false
	}
	s := a.list[0]
	a.list = a.list[1:]
	return s, true
}

// name takes a name: present and not a path.
func (a *args) name() string {
	s, ok := a.next()
	if !ok || strings.HasPrefix(s, "/") {
		a.p.usage(2)
	}
	return s
}

// any takes any present argument.
func (a *args) any() string {
	s, ok := a.next()
	if !ok {
		a.p.usage(2)
	}
	return s
}

// path takes a present absolute path.
func (a *args) path() string {
	s, ok := a.next()
	if !ok || !strings.HasPrefix(s, "/") {
		a.p.usage(2)
	}
	return altstate.NormalizePath(s)
}

// linkSet is setupLinkSet: link, name, path.
func (a *args) linkSet() linkSet {
	var l linkSet
	l.facility = a.path()
	l.title = a.name()
	l.target = a.path()
	return l
}

func (p *prog) main(argv []string) int {
	if len(argv) == 0 {
		p.usage(2)
	}
	a := &args{p: p, list: argv}
	m := modeUnknown
	var title, target, followerTitle string
	newAlt := alternative{priority: -1}
	var newSet linkSet
	stateDirSet := false
	p.altDir = "/etc/alternatives"
	p.stateDir = "/var/lib/alternatives"
	setMode := func(to mode) {
		if m != modeUnknown {
			p.usage(2)
		}
		m = to
	}
	for len(a.list) > 0 {
		arg, _ := a.next()
		switch arg {
		case "--install":
			if m != modeUnknown && m != modeFollower {
				p.usage(2)
			}
			m = modeInstall
			newAlt.leader = a.linkSet()
			prio := a.any()
			n, tail, ok := altstate.Strtol(prio)
			if !ok && prio != "" || ok && tail != "" {
				p.usage(2) // strtol read nothing, or left a tail
			}
			newAlt.priority = n
		case "--add-follower", "--add-slave":
			setMode(modeAddFollower)
			title, target = a.name(), altstate.NormalizePath(a.any())
			newSet = a.linkSet()
		case "--remove-follower", "--remove-slave":
			setMode(modeRemoveFollower)
			title, target = a.name(), altstate.NormalizePath(a.any())
			followerTitle = a.any()
		case "--follower", "--slave":
			if m != modeUnknown && m != modeInstall {
				p.usage(2)
			}
			if m == modeUnknown {
				m = modeFollower
			}
			newAlt.followers = append(newAlt.followers, a.linkSet())
		case "--initscript":
			if m != modeUnknown && m != modeInstall {
				p.usage(2)
			}
			s := a.any()
			newAlt.initscript = &s
		case "--family":
			if m != modeUnknown && m != modeInstall {
				p.usage(2)
			}
			s := a.any()
			newAlt.family = &s
			if strings.Contains(s, "@") {
				p.printf("--family can't contain the symbol '@'\n")
				p.usage(2)
			}
		case "--remove", "--set": // setupDoubleArg: a name and a path or family
			setMode(map[string]mode{"--remove": modeRemove, "--set": modeSet}[arg])
			title, target = a.name(), altstate.NormalizePath(a.any())
		case "--remove-all", "--auto", "--display", "--config": // setupSingleArg: a name
			setMode(map[string]mode{"--remove-all": modeRemoveAll, "--auto": modeAuto, "--display": modeDisplay, "--config": modeConfig}[arg])
			title = a.name()
		case "--help", "--usage":
			setMode(modeUsage)
		case "--test":
			p.test = true
		case "--verbose":
			p.verbose = true
		case "--keep-missing":
			p.keepMissing = true
		case "--keep-foreign":
			p.keepForeign = true
		case "--version":
			setMode(modeVersion)
		case "--altdir":
			p.altDir = altstate.NormalizePath(a.any())
		case "--admindir":
			p.stateDir = altstate.NormalizePath(a.any())
			stateDirSet = true
		case "--list":
			setMode(modeList)
		default:
			p.usage(2)
		}
	}

	// chkconfig 1.30: the default admin directory is made when missing
	// (on ostree systems it is /etc/alternatives-admindir instead).
	if !stateDirSet && !p.isDir(p.stateDir) {
		if p.exists("/run/ostree-booted") {
			p.stateDir = "/etc/alternatives-admindir"
		}
		if err := p.mkdir(p.stateDir); err != nil && !os.IsExist(err) {
			p.errorf("failed creating admindir: %s\n", strerror(err))
			return 2
		}
	}
	if !p.isDir(p.altDir) {
		p.errorf("altdir %s invalid\n", p.altDir)
		return 2
	}
	if !p.isDir(p.stateDir) {
		p.errorf("admindir %s invalid\n", p.stateDir)
		return 2
	}

	switch m {
	case modeUnknown, modeFollower:
		p.usage(2)
	case modeUsage:
		p.usage(0)
	case modeVersion:
		p.printf("alternatives version %s\n", Version)
		return 0
	case modeInstall:
		return p.addService(newAlt)
	case modeAddFollower:
		return p.addFollower(title, target, newSet)
	case modeRemoveFollower:
		return p.removeFollower(title, target, followerTitle)
	case modeDisplay:
		return p.displayService(title)
	case modeAuto:
		return p.autoService(title)
	case modeConfig:
		return p.configService(title)
	case modeSet:
		return p.setService(title, target)
	case modeRemove:
		return p.removeService(title, target)
	case modeRemoveAll:
		return p.removeAll(title)
	case modeList:
		return p.listServices()
	}
	panic("unreachable")
}

// readConfig reads group title's state file and the link in altDir.
// It returns 0; 3 when there is no state file (silently); 1 when the
// file cannot be read or parsed; 2 when the link cannot be read, with
// the alternatives read.
func (p *prog) readConfig(title string) (*altSet, int) {
	set := &altSet{mode: altstate.Auto, current: -1}
	file := altstate.NormalizePath(p.stateDir + "/" + title)
	if p.verbose {
		p.printf("reading %s\n", file)
	}
	data, err := p.readFile(file)
	if err != nil {
		if os.IsNotExist(err) {
			return set, 3
		}
		var pe *os.PathError
		if ok := asPathError(err, &pe); ok && pe.Op == "read" {
			p.errorf("failed to read %s: %s\n", file, strerror(err))
		} else {
			p.errorf("failed to open %s: %s\n", file, strerror(err))
		}
		return set, 1
	}
	st, err := altstate.Parse(data, file)
	if err != nil {
		for _, l := range err.(*altstate.Error).Lines {
			p.errorf("%s\n", l)
		}
		return set, 1
	}
	set.mode = st.Mode
	for _, sa := range st.Alternatives {
		alt := alternative{
			priority: sa.Priority,
			leader:   linkSet{title: title, facility: st.Link, target: sa.Path},
		}
		if sa.Family != "" {
			f := sa.Family
			alt.family = &f
		}
		if sa.Initscript != "" {
			s := sa.Initscript
			alt.initscript = &s
		}
		for i, f := range st.Followers {
			alt.followers = append(alt.followers, linkSet{title: f.Name, facility: f.Link, target: sa.Followers[i]})
		}
		set.alts = append(set.alts, alt)
	}
	set.best = st.Best()
	if len(set.alts) == 0 {
		// alternatives.c reads the first alternative here and crashes.
		p.errorf("%s registers no alternative (alternatives.c would crash here)\n", file)
		return set, 1
	}
	link, err := p.readlink(p.altDir + "/" + title)
	if err != nil {
		p.errorf("failed to read link %s: %s\n", set.alts[0].leader.facility, strerror(err))
		return set, 2
	}
	i := slices.IndexFunc(set.alts, func(a alternative) bool { return a.leader.target == link })
	switch {
	case i < 0:
		set.mode = altstate.Manual
		set.current = -1
		if p.verbose {
			p.printf("link points to no alternative -- setting mode to manual\n")
		}
	default:
		if i != set.best && set.mode == altstate.Auto {
			set.mode = altstate.Manual
			if p.verbose {
				p.printf("link changed -- setting mode to manual\n")
			}
		}
		set.current = i
	}
	set.currentLink = altstate.NormalizePath(link)
	return set, 0
}

func asPathError(err error, pe **os.PathError) bool {
	e, ok := err.(*os.PathError)
	if ok {
		*pe = e
	}
	return ok
}

// load is readConfig for a command that needs the group: nil when it
// cannot be read, and the command exits 2.
func (p *prog) load(title string) *altSet {
	set, rc := p.readConfig(title)
	if rc != 0 {
		return nil
	}
	return set
}

// save is writeState as a command's exit code.
func (p *prog) save(set *altSet, forceLinks bool) int {
	if p.writeState(set, forceLinks) != 0 {
		return 2
	}
	return 0
}

// removeLinks removes a link and its generic name, if they are links.
func (p *prog) removeLinks(l linkSet) int {
	if p.keepMissing {
		return 0
	}
	sl := p.altDir + "/" + l.title
	if p.test {
		p.printf("would remove %s\n", sl)
	} else if p.isLink(sl) {
		if err := p.unlink(sl); err != nil && !os.IsNotExist(err) {
			p.errorf("failed to remove link %s: %s\n", sl, strerror(err))
			return 1
		}
	}
	if p.test {
		p.printf("would remove %s\n", l.facility)
	} else if p.isLink(l.facility) && (!p.keepForeign || p.belongsToUs(l.facility)) {
		if err := p.unlink(l.facility); err != nil && !os.IsNotExist(err) {
			p.errorf("failed to remove link %s: %s\n", l.facility, strerror(err))
			return 1
		}
	}
	return 0
}

// belongsToUs says the generic name is a link into altDir.
func (p *prog) belongsToUs(facility string) bool {
	t, err := p.readlink(facility)
	return err == nil && t != "" && strings.HasPrefix(t, p.altDir)
}

// makeLinks points the generic name at altDir/title and that at the
// target, replacing what is not already right.
func (p *prog) makeLinks(l linkSet) int {
	sl := p.altDir + "/" + l.title
	switch {
	case p.exists(l.facility) && !p.isLink(l.facility):
		p.errorf("failed to link %s -> %s: %s exists and it is not a symlink\n", l.facility, sl, l.facility)
	case p.keepForeign && p.isLink(l.facility) && !p.belongsToUs(l.facility):
		p.errorf("failed to link %s -> %s: --keep-foreign was set and link %s points outside  %s\n", l.facility, sl, l.facility, p.altDir)
	case p.test:
		p.printf("would link %s -> %s\n", l.facility, sl)
	default:
		if cur, _ := p.readlink(l.facility); cur != sl {
			p.unlink(l.facility)
			if err := p.symlink(sl, l.facility); err != nil {
				p.errorf("failed to link %s -> %s: %s\n", l.facility, sl, strerror(err))
				return 1
			}
		}
	}
	if p.test {
		p.printf("would link %s -> %s\n", sl, l.target)
		return 0
	}
	if cur, _ := p.readlink(sl); cur != l.target {
		if err := p.unlink(sl); err != nil && !os.IsNotExist(err) {
			p.errorf("failed to remove link %s: %s\n", sl, strerror(err))
			return 1
		}
		if err := p.symlink(l.target, sl); err != nil {
			p.errorf("failed to link %s -> %s: %s\n", sl, l.target, strerror(err))
			return 1
		}
	}
	return 0
}

// state is what writeState writes.
func (set *altSet) state() *altstate.State {
	first := set.alts[0]
	st := &altstate.State{Mode: set.mode, Link: first.leader.facility}
	for _, f := range first.followers {
		st.Followers = append(st.Followers, altstate.Follower{Name: f.title, Link: f.facility})
	}
	for _, a := range set.alts {
		sa := altstate.Alternative{Path: a.leader.target, Priority: a.priority}
		if a.family != nil {
			sa.Family = *a.family
		}
		if a.initscript != nil {
			sa.Initscript = *a.initscript
		}
		for _, f := range a.followers {
			sa.Followers = append(sa.Followers, f.target)
		}
		st.Alternatives = append(st.Alternatives, sa)
	}
	return st
}

// format is the state file's text, with what altstate cannot say: a
// family or initscript set to "" on the command line.
func (set *altSet) format() []byte {
	st := set.state()
	text := st.Format()
	if !slices.ContainsFunc(set.alts, func(a alternative) bool {
		return a.family != nil && *a.family == "" || a.initscript != nil && *a.initscript == ""
	}) {
		return text
	}
	lines := strings.SplitAfter(string(text), "\n")
	i := 2 + 2*len(st.Followers) + 1
	for _, a := range set.alts {
		prio := fmt.Sprintf("%d", a.priority)
		if a.family != nil {
			prio = "@" + *a.family + "@" + prio
		}
		if a.initscript != nil {
			prio += " " + *a.initscript
		}
		lines[i+1] = prio + "\n"
		i += 2 + len(a.followers)
	}
	return []byte(strings.Join(lines, ""))
}

// writeState writes the state file through NAME.new and, in auto mode
// or when forced, points the links at the current alternative.
func (p *prog) writeState(set *altSet, forceLinks bool) int {
	title := set.alts[0].leader.title
	tmp := p.stateDir + "/" + title + ".new"
	final := p.stateDir + "/" + title
	text := set.format()
	if p.test {
		p.out.Write(text)
	} else {
		f, err := p.create(tmp)
		if err != nil {
			if os.IsExist(err) {
				p.errorf("%s already exists\n", tmp)
			} else {
				p.errorf("failed to create %s: %s\n", tmp, strerror(err))
			}
			return 1
		}
		f.Write(text)
		f.Close()
		if err := p.rename(tmp, final); err != nil {
			p.errorf("failed to replace %s with %s: %s\n", final, tmp, strerror(err))
			p.unlink(tmp)
			return 1
		}
	}
	if set.mode == altstate.Auto {
		set.current = set.best
	}
	alt := set.alts[max(set.current, 0)]
	rc := 0
	if forceLinks || set.mode == altstate.Auto {
		rc |= p.makeLinks(alt.leader)
		for _, f := range alt.followers {
			if f.target != "" {
				rc |= p.makeLinks(f)
			} else {
				rc |= p.removeLinks(f)
			}
		}
	}
	// alternatives.c now runs systemctl or chkconfig for initscripts;
	// the double does not (see the package documentation).
	return rc
}

// addFollowerTo adds l to the template unless it has a follower with
// the same generic name.
func addFollowerTo(template []linkSet, l linkSet) []linkSet {
	if slices.ContainsFunc(template, func(t linkSet) bool { return t.facility == l.facility }) {
		return template
	}
	return append(template, l)
}

// matchFollowers gives every alternative the template's followers,
// sorted by generic name, keeping each one's paths by follower name.
func (p *prog) matchFollowers(set *altSet, template []linkSet) int {
	slices.SortStableFunc(template, func(a, b linkSet) int { return strings.Compare(a.facility, b.facility) })
	for k := range set.alts {
		alt := &set.alts[k]
		links := make([]linkSet, len(template))
		for j, t := range template {
			i := slices.IndexFunc(alt.followers, func(f linkSet) bool { return f.title == t.title })
			if i < 0 {
				links[j] = linkSet{title: t.title, facility: t.facility}
				continue
			}
			if alt.followers[i].facility != t.facility {
				p.errorf("link %s incorrect for follower %s (%s %s)\n", alt.followers[i].facility, alt.followers[i].title, t.facility, t.title)
				return 2
			}
			links[j] = alt.followers[i]
		}
		alt.followers = links
	}
	return 0
}

func (set *altSet) find(target string) int {
	return slices.IndexFunc(set.alts, func(a alternative) bool { return a.leader.target == target })
}

// removeUnusedFollowers drops from the template, and removes the links
// of, the followers no alternative gives a path.
func (p *prog) removeUnusedFollowers(set *altSet, template []linkSet) []linkSet {
	if len(set.alts) == 0 {
		return template
	}
	for i := 0; i < len(template); i++ {
		used := slices.ContainsFunc(set.alts, func(a alternative) bool {
			return slices.ContainsFunc(a.followers, func(f linkSet) bool { return f.title == template[i].title && f.target != "" })
		})
		if used {
			continue
		}
		p.removeLinks(template[i])
		last := len(template) - 1
		if i != last {
			template[i] = template[last]
			i--
		}
		template = template[:last]
	}
	return template
}

// loadAlternative loads the group and finds target in it, as
// --add-follower and --remove-follower do: k < 0 when either fails.
func (p *prog) loadAlternative(title, target string) (*altSet, int) {
	set := p.load(title)
	if set == nil {
		return nil, -1
	}
	k := set.find(target)
	if k < 0 {
		p.errorf("%s has not been configured as an alternative for %s\n", target, title)
	}
	return set, k
}

func (p *prog) removeFollower(title, target, followerTitle string) int {
	set, k := p.loadAlternative(title, target)
	if k < 0 {
		return 2
	}
	for i := range set.alts[k].followers {
		if set.alts[k].followers[i].title != followerTitle {
			continue
		}
		set.alts[k].followers[i].target = ""
		template := p.removeUnusedFollowers(set, slices.Clone(set.alts[k].followers))
		p.matchFollowers(set, template)
		return p.save(set, true)
	}
	p.errorf("%s has not been configured as an follower alternative for %s (%s)\n", followerTitle, title, target)
	return 2
}

func (p *prog) addFollower(title, target string, l linkSet) int {
	set, k := p.loadAlternative(title, target)
	if k < 0 {
		return 2
	}
	template := addFollowerTo(slices.Clone(set.alts[k].followers), l)
	p.matchFollowers(set, template) // alternatives.c ignores its result here
	for i := range set.alts[k].followers {
		if set.alts[k].followers[i].title == l.title {
			set.alts[k].followers[i].target = l.target
			break
		}
	}
	return p.save(set, true)
}

func (p *prog) addService(newAlt alternative) int {
	set, rc := p.readConfig(newAlt.leader.title)
	if rc != 0 && rc != 3 && rc != 2 {
		return 2
	}
	forceLinks := false
	if len(set.alts) > 0 {
		if newAlt.leader.facility != set.alts[0].leader.facility {
			p.errorf("the primary link for %s must be %s\n", set.alts[0].leader.title, set.alts[0].leader.facility)
			return 2
		}
		template := slices.Clone(set.alts[0].followers)
		for _, f := range newAlt.followers {
			template = addFollowerTo(template, f)
		}
		if k := set.find(newAlt.leader.target); k >= 0 {
			// The best is not looked at again, even if the priority changed.
			set.alts[k] = newAlt
			forceLinks = true
			template = p.removeUnusedFollowers(set, template)
		} else {
			set.alts = append(set.alts, newAlt)
			if set.alts[set.best].priority < newAlt.priority {
				set.best = len(set.alts) - 1
			}
		}
		if p.matchFollowers(set, template) != 0 {
			return 2
		}
	} else {
		set.alts = append(set.alts, newAlt)
	}
	return p.save(set, forceLinks)
}

func (p *prog) displayService(title string) int {
	set := p.load(title)
	if set == nil {
		return 2
	}
	p.printf("%s - status is %s.\n", title, set.mode)
	p.printf(" link currently points to %s\n", set.currentLink)
	for _, a := range set.alts {
		p.printf("%s - ", a.leader.target)
		if a.family != nil {
			p.printf("family %s ", *a.family)
		}
		p.printf("priority %d\n", a.priority)
		for _, f := range a.followers {
			p.printf(" follower %s: %s\n", f.title, cstring(f.target))
		}
	}
	p.printf("Current `best' version is %s.\n", set.alts[set.best].leader.target)
	return 0
}

// cstring is how printf's %s shows a string that may be NULL.
func cstring(s string) string {
	if s == "" {
		return "(null)"
	}
	return s
}

func (p *prog) autoService(title string) int {
	set := p.load(title)
	if set == nil {
		return 2
	}
	set.current = set.best
	set.mode = altstate.Auto
	return p.save(set, false)
}

func (p *prog) configService(title string) int {
	set := p.load(title)
	if set == nil {
		return 2
	}
	for {
		p.printf("\n")
		if len(set.alts) == 1 {
			p.printf("There is %d program that provides '%s'.\n", len(set.alts), set.alts[0].leader.title)
		} else {
			p.printf("There are %d programs which provide '%s'.\n", len(set.alts), set.alts[0].leader.title)
		}
		p.printf("\n")
		p.printf("  Selection    Command\n")
		p.printf("-----------------------------------------------\n")
		for i, a := range set.alts {
			shown := a.leader.target
			if a.family != nil {
				shown = fmt.Sprintf("%s (%s)", *a.family, a.leader.target)
			}
			best, cur := ' ', ' '
			if i == set.best {
				best = '*'
			}
			if i == set.current {
				cur = '+'
			}
			p.printf("%c%c %-4d        %s\n", best, cur, i+1, shown)
		}
		p.printf("\n")
		p.printf("Enter to keep the current selection[+], or type selection number: ")
		choice, ok := p.fgets(199)
		if !ok {
			p.errorf("\nerror reading choice\n")
			return 2
		}
		n, tail, read := altstate.Strtol(choice)
		if !read {
			tail = choice // strtol leaves end at the start
		}
		if read && strings.HasPrefix(tail, "\n") {
			set.current = int(n) - 1
		}
		if strings.HasPrefix(tail, "\n") && set.current >= 0 && set.current < len(set.alts) {
			break
		}
	}
	set.mode = altstate.Manual
	return p.save(set, true)
}

// fgets reads a line of at most n bytes, newline included, as fgets
// does; ok false at the end of the input with nothing read.
func (p *prog) fgets(n int) (string, bool) {
	if p.in == nil {
		return "", false
	}
	var b strings.Builder
	for b.Len() < n {
		c, err := p.in.ReadByte()
		if err != nil {
			break
		}
		b.WriteByte(c)
		if c == '\n' {
			break
		}
	}
	return b.String(), b.Len() > 0
}

func (p *prog) setService(title, target string) int {
	set, rc := p.readConfig(title)
	if rc != 0 {
		if rc == 3 {
			p.errorf("cannot access %s/%s: No such file or directory\n", p.stateDir, title)
		}
		return 2
	}
	found := set.find(target)
	if found < 0 {
		for i, a := range set.alts {
			if a.family != nil && *a.family == target && (found < 0 || a.priority > set.alts[found].priority) {
				found = i
			}
		}
	}
	if found < 0 {
		p.errorf("%s has not been configured as an alternative for %s\n", target, title)
		return 2
	}
	set.current = found
	set.mode = altstate.Manual
	return p.save(set, true)
}

// streq is alternatives.c's streq: two NULLs are equal.
func streq(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// altBetter says newA beats old, preferring the family.
func altBetter(newA, old alternative, family *string) bool {
	if family == nil || streq(old.family, family) == streq(newA.family, family) {
		return newA.priority > old.priority
	}
	return streq(newA.family, family)
}

func (p *prog) removeService(title, target string) int {
	set := p.load(title)
	if set == nil {
		return 2
	}
	i := set.find(target)
	if i < 0 {
		p.errorf("%s has not been configured as an alternative for %s\n", target, title)
		return 2
	}
	if len(set.alts) == 1 {
		rc := p.removeLinks(set.alts[0].leader)
		for _, f := range set.alts[0].followers {
			rc |= p.removeLinks(f)
		}
		file := p.stateDir + "/" + title
		if p.test {
			p.printf("(would remove %s\n", file)
		} else if err := p.unlink(file); err != nil {
			p.errorf("failed to remove %s: %s\n", file, strerror(err))
			rc |= 1
		}
		if rc != 0 {
			return 2
		}
		return 0
	}
	var family *string
	if set.current != -1 {
		family = set.alts[set.current].family
	}
	if set.current == i {
		set.current = -1
	}
	last := len(set.alts) - 1
	set.alts[i] = set.alts[last]
	if set.current == last {
		set.current = i
	}
	set.alts = set.alts[:last]
	set.best = 0
	for k := range set.alts {
		if altBetter(set.alts[k], set.alts[set.best], family) {
			set.best = k
		}
	}
	forceLinks := false
	if set.current == -1 {
		if family == nil || !streq(family, set.alts[set.best].family) {
			set.mode = altstate.Auto
		} else {
			forceLinks = true
		}
		set.current = set.best
	}
	return p.save(set, forceLinks)
}

func (p *prog) removeAll(title string) int {
	set := p.load(title)
	if set == nil {
		return 2
	}
	sum := 0
	for _, a := range set.alts {
		sum += p.removeService(title, a.leader.target)
	}
	if sum > 1 {
		return 2
	}
	return 0
}

func (p *prog) listServices() int {
	entries, err := p.readDir(p.stateDir)
	if err != nil {
		return 2
	}
	width := 0
	for _, e := range entries {
		width = max(width, len(e.Name()))
	}
	for _, e := range entries {
		set, rc := p.readConfig(e.Name())
		if rc != 0 {
			return 2
		}
		mode := "auto  "
		if set.mode == altstate.Manual {
			mode = "manual"
		}
		p.printf("%-*s\t%s\t%s\n", width, e.Name(), mode, set.currentLink)
	}
	return 0
}
