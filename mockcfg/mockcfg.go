// Package mockcfg renders mock configurations for the distributions a
// gotc.yaml targets: one file per target and arch, each including the
// stock mock-core-configs chroot and adding what gotc's builds need — a
// root of their own, no network, reproducible build host and times, and
// the gotc macros file in the chroot for hand-written specs.
package mockcfg

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/gotc-project/gotc/templates"
	"github.com/gotc-project/gotc/toolchain"
)

// Options control rendering.
type Options struct {
	// Templates holds mock.tmpl; nil means the embedded templates.
	Templates fs.FS
	// ConfigName is the configuration's file name, for the header.
	ConfigName string
	// ELBase is the Enterprise Linux the EPEL chroots build on:
	// "alma" (the default), "rocky", "rhel" or "centos-stream", as
	// mock-core-configs names them (alma+epel-9-x86_64.cfg).
	ELBase string
	// Macros is the macros file (gotc-spec macros) written into the
	// chroot.
	Macros []byte
}

// ELBases are the Enterprise Linux variants mock-core-configs pairs with
// EPEL.
var ELBases = []string{"alma", "rocky", "rhel", "centos-stream"}

// File is one rendered configuration.
type File struct {
	Name    string // gotc-fedora-43-x86_64.cfg
	Content []byte
}

// mockArch is mock's name of each RPM arch gotc packages.
var mockArch = map[string]string{
	"x86_64":  "x86_64",
	"aarch64": "aarch64",
	"ppc64le": "ppc64le",
	"s390x":   "s390x",
	"i686":    "i386",
}

// Skipped is a target and arch with no stock mock chroot.
type Skipped struct {
	Target, Arch string
}

// Generate renders a configuration for every target of c and every arch
// its toolchains have sources for, sorted by file name. Targets and
// arches mock-core-configs has no chroot for (EPEL on i686) are
// returned as skipped.
func Generate(c *toolchain.Config, opt Options) ([]File, []Skipped, error) {
	if len(c.Targets) == 0 {
		return nil, nil, fmt.Errorf("%s lists no targets: add targets such as [fedora-43, epel-9]", c.File())
	}
	base := opt.ELBase
	if base == "" {
		base = "alma"
	}
	if !slices.Contains(ELBases, base) {
		return nil, nil, fmt.Errorf("unknown Enterprise Linux base %q (known: %s)", base, strings.Join(ELBases, ", "))
	}
	if bytes.Contains(opt.Macros, []byte(`"""`)) || bytes.HasSuffix(opt.Macros, []byte(`\`)) {
		return nil, nil, fmt.Errorf("the macros file cannot be quoted as a Python raw string")
	}
	for _, tag := range []string{"{{", "{%", "{#"} {
		// mock renders configuration values as Jinja templates.
		if bytes.Contains(opt.Macros, []byte(tag)) {
			return nil, nil, fmt.Errorf("the macros file contains %q, which mock would read as a Jinja tag", tag)
		}
	}
	fsys := opt.Templates
	if fsys == nil {
		fsys = templates.FS
	}
	tmpl, err := template.New("mock.tmpl").ParseFS(fsys, "mock.tmpl")
	if err != nil {
		return nil, nil, fmt.Errorf("loading mock template: %w", err)
	}
	arches := map[string]bool{}
	for _, p := range c.Plans() {
		for _, a := range p.Arches {
			arches[a] = true
		}
	}
	var files []File
	var skipped []Skipped
	for _, name := range c.Targets {
		target, err := toolchain.ParseTarget(name)
		if err != nil {
			return nil, nil, err
		}
		for arch := range arches {
			include, ok := stockConfig(target, base, mockArch[arch])
			if !ok {
				skipped = append(skipped, Skipped{target.Name, arch})
				continue
			}
			d := data{
				ConfigName: opt.ConfigName,
				Target:     target,
				Arch:       arch,
				Include:    include,
				Root:       fmt.Sprintf("gotc-%s-%s", target.Name, mockArch[arch]),
				Macros:     string(opt.Macros),
			}
			if d.ConfigName == "" {
				d.ConfigName = toolchain.DefaultPath
			}
			d.FileName = d.Root + ".cfg"
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, d); err != nil {
				return nil, nil, fmt.Errorf("rendering %s: %w", d.FileName, err)
			}
			files = append(files, File{Name: d.FileName, Content: buf.Bytes()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	sort.Slice(skipped, func(i, j int) bool {
		return skipped[i].Target+" "+skipped[i].Arch < skipped[j].Target+" "+skipped[j].Arch
	})
	return files, skipped, nil
}

// data is what mock.tmpl sees.
type data struct {
	ConfigName string
	Target     toolchain.Target
	Arch       string
	Include    string
	Root       string
	FileName   string
	Macros     string
}

// stockConfig is the mock-core-configs file a target and mock arch build
// on, and whether there is one.
func stockConfig(t toolchain.Target, elBase, arch string) (string, bool) {
	switch {
	case t.Name == "rawhide":
		return "fedora-rawhide-" + arch + ".cfg", true
	case t.Distro == "fedora":
		return fmt.Sprintf("fedora-%d-%s.cfg", t.Release, arch), true
	case arch == "i386":
		return "", false // EPEL has no 32-bit x86
	case arch == "s390x" && t.Release == 8 && elBase != "rhel":
		return "", false // only RHEL 8 has s390x
	}
	return fmt.Sprintf("%s+epel-%d-%s.cfg", elBase, t.Release, arch), true
}
