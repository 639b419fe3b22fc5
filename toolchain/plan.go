package toolchain

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// UpdateAlternatives is the alternatives tool the scriptlets call and
// depend on: the path Fedora, EL8+, openSUSE and Debian's rpm all accept
// and that rpmlint's AlternativesCheck looks for.
const UpdateAlternatives = "/usr/sbin/update-alternatives"

// Plan is everything derived from the configuration for one toolchain:
// what the spec generator writes, the native builder builds and the
// verifier expects.
type Plan struct {
	Config    *Config
	Toolchain *Toolchain
	Version   Version
	// Text is how the plan's texts write the values that depend on the
	// version; every string field below is derived from it.
	Text VersionText
	// Name is the source and main package name: go-toolchain-1.26.
	Name string
	// RPMVersion and Release are the RPM Version and Release (without dist).
	RPMVersion string
	Release    int
	Epoch      *int
	// GOROOT is the installed toolchain root.
	GOROOT string
	// Packages are the main package first, then the subpackages in rule
	// order.
	Packages []*Package
	// Alternative is the alternatives registration of the main package.
	Alternative Alternative
	// Links are real symlinks the main package ships (versioned commands).
	Links []Link
	// Ghosts are %ghost entries of the main package.
	Ghosts []Ghost
	// SharedDirs are the directories every package of the toolchain owns
	// (layout.root and GOROOT): whichever package is erased last removes
	// them, so erasing the main package before its subpackages leaves no
	// empty toolchain directory behind.
	SharedDirs []string
	// Arches are the RPM arches with a source, sorted.
	Arches []string
}

// VersionText is how a plan writes the values that depend on its
// toolchain's version. A listed toolchain's plan writes the values
// themselves; the plan the macros file is rendered from
// (Config.SymbolicPlan) writes references to the macros that compute
// them, so the spec and the macros file come from one derivation.
type VersionText struct {
	// Version is the Go version, layout.dir's {version}: 1.26.8, 1.27rc1.
	Version string
	// Series is layout.dir's {series}: 1.26.
	Series string
	// Priority is the alternatives priority: 12608.
	Priority string
	// Dir is layout.dir with {version} and {series} replaced: go1.26.8.
	Dir string
	// GOROOT is the toolchain root, layout.root/Dir.
	GOROOT string
}

// Package is one binary package of a plan.
type Package struct {
	// Suffix is "" for the main package, else the subpackage name.
	Suffix string
	// Name is the full package name.
	Name        string
	Summary     string
	Description string
	Noarch      bool
	// Match are the patterns of the split rule ("" for main: the rest).
	Match []string
	// Requires, Provides, Conflicts, Obsoletes are the declared
	// dependencies, in spec order.
	Requires, Provides, Conflicts, Obsoletes []Dep
}

// Dep is a declared dependency. A Self dependency is on this plan's own
// [epoch:]version-release, whose release carries the build's dist tag: the
// spec writes it with macros, the native builder resolves it.
type Dep struct {
	Name    string
	Op      string // "", "<", "<=", "=", ">=", ">"
	Version string
	Self    bool
}

// ParseDep parses "NAME [OP VERSION]" as written in gotc.yaml.
func ParseDep(s string) (Dep, error) {
	m := depRE.FindStringSubmatch(s)
	if m == nil {
		return Dep{}, fmt.Errorf("%q is not a dependency (want NAME or NAME OP VERSION with OP one of < <= = >= >)", s)
	}
	return Dep{Name: m[1], Op: m[2], Version: m[3]}, nil
}

// parseDeps parses validated dependencies, replacing {version} and
// {series} ("golang(API) = {series}").
func (p *Plan) parseDeps(list []string) []Dep {
	out := make([]Dep, 0, len(list))
	for _, s := range list {
		if d, err := ParseDep(p.expand(s)); err == nil { // validated
			out = append(out, d)
		}
	}
	return out
}

// Alternative is one update-alternatives registration.
type Alternative struct {
	Name      string
	Link      string
	Path      string
	Priority  int
	Followers []AltLink
}

// AltLink is one --slave of an alternative.
type AltLink struct {
	Name, Link, Path string
}

// Link is a real symlink shipped by the main package.
type Link struct {
	Path, Target string
}

// Ghost is a %ghost entry: a symlink when LinkTo is set, else an empty
// regular file.
type Ghost struct {
	Path   string
	LinkTo string
}

// Plans returns the plan of every toolchain, in configuration order.
func (c *Config) Plans() []*Plan {
	plans := make([]*Plan, len(c.Toolchains))
	for i := range c.Toolchains {
		plans[i] = c.plan(&c.Toolchains[i])
	}
	return plans
}

// PlanFor returns the plan of the toolchain with the given version or
// series ("1.26.8" or "1.26").
func (c *Config) PlanFor(version string) (*Plan, error) {
	for _, p := range c.Plans() {
		if p.Version.String() == version || p.Version.Series() == version {
			return p, nil
		}
	}
	return nil, fmt.Errorf("no toolchain %q in %s", version, c.file)
}

// GenericPlan returns the plan of a toolchain of the given version that
// the configuration does not list, with every per-toolchain setting at
// its default (release 1, the derived priority, no sources, no extra
// dependencies): what a hand-written spec using the macros file gets.
func (c *Config) GenericPlan(version string) (*Plan, error) {
	v, err := ParseVersion(version)
	if err != nil {
		return nil, err
	}
	return c.plan(&Toolchain{Version: v.String(), Release: 1, Priority: v.Priority()}), nil
}

// SymbolicPlan returns the plan GenericPlan gives, with its
// version-dependent texts written as text says (macro references, for
// the macros file) instead of derived from a version. Its Version and
// Alternative.Priority are zero and its RPMVersion empty: only its
// texts mean anything.
func (c *Config) SymbolicPlan(text VersionText) *Plan {
	return c.derive(&Toolchain{Release: 1}, Version{}, text)
}

// ToolchainDir is layout.dir for a toolchain: {version} and {series}
// replaced by the given texts.
func (c *Config) ToolchainDir(version, series string) string {
	return strings.NewReplacer("{version}", version, "{series}", series).Replace(c.Layout.Dir)
}

func (c *Config) plan(t *Toolchain) *Plan {
	v, _ := ParseVersion(t.Version) // validated
	dir := c.ToolchainDir(v.String(), v.Series())
	return c.derive(t, v, VersionText{
		Version:  v.String(),
		Series:   v.Series(),
		Priority: strconv.Itoa(t.Priority),
		Dir:      dir,
		GOROOT:   path.Join(c.Layout.Root, dir),
	})
}

// derive computes the plan of toolchain t, whose version is v and
// whose version-dependent texts are text.
func (c *Config) derive(t *Toolchain, v Version, text VersionText) *Plan {
	p := &Plan{
		Config:    c,
		Toolchain: t,
		Version:   v,
		Text:      text,
		Name:      NamePrefix + text.Series,
		Release:   t.Release,
		Epoch:     t.Epoch,
		GOROOT:    text.GOROOT,
	}
	if v != (Version{}) {
		p.RPMVersion = v.RPMVersion()
	}
	p.SharedDirs = []string{c.Layout.Root, p.GOROOT}
	for arch := range t.Sources {
		p.Arches = append(p.Arches, arch)
	}
	sort.Strings(p.Arches)

	main := &Package{
		Name:        p.Name,
		Summary:     firstNonEmpty(t.Summary, "Go "+text.Version+" toolchain"),
		Description: Wrap("The Go "+text.Version+" toolchain (go command, compiler, linker and tools), installed side by side with other Go series under "+p.GOROOT+" and selectable with update-alternatives.", 79),
	}
	main.Requires = append(append(main.Requires, p.parseDeps(c.Requires)...), p.parseDeps(t.Requires)...)
	main.Provides = append(p.parseDeps(c.Provides), p.parseDeps(t.Provides)...)
	main.Conflicts = append(p.parseDeps(c.Conflicts), p.parseDeps(t.Conflicts)...)
	main.Obsoletes = append(p.parseDeps(c.Obsoletes), p.parseDeps(t.Obsoletes)...)
	p.Packages = append(p.Packages, main)
	for _, sp := range c.Subpackages {
		p.Packages = append(p.Packages, &Package{
			Suffix:      sp.Name,
			Name:        p.Name + "-" + sp.Name,
			Summary:     p.expand(sp.Summary),
			Description: Wrap(p.expand(sp.Description), 79),
			Noarch:      *sp.Noarch,
			Match:       sp.Match,
			Requires:    []Dep{{Name: p.Name, Op: "=", Self: true}},
		})
	}

	// The main package requires every subpackage that holds a file a
	// working toolchain needs (the go command compiles std from
	// GOROOT/src), whatever the split rules call it.
	required := map[string]bool{}
	for _, critical := range criticalPaths {
		if pkg, _, excluded := p.Classify(critical, false); !excluded && pkg != main && !required[pkg.Name] {
			required[pkg.Name] = true
			main.Requires = append([]Dep{{Name: pkg.Name, Op: "=", Self: true}}, main.Requires...)
		}
	}

	a := c.Alternatives
	p.Alternative = Alternative{Name: a.Name, Link: a.Link, Path: p.resolve(a.Target), Priority: t.Priority}
	for _, f := range a.Followers {
		p.Alternative.Followers = append(p.Alternative.Followers, AltLink{Name: f.Name, Link: f.Link, Path: p.resolve(f.Target)})
	}
	p.Ghosts = append(p.Ghosts, Ghost{Path: "/etc/alternatives/" + a.Name}, Ghost{Path: a.Link, LinkTo: "/etc/alternatives/" + a.Name})
	for _, f := range a.Followers {
		p.Ghosts = append(p.Ghosts, Ghost{Path: "/etc/alternatives/" + f.Name}, Ghost{Path: f.Link, LinkTo: "/etc/alternatives/" + f.Name})
	}
	sort.Slice(p.Ghosts, func(i, j int) bool { return p.Ghosts[i].Path < p.Ghosts[j].Path })
	if *c.Layout.VersionedCommands {
		// Each command under its series (go1.27) and its full version
		// (go1.27.3, the name the go command looks for in PATH when
		// GOTOOLCHAIN=path switches toolchains). The link targets are
		// relative, computed from layout.root and the directory name (not
		// GOROOT, which the macros file writes as one macro).
		tree := path.Join(c.Layout.Root, text.Dir)
		for _, cmd := range []string{"go", "gofmt"} {
			for _, suffix := range []string{text.Series, text.Version} {
				link := c.Layout.BinDir + "/" + cmd + suffix
				p.Links = append(p.Links, Link{Path: link, Target: relativeTo(path.Dir(link), tree+"/bin/"+cmd)})
			}
		}
	}
	return p
}

// resolve turns a toolchain-relative target into an absolute path.
func (p *Plan) resolve(rel string) string {
	if rel == "." || rel == "" {
		return p.GOROOT
	}
	return p.GOROOT + "/" + rel
}

// expand replaces {version} and {series} in s.
func (p *Plan) expand(s string) string {
	return strings.NewReplacer("{version}", p.Text.Version, "{series}", p.Text.Series).Replace(s)
}

// EVR is [epoch:]version-release without the dist tag.
func (p *Plan) EVR() string { return p.EVRWithDist("") }

// EVRWithDist is [epoch:]version-release with dist appended to the
// release, as %{?dist} is: the EVR of the packages built with dist.
func (p *Plan) EVRWithDist(dist string) string {
	s := p.RPMVersion + "-" + p.ReleaseWithDist(dist)
	if p.Epoch != nil {
		s = fmt.Sprintf("%d:%s", *p.Epoch, s)
	}
	return s
}

// ReleaseWithDist is the Release tag of the packages built with dist
// (".fc41", or none): "1.fc41".
func (p *Plan) ReleaseWithDist(dist string) string {
	return fmt.Sprintf("%d%s", p.Release, dist)
}

// Main returns the main package.
func (p *Plan) Main() *Package { return p.Packages[0] }

// FileFlag marks a file %doc or %license.
type FileFlag int

// File marks.
const (
	FlagNone FileFlag = iota
	FlagDoc
	FlagLicense
)

// Classify says where the toolchain-relative path rel goes: the package
// that owns it, its %doc/%license mark, or excluded when it is left out.
// rel is "" for the toolchain root. A directory is never marked.
func (p *Plan) Classify(rel string, isDir bool) (pkg *Package, flag FileFlag, excluded bool) {
	if rel == "" {
		return p.Main(), FlagNone, false
	}
	if matchAny(p.Config.Exclude, rel) {
		return nil, FlagNone, true
	}
	if !isDir {
		switch {
		case matchAny(p.Config.LicenseFiles, rel):
			flag = FlagLicense
		case matchAny(p.Config.DocFiles, rel):
			flag = FlagDoc
		}
	}
	for _, sp := range p.Packages[1:] {
		if matchAny(sp.Match, rel) {
			return sp, flag, false
		}
	}
	return p.Main(), flag, false
}

// DependencyExcludeRegexp is the regular expression of installed paths
// that dependency generators must not scan; the spec sets it as
// __requires_exclude_from and __provides_exclude_from, the native builder
// compiles it. It uses only syntax POSIX ERE and Go's regexp agree on.
func (p *Plan) DependencyExcludeRegexp() string {
	if len(p.Config.DependencyExclude) == 0 {
		return ""
	}
	dirs := make([]string, len(p.Config.DependencyExclude))
	for i, d := range p.Config.DependencyExclude {
		dirs[i] = regexp.QuoteMeta(d)
	}
	return "^" + regexp.QuoteMeta(p.GOROOT) + "/(" + strings.Join(dirs, "|") + ")/"
}

// GoEnv returns the go.env settings the package writes, sorted by key,
// GOTOOLCHAIN always included.
func (p *Plan) GoEnv() [][2]string { return p.Config.GoEnvSettings() }

// GoToolchain is the GOTOOLCHAIN value the packaged go.env says.
func (p *Plan) GoToolchain() string { return p.Config.GoToolchain() }

// GoToolchain is the GOTOOLCHAIN value every packaged go.env says:
// go_env's, one of NoDownloadGoToolchains (validated), or
// DefaultGoToolchain.
func (c *Config) GoToolchain() string {
	if v, ok := c.GoEnv["GOTOOLCHAIN"]; ok {
		return v
	}
	return DefaultGoToolchain
}

// GoEnvSettings returns the go.env settings every packaged toolchain
// has, sorted by key, GOTOOLCHAIN always included.
func (c *Config) GoEnvSettings() [][2]string {
	m := map[string]string{"GOTOOLCHAIN": DefaultGoToolchain}
	for k, v := range c.GoEnv {
		m[k] = v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k, m[k]}
	}
	return out
}

// Changelog is one resolved changelog entry.
type Changelog struct {
	Time    time.Time
	Author  string
	Version string
	Changes []string
}

// defaultChangelogTime dates the generated entry of a toolchain without a
// changelog when SOURCE_DATE_EPOCH is unset: Go's public announcement,
// a fixed date so generated specs stay byte-for-byte reproducible.
var defaultChangelogTime = time.Date(2009, 11, 10, 12, 0, 0, 0, time.UTC)

// BuildTime is the build time of p's packages: SOURCE_DATE_EPOCH when
// set, else the newest changelog entry's time, as rpmbuild does with the
// spec's source_date_epoch_from_changelog. File mtimes are clamped to it.
func (p *Plan) BuildTime(sourceDateEpoch *time.Time) time.Time {
	if sourceDateEpoch != nil {
		return *sourceDateEpoch
	}
	return p.ChangelogEntries(nil)[0].Time
}

// ChangelogEntries returns the toolchain's changelog, newest first. A
// toolchain without one gets a single entry for this version dated
// sourceDateEpoch (or Go's announcement date when that is nil).
func (p *Plan) ChangelogEntries(sourceDateEpoch *time.Time) []Changelog {
	author := firstNonEmpty(p.Config.Packager, DefaultPackager)
	if len(p.Toolchain.Changelog) == 0 {
		when := defaultChangelogTime
		if sourceDateEpoch != nil {
			when = sourceDateEpoch.UTC()
		}
		return []Changelog{{
			Time:    time.Date(when.Year(), when.Month(), when.Day(), 12, 0, 0, 0, time.UTC),
			Author:  author,
			Version: p.EVR(),
			Changes: []string{"Package Go " + p.Version.String() + " from the upstream release"},
		}}
	}
	var out []Changelog
	for _, e := range p.Toolchain.Changelog {
		d, _ := time.Parse(time.DateOnly, e.Date) // validated
		out = append(out, Changelog{
			Time:    d.Add(12 * time.Hour),
			Author:  firstNonEmpty(e.Author, author),
			Version: firstNonEmpty(e.Version, p.EVR()),
			Changes: e.Changes,
		})
	}
	return out
}

// Source returns the tarball of arch and the URL the spec names.
func (p *Plan) Source(arch string) (Source, string) {
	s := p.Toolchain.Sources[arch]
	url := s.URL
	if url == "" {
		url = strings.TrimSuffix(p.Config.SourceURL, "/") + "/" + s.File
	}
	return s, url
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// relativeTo returns target as a path relative to dir (both absolute and
// clean), so links keep working inside an install root.
func relativeTo(dir, target string) string {
	d := strings.Split(strings.TrimPrefix(dir, "/"), "/")
	t := strings.Split(strings.TrimPrefix(target, "/"), "/")
	i := 0
	for i < len(d) && i < len(t) && d[i] == t[i] {
		i++
	}
	up := strings.Repeat("../", len(d)-i)
	return up + strings.Join(t[i:], "/")
}

// Wrap breaks text into lines of at most width columns at spaces (rpmlint
// warns about description lines over 79). Existing newlines are kept.
func Wrap(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case len(line)+1+len(w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// UnsafeNameChars is a grep bracket expression (C locale) of the bytes a
// packaged file name must not contain: rpm would glob-expand or
// macro-expand them in %files lists, or the shell would split on them.
const UnsafeNameChars = "[][*?%\"\\$`[:space:][:cntrl:]]"

// CheckFileName reports a toolchain-relative name that cannot be listed
// in a spec's %files, the same names the spec's %install refuses.
func CheckFileName(rel string) error {
	for i := 0; i < len(rel); i++ {
		b := rel[i]
		if b < 0x20 || b == 0x7f || b == ' ' || strings.IndexByte("][*?%\"\\$`", b) >= 0 {
			return fmt.Errorf("file name %q contains %q, which rpm file lists cannot represent", rel, b)
		}
	}
	return nil
}
