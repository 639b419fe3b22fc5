package specgen

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/gotc-project/gotc/templates"
	"github.com/gotc-project/gotc/toolchain"
)

// MacrosFileName is the macros file's usual name, as installed in
// /usr/lib/rpm/macros.d.
const MacrosFileName = "macros.gotc"

// GenerateMacros writes the RPM macros file of configuration c: macros
// that give a hand-written spec of any Go version the layout,
// scriptlets, ghosts, go.env rewrite and %check gotc-spec gen writes for
// that version with c's settings (toolchain.Config.GenericPlan).
//
// The version-dependent texts are the spec's own parts, rendered from
// toolchain.Config.SymbolicPlan: its version texts are markers that no
// configuration text can contain, each replaced by a reference to the
// macro that computes the value once the rest of the part is escaped.
// No configuration is refused for what its text says.
func GenerateMacros(w io.Writer, c *toolchain.Config, opt Options) error {
	d, err := newMacrosData(c, opt)
	if err != nil {
		return err
	}
	fsys := opt.Templates
	if fsys == nil {
		fsys = templates.FS
	}
	tmpl, err := template.New("macros.tmpl").ParseFS(fsys, "macros.tmpl")
	if err != nil {
		return fmt.Errorf("loading macros template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("rendering %s: %w", MacrosFileName, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// macrosData is what macros.tmpl sees: macro bodies, escaped.
type macrosData struct {
	ConfigName                 string
	GOARCH                     string // Lua table entries
	NamePrefix                 string
	Root, Dir, BinDir          string
	UpdateAlternatives         string
	Alternative                string
	DepExcludeTail             string
	GoEnv                      string
	InstallLinks, Files, Check string
	Dirs                       string
	Post, Preun, Postun        string
	HasBuildMtimePolicy        string // a macro body as it is
	GoToolchain                string // for comments
}

// A marker stands for one macro in the parts the macros file is
// rendered from. It holds a NUL byte: no text of a configuration that
// can be rendered holds one (the parts of a real version are checked),
// and macro-body escaping leaves it alone.
type marker struct{ mark, macro string }

var (
	markVersion   = marker{"\x00goversion\x00", "%{gotc_goversion}"}
	markSeries    = marker{"\x00series\x00", "%{gotc_series}"}
	markPriority  = marker{"\x00priority\x00", "%{gotc_priority}"}
	markDir       = marker{"\x00dir\x00", "%{gotc_dir}"}
	markGOROOT    = marker{"\x00goroot\x00", "%{gotc_goroot}"}
	markBuildroot = marker{"\x00buildroot\x00", "%{buildroot}"}
	markGoarch    = marker{"\x00goarch\x00", "%{gotc_goarch}"}
)

// toMacros turns escaped text with markers into a macro body.
var toMacros = func() *strings.Replacer {
	var pairs []string
	for _, m := range []marker{markVersion, markSeries, markPriority, markDir, markGOROOT, markBuildroot, markGoarch} {
		pairs = append(pairs, m.mark, m.macro)
	}
	return strings.NewReplacer(pairs...)
}()

// parts are the texts of a plan the macros file carries, unescaped.
type parts struct {
	Dir, GoEnv, InstallLinks, Files, Dirs, Check, Post, Preun, Postun string
}

// planParts renders the parts of p; dir is its layout.dir, buildroot
// and goarch how the parts name %{buildroot} and GOARCH.
func planParts(p *toolchain.Plan, dir, buildroot, goarch string) parts {
	s := p.Scriptlets()
	return parts{
		Dir:          dir,
		GoEnv:        p.GoEnvScript(),
		InstallLinks: strings.ReplaceAll(InstallLinks(p), "%{buildroot}", buildroot),
		Files:        MainFiles(p, p.GOROOT),
		Dirs:         SharedDirs(p, p.GOROOT),
		Check:        Check(p, buildroot+p.GOROOT, goarch),
		Post:         s.Post,
		Preun:        s.Preun,
		Postun:       s.Postun,
	}
}

func (ps parts) all() []string {
	return []string{ps.Dir, ps.GoEnv, ps.InstallLinks, ps.Files, ps.Dirs, ps.Check, ps.Post, ps.Preun, ps.Postun}
}

func newMacrosData(c *toolchain.Config, opt Options) (*macrosData, error) {
	// The parts are functions of the configuration and the version
	// texts. Rendered for a real version they hold no marker unless the
	// configuration's text does; then every marker rendered below is one
	// of ours.
	concrete, err := c.GenericPlan("1.0.0")
	if err != nil {
		return nil, err
	}
	texts := append(planParts(concrete, c.ToolchainDir("1.0.0", "1.0"), "/BUILDROOT", "amd64").all(), concrete.DependencyExcludeRegexp())
	for _, text := range texts {
		if strings.IndexByte(text, 0) >= 0 {
			return nil, fmt.Errorf("%s: cannot write the macros file: the configuration contains a NUL byte", c.File())
		}
	}

	p := c.SymbolicPlan(toolchain.VersionText{
		Version:  markVersion.mark,
		Series:   markSeries.mark,
		Priority: markPriority.mark,
		Dir:      markDir.mark,
		GOROOT:   markGOROOT.mark,
	})
	ps := planParts(p, c.ToolchainDir(markVersion.mark, markSeries.mark), markBuildroot.mark, markGoarch.mark)
	body := func(s string) string { return toMacros.Replace(MacroBody(s)) }
	d := &macrosData{
		ConfigName:          opt.ConfigName,
		NamePrefix:          toolchain.NamePrefix,
		Root:                MacroBody(c.Layout.Root),
		Dir:                 body(ps.Dir),
		BinDir:              MacroBody(c.Layout.BinDir),
		UpdateAlternatives:  toolchain.UpdateAlternatives,
		Alternative:         MacroBody(c.Alternatives.Name),
		GoEnv:               body(ps.GoEnv),
		InstallLinks:        body(ps.InstallLinks),
		Files:               body(ps.Files),
		Dirs:                body(ps.Dirs),
		Check:               body(ps.Check),
		Post:                body(ps.Post),
		Preun:               body(ps.Preun),
		Postun:              body(ps.Postun),
		HasBuildMtimePolicy: HasBuildMtimePolicy,
		GoToolchain:         c.GoToolchain(),
	}
	if d.ConfigName == "" {
		d.ConfigName = toolchain.DefaultPath
	}
	if re := p.DependencyExcludeRegexp(); re != "" {
		// The macro quotes %{gotc_goroot} itself (Lua, at expansion);
		// the rest of the expression follows it.
		tail, ok := strings.CutPrefix(re, "^"+regexp.QuoteMeta(p.GOROOT))
		if !ok {
			return nil, fmt.Errorf("dependency exclusion %q does not start with the toolchain root", re)
		}
		d.DepExcludeTail = body(tail)
	}
	arches := make([]string, 0, len(toolchain.GOARCH))
	for arch := range toolchain.GOARCH {
		arches = append(arches, arch)
	}
	sort.Strings(arches)
	var table []string
	for _, arch := range arches {
		table = append(table, fmt.Sprintf("[%q] = %q", arch, toolchain.GOARCH[arch]))
	}
	d.GOARCH = strings.Join(table, ", ")
	return d, nil
}

// MacroBody makes s the literal body of a macro in a macros file: rpm
// reads "%%" as "%", "\\" as "\" and a line ending in "\" as going on.
func MacroBody(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "%", "%%")
	return strings.ReplaceAll(s, "\n", "\\\n")
}
