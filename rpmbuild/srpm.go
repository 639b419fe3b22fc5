package rpmbuild

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// SourceOptions control a source package build: the options binary
// builds have too, none of their own.
type SourceOptions struct {
	Common
}

// BuildSource writes the source package of plan p — the spec gotc-spec
// gen writes (spec) and the plan's upstream tarballs from sourcesDir,
// each checked against its SHA-256 first — into outDir, as rpmbuild -bs
// makes it from that spec: same file list, Provides, Requires and tags,
// except the RPMTAG_SPEC copy of the parsed spec rpmbuild 4.15 and later
// add, which holds the building machine's paths. File mtimes are clamped
// to the build time; files are 0644, owned by root. The package is
// written atomically, and nothing is written (in TempDir either) before
// every tarball passed its check; a tarball that does not is an
// *srctree.ExtractError.
func BuildSource(p *toolchain.Plan, spec []byte, sourcesDir, outDir string, opt SourceOptions) (Result, error) {
	buildTime := p.BuildTime(opt.SourceDateEpoch)
	clamp := uint32(buildTime.Unix())
	if opt.Arch == "" {
		opt.Arch = toolchain.HostArch()
	}
	if opt.Compressor == "" {
		opt.Compressor, opt.Level = "gzip", 9
	}
	specName := p.Name + ".spec"
	files := []rpmwrite.File{{
		Path: specName, Mode: 0o100644, Size: int64(len(spec)), MTime: clamp, Flags: rpmtag.FileSpecfile,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(spec)), nil },
	}}
	var sources []string
	for _, arch := range p.Arches {
		src := p.Toolchain.Sources[arch]
		path := filepath.Join(sourcesDir, src.File)
		info, err := srctree.CheckSHA256(path, src.SHA256)
		if err != nil {
			return Result{}, err
		}
		mtime := clamp
		if t := info.ModTime().Unix(); t >= 0 && t < int64(clamp) {
			mtime = uint32(t)
		}
		files = append(files, rpmwrite.File{
			Path: src.File, Mode: 0o100644, Size: info.Size(), MTime: mtime,
			Open: func() (io.ReadCloser, error) { return os.Open(path) },
		})
		sources = append(sources, src.File)
	}

	m := header(p, opt.Arch, opt.Common, buildTime)
	m.Name, m.Summary, m.Description = p.Name, p.Main().Summary, p.Main().Description
	m.Source = &rpmwrite.Source{
		Sources:       sources,
		ExclusiveArch: p.Arches,
		Cookie:        fmt.Sprintf("%s %d", m.BuildHost, m.BuildTime),
	}
	// rpmbuild -bs provides every package the spec builds.
	evr := p.EVRWithDist(opt.Dist)
	for _, pkg := range p.Packages {
		m.Provides = append(m.Provides, rpmwrite.Dependency{Name: pkg.Name, Flags: rpmtag.SenseEqual, Version: evr})
	}

	out := filepath.Join(outDir, sourceRPM(p, opt.Dist))
	err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
		return rpmwrite.Write(w, m, files, rpmwrite.Options{Compressor: opt.Compressor, Level: opt.Level, TempDir: opt.TempDir, Sign: opt.Sign, Format: opt.Format, RPMv4Signature: opt.RPMv4Signature})
	})
	if err != nil {
		return Result{}, fmt.Errorf("writing %s: %w", filepath.Base(out), err)
	}
	return Result{Name: p.Name, Path: out}, nil
}
