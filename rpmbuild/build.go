// Package rpmbuild builds a toolchain's binary RPMs natively, without
// rpmbuild: it takes a toolchain.Plan and a Go tree (a release tarball
// read by Extract, or a packager's own GOROOT read by ReadTree) and
// writes the same packages
// rpmbuild makes from the spec gotc-spec generates — same split, modes,
// flags, ghosts, scriptlets and dependencies — through rpmwrite's
// streaming writer.
//
// Every packaging fact comes from the plan; this package only walks the
// tree and maps plan facts onto RPM headers.
package rpmbuild

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gotc-project/gotc/fileclass"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/toolchain"
)

// Options control a native build.
type Options struct {
	// Arch is the RPM arch of the main package (x86_64, aarch64, …).
	Arch string
	// Dist is appended to the Release, as %{?dist} is (".fc41").
	Dist string
	// SourceDateEpoch is SOURCE_DATE_EPOCH, nil when unset. Like rpmbuild
	// with the spec's source_date_epoch_from_changelog, the build time and
	// the clamp for file mtimes are SOURCE_DATE_EPOCH or, when unset, the
	// newest changelog entry's time.
	SourceDateEpoch *time.Time
	// BuildHost is recorded in the header ("localhost" when empty).
	BuildHost string
	// Compressor and Level select the payload compression (zstd 19 when
	// empty/zero, Fedora's default).
	Compressor string
	Level      int
	// Threads is how many payload frames (of any package) are
	// compressed at once.
	Threads int
	// FrameSize cuts zstd payloads into independent frames of this many
	// uncompressed bytes, compressed concurrently (see
	// rpmwrite.Options.FrameSize); zero frames only a payload that holds
	// more than half of all the bytes, with DefaultFrameSize; negative
	// writes every payload as one frame.
	FrameSize int64
	// TempDir is where payloads are spooled.
	TempDir string
	// Format is the package format, rpmwrite.FormatV4 (the default when
	// zero) or rpmwrite.FormatV6 (gotc-rpm build --rpm-format).
	Format int
	// Sign, when set, signs each package's header (see
	// rpmwrite.Options.Sign and gotc/signing).
	Sign func(header []byte) (tag uint32, sig []byte, err error)
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
	// noClassify skips the file classifier (Expected, whose file lists
	// are compared by path, type and flags only).
	noClassify bool
	// earlyStart, when set, is told whether BuildTarball started the
	// main package early and whether that work was kept (for tests).
	earlyStart func(started, kept bool)
}

// BuildTime is the build time of p's packages: SOURCE_DATE_EPOCH when set,
// else the newest changelog entry's time, as rpmbuild does with
// source_date_epoch_from_changelog.
func BuildTime(p *toolchain.Plan, sourceDateEpoch *time.Time) time.Time {
	if sourceDateEpoch != nil {
		return *sourceDateEpoch
	}
	return p.ChangelogEntries(nil)[0].Time
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
func Build(p *toolchain.Plan, t *Tree, outDir string, opt Options) ([]Result, error) {
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
	opt.buildTime = BuildTime(p, opt.SourceDateEpoch)
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
	wopt := rpmwrite.Options{Compressor: opt.Compressor, Level: opt.Level, Threads: 1, TempDir: opt.TempDir, FrameSize: frameSize, Sign: opt.Sign, Format: opt.Format}
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

// Expected returns, by package name, the file list each package of p
// built from tree t holds — the exact expectation a verifier checks built
// RPMs against, from the same code the builder uses. Bodies are not read;
// Open is set for regular files, until t is closed.
func Expected(p *toolchain.Plan, t *Tree, opt Options) (map[string][]rpmwrite.File, error) {
	opt.buildTime = BuildTime(p, opt.SourceDateEpoch)
	opt.Deps = nil
	opt.noClassify = true
	c, err := contentsOf(p, t, opt)
	if err != nil {
		return nil, err
	}
	return c.files, nil
}

func contentsOf(p *toolchain.Plan, t *Tree, opt Options) (*contents, error) {
	if err := checkTree(p, t); err != nil {
		return nil, err
	}
	return assemble(p, t, opt)
}

// checkTree refuses a tree that is not the toolchain the plan names.
func checkTree(p *toolchain.Plan, t *Tree) error {
	var version []byte
	if e := t.lookup("VERSION"); e != nil && e.isRegular() {
		b, err := t.readSmall(e, 4096)
		if err != nil {
			return fmt.Errorf("%s: reading VERSION: %w", t.source, err)
		}
		version = b
	}
	first, _, _ := strings.Cut(string(version), "\n")
	if strings.TrimSpace(first) != p.Version.GoVersion() {
		return fmt.Errorf("toolchain tree is %q, but %s packages %s", strings.TrimSpace(first), p.Name, p.Version.GoVersion())
	}
	return nil
}

// assemble maps the tree and the plan's extra entries onto each package's
// file list, sorted by path.
func assemble(p *toolchain.Plan, t *Tree, opt Options) (*contents, error) {
	clamp := uint32(opt.buildTime.Unix())
	mtime := func(t time.Time) uint32 {
		if u := t.Unix(); u >= 0 && u < int64(clamp) {
			return uint32(u)
		}
		return clamp
	}
	var depExclude *regexp.Regexp
	if re := p.DependencyExcludeRegexp(); re != "" {
		depExclude = regexp.MustCompile(re)
	}
	files := map[string][]rpmwrite.File{}
	removed := map[string]bool{} // excluded directories: skip what is under them
	autoReq := map[string][]string{}
	autoProv := map[string][]string{}
	for i := range t.entries {
		e := &t.entries[i]
		if e.rel == "" {
			continue // the root is owned explicitly below, as the spec's %dir %{goroot}
		}
		if removed[path.Dir(e.rel)] {
			removed[e.rel] = true
			continue
		}
		pkg, flag, excluded := p.Classify(e.rel, e.mode&0o170000 == 0o40000)
		if excluded {
			removed[e.rel] = true
			continue
		}
		f := rpmwrite.File{
			Path:   p.GOROOT + "/" + e.rel,
			Mode:   e.mode,
			Size:   e.size,
			MTime:  mtime(e.mtime),
			LinkTo: e.linkTo,
		}
		switch flag {
		case toolchain.FlagDoc:
			f.Flags |= rpmtag.FileDoc
		case toolchain.FlagLicense:
			f.Flags |= rpmtag.FileLicense
		}
		if e.isRegular() {
			if e.rel == "go.env" {
				content, err := t.readSmall(e, 1<<20)
				if err != nil {
					return nil, fmt.Errorf("%s: reading go.env: %w", t.source, err)
				}
				body := p.RewriteGoEnv(content)
				f.Size = int64(len(body))
				f.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
				if !opt.noClassify {
					if err := classify(&f, bytes.NewReader(body)); err != nil {
						return nil, err
					}
				}
			} else {
				f.Open = func() (io.ReadCloser, error) { return t.open(e) }
				if !opt.noClassify {
					r, done, err := t.readerAt(e)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", f.Path, err)
					}
					err = classify(&f, r)
					done()
					if err != nil {
						return nil, err
					}
				}
			}
			if opt.Deps != nil && (depExclude == nil || !depExclude.MatchString(f.Path)) {
				req, prov, err := fileDeps(t, e, opt.Deps)
				if err != nil {
					return nil, fmt.Errorf("dependencies of %s: %w", f.Path, err)
				}
				autoReq[pkg.Name] = append(autoReq[pkg.Name], req...)
				autoProv[pkg.Name] = append(autoProv[pkg.Name], prov...)
			}
		}
		files[pkg.Name] = append(files[pkg.Name], f)
	}
	main := p.Main().Name
	now := clamp
	for _, pkg := range p.Packages {
		for _, d := range p.SharedDirs {
			files[pkg.Name] = append(files[pkg.Name], rpmwrite.File{Path: d, Mode: 0o40755, MTime: now})
		}
	}
	for _, g := range p.Ghosts {
		f := rpmwrite.File{Path: g.Path, Mode: 0o100644, MTime: now, Flags: rpmtag.FileGhost}
		if g.LinkTo != "" {
			f.Mode, f.LinkTo, f.Size = 0o120777, g.LinkTo, int64(len(g.LinkTo))
		}
		files[main] = append(files[main], f)
	}
	for _, l := range p.Links {
		files[main] = append(files[main], rpmwrite.File{Path: l.Path, Mode: 0o120777, MTime: now, LinkTo: l.Target, Size: int64(len(l.Target))})
	}
	for name := range files {
		list := files[name]
		sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	}
	return &contents{files: files, requires: autoReq, provides: autoProv}, nil
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

// contents is what assemble puts in each package, by package name.
type contents struct {
	files              map[string][]rpmwrite.File
	requires, provides map[string][]string // automatic (ELF) dependencies
}

// fileDeps runs deps on regular file e.
func fileDeps(t *Tree, e *entry, deps func(string, io.ReaderAt, int64, bool) ([]string, []string, error)) ([]string, []string, error) {
	r, done, err := t.readerAt(e)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	return deps(e.rel, r, e.size, e.mode == modeExec)
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
