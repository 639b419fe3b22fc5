package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/elfdeps"
	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

var buildVerb = cli.Verb{
	Name:    "build",
	Summary: "build a toolchain's RPMs natively, without rpmbuild",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &buildOptions{} },
}

// buildOptions are the flags of gotc-rpm build.
type buildOptions struct {
	Config  cli.ConfigFlag
	Sources cli.SourcesFlag
	// GOROOT is an unpacked toolchain to package instead of a tarball.
	GOROOT  string
	Package cli.PackageFlags
	// Quiet turns the progress display off.
	Quiet bool
	// Threads compress in parallel.
	Threads int
}

func (o *buildOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
	o.Sources.AddFlags(fs, "read the upstream tarballs the configuration names from `DIR`")
	fs.StringVar(&o.GOROOT, "goroot", "", "unpacked toolchain tree `DIR` to package instead of a tarball (its VERSION picks the toolchain)")
	o.Package.AddFlags(fs, "zstd:19", "RPMs", "RPM `ARCH` to build for")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "no progress display (there is none when stderr is not a terminal)")
	fs.IntVar(&o.Threads, "threads", 0, "compress `N` payload frames at once (default: one per core)")
}

func (o *buildOptions) Validate() error {
	if (o.Sources.Dir == "") == (o.GOROOT == "") {
		return cli.Usage("give exactly one of --sources DIR and --goroot DIR")
	}
	if o.Threads < 0 {
		return cli.Usage("--threads %d: want at least 1", o.Threads)
	}
	if o.Threads == 0 {
		o.Threads = runtime.NumCPU()
	}
	return o.Package.Validate()
}

func (o *buildOptions) Run(env *cli.Env, _ []string) (err error) {
	epoch, err := env.SourceDateEpoch()
	if err != nil {
		return err
	}
	signer, err := o.Package.Sign.Signer()
	if err != nil {
		return err
	}
	cfg, err := o.Config.Load(env.Stderr)
	if err != nil {
		return err
	}
	plans, err := o.plans(cfg)
	if err != nil {
		return err
	}
	undo, err := cli.MakeOutputDir(o.Package.Output)
	if err != nil {
		return cli.Unusable(err)
	}
	defer func() {
		if err != nil {
			undo()
		}
	}()
	if env.Getenv("GOMEMLIMIT") == "" {
		// The live set is the zstd encoders (tens of MiB each, one per
		// payload frame compressed at once); a soft limit keeps the garbage
		// around them from doubling the peak.
		debug.SetMemoryLimit(memoryLimit)
	}
	bopt := rpmbuild.Options{Common: o.Package.Common(epoch), Threads: o.Threads, Deps: elfDeps}
	showProgress := !o.Quiet && isTerminal(env.Stderr)
	for _, p := range plans {
		var readProgress func(read, total int64)
		bopt.Sign = cli.SignAt(signer, p.BuildTime(epoch))
		bopt.Progress = nil
		if showProgress {
			view := newProgressView(p)
			bopt.Progress = func(pr rpmbuild.Progress) {
				if line, ok := view.update(pr); ok {
					fmt.Fprint(env.Stderr, "\r\033[K"+line)
				}
			}
			readProgress = func(read, total int64) {
				if line, ok := view.reading(read, total); ok {
					fmt.Fprint(env.Stderr, "\r\033[K"+line)
				}
			}
		}
		results, err := o.buildOne(p, bopt, readProgress)
		if bopt.Progress != nil {
			fmt.Fprint(env.Stderr, "\r\033[K")
		}
		var exit *cli.ExitError
		if errors.As(err, &exit) {
			return err // says what is wrong with the input already
		} else if err != nil {
			return fmt.Errorf("building %s: %w", p.Name, err)
		}
		for _, r := range results {
			fmt.Fprintf(env.Stdout, "wrote %s\n", r.Path)
		}
	}
	return nil
}

// memoryLimit is the Go heap's soft limit during a build unless
// GOMEMLIMIT overrides it.
const memoryLimit = 170 << 20

// plans picks the toolchains to build: --version's, the one --goroot
// holds, or all. With --sources each must have a tarball for --arch.
func (o *buildOptions) plans(cfg *toolchain.Config) ([]*toolchain.Plan, error) {
	plans, err := o.Package.Plans(cfg)
	if err != nil {
		return nil, err
	}
	if o.GOROOT != "" && o.Package.Version == "" {
		v, err := os.ReadFile(filepath.Join(o.GOROOT, "VERSION"))
		if err != nil {
			return nil, cli.Unusable(fmt.Errorf("--goroot: %w", err))
		}
		first, _, _ := strings.Cut(string(v), "\n")
		p, err := cfg.PlanFor(strings.TrimPrefix(strings.TrimSpace(first), "go"))
		if err != nil {
			return nil, cli.Usage("--goroot %s holds %s: %v", o.GOROOT, strings.TrimSpace(first), err)
		}
		plans = []*toolchain.Plan{p}
	}
	if o.Sources.Dir != "" {
		for _, p := range plans {
			if _, ok := p.Toolchain.Sources[o.Package.Arch]; !ok {
				return nil, cli.Usage("--arch %s: %s has sources for %s only", o.Package.Arch, p.Name, strings.Join(p.Arches, ", "))
			}
		}
	}
	return plans, nil
}

// buildOne builds p's packages: from --goroot as is, or from the plan's
// tarball in --sources, checked and read into a spool file in the output
// directory (unlinked at once, so nothing is left behind). A tarball
// that fails its checks is unusable input (exit 2).
func (o *buildOptions) buildOne(p *toolchain.Plan, bopt rpmbuild.Options, readProgress func(read, total int64)) ([]rpmbuild.Result, error) {
	if o.GOROOT != "" {
		tree, err := srctree.ReadGOROOT(o.GOROOT)
		if err != nil {
			return nil, cli.Unusable(err)
		}
		defer tree.Close()
		return rpmbuild.Build(p, tree, o.Package.Output, bopt)
	}
	src := p.Toolchain.Sources[o.Package.Arch]
	tarball := filepath.Join(o.Sources.Dir, src.File)
	results, err := rpmbuild.BuildTarball(p, tarball, srctree.ExtractOptions{SHA256: src.SHA256, Progress: readProgress}, o.Package.Output, bopt)
	var xerr *srctree.ExtractError
	if errors.As(err, &xerr) {
		return nil, cli.Unusable(err)
	}
	return results, err
}

// elfDeps is rpmbuild's ELF dependency generator for the native build.
// Like rpm's elfdeps it keeps what it could read from a damaged file and
// yields nothing for files that are not ELF.
func elfDeps(name string, r io.ReaderAt, size int64, executable bool) ([]string, []string, error) {
	d, err := elfdeps.AnalyzeNamed(name, r, size, executable)
	if err != nil && !errors.Is(err, elfdeps.ErrMalformed) {
		return nil, nil, nil
	}
	d = d.Sorted()
	return d.Requires, d.Provides, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
