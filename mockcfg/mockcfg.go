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
	"net/url"
	"path"
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
	// Repos are package repositories added to every chroot's dnf
	// configuration, in order: the ones holding the gotc toolchain
	// packages, so that an application spec's BuildRequires:
	// go-toolchain-1.27 resolves in mock and Copr.
	Repos []Repo
	// RepoGPGKey is the key URL (https:// or file:///) the packages of
	// every repository in Repos are checked against; "" turns the
	// signature check of those repositories off.
	RepoGPGKey string
}

// Repo is one package repository of Options.Repos.
type Repo struct {
	// URL is the baseurl: http://, https:// or, for a directory on the
	// build host, file:/// with an absolute path. dnf variables
	// ($releasever, $basearch) are allowed.
	URL string
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
	repos, err := repoSections(opt.Repos, opt.RepoGPGKey)
	if err != nil {
		return nil, nil, err
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
				Repos:      repos,
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
	Repos      []repoSection
}

// repoSection is one repository as mock.tmpl writes it into dnf.conf.
type repoSection struct {
	ID, URL, GPGKey string
}

// repoSections checks every repository URL and the key URL and names the
// sections gotc-repo-1, gotc-repo-2 … in order.
func repoSections(repos []Repo, key string) ([]repoSection, error) {
	if key != "" {
		if err := CheckURL(key); err != nil {
			return nil, fmt.Errorf("repository key: %w", err)
		}
		if len(repos) == 0 {
			return nil, fmt.Errorf("a repository key without a repository")
		}
	}
	var out []repoSection
	seen := map[string]bool{}
	for i, r := range repos {
		if err := CheckURL(r.URL); err != nil {
			return nil, fmt.Errorf("repository %d: %w", i+1, err)
		}
		if seen[r.URL] {
			return nil, fmt.Errorf("repository %s given twice", r.URL)
		}
		seen[r.URL] = true
		out = append(out, repoSection{ID: fmt.Sprintf("gotc-repo-%d", i+1), URL: r.URL, GPGKey: key})
	}
	return out, nil
}

// CheckURL checks a repository or key URL as it goes into a mock
// configuration: http://, https:// with a host, or file:/// with an
// absolute path; no characters that would end the dnf.conf value or the
// Python string holding it (white space, quotes, backslashes, commas,
// which mock splits baseurl lists at), no braces, which mock's Jinja
// rendering would read, and no "%", which the Python configparser mock
// reads dnf.conf with takes for an interpolation (and then bind-mounts
// no local repository at all).
func CheckURL(s string) error {
	if i := strings.IndexFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune("\"'\\,{}%", r)
	}); i >= 0 {
		return fmt.Errorf("%q: %q cannot be written into a mock configuration", s, s[i:i+1])
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("%q: no host", s)
		}
	case "file":
		// mock bind-mounts a local repository into its bootstrap chroot
		// only when the baseurl starts with file:///.
		if !strings.HasPrefix(s, "file:///") || u.Host != "" || path.Clean(u.Path) != strings.TrimSuffix(u.Path, "/") && u.Path != "/" {
			return fmt.Errorf("%q: want file:/// and a clean absolute path", s)
		}
	default:
		return fmt.Errorf("%q: not an http://, https:// or file:/// URL", s)
	}
	return nil
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
