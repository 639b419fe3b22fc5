package toolchain

import "runtime"

// Defaults applied by applyDefaults; docs/config.md documents each.
const (
	DefaultLicense   = "BSD-3-Clause"
	DefaultURL       = "https://go.dev"
	DefaultSourceURL = "https://go.dev/dl/"
	DefaultRoot      = "/usr/libexec/go-toolchain"
	DefaultDir       = "go{version}"
	DefaultBinDir    = "/usr/bin"
	DefaultAltName   = "go"
	DefaultAltTarget = "bin/go"
	// NamePrefix starts every source package name: go-toolchain-1.26.
	NamePrefix = "go-toolchain-"
	// DefaultPackager is the changelog author when neither the entry nor
	// packager names one.
	DefaultPackager = "gotc <gotc@localhost.localdomain>"
	// DefaultGoToolchain is the GOTOOLCHAIN go.env says unless go_env
	// chooses another of NoDownloadGoToolchains: the packaged go always
	// runs itself.
	DefaultGoToolchain = "local"
)

// NoDownloadGoToolchains are the GOTOOLCHAIN values go_env may choose:
// those with which the go command never downloads a toolchain
// (cmd/go/internal/toolchain, Select and Exec). "local" always runs the
// packaged go; "path" (the same as "local+path") runs the packaged go
// unless go.mod or go.work asks for a newer Go, then the go<version>
// command of that name in PATH, and fails when there is none.
var NoDownloadGoToolchains = []string{"local", "path", "local+path"}

// DefaultSubpackages is the split Fedora packagers expect, adapted from
// Fedora's golang.spec: tests (test/, api/, every testdata tree and
// *_test.go), docs (doc/, misc/ and the top-level prose), src (the rest of
// src/). Order matters: the first matching rule wins, so testdata under
// src/ lands in -tests.
func DefaultSubpackages() []Subpackage {
	return []Subpackage{
		{
			Name:        "tests",
			Summary:     "Go {version} test suite and test data",
			Description: "The Go {version} test suite: the test/ tree, API checks, every testdata directory and the standard library's _test.go files. Needed only to run the toolchain's own tests.",
			Match:       []string{"test", "test/*", "api", "api/*", "*/testdata", "*/testdata/*", "src/*_test.go"},
		},
		{
			Name:        "docs",
			Summary:     "Go {version} documentation and miscellany",
			Description: "Documentation, editor support and other miscellaneous files shipped with Go {version}.",
			Match:       []string{"doc", "doc/*", "misc", "misc/*", "README.md", "CONTRIBUTING.md", "SECURITY.md", "codereview.cfg"},
		},
		{
			Name:        "src",
			Summary:     "Go {version} standard library and command sources",
			Description: "The sources of the Go {version} standard library and commands, which the go command compiles from. Required by the main package.",
			Match:       []string{"src", "src/*"},
		},
	}
}

func (c *Config) applyDefaults() {
	if c.License == "" {
		c.License = DefaultLicense
	}
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.SourceURL == "" {
		c.SourceURL = DefaultSourceURL
	}
	if c.Layout.Root == "" {
		c.Layout.Root = DefaultRoot
	}
	if c.Layout.Dir == "" {
		c.Layout.Dir = DefaultDir
	}
	if c.Layout.BinDir == "" {
		c.Layout.BinDir = DefaultBinDir
	}
	if c.Layout.VersionedCommands == nil {
		t := true
		c.Layout.VersionedCommands = &t
	}
	a := &c.Alternatives
	if a.Name == "" {
		a.Name = DefaultAltName
	}
	if a.Link == "" {
		a.Link = c.Layout.BinDir + "/go"
	}
	if a.Target == "" {
		a.Target = DefaultAltTarget
	}
	if a.Followers == nil {
		a.Followers = []Follower{
			{Name: "gofmt", Link: c.Layout.BinDir + "/gofmt", Target: "bin/gofmt"},
			{Name: "go-toolchain-current", Link: c.Layout.Root + "/current", Target: "."},
		}
	}
	if c.Subpackages == nil {
		c.Subpackages = DefaultSubpackages()
	}
	for i := range c.Subpackages {
		if c.Subpackages[i].Noarch == nil {
			t := true
			c.Subpackages[i].Noarch = &t
		}
		if c.Subpackages[i].Summary == "" {
			c.Subpackages[i].Summary = "Go {version} " + c.Subpackages[i].Name + " files"
		}
		if c.Subpackages[i].Description == "" {
			// Longer than the summary, always: rpmlint warns
			// (description-shorter-than-summary) otherwise.
			c.Subpackages[i].Description = c.Subpackages[i].Summary + ", packaged apart from the main Go {version} package."
		}
	}
	if c.DocFiles == nil {
		c.DocFiles = []string{"doc/*", "README.md", "CONTRIBUTING.md", "SECURITY.md"}
	}
	if c.LicenseFiles == nil {
		c.LicenseFiles = []string{"LICENSE", "PATENTS"}
	}
	if c.DependencyExclude == nil {
		c.DependencyExclude = []string{"api", "doc", "lib", "misc", "src", "test"}
	}
	for i := range c.Toolchains {
		t := &c.Toolchains[i]
		if t.Release == 0 {
			t.Release = 1
		}
		v, err := ParseVersion(t.Version)
		if err != nil {
			continue // validate reports it
		}
		if t.Priority == 0 {
			t.Priority = v.Priority()
		}
		for arch, s := range t.Sources {
			if s.File == "" {
				if goarch, ok := GOARCH[arch]; ok {
					s.File = "go" + v.String() + ".linux-" + goarch + ".tar.gz"
					t.Sources[arch] = s
				}
			}
		}
	}
}

// GOARCH maps the RPM arches gotc packages for to Go's GOARCH.
var GOARCH = map[string]string{
	"x86_64":  "amd64",
	"aarch64": "arm64",
	"ppc64le": "ppc64le",
	"s390x":   "s390x",
	"i686":    "386",
}

// HostArch is this machine's RPM arch (x86_64 on amd64): the one GOARCH
// maps to runtime.GOARCH, or runtime.GOARCH itself when none does.
func HostArch() string {
	for arch, goarch := range GOARCH {
		if goarch == runtime.GOARCH {
			return arch
		}
	}
	return runtime.GOARCH
}

// ISA is rpm's %{_isa} suffix name for each arch ("x86-64" in
// "name(x86-64)"), which rpmbuild adds to arch packages' Provides.
var ISA = map[string]string{
	"x86_64":  "x86-64",
	"aarch64": "aarch-64",
	"ppc64le": "ppc-64",
	"s390x":   "s390-64",
	"i686":    "x86-32",
}

// Defaults returns the configuration every default gives, with no
// toolchains: the layout, alternatives and go.env settings a system
// check assumes when no gotc.yaml is at hand.
func Defaults() *Config {
	c := &Config{file: "(defaults)"}
	c.applyDefaults()
	return c
}
