// Package specgen renders the RPM spec of one Go series from its
// toolchain.Plan. Every fact in the spec — names, paths, the file split,
// scriptlets, dependencies — comes from the plan; the template only lays
// them out.
package specgen

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/gotc-project/gotc/templates"
	"github.com/gotc-project/gotc/toolchain"
)

// Options control rendering.
type Options struct {
	// Templates holds spec.tmpl; nil means the embedded templates.
	Templates fs.FS
	// ConfigName is the configuration's file name, written into the header
	// comment (use the base name so output does not depend on paths).
	ConfigName string
	// SourceDateEpoch dates the generated changelog entry of toolchains
	// without a changelog; nil means the fixed default date.
	SourceDateEpoch *time.Time
}

// FileName is the spec's file name for a plan: go-toolchain-1.26.spec.
func FileName(p *toolchain.Plan) string { return p.Name + ".spec" }

// Generate writes the spec of p to w.
func Generate(w io.Writer, p *toolchain.Plan, opt Options) error {
	fsys := opt.Templates
	if fsys == nil {
		fsys = templates.FS
	}
	tmpl, err := template.New("spec.tmpl").Funcs(funcs).ParseFS(fsys, "spec.tmpl")
	if err != nil {
		return fmt.Errorf("loading spec template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, newData(p, opt)); err != nil {
		return fmt.Errorf("rendering %s: %w", FileName(p), err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// data is what spec.tmpl sees.
type data struct {
	Plan               *toolchain.Plan
	ConfigName         string
	Main               *toolchain.Package
	Subpackages        []*toolchain.Package
	Sources            []source
	DepExclude         string
	GoEnvScript        string
	UnsafeNameChars    string
	ListNames          []string
	InstallLinks       string
	MainFiles          string
	SharedDirs         string
	Check              string
	Scriptlets         toolchain.Scriptlets
	UpdateAlternatives string
	ChangelogText      string
	// HasBuildMtimePolicy is the %if condition of the mtime clamp.
	HasBuildMtimePolicy string
}

type source struct {
	Index  int
	Arch   string
	GOARCH string
	URL    string
	SHA256 string
}

func newData(p *toolchain.Plan, opt Options) *data {
	d := &data{
		Plan:                p,
		ConfigName:          opt.ConfigName,
		Main:                p.Main(),
		Subpackages:         p.Packages[1:],
		DepExclude:          p.DependencyExcludeRegexp(),
		GoEnvScript:         p.GoEnvScript(),
		UnsafeNameChars:     toolchain.UnsafeNameChars,
		Scriptlets:          p.Scriptlets(),
		UpdateAlternatives:  toolchain.UpdateAlternatives,
		ChangelogText:       changelogText(p.ChangelogEntries(opt.SourceDateEpoch)),
		HasBuildMtimePolicy: HasBuildMtimePolicy,
	}
	if d.ConfigName == "" {
		d.ConfigName = toolchain.DefaultPath
	}
	for i, arch := range p.Arches {
		s, url := p.Source(arch)
		d.Sources = append(d.Sources, source{Index: i, Arch: arch, GOARCH: toolchain.GOARCH[arch], URL: url, SHA256: s.SHA256})
	}
	d.ListNames = []string{"main"}
	for _, sp := range d.Subpackages {
		d.ListNames = append(d.ListNames, sp.Suffix)
	}
	d.InstallLinks = InstallLinks(p)
	d.MainFiles = MainFiles(p, "%{goroot}")
	d.SharedDirs = SharedDirs(p, "%{goroot}")
	d.Check = Check(p, "%{buildroot}%{goroot}", "%{goarch}")
	return d
}

// changelogText renders %changelog entries, blank line between entries.
func changelogText(entries []toolchain.Changelog) string {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "* %s %s - %s\n", e.Time.Format("Mon Jan 02 2006"), Escape(e.Author), e.Version)
		for _, c := range e.Changes {
			fmt.Fprintf(&b, "- %s\n", Escape(c))
		}
	}
	return b.String()
}

// Escape makes user text literal in a spec: rpm expands "%" as a macro.
func Escape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// HasBuildMtimePolicy is the spec's %if condition for an rpm that reads
// %build_mtime_policy: 1 on rpm 4.20 and later (6.x included), 0 before.
// %{rpmversion} exists from rpm 4.19 on, so it is empty on 4.14 to 4.18;
// rpm.vercmp is in every rpm's Lua. Under the condition the spec sets
// %build_mtime_policy, otherwise %clamp_mtime_to_source_date_epoch: rpm
// 4.20+ consults the old macro only when %build_mtime_policy is empty,
// and warns that it is deprecated when it does (build/files.cc), so no
// rpm sees the macro it does not read.
const HasBuildMtimePolicy = `%{lua: local v = rpm.expand("%{?rpmversion}"); print(v ~= "" and rpm.vercmp(v, "4.20") >= 0 and 1 or 0)}`

// SelfEVR is how the spec writes a package's own [epoch:]version-release.
const SelfEVR = "%{?epoch:%{epoch}:}%{version}-%{release}"

// Dep renders a dependency as a spec tag value.
func Dep(d toolchain.Dep) string {
	switch {
	case d.Self:
		return d.Name + " " + d.Op + " " + SelfEVR
	case d.Op != "":
		return Escape(d.Name) + " " + d.Op + " " + Escape(d.Version)
	}
	return Escape(d.Name)
}

var funcs = template.FuncMap{
	"esc":  Escape,
	"dep":  Dep,
	"join": strings.Join,
	// pad aligns "SourceN:" values at column 16 like the other tags.
	"pad": func(i int) string {
		n := 16 - len("Source"+strconv.Itoa(i)+":")
		if n < 1 {
			n = 1
		}
		return strings.Repeat(" ", n)
	},
}
