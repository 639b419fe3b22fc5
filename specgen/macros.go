package specgen

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
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
// The version-dependent texts are the spec's own, rendered for a
// placeholder version whose root, Go version, series and priority are
// then replaced by macro references. Rendering for a second placeholder
// must give the same file; if the configuration itself contains a
// placeholder's text, it does not, and GenerateMacros fails rather than
// write a wrong macro.
func GenerateMacros(w io.Writer, c *toolchain.Config, opt Options) error {
	var outs [2][]byte
	for i, placeholder := range []string{"1.98.97", "1.97.96"} {
		d, err := newMacrosData(c, placeholder, opt)
		if err != nil {
			return err
		}
		if outs[i], err = renderMacros(d, opt); err != nil {
			return err
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		return fmt.Errorf("%s: cannot write the macros file: the configuration contains text that looks like a Go version (1.98 or 1.97) where the macros need fixed text", c.File())
	}
	_, err := w.Write(outs[0])
	return err
}

func renderMacros(d *macrosData, opt Options) ([]byte, error) {
	fsys := opt.Templates
	if fsys == nil {
		fsys = templates.FS
	}
	tmpl, err := template.New("macros.tmpl").ParseFS(fsys, "macros.tmpl")
	if err != nil {
		return nil, fmt.Errorf("loading macros template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", MacrosFileName, err)
	}
	return buf.Bytes(), nil
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
}

// Markers for the macros a text needs unescaped.
const (
	markBuildroot = "\x00buildroot\x00"
	markGoarch    = "\x00goarch\x00"
)

func newMacrosData(c *toolchain.Config, placeholder string, opt Options) (*macrosData, error) {
	p, err := c.GenericPlan(placeholder)
	if err != nil {
		return nil, err
	}
	v := p.Version
	// Longest first: at each position the first match in this order wins.
	toMacros := strings.NewReplacer(
		p.GOROOT, "%{gotc_goroot}",
		path.Base(p.GOROOT)+"/", "%{gotc_dir}/", // relative link targets
		v.String(), "%{gotc_goversion}",
		strconv.Itoa(v.Priority()), "%{gotc_priority}",
		v.Series(), "%{gotc_series}",
		markBuildroot, "%{buildroot}",
		markGoarch, "%{gotc_goarch}",
	)
	body := func(s string) string { return toMacros.Replace(MacroBody(s)) }
	s := p.Scriptlets()
	d := &macrosData{
		ConfigName:         opt.ConfigName,
		NamePrefix:         toolchain.NamePrefix,
		Root:               MacroBody(c.Layout.Root),
		Dir:                strings.NewReplacer("{version}", "%{gotc_goversion}", "{series}", "%{gotc_series}").Replace(MacroBody(c.Layout.Dir)),
		BinDir:             MacroBody(c.Layout.BinDir),
		UpdateAlternatives: toolchain.UpdateAlternatives,
		Alternative:        MacroBody(c.Alternatives.Name),
		GoEnv:              body(p.GoEnvScript()),
		InstallLinks:       body(strings.ReplaceAll(InstallLinks(p), "%{buildroot}", markBuildroot)),
		Files:              body(MainFiles(p, p.GOROOT)),
		Dirs:               body(SharedDirs(p, p.GOROOT)),
		Check:              body(Check(p, markBuildroot+p.GOROOT, markGoarch)),
		Post:               body(s.Post),
		Preun:              body(s.Preun),
		Postun:             body(s.Postun),
	}
	if d.ConfigName == "" {
		d.ConfigName = toolchain.DefaultPath
	}
	if re := p.DependencyExcludeRegexp(); re != "" {
		tail, ok := strings.CutPrefix(re, "^"+regexp.QuoteMeta(p.GOROOT))
		if !ok {
			return nil, fmt.Errorf("dependency exclusion %q does not start with the toolchain root", re)
		}
		d.DepExcludeTail = MacroBody(tail)
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
