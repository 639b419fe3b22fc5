package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/toolchain"
)

// The flag groups verbs share. Each group registers its flags once
// (AddFlags) and checks their values once (Validate), so every verb that
// takes a flag takes the same values and refuses the same mistakes.

// ValuesAnnotation is the pflag annotation listing the values a flag
// takes, for shell completion and the docs test.
const ValuesAnnotation = "gotc-values"

// annotateValues records the values flag name takes.
func annotateValues(fs *pflag.FlagSet, name string, values []string) {
	if err := fs.SetAnnotation(name, ValuesAnnotation, values); err != nil {
		panic(err) // the flag was registered just before: a programming error
	}
}

// ConfigFlag is -c/--config.
type ConfigFlag struct {
	// Path is the configuration file; "" when the verb's default is
	// "none" and no -c was given.
	Path string
}

// AddFlags registers -c with the default def ("" for verbs that work
// without a configuration) and the usage text.
func (c *ConfigFlag) AddFlags(fs *pflag.FlagSet, def, usage string) {
	fs.StringVarP(&c.Path, "config", "c", def, usage)
}

// Load loads and validates the configuration. Warnings and, on failure,
// every problem are printed to stderr one per line as FILE:LINE:COL:
// message; the returned error (exit 2) counts them.
func (c *ConfigFlag) Load(stderr io.Writer) (*toolchain.Config, error) {
	cfg, warns, err := toolchain.Load(c.Path)
	for _, w := range warns {
		fmt.Fprintln(stderr, w.Error())
	}
	if err == nil {
		return cfg, nil
	}
	var problems toolchain.Problems
	if !errors.As(err, &problems) {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p.Error())
	}
	return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %d error(s)", c.Path, len(problems))}
}

// LoadOrDefaults loads the configuration -c names, or returns gotc's
// defaults when none was named.
func (c *ConfigFlag) LoadOrDefaults(stderr io.Writer) (*toolchain.Config, error) {
	if c.Path == "" {
		return toolchain.Defaults(), nil
	}
	return c.Load(stderr)
}

// SourcesFlag is --sources, the directory holding the upstream tarballs
// a configuration names.
type SourcesFlag struct {
	Dir string
}

// AddFlags registers --sources with a verb's usage text.
func (s *SourcesFlag) AddFlags(fs *pflag.FlagSet, usage string) {
	fs.StringVar(&s.Dir, "sources", "", usage)
}

// JSONFlag is --json.
type JSONFlag struct {
	JSON bool
}

// AddFlags registers --json with a verb's usage text.
func (j *JSONFlag) AddFlags(fs *pflag.FlagSet, usage string) {
	fs.BoolVar(&j.JSON, "json", false, usage)
}

// A Result is a verb's result that can be written as text or as JSON.
type Result interface {
	WriteText(w io.Writer) error
	WriteJSON(w io.Writer) error
}

// Write writes r to w as --json asks, buffered.
func (j *JSONFlag) Write(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	var err error
	if j.JSON {
		err = r.WriteJSON(bw)
	} else {
		err = r.WriteText(bw)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// GenerateFlags are the flags of the verbs that render files from the
// configuration (gen, macros, mock): -o, --check and --template-dir.
type GenerateFlags struct {
	// Output is the directory (or, for macros, the file) written.
	Output string
	// Check compares with the files on disk instead of writing.
	Check bool
	// TemplateDir overrides the built-in templates.
	TemplateDir string

	// templates are the files a --template-dir must hold.
	templates []string
	// toStdout says "-o -" writes to standard output.
	toStdout bool
}

// AddFlags registers the flags. output is -o's default and usage its
// help; templates are the template files the verb renders with; toStdout
// allows "-o -".
func (g *GenerateFlags) AddFlags(fs *pflag.FlagSet, output, usage string, toStdout bool, templates ...string) {
	g.templates, g.toStdout = templates, toStdout
	fs.StringVarP(&g.Output, "output", "o", output, usage)
	fs.BoolVar(&g.Check, "check", false, "write nothing; exit 1 when a file on disk differs from what would be written, or is missing")
	fs.StringVar(&g.TemplateDir, "template-dir", "", "render with the templates in `DIR` ("+strings.Join(templates, ", ")+") instead of the built-in ones")
}

// Validate checks the flags' values.
func (g *GenerateFlags) Validate() error {
	if g.Output == "-" && !g.toStdout {
		return Usage("-o -: this command writes several files; give a directory")
	}
	if g.Output == "-" && g.Check {
		return Usage("--check needs -o FILE to compare with, not -")
	}
	if g.Output == "" {
		return Usage("-o: empty path")
	}
	if g.TemplateDir != "" {
		for _, name := range g.templates {
			if _, err := os.Stat(filepath.Join(g.TemplateDir, name)); err != nil {
				return Usage("--template-dir: %v", err)
			}
		}
	}
	return nil
}

// Templates returns the --template-dir as a file system, or nil for the
// built-in templates.
func (g *GenerateFlags) Templates() iofs.FS {
	if g.TemplateDir == "" {
		return nil
	}
	return os.DirFS(g.TemplateDir)
}

// PackageFlags are the flags of the verbs that write packages (gotc-rpm
// build, gotc-spec srpm): which toolchains, for which arch and dist,
// compressed how, recorded on which host, signed with which key, and
// where the packages go.
type PackageFlags struct {
	// Output is the directory the packages are written to.
	Output string
	// Version selects one toolchain (1.26.8 or 1.26); "" means all.
	Version string
	// Arch is the RPM arch.
	Arch string
	// Dist is appended to the Release, as %{?dist}.
	Dist string
	// Compress is ALGO[:LEVEL].
	Compress string
	// BuildHost is recorded as BUILDHOST.
	BuildHost string
	// Sign holds the signing flags.
	Sign SignFlags
	// Format is the RPM package format, 4 or 6.
	Format int
	// RPMv4Signature also puts a v6 package's signature in the v4 tag.
	RPMv4Signature bool

	compressor string
	level      int
}

// AddFlags registers the flags; compress is --compress's default (source
// packages use rpm's gzip:9, binary packages Fedora's zstd:19) and what
// names what the verb writes ("RPMs", "source packages").
func (p *PackageFlags) AddFlags(fs *pflag.FlagSet, compress, what, archUsage string) {
	fs.StringVarP(&p.Output, "output", "o", ".", "write the "+what+" into `DIR`")
	fs.StringVar(&p.Version, "version", "", "only the toolchain with this version or series, `V` (1.26.8 or 1.26)")
	fs.StringVar(&p.Arch, "arch", "", archUsage+" (default: this machine's)")
	annotateValues(fs, "arch", Arches())
	fs.StringVar(&p.Dist, "dist", "", "dist `TAG` appended to the Release, as %{?dist} (.fc43)")
	fs.StringVar(&p.Compress, "compress", compress, "payload compression `ALGO[:LEVEL]`: zstd (1-22), xz (1-9) or gzip (1-9)")
	annotateValues(fs, "compress", []string{"zstd", "xz", "gzip"})
	fs.StringVar(&p.BuildHost, "build-host", "localhost", "build host `NAME` recorded in the packages (BUILDHOST)")
	p.Sign.AddFlags(fs)
	fs.IntVar(&p.Format, "rpm-format", 4, "package `FORMAT`: 4, what rpm 4.x and Fedora's rpm 6 build, or 6, upstream rpm 6's default, which rpm 4.x cannot fully read")
	annotateValues(fs, "rpm-format", []string{"4", "6"})
	fs.BoolVar(&p.RPMv4Signature, "rpmv4-signature", false, "with --rpm-format 6 and --sign-key, also store the signature in the v4 tag rpm 4.x verifies (rpmsign --rpmv4)")
}

// Validate checks every value, so both verbs refuse the same ones.
func (p *PackageFlags) Validate() error {
	if p.Arch == "" {
		p.Arch = toolchain.HostArch()
	}
	if p.Output == "" {
		return Usage("-o: empty path")
	}
	if _, ok := toolchain.GOARCH[p.Arch]; !ok {
		return Usage("--arch %q: not an arch gotc packages for (%s)", p.Arch, strings.Join(Arches(), ", "))
	}
	if p.Dist != "" && (!strings.HasPrefix(p.Dist, ".") || strings.ContainsFunc(p.Dist, func(r rune) bool {
		return r == '-' || r == '/' || r == '%' || r <= ' ' || r == 0x7f
	})) {
		return Usage("--dist %q must start with \".\" and hold no \"-\", \"/\", \"%%\", spaces or control characters", p.Dist)
	}
	var err error
	if p.compressor, p.level, err = ParseCompress(p.Compress); err != nil {
		return Usage("%v", err)
	}
	if err := CheckBuildHost(p.BuildHost); err != nil {
		return err
	}
	if p.Format != 4 && p.Format != 6 {
		return Usage("--rpm-format %d: want 4 or 6", p.Format)
	}
	if p.RPMv4Signature && (p.Format != 6 || p.Sign.Key == "") {
		return Usage("--rpmv4-signature needs --rpm-format 6 and --sign-key")
	}
	return p.Sign.Validate()
}

// Compression returns the algorithm and level of a validated --compress;
// level 0 is the writer's default.
func (p *PackageFlags) Compression() (string, int) { return p.compressor, p.level }

// Plans returns the toolchains to write: the one --version names, or all.
func (p *PackageFlags) Plans(cfg *toolchain.Config) ([]*toolchain.Plan, error) {
	if p.Version == "" {
		return cfg.Plans(), nil
	}
	plan, err := cfg.PlanFor(p.Version)
	if err != nil {
		return nil, Usage("--version: %v", err)
	}
	return []*toolchain.Plan{plan}, nil
}

// Arches lists the RPM arches gotc packages for, sorted.
func Arches() []string {
	var arches []string
	for a := range toolchain.GOARCH {
		arches = append(arches, a)
	}
	sort.Strings(arches)
	return arches
}

// TargetFlag is --target, repeatable or comma-separated: the releases a
// package or binary must run on.
type TargetFlag struct {
	names   []string
	targets []toolchain.Target
}

// AddFlags registers --target with a verb's usage text.
func (t *TargetFlag) AddFlags(fs *pflag.FlagSet, usage string) {
	fs.StringSliceVar(&t.names, "target", nil, usage)
	annotateValues(fs, "target", toolchain.KnownTargets())
}

// Validate looks every name up in gotc's release table.
func (t *TargetFlag) Validate() error {
	t.targets = nil
	seen := map[string]bool{}
	for _, n := range t.names {
		target, err := toolchain.ParseTarget(n)
		if err != nil {
			return Usage("--target: %v", err)
		}
		if !seen[target.Name] {
			seen[target.Name] = true
			t.targets = append(t.targets, target)
		}
	}
	return nil
}

// Targets returns the validated targets, in the order given, each once.
func (t *TargetFlag) Targets() []toolchain.Target { return t.targets }

// Common returns the package options the flags set, for the packages
// written into -o: payloads are spooled there too.
func (p *PackageFlags) Common(epoch *time.Time) rpmbuild.Common {
	compressor, level := p.Compression()
	return rpmbuild.Common{
		Arch:            p.Arch,
		Dist:            p.Dist,
		SourceDateEpoch: epoch,
		BuildHost:       p.BuildHost,
		Compressor:      compressor,
		Level:           level,
		TempDir:         p.Output,
		Format:          p.Format,
		RPMv4Signature:  p.RPMv4Signature,
	}
}

// RootFlag is --root, the install root or file system a verb checks.
type RootFlag struct {
	Dir string
}

// AddFlags registers --root, default /, with a verb's usage text.
func (r *RootFlag) AddFlags(fs *pflag.FlagSet, usage string) {
	fs.StringVar(&r.Dir, "root", "/", usage)
}

// Check refuses a root that is not an existing directory.
func (r *RootFlag) Check() error {
	if r.Dir == "" {
		return Usage("--root: empty path")
	}
	fi, err := os.Stat(r.Dir)
	if err != nil {
		return Unusable(fmt.Errorf("--root: %w", err))
	}
	if !fi.IsDir() {
		return Usage("--root %s is not a directory", r.Dir)
	}
	return nil
}
