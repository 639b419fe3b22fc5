package rpmbuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/toolchain"
)

// SourceOptions control a source package build.
type SourceOptions struct {
	// Arch is the ARCH tag: rpmbuild -bs records the build host's arch.
	// Empty means this machine's.
	Arch string
	// Dist is appended to the Release, as %{?dist} is.
	Dist string
	// SourceDateEpoch is SOURCE_DATE_EPOCH, nil when unset (the newest
	// changelog entry's time is used, as for binary packages).
	SourceDateEpoch *time.Time
	// BuildHost is recorded in the header ("localhost" when empty).
	BuildHost string
	// Compressor and Level select the payload compression: gzip 9 when
	// empty, rpm's %_source_payload.
	Compressor string
	Level      int
	// TempDir is where the payload is spooled.
	TempDir string
	// Format is the package format, rpmwrite.FormatV4 (the default when
	// zero) or rpmwrite.FormatV6 (gotc-spec srpm --rpm-format).
	Format int
	// Sign, when set, signs the header (see rpmwrite.Options.Sign).
	Sign func(header []byte) (tag uint32, sig []byte, err error)
}

// BuildSource writes the source package of plan p — the spec gotc-spec
// gen writes (spec) and the plan's upstream tarballs from sourcesDir,
// each checked against its SHA-256 first — into outDir, as rpmbuild -bs
// makes it from that spec: same file list, Provides, Requires and tags,
// except the RPMTAG_SPEC copy of the parsed spec rpmbuild 4.15 and later
// add, which holds the building machine's paths. File mtimes are clamped
// to the build time; files are 0644, owned by root. The package is
// written atomically.
func BuildSource(p *toolchain.Plan, spec []byte, sourcesDir, outDir string, opt SourceOptions) (Result, error) {
	buildTime := BuildTime(p, opt.SourceDateEpoch)
	clamp := uint32(buildTime.Unix())
	if opt.Arch == "" {
		opt.Arch = hostArch()
	}
	if opt.Compressor == "" {
		opt.Compressor, opt.Level = "gzip", 9
	}
	release := fmt.Sprintf("%d%s", p.Release, opt.Dist)
	specName := p.Name + ".spec"
	files := []rpmwrite.File{{
		Path: specName, Mode: 0o100644, Size: int64(len(spec)), MTime: clamp, Flags: rpmtag.FileSpecfile,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(spec)), nil },
	}}
	var sources []string
	for _, arch := range p.Arches {
		src := p.Toolchain.Sources[arch]
		path := filepath.Join(sourcesDir, src.File)
		info, err := checkSource(path, src.SHA256)
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

	m := rpmwrite.Metadata{
		Name:        p.Name,
		Version:     p.RPMVersion,
		Release:     release,
		Arch:        opt.Arch,
		Summary:     p.Main().Summary,
		Description: p.Main().Description,
		License:     p.Config.License,
		URL:         p.Config.URL,
		Vendor:      p.Config.Vendor,
		BuildHost:   opt.BuildHost,
		BuildTime:   buildTime.Unix(),
	}
	if m.BuildHost == "" {
		m.BuildHost = "localhost"
	}
	if p.Epoch != nil {
		e := uint32(*p.Epoch)
		m.Epoch = &e
	}
	m.Source = &rpmwrite.Source{
		Sources:       sources,
		ExclusiveArch: p.Arches,
		Cookie:        fmt.Sprintf("%s %d", m.BuildHost, m.BuildTime),
	}
	// rpmbuild -bs provides every package the spec builds.
	evr := p.RPMVersion + "-" + release
	if p.Epoch != nil {
		evr = fmt.Sprintf("%d:%s", *p.Epoch, evr)
	}
	for _, pkg := range p.Packages {
		m.Provides = append(m.Provides, rpmwrite.Dependency{Name: pkg.Name, Flags: rpmtag.SenseEqual, Version: evr})
	}
	m.Changelog = changelog(p, opt.SourceDateEpoch)

	out := filepath.Join(outDir, fmt.Sprintf("%s-%s-%s.src.rpm", p.Name, p.RPMVersion, release))
	err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
		return rpmwrite.Write(w, m, files, rpmwrite.Options{Compressor: opt.Compressor, Level: opt.Level, TempDir: opt.TempDir, Sign: opt.Sign, Format: opt.Format})
	})
	if err != nil {
		return Result{}, fmt.Errorf("writing %s: %w", filepath.Base(out), err)
	}
	return Result{Name: p.Name, Path: out}, nil
}

// checkSource checks the tarball at path against its expected SHA-256.
func checkSource(path, want string) (os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("hashing %s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return nil, &ExtractError{Tarball: filepath.Base(path), Kind: ErrChecksum, Err: fmt.Errorf("checksum mismatch: SHA-256 is %s, want %s", got, want)}
	}
	return info, nil
}

// hostArch is this machine's RPM arch.
func hostArch() string {
	for arch, goarch := range toolchain.GOARCH {
		if goarch == runtime.GOARCH {
			return arch
		}
	}
	return runtime.GOARCH
}
