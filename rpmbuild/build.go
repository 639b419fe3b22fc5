// Package rpmbuild builds a toolchain's RPMs natively, without
// rpmbuild: it takes a toolchain.Plan and a Go tree (a release tarball
// read by srctree.Extract, or a packager's own GOROOT read by
// srctree.ReadGOROOT) and writes the same packages rpmbuild makes from
// the spec gotc-spec generates — same split, modes, flags, ghosts,
// scriptlets and dependencies — through rpmwrite's streaming writer; and
// the source package, as rpmbuild -bs makes it.
//
// Every packaging fact comes from the plan, and every file list from
// package filelist; this package maps them onto RPM headers and
// schedules the payload work.
package rpmbuild

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"time"

	"github.com/gotc-project/gotc/fileclass"
	"github.com/gotc-project/gotc/filelist"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// Common are the options binary (Options) and source (SourceOptions)
// package builds share.
type Common struct {
	// Arch is the RPM arch (x86_64, aarch64, …): of the main package for
	// a binary build, required; the ARCH tag of a source package, which
	// rpmbuild -bs sets to the build host's arch (toolchain.HostArch()
	// when empty).
	Arch string
	// Dist is appended to the Release, as %{?dist} is (".fc41").
	Dist string
	// SourceDateEpoch is SOURCE_DATE_EPOCH, nil when unset. Like rpmbuild
	// with the spec's source_date_epoch_from_changelog, the build time and
	// the clamp for file mtimes are SOURCE_DATE_EPOCH or, when unset, the
	// newest changelog entry's time (toolchain.Plan.BuildTime).
	SourceDateEpoch *time.Time
	// BuildHost is recorded in the header ("localhost" when empty).
	BuildHost string
	// Compressor and Level select the payload compression. When empty:
	// zstd 19 for binary packages (Fedora's default), gzip 9 for source
	// packages (rpm's %_source_payload).
	Compressor string
	Level      int
	// TempDir is where payloads are spooled, and BuildTarball's
	// tarball bodies (os.TempDir() when empty).
	TempDir string
	// Sign, when set, signs each package's header (see
	// rpmwrite.Options.Sign and gotc/signing).
	Sign func(header []byte) (tag uint32, sig []byte, err error)
	// Format is the package format, rpmwrite.FormatV4 (the default when
	// zero) or rpmwrite.FormatV6 (--rpm-format).
	Format int
	// RPMv4Signature also stores a v6 package's signature in the v4 tag
	// rpm 4 verifies, as rpmsign --rpmv4 does (rpmwrite.Options).
	RPMv4Signature bool
}

// Options control a native build.
type Options struct {
	Common
	// Threads is how many payload frames (of any package) are
	// compressed at once.
	Threads int
	// FrameSize cuts zstd payloads into independent frames of this many
	// uncompressed bytes, compressed concurrently (see
	// rpmwrite.Options.FrameSize); zero frames only a payload that holds
	// more than half of all the bytes, with DefaultFrameSize; negative
	// writes every payload as one frame.
	FrameSize int64
	// Progress, when set, is called as packages are compressed, with
	// where one of them stands. Calls are serialised per package but may
	// come from several goroutines.
	Progress func(Progress)
	// Deps, when set, returns the automatic Requires and Provides of a
	// regular file, as rpmbuild's ELF dependency generator would: name
	// is its toolchain-relative path, r its body of size bytes, and
	// executable whether it is mode 0755.
	Deps func(name string, r io.ReaderAt, size int64, executable bool) (requires, provides []string, err error)

	buildTime time.Time
	// earlyStart, when set, is told whether BuildTarball started the
	// main package early and whether that work was kept (for tests).
	earlyStart func(started, kept bool)
}

// Progress is where the compression of one package stands.
type Progress struct {
	Package string
	// Files and Bytes are the regular files and body bytes compressed so
	// far, of TotalFiles and TotalBytes.
	Files, TotalFiles int
	Bytes, TotalBytes int64
}

// Result is one written package.
type Result struct {
	Name string
	Path string
}

// Build writes every package of plan p built from tree t into outDir and
// returns them, main package first. Output files are written atomically;
// on error no partial package is left.
func Build(p *toolchain.Plan, t *srctree.Tree, outDir string, opt Options) ([]Result, error) {
	if err := opt.prepare(p); err != nil {
		return nil, err
	}
	c, err := contentsOf(p, t, opt)
	if err != nil {
		return nil, err
	}
	pool := newPool(opt.Threads)
	order, err := addPackages(pool, p, c, outDir, opt, nil)
	if err != nil {
		pool.abort(err)
		return nil, err
	}
	return pool.wait(order)
}

// prepare checks opt against p and sets the build time.
func (opt *Options) prepare(p *toolchain.Plan) error {
	if _, ok := toolchain.GOARCH[opt.Arch]; !ok {
		return fmt.Errorf("unsupported arch %q", opt.Arch)
	}
	if _, ok := p.Toolchain.Sources[opt.Arch]; !ok {
		return fmt.Errorf("%s has no source for %s in %s", p.Name, opt.Arch, p.Config.File())
	}
	opt.buildTime = p.BuildTime(opt.SourceDateEpoch)
	return nil
}

// addPackages prepares every package of p from c and queues it in pool,
// except the main package when early, prepared before, is still right;
// it returns the packages in plan order.
func addPackages(pool *pool, p *toolchain.Plan, c *contents, outDir string, opt Options, early *earlyMain) ([]*poolPackage, error) {
	total := c.total(p)
	order := make([]*poolPackage, len(p.Packages))
	for i, pkg := range p.Packages {
		fs := frameSize(opt, pkg == p.Main(), c.size(pkg.Name), total)
		if i == 0 && early != nil {
			if early.matches(p, c, fs, opt) {
				pool.release(early.pk)
				order[i] = early.pk
				continue
			}
			pool.cancel(early.pk)
			early.pk.pkg.Close()
		}
		pk, out, err := preparePackage(p, pkg, c, outDir, fs, opt)
		if err != nil {
			return nil, err
		}
		order[i] = pool.add(pkg.Name, out, pk, false)
	}
	return order, nil
}

// DefaultFrameSize is the frame size Build uses, unless Options.FrameSize
// says otherwise, for a zstd payload that holds more than half of all the
// packages' bytes: cut into independent frames of 64 MiB (uncompressed),
// it keeps two cores busy where it would keep one (a toolchain packaged
// without subpackages compresses in half the time).
const DefaultFrameSize = 64 << 20

// SubpackageFrameSize is the frame size of the other subpackage
// payloads (sources, tests, documentation: text). Frames restart the
// match history, which costs text little (0.2–0.5% at 32 MiB) and lets
// the last frames of all packages spread over every core instead of one
// long payload finishing alone. The main package's payload, the
// toolchain's binaries, is one frame unless it holds more than half of
// the bytes: its matches reach from tool to tool, and frames cost it 4%
// at 64 MiB.
const SubpackageFrameSize = 32 << 20

// frameSize is the frame size of a payload of size bytes out of total;
// main says whether it is the main package's.
func frameSize(opt Options, main bool, size, total int64) int64 {
	switch {
	case opt.Compressor != "zstd" && opt.Compressor != "":
		return 0
	case opt.FrameSize < 0:
		return 0
	case opt.FrameSize > 0:
		return opt.FrameSize
	case 2*size > total:
		return DefaultFrameSize
	case !main:
		return SubpackageFrameSize
	}
	return 0
}

// preparePackage lays out one package of p and returns it with the path
// it will be written to.
func preparePackage(p *toolchain.Plan, pkg *toolchain.Package, c *contents, outDir string, frameSize int64, opt Options) (*rpmwrite.Package, string, error) {
	arch := opt.Arch
	if pkg.Noarch {
		arch = "noarch"
	}
	m, err := metadata(p, pkg, arch, opt, c)
	if err != nil {
		return nil, "", err
	}
	out := filepath.Join(outDir, fmt.Sprintf("%s-%s-%s.%s.rpm", m.Name, m.Version, m.Release, arch))
	wopt := rpmwrite.Options{Compressor: opt.Compressor, Level: opt.Level, Threads: 1, TempDir: opt.TempDir, FrameSize: frameSize, Sign: opt.Sign, Format: opt.Format, RPMv4Signature: opt.RPMv4Signature}
	if opt.Progress != nil {
		pr := Progress{Package: pkg.Name}
		for _, f := range c.files[pkg.Name] {
			if f.Open != nil {
				pr.TotalFiles++
				pr.TotalBytes += f.Size
			}
		}
		wopt.Progress = func(n int, b int64) {
			pr.Files, pr.Bytes = n, b
			opt.Progress(pr)
		}
		opt.Progress(pr) // nothing done yet: the totals
	}
	pk, err := rpmwrite.Prepare(m, c.files[pkg.Name], wopt)
	if err != nil {
		return nil, "", fmt.Errorf("writing %s: %w", filepath.Base(out), err)
	}
	return pk, out, nil
}

// contentsOf lays out what each package of p built from tree t holds:
// the file lists filelist derives, and the automatic (ELF) dependencies
// of their files when opt.Deps is set.
func contentsOf(p *toolchain.Plan, t *srctree.Tree, opt Options) (*contents, error) {
	lists, err := filelist.Of(p, t, opt.buildTime)
	if err != nil {
		return nil, err
	}
	c := &contents{files: map[string][]rpmwrite.File{}, requires: map[string][]string{}, provides: map[string][]string{}}
	var depExclude *regexp.Regexp
	if re := p.DependencyExcludeRegexp(); re != "" && opt.Deps != nil {
		depExclude = regexp.MustCompile(re)
	}
	for _, pkg := range p.Packages {
		list := lists[pkg.Name]
		files := make([]rpmwrite.File, len(list))
		for i, f := range list {
			files[i] = rpmwrite.File{Path: f.Path, Mode: f.Mode, Size: f.Size, MTime: f.MTime, Flags: f.Flags, LinkTo: f.LinkTo, Open: f.Open}
			if f.Open != nil && f.Flags&rpmtag.FileGhost == 0 {
				if err := classifyFile(&files[i], t, f); err != nil {
					return nil, err
				}
			}
			if opt.Deps == nil || f.Entry == nil || !f.Entry.IsRegular() || depExclude != nil && depExclude.MatchString(f.Path) {
				continue
			}
			req, prov, err := fileDeps(t, f.Entry, opt.Deps)
			if err != nil {
				return nil, fmt.Errorf("dependencies of %s: %w", f.Path, err)
			}
			c.requires[pkg.Name] = append(c.requires[pkg.Name], req...)
			c.provides[pkg.Name] = append(c.provides[pkg.Name], prov...)
		}
		if len(files) > 0 {
			c.files[pkg.Name] = files
		}
	}
	return c, nil
}

// classifyFile classifies a regular file of the list: read in place from
// the tree, or, when the plan rewrote it (go.env), from its new body.
func classifyFile(out *rpmwrite.File, t *srctree.Tree, f filelist.File) error {
	if f.Entry != nil && f.Entry.IsRegular() && f.Entry.Size == f.Size && path.Base(f.Path) != "go.env" {
		r, done, err := t.ReaderAt(f.Entry)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		defer done()
		return classify(out, r)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, f.Size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	return classify(out, bytes.NewReader(body))
}

// classify sets what rpmbuild's file classifier records about regular
// file f, whose body r holds: FILECOLORS (2 for an executable 64-bit ELF
// file), FILECLASS (v4) and the MIME type (v6), from gotc/fileclass.
func classify(f *rpmwrite.File, r io.ReaderAt) error {
	res, err := fileclass.Regular(f.Path, f.Mode, r, f.Size)
	if err != nil {
		return fmt.Errorf("classifying %s: %w", f.Path, err)
	}
	f.Class, f.MIME, f.Color = res.Class, res.MIME, res.Color
	return nil
}

// contents is what contentsOf puts in each package, by package name.
type contents struct {
	files              map[string][]rpmwrite.File
	requires, provides map[string][]string // automatic (ELF) dependencies
}

// fileDeps runs deps on regular file e.
func fileDeps(t *srctree.Tree, e *srctree.Entry, deps func(string, io.ReaderAt, int64, bool) ([]string, []string, error)) ([]string, []string, error) {
	r, done, err := t.ReaderAt(e)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	return deps(e.Rel, r, e.Size, e.Mode == srctree.ModeExec)
}

// total is the body bytes of all of p's packages.
func (c *contents) total(p *toolchain.Plan) int64 {
	var n int64
	for _, pkg := range p.Packages {
		n += c.size(pkg.Name)
	}
	return n
}

// size is the body bytes of package name.
func (c *contents) size(name string) int64 {
	var n int64
	for _, f := range c.files[name] {
		n += f.Size
	}
	return n
}
