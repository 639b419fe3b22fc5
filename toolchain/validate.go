package toolchain

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

var (
	hexSHA256RE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	nameRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9_.+-]*$`)
	altNameRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*$`)
	fileNameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*\.tar\.gz$`)
	envKeyRE     = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	envValueRE   = regexp.MustCompile(`^[A-Za-z0-9_.,:/@+=~-]*$`)
	depRE        = regexp.MustCompile(`^([^\s<>=%]+)(?:\s+(<|<=|=|>=|>)\s+([^\s<>=%]+))?$`)
	dirPatternRE = regexp.MustCompile(`^[A-Za-z0-9{}_.+-]+$`)
	authorRE     = regexp.MustCompile(`^[^<>\n%]+ <[^<>\s%]+@[^<>\s%]+>$`)
	installRE    = regexp.MustCompile(`^[A-Za-z0-9/_.+-]+$`)
	evrRE        = regexp.MustCompile(`^([0-9]+:)?[A-Za-z0-9._+~^]+-[A-Za-z0-9._+~^]+$`)
)

// criticalPaths are toolchain-relative paths a working toolchain needs;
// an exclusion that matches one would ship a broken Go. src/vendor and
// src/cmd/vendor hold the vendored golang.org/x packages net/http and the
// go command import.
var criticalPaths = []string{
	"bin/go",
	"bin/gofmt",
	"go.env",
	"VERSION",
	"pkg/tool/linux_amd64/compile",
	"pkg/tool/linux_amd64/link",
	"pkg/tool/linux_amd64/asm",
	"pkg/tool/linux_amd64/cgo",
	"pkg/include/textflag.h",
	"src/runtime/runtime.go",
	"src/net/http/server.go",
	"src/vendor",
	"src/vendor/golang.org/x/net/http/httpguts/guts.go",
	"src/cmd/vendor",
	"src/cmd/vendor/golang.org/x/mod/module/module.go",
}

// validate returns every problem in a defaulted configuration.
func (c *Config) validate() Problems {
	v := &validator{c: c}
	v.layout()
	v.alternatives()
	v.patterns()
	v.dependencies("", c.Requires, c.Provides, c.Conflicts, c.Obsoletes)
	v.goEnv()
	v.targets()
	v.toolchains()
	if c.Packager != "" && !authorRE.MatchString(c.Packager) {
		v.errorf("packager", "%q must look like \"Name <email>\"", c.Packager)
	}
	v.text("vendor", c.Vendor)
	v.text("license", c.License)
	v.url("url", c.URL)
	v.url("source_url", c.SourceURL)
	sort.SliceStable(v.problems, func(i, j int) bool {
		a, b := v.problems[i].Pos, v.problems[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return v.problems
}

type validator struct {
	c        *Config
	problems Problems
}

func (v *validator) errorf(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.c.file, Pos: v.c.position(field), Message: strings.TrimSuffix(field, "#key") + ": " + fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.c.file, Pos: v.c.position(field), Message: "warning: " + field + ": " + fmt.Sprintf(format, args...), Warning: true})
}

// absPath checks an absolute install path: clean, under "/", not "/".
func (v *validator) absPath(field, p string) {
	switch {
	case !strings.HasPrefix(p, "/"):
		v.errorf(field, "%q must be an absolute path", p)
	case strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") || path.Clean(p) != p:
		v.errorf(field, "%q must be a clean path inside / (no \"..\", \"//\" or trailing \"/\")", p)
	case p == "/":
		v.errorf(field, "%q must not be the root directory", p)
	case !installRE.MatchString(p):
		v.errorf(field, "%q: only letters, digits and /_.+- are allowed in install paths", p)
	}
}

// relPath checks a toolchain-relative target.
func (v *validator) relPath(field, p string) {
	if p == "." {
		return
	}
	switch {
	case p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../"):
		v.errorf(field, "%q must be a clean path relative to the toolchain root that stays inside it", p)
	case !installRE.MatchString(p):
		// The scriptlets name the target unquoted.
		v.errorf(field, "%q: only letters, digits and /_.+- are allowed in install paths", p)
	}
}

func (v *validator) text(field, s string) {
	if strings.ContainsAny(s, "\n\r") {
		v.errorf(field, "must be a single line")
	}
}

func (v *validator) url(field, s string) {
	v.text(field, s)
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		v.errorf(field, "%q is not an http(s) URL", s)
	}
	if strings.ContainsAny(s, " \t%") {
		v.errorf(field, "%q must not contain spaces or %%", s)
	}
}

func (v *validator) layout() {
	l := v.c.Layout
	v.absPath("layout.root", l.Root)
	v.absPath("layout.bin_dir", l.BinDir)
	if !dirPatternRE.MatchString(l.Dir) || strings.Contains(l.Dir, "..") {
		v.errorf("layout.dir", "%q must be a single directory name (letters, digits, _.+- and {version} or {series})", l.Dir)
	} else if !strings.Contains(l.Dir, "{version}") && !strings.Contains(l.Dir, "{series}") {
		v.errorf("layout.dir", "%q must contain {version} or {series}, or every toolchain would install into the same directory", l.Dir)
	} else if rest := strings.NewReplacer("{version}", "", "{series}", "").Replace(l.Dir); strings.ContainsAny(rest, "{}") {
		v.errorf("layout.dir", "%q: only {version} and {series} can be substituted", l.Dir)
	}
}

func (v *validator) alternatives() {
	a := v.c.Alternatives
	if !altNameRE.MatchString(a.Name) {
		v.errorf("alternatives.name", "%q is not a valid alternatives name", a.Name)
	}
	// Links gotc derived from layout paths are checked there.
	_, linkWritten := v.c.pos["alternatives.link"]
	_, followersWritten := v.c.pos["alternatives.followers"]
	if linkWritten {
		v.absPath("alternatives.link", a.Link)
	}
	v.relPath("alternatives.target", a.Target)
	names := map[string]bool{a.Name: true}
	links := map[string]bool{a.Link: true}
	for i, f := range a.Followers {
		field := fmt.Sprintf("alternatives.followers[%d]", i)
		if !altNameRE.MatchString(f.Name) {
			v.errorf(field+".name", "%q is not a valid alternatives name", f.Name)
		}
		if names[f.Name] {
			v.errorf(field+".name", "%q is used twice in the alternatives group", f.Name)
		}
		names[f.Name] = true
		if followersWritten {
			v.absPath(field+".link", f.Link)
		}
		if links[f.Link] {
			v.errorf(field+".link", "%q is used twice in the alternatives group", f.Link)
		}
		links[f.Link] = true
		v.relPath(field+".target", f.Target)
		if strings.HasPrefix(f.Link, v.c.Layout.Root+"/") && f.Link != v.c.Layout.Root+"/current" {
			// A link inside the root could collide with a toolchain directory.
			if matched, _ := path.Match(strings.NewReplacer("{version}", "*", "{series}", "*").Replace(v.c.Layout.Dir), path.Base(f.Link)); matched {
				v.errorf(field+".link", "%q collides with the toolchain directory pattern %q", f.Link, v.c.Layout.Dir)
			}
		}
	}
}

func (v *validator) patterns() {
	check := func(field string, list []string) {
		for i, p := range list {
			if err := checkPattern(p); err != nil {
				v.errorf(fmt.Sprintf("%s[%d]", field, i), "%v", err)
			}
		}
	}
	seen := map[string]bool{}
	for i, sp := range v.c.Subpackages {
		field := fmt.Sprintf("subpackages[%d]", i)
		switch {
		case !nameRE.MatchString(sp.Name):
			v.errorf(field+".name", "%q is not a valid subpackage name (lowercase letters, digits, _.+-)", sp.Name)
		case sp.Name == "main":
			v.errorf(field+".name", "\"main\" is reserved for the main package, which takes every file no rule matches")
		case seen[sp.Name]:
			v.errorf(field+".name", "subpackage %q is defined twice", sp.Name)
		}
		seen[sp.Name] = true
		if len(sp.Match) == 0 {
			v.errorf(field+".match", "a subpackage needs at least one pattern, or rpm would build it empty")
		}
		check(field+".match", sp.Match)
		v.text(field+".summary", sp.Summary)
	}
	check("doc_files", v.c.DocFiles)
	check("license_files", v.c.LicenseFiles)
	check("exclude", v.c.Exclude)
	for i, p := range v.c.Exclude {
		for _, critical := range criticalPaths {
			if Match(p, critical) {
				v.errorf(fmt.Sprintf("exclude[%d]", i), "pattern %q would remove %s, which a working toolchain needs (net/http and the go command import src/vendor and src/cmd/vendor)", p, critical)
				break
			}
		}
	}
	for i, d := range v.c.DependencyExclude {
		if d == "" || strings.HasPrefix(d, "/") || path.Clean(d) != d || strings.HasPrefix(d, "..") || !installRE.MatchString(d) {
			v.errorf(fmt.Sprintf("dependency_exclude[%d]", i), "%q must be a clean toolchain-relative directory", d)
		}
	}
	// The split must keep what the main package needs: a rule that moves
	// bin/go out of it would leave the alternatives link dangling.
	for i, sp := range v.c.Subpackages {
		for j, p := range sp.Match {
			if Match(p, "bin/go") || Match(p, "go.env") {
				v.errorf(fmt.Sprintf("subpackages[%d].match[%d]", i, j), "pattern %q moves bin/go or go.env out of the main package", p)
			}
		}
	}
}

func (v *validator) dependencies(prefix string, lists ...[]string) {
	kinds := []string{"requires", "provides", "conflicts", "obsoletes"}
	for k, list := range lists {
		for i, d := range list {
			field := fmt.Sprintf("%s%s[%d]", prefix, kinds[k], i)
			if _, err := ParseDep(d); err != nil {
				v.errorf(field, "%v", err)
			}
		}
	}
}

func (v *validator) goEnv() {
	keys := make([]string, 0, len(v.c.GoEnv))
	for k := range v.c.GoEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := "go_env." + k
		val := v.c.GoEnv[k]
		switch {
		case !envKeyRE.MatchString(k):
			v.errorf(field+"#key", "%q is not a go env variable name", k)
		case k == "GOTOOLCHAIN":
			if msg := checkGoToolchain(val); msg != "" {
				v.errorf(field, "%s", msg)
			}
		case k == "GOROOT":
			v.errorf(field+"#key", "GOROOT cannot be set in go.env; the go command derives it from its own location")
		case notFromGoEnv[k] != "":
			v.errorf(field+"#key", "%s is not read from go.env: %s", k, notFromGoEnv[k])
		case !envValueRE.MatchString(val):
			v.errorf(field, "%q: only letters, digits and _.,:/@+=~- are allowed", val)
		}
	}
}

// notFromGoEnv are the go env variables a go.env line cannot set, with
// why, from cmd/go: the values go env computes (envcmd's checkEnvWrite
// refuses to write them, and cmd/go never reads them from a file),
// and the two read only from the process environment.
var notFromGoEnv = map[string]string{
	"GOTELEMETRY":    "the go command reads the telemetry mode only from the user's own configuration (go telemetry off)",
	"GOTELEMETRYDIR": "the go command computes it from the user's configuration directory",
	"GOENV":          "the go command reads it only from the process environment",
	"GODEBUG":        "the go command reads it only from the process environment",
	"GOEXE":          "the go command computes it",
	"GOGCCFLAGS":     "the go command computes it",
	"GOHOSTARCH":     "the go command computes it",
	"GOHOSTOS":       "the go command computes it",
	"GOMOD":          "the go command computes it",
	"GOTOOLDIR":      "the go command computes it",
	"GOVERSION":      "the go command computes it",
}

// toolchainNameRE is a toolchain name as the go command takes one in
// GOTOOLCHAIN: goVERSION, with an optional suffix after "-".
var toolchainNameRE = regexp.MustCompile(`^go[0-9]+(\.[0-9]+){0,2}((rc|beta)[0-9]+)?(-[A-Za-z0-9_.,:/@=~-]*)?$`)

// checkGoToolchain says what is wrong with a GOTOOLCHAIN value for a
// packaged go.env, or "" when it is one of NoDownloadGoToolchains. The
// forms are those cmd/go/internal/toolchain's Select reads: auto, path,
// local, NAME, and local or NAME followed by +auto or +path.
func checkGoToolchain(val string) string {
	for _, ok := range NoDownloadGoToolchains {
		if val == ok {
			return ""
		}
	}
	min, suffix, plus := strings.Cut(val, "+")
	switch {
	case val == "auto":
		min, suffix, plus = "local", "auto", true
	case min != "local" && !toolchainNameRE.MatchString(min),
		plus && suffix != "auto" && suffix != "path":
		return fmt.Sprintf("%q is not a GOTOOLCHAIN value the go command accepts (local, path, auto, NAME, NAME+auto or NAME+path)", val)
	}
	switch {
	case suffix == "auto":
		return fmt.Sprintf("GOTOOLCHAIN=%s downloads a newer toolchain when go.mod asks for one; an RPM-managed toolchain must never download one (choose local or path)", val)
	case !plus:
		return fmt.Sprintf("GOTOOLCHAIN=%s runs %s, found in PATH or else downloaded; an RPM-managed toolchain must never download one (choose local or path)", val, min)
	}
	return fmt.Sprintf("GOTOOLCHAIN=%s never downloads, but makes every packaged toolchain older than %s run %s from PATH instead of itself (and fail %%check); choose local or path", val, min, min)
}

func (v *validator) targets() {
	seen := map[string]string{}
	for i, t := range v.c.Targets {
		field := fmt.Sprintf("targets[%d]", i)
		target, err := ParseTarget(t)
		if err != nil {
			v.errorf(field, "%v", err)
			continue
		}
		switch first, dup := seen[target.Name]; {
		case dup && first == t:
			v.errorf(field, "target %q is listed twice", t)
		case dup:
			v.errorf(field, "target %q is %s, listed already as %q", t, target.Name, first)
		default:
			seen[target.Name] = t
		}
	}
}

func (v *validator) toolchains() {
	c := v.c
	if len(c.Toolchains) == 0 {
		v.errorf("toolchains", "at least one toolchain is required")
		return
	}
	versions := map[string]int{}
	series := map[string]int{}
	priorities := map[int]int{}
	for i := range c.Toolchains {
		t := &c.Toolchains[i]
		field := fmt.Sprintf("toolchains[%d]", i)
		ver, err := ParseVersion(t.Version)
		versionOK := err == nil
		if err != nil {
			v.errorf(field+".version", "%v", err)
		} else {
			if j, dup := versions[ver.String()]; dup {
				v.errorf(field+".version", "version %s is listed twice (also toolchains[%d])", ver, j)
				versionOK = false
			} else if j, dup := series[ver.Series()]; dup {
				v.errorf(field+".version", "series %s is listed twice (also toolchains[%d] %s); one source package per series", ver.Series(), j, c.Toolchains[j].Version)
				versionOK = false
			}
			versions[ver.String()] = i
			series[ver.Series()] = i
		}
		if t.Release < 1 {
			v.errorf(field+".release", "must be a positive integer, got %d", t.Release)
		}
		if t.Epoch != nil && *t.Epoch < 0 {
			v.errorf(field+".epoch", "must not be negative")
		}
		switch {
		case !versionOK && t.Priority == 0:
			// no derived priority to check
		case t.Priority < 1:
			v.errorf(field+".priority", "must be a positive integer, got %d", t.Priority)
		case !versionOK:
		default:
			if j, dup := priorities[t.Priority]; dup {
				v.errorf(field+".priority", "priority %d collides with toolchains[%d] (%s); alternatives could not order them", t.Priority, j, c.Toolchains[j].Version)
			} else {
				priorities[t.Priority] = i
			}
		}
		v.text(field+".summary", t.Summary)
		v.sources(field, t)
		v.changelog(field, t)
		v.dependencies(field+".", t.Requires, t.Provides, t.Conflicts, t.Obsoletes)
	}
}

func (v *validator) sources(field string, t *Toolchain) {
	if len(t.Sources) == 0 {
		v.errorf(field+".sources", "at least one arch with a source tarball is required")
		return
	}
	arches := make([]string, 0, len(t.Sources))
	for a := range t.Sources {
		arches = append(arches, a)
	}
	sort.Strings(arches)
	files := map[string]string{}
	for _, arch := range arches {
		s := t.Sources[arch]
		f := field + ".sources." + arch
		if _, ok := GOARCH[arch]; !ok {
			v.errorf(f+"#key", "unknown arch %q (known: aarch64, i686, ppc64le, s390x, x86_64)", arch)
			continue
		}
		if !hexSHA256RE.MatchString(s.SHA256) {
			if hexSHA256RE.MatchString(strings.ToLower(s.SHA256)) {
				v.errorf(f+".sha256", "write the sha256 in lowercase hex")
			} else {
				v.errorf(f+".sha256", "%q is not a SHA-256 (64 hex digits)", s.SHA256)
			}
		}
		if s.File != "" && !fileNameRE.MatchString(s.File) { // "" only when the version is invalid
			v.errorf(f+".file", "%q must be a plain .tar.gz file name (letters, digits, _.+-)", s.File)
		}
		if other, dup := files[s.File]; dup {
			v.errorf(f+".file", "%q is also the %s source", s.File, other)
		}
		files[s.File] = arch
		if s.URL != "" {
			v.url(f+".url", s.URL)
			// rpmbuild names Source files by the URL's last part, and
			// srpm packs and build reads File: they must be one name.
			if base := s.URL[strings.LastIndexByte(s.URL, '/')+1:]; s.File != "" && base != s.File {
				v.errorf(f+".url", "%q ends in %q, not the file name %q: rpmbuild would look for %s", s.URL, base, s.File, base)
			}
		}
	}
}

func (v *validator) changelog(field string, t *Toolchain) {
	if len(t.Changelog) == 0 {
		v.warnf(field, "no changelog; gen writes one entry dated from SOURCE_DATE_EPOCH (or 2009-11-10 when unset)")
	}
	var prev time.Time
	for i, e := range t.Changelog {
		f := fmt.Sprintf("%s.changelog[%d]", field, i)
		d, err := time.Parse(time.DateOnly, e.Date)
		if err != nil {
			v.errorf(f+".date", "%q is not a YYYY-MM-DD date", e.Date)
		} else {
			if i > 0 && d.After(prev) {
				v.errorf(f+".date", "entries must be newest first (%s is newer than the entry above)", e.Date)
			}
			prev = d
		}
		if e.Author != "" && !authorRE.MatchString(e.Author) {
			v.errorf(f+".author", "%q must look like \"Name <email>\"", e.Author)
		}
		if e.Version != "" && !evrRE.MatchString(e.Version) {
			v.errorf(f+".version", "%q must be VERSION-RELEASE, optionally with EPOCH:", e.Version)
		}
		if len(e.Changes) == 0 {
			v.errorf(f+".changes", "an entry needs at least one change line")
		}
		for j, line := range e.Changes {
			v.text(fmt.Sprintf("%s.changes[%d]", f, j), line)
			if strings.TrimSpace(line) == "" {
				v.errorf(fmt.Sprintf("%s.changes[%d]", f, j), "empty change line")
			}
		}
	}
}
