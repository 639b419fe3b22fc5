package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/internal/sde"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// srpmOptions are the flags of gotc-spec srpm.
type srpmOptions struct {
	// Config is the configuration file.
	Config string
	// Sources is the directory holding the upstream tarballs.
	Sources string
	// OutDir is where the source packages are written.
	OutDir string
	// Version selects one toolchain (version or series).
	Version string
	// Dist is appended to the Release.
	Dist string
	// Compress is ALGO[:LEVEL] for the payload.
	Compress string
	// Sign holds the signing flags.
	Sign cli.SignFlags
	// BuildHost is recorded as BUILDHOST.
	BuildHost string
}

func (o *srpmOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
	fs.StringVar(&o.Sources, "sources", "", "directory holding the upstream tarballs (required)")
	fs.StringVarP(&o.OutDir, "output", "o", ".", "directory the source packages are written to")
	fs.StringVar(&o.Version, "version", "", "build only this toolchain (1.26.8 or 1.26)")
	fs.StringVar(&o.Dist, "dist", "", "appended to the Release, as %{?dist} (.fc43)")
	fs.StringVar(&o.Compress, "compress", "gzip:9", "payload compression: gzip[:1-9], xz[:1-9] or zstd[:1-22]")
	o.Sign.AddFlags(fs)
	fs.StringVar(&o.BuildHost, "build-host", "localhost", "build host recorded in the packages (BUILDHOST and COOKIE)")
}

func runSRPM(args []string, stdout, stderr io.Writer) error {
	var o srpmOptions
	flags := prog.NewFlagSet("srpm")
	o.addFlags(flags)
	if err := parseFlags(flags, args, 0, "srpm", stdout); err != nil {
		return err
	}
	if err := cli.CheckBuildHost(o.BuildHost); err != nil {
		return err
	}
	if o.Sources == "" {
		return cli.Usage("srpm: --sources DIR is required")
	}
	compressor, level, err := cli.ParseCompress(o.Compress)
	if err != nil {
		return cli.Usage("%v", err)
	}
	signer, err := o.Sign.Signer()
	if err != nil {
		return err
	}
	epoch, err := sde.Parse(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return cli.Usage("%v", err)
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	plans := cfg.Plans()
	if o.Version != "" {
		p, err := cfg.PlanFor(o.Version)
		if err != nil {
			return cli.Usage("srpm: %v", err)
		}
		plans = []*toolchain.Plan{p}
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	for _, p := range plans {
		var spec bytes.Buffer
		if err := specgen.Generate(&spec, p, specgen.Options{ConfigName: filepath.Base(o.Config), SourceDateEpoch: epoch}); err != nil {
			return err
		}
		r, err := rpmbuild.BuildSource(p, spec.Bytes(), o.Sources, o.OutDir, rpmbuild.SourceOptions{Common: rpmbuild.Common{
			Dist: o.Dist, SourceDateEpoch: epoch, Compressor: compressor, Level: level, TempDir: o.OutDir,
			Sign:      cli.SignAt(signer, p.BuildTime(epoch)),
			BuildHost: o.BuildHost,
		}})
		var xerr *srctree.ExtractError
		switch {
		case errors.As(err, &xerr), errors.Is(err, os.ErrNotExist):
			return &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("%s: %w", p.Name, err)}
		case err != nil:
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", r.Path)
	}
	return nil
}
