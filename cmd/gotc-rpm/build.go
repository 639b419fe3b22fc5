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
	"github.com/gotc-project/gotc/internal/sde"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// buildOptions are the flags of gotc-rpm build.
type buildOptions struct {
	// Config is the configuration file.
	Config string
	// Sources is the directory holding the upstream tarballs.
	Sources string
	// GOROOT is an unpacked toolchain to package instead of a tarball.
	GOROOT string
	// OutDir receives the RPMs.
	OutDir string
	// Version selects one toolchain (1.26.8 or 1.26).
	Version string
	// Arch is the RPM arch to build for.
	Arch string
	// Compress is ALGO[:LEVEL].
	Compress string
	// Dist is appended to the Release.
	Dist string
	// Quiet turns the progress display off.
	Quiet bool
	// Sign holds the signing flags.
	Sign cli.SignFlags
	// BuildHost is recorded as BUILDHOST.
	BuildHost string
	// Threads compress in parallel.
	Threads int
}

func (o *buildOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
	fs.StringVar(&o.Sources, "sources", "", "directory with the upstream tarballs named in the config")
	fs.StringVar(&o.GOROOT, "goroot", "", "unpacked toolchain tree to package instead of a tarball")
	fs.StringVarP(&o.OutDir, "output", "o", ".", "directory the RPMs are written to")
	fs.StringVar(&o.Version, "version", "", "build only this toolchain (1.26.8 or 1.26)")
	fs.StringVar(&o.Arch, "arch", toolchain.HostArch(), "RPM arch to build for")
	fs.StringVar(&o.Compress, "compress", "zstd:19", "payload compression: zstd:N, xz:N or gzip:N")
	fs.StringVar(&o.Dist, "dist", "", "dist tag appended to Release, as %{?dist} (e.g. .fc41)")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "no progress display")
	o.Sign.AddFlags(fs)
	fs.StringVar(&o.BuildHost, "build-host", "localhost", "build host recorded in the packages (BUILDHOST)")
	fs.IntVar(&o.Threads, "threads", runtime.NumCPU(), "compression threads")
}

func runBuild(args []string, stdout, stderr io.Writer) error {
	var o buildOptions
	flags := prog.NewFlagSet("build")
	o.addFlags(flags)
	if err := parseFlags(flags, args, 0, "build", stdout); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return cli.Usage("build: unexpected argument %q", flags.Arg(0))
	}
	if err := cli.CheckBuildHost(o.BuildHost); err != nil {
		return err
	}
	if (o.Sources == "") == (o.GOROOT == "") {
		return cli.Usage("build: give exactly one of --sources DIR and --goroot DIR")
	}
	if o.Dist != "" && !strings.HasPrefix(o.Dist, ".") || strings.ContainsAny(o.Dist, "- /%") {
		return cli.Usage("build: --dist %q must start with \".\" and contain no \"-\", \"/\", \"%%\" or spaces", o.Dist)
	}
	signer, err := o.Sign.Signer()
	if err != nil {
		return err
	}
	compressor, level, err := cli.ParseCompress(o.Compress)
	if err != nil {
		return cli.Usage("build: %v", err)
	}
	epoch, err := sde.Parse(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return cli.Usage("%v", err)
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	plans, err := selectPlans(cfg, o)
	if err != nil {
		return cli.Usage("build: %v", err)
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The live set is the zstd encoders (tens of MiB each, one per
		// payload frame compressed at once); a soft limit keeps the garbage
		// around them from doubling the peak.
		debug.SetMemoryLimit(memoryLimit)
	}
	bopt := rpmbuild.Options{
		Common: rpmbuild.Common{
			Arch:            o.Arch,
			Dist:            o.Dist,
			SourceDateEpoch: epoch,
			Compressor:      compressor,
			Level:           level,
			TempDir:         o.OutDir,
			BuildHost:       o.BuildHost,
		},
		Threads: o.Threads,
		Deps:    elfDeps,
	}
	showProgress := !o.Quiet && isTerminal(stderr)
	for _, p := range plans {
		var readProgress func(read, total int64)
		bopt.Sign = cli.SignAt(signer, p.BuildTime(epoch))
		if showProgress {
			view := newProgressView(p)
			bopt.Progress = func(pr rpmbuild.Progress) {
				if line, ok := view.update(pr); ok {
					fmt.Fprint(stderr, "\r\033[K"+line)
				}
			}
			readProgress = func(read, total int64) {
				if line, ok := view.reading(read, total); ok {
					fmt.Fprint(stderr, "\r\033[K"+line)
				}
			}
		}
		results, err := buildOne(p, o, bopt, readProgress)
		if bopt.Progress != nil {
			fmt.Fprint(stderr, "\r\033[K")
		}
		var exit *cli.ExitError
		if errors.As(err, &exit) {
			return err // says what is wrong with the input already
		} else if err != nil {
			return fmt.Errorf("building %s: %w", p.Name, err)
		}
		for _, r := range results {
			fmt.Fprintf(stdout, "wrote %s\n", r.Path)
		}
	}
	return nil
}

// memoryLimit is the Go heap's soft limit during a build unless
// GOMEMLIMIT overrides it.
const memoryLimit = 170 << 20

// selectPlans picks the toolchains to build.
func selectPlans(cfg *toolchain.Config, o buildOptions) ([]*toolchain.Plan, error) {
	if o.Version != "" {
		p, err := cfg.PlanFor(o.Version)
		if err != nil {
			return nil, err
		}
		return []*toolchain.Plan{p}, nil
	}
	if o.GOROOT != "" {
		v, err := os.ReadFile(filepath.Join(o.GOROOT, "VERSION"))
		if err != nil {
			return nil, fmt.Errorf("--goroot: %w", err)
		}
		first, _, _ := strings.Cut(string(v), "\n")
		p, err := cfg.PlanFor(strings.TrimPrefix(strings.TrimSpace(first), "go"))
		if err != nil {
			return nil, fmt.Errorf("--goroot %s holds %s: %w", o.GOROOT, strings.TrimSpace(first), err)
		}
		return []*toolchain.Plan{p}, nil
	}
	return cfg.Plans(), nil
}

// buildOne builds p's packages: from --goroot as is, or from the plan's
// tarball in --sources, checked and read into a spool file in the output
// directory (unlinked at once, so nothing is left behind). A tarball
// that fails its checks is unusable input (exit 2).
func buildOne(p *toolchain.Plan, o buildOptions, bopt rpmbuild.Options, readProgress func(read, total int64)) ([]rpmbuild.Result, error) {
	if o.GOROOT != "" {
		tree, err := srctree.ReadGOROOT(o.GOROOT)
		if err != nil {
			return nil, err
		}
		defer tree.Close()
		return rpmbuild.Build(p, tree, o.OutDir, bopt)
	}
	src, ok := p.Toolchain.Sources[o.Arch]
	if !ok {
		return nil, cli.Usage("build: %s has no %s source in %s", p.Name, o.Arch, o.Config)
	}
	tarball := filepath.Join(o.Sources, src.File)
	results, err := rpmbuild.BuildTarball(p, tarball, srctree.ExtractOptions{SHA256: src.SHA256, Progress: readProgress}, o.OutDir, bopt)
	var xerr *srctree.ExtractError
	if errors.As(err, &xerr) {
		return nil, &cli.ExitError{Code: cli.ExitUsage, Err: err}
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
