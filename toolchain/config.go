// Package toolchain is gotc's domain model: the gotc.yaml configuration,
// its defaults and validation, and every fact derived from it that more
// than one part of gotc needs — package names, install paths, alternatives
// priorities, the file→subpackage split, the go.env rewrite and the
// scriptlets.
//
// The spec generator (specgen), the native builder (rpmbuild) and the
// verifier all read these facts from here and never re-derive them.
package toolchain

// Config is the whole gotc.yaml file.
type Config struct {
	// Packager is the default changelog author. It is not written as a
	// Packager tag: Fedora leaves that to the build system.
	Packager string `yaml:"packager"`
	// Vendor is the RPM Vendor tag (omitted when empty).
	Vendor string `yaml:"vendor"`
	// License is the SPDX license expression of the Go distribution.
	License string `yaml:"license"`
	// URL is the project URL written as the RPM URL tag.
	URL string `yaml:"url"`
	// SourceURL is the base URL the upstream tarballs are downloaded from.
	SourceURL string `yaml:"source_url"`
	// Layout says where toolchains are installed.
	Layout Layout `yaml:"layout"`
	// Alternatives configures the update-alternatives group.
	Alternatives Alternatives `yaml:"alternatives"`
	// Subpackages are the split rules, first match wins; files no rule
	// matches stay in the main package. Replaces the default rules when set.
	Subpackages []Subpackage `yaml:"subpackages"`
	// DocFiles are patterns of files marked %doc.
	DocFiles []string `yaml:"doc_files"`
	// LicenseFiles are patterns of files marked %license.
	LicenseFiles []string `yaml:"license_files"`
	// Exclude are patterns of upstream files left out of every package.
	Exclude []string `yaml:"exclude"`
	// DependencyExclude are toolchain-relative directories rpmbuild's
	// dependency generators (and gotc's native one) never scan.
	DependencyExclude []string `yaml:"dependency_exclude"`
	// GoEnv are settings written into the packaged go.env. GOTOOLCHAIN
	// is always written: local unless GoEnv chooses another value that
	// never downloads (NoDownloadGoToolchains).
	GoEnv map[string]string `yaml:"go_env"`
	// Requires, Provides, Conflicts and Obsoletes are extra dependencies
	// of every main package.
	Requires  []string `yaml:"requires"`
	Provides  []string `yaml:"provides"`
	Conflicts []string `yaml:"conflicts"`
	Obsoletes []string `yaml:"obsoletes"`
	// Targets are the distributions the packages are built for
	// (fedora-N, epel-N, rawhide).
	Targets []string `yaml:"targets"`
	// Toolchains lists the Go releases to package, one per series.
	Toolchains []Toolchain `yaml:"toolchains"`

	// file is the path the config was read from, for messages.
	file string
	// pos maps a field path ("toolchains[0].version") to its position.
	pos map[string]Pos
}

// Layout says where toolchains are installed.
type Layout struct {
	// Root is the directory holding all toolchains.
	Root string `yaml:"root"`
	// Dir is the per-toolchain directory name under Root; {version} and
	// {series} are replaced.
	Dir string `yaml:"dir"`
	// VersionedCommands adds /usr/bin/go<series>, go<version>,
	// gofmt<series> and gofmt<version> links.
	VersionedCommands *bool `yaml:"versioned_commands"`
	// BinDir is where the alternatives and versioned command links live.
	BinDir string `yaml:"bin_dir"`
}

// Alternatives configures the update-alternatives group every toolchain
// registers in.
type Alternatives struct {
	// Name is the alternatives group ("go", as Fedora's golang-bin uses).
	Name string `yaml:"name"`
	// Link is the generic name ("/usr/bin/go").
	Link string `yaml:"link"`
	// Target is the toolchain-relative path the link points to ("bin/go").
	Target string `yaml:"target"`
	// Followers are the --slave links that follow the group.
	Followers []Follower `yaml:"followers"`
}

// Follower is one --slave link of the alternatives group.
type Follower struct {
	Name   string `yaml:"name"`
	Link   string `yaml:"link"`
	Target string `yaml:"target"`
}

// Subpackage is one split rule: files matching Match go to the subpackage
// <name>-<Name>.
type Subpackage struct {
	// Name is the suffix ("src" makes go-toolchain-1.26-src).
	Name string `yaml:"name"`
	// Summary is the subpackage summary.
	Summary string `yaml:"summary"`
	// Description is the subpackage description.
	Description string `yaml:"description"`
	// Noarch makes the subpackage BuildArch: noarch (the default).
	Noarch *bool `yaml:"noarch"`
	// Match are patterns of toolchain-relative paths.
	Match []string `yaml:"match"`
}

// Toolchain is one Go release to package.
type Toolchain struct {
	// Version is the Go version without the "go" prefix: 1.26.8, 1.27rc1.
	Version string `yaml:"version"`
	// Release is the RPM Release number (default 1).
	Release int `yaml:"release"`
	// Epoch is the RPM Epoch (omitted when unset).
	Epoch *int `yaml:"epoch"`
	// Priority overrides the alternatives priority derived from Version.
	Priority int `yaml:"priority"`
	// Summary overrides the main package summary.
	Summary string `yaml:"summary"`
	// Sources maps an RPM arch to its upstream tarball.
	Sources map[string]Source `yaml:"sources"`
	// Changelog entries, newest first.
	Changelog []ChangelogEntry `yaml:"changelog"`
	// Extra dependencies of this toolchain's main package.
	Requires  []string `yaml:"requires"`
	Provides  []string `yaml:"provides"`
	Conflicts []string `yaml:"conflicts"`
	Obsoletes []string `yaml:"obsoletes"`
}

// Source is an upstream tarball.
type Source struct {
	// File is the tarball's file name (default go<version>.linux-<goarch>.tar.gz).
	File string `yaml:"file"`
	// SHA256 is the tarball's hex SHA-256.
	SHA256 string `yaml:"sha256"`
	// URL overrides SourceURL+File as the spec's Source tag.
	URL string `yaml:"url"`
}

// ChangelogEntry is one %changelog entry.
type ChangelogEntry struct {
	// Date is YYYY-MM-DD.
	Date string `yaml:"date"`
	// Author is "Name <email>" (default: Packager).
	Author string `yaml:"author"`
	// Version is the EVR the entry is for (default: the toolchain's V-R).
	Version string `yaml:"version"`
	// Changes are the entry's lines.
	Changes []string `yaml:"changes"`
}
