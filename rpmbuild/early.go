package rpmbuild

import (
	"reflect"
	"strings"
	"sync"

	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// BuildTarball builds p's packages from the release tarball at tarball,
// checked as srctree.Extract checks it (xopt), into outDir. The packages are the
// same, to the byte, as Extract followed by Build writes; it is faster
// because the main package starts compressing while the rest of the
// tarball is still being read.
//
// That early start is a bet on the layout of release tarballs: their
// entries come in path order, and the main package's files (bin/, pkg/,
// VERSION, go.env, …) all sort before src/. When the tarball has been
// in path order up to the first entry under src/ and that entry belongs
// to a subpackage, the main package is prepared from the entries read so
// far and its payload tasks are queued at once. Once the whole tarball
// is read and checked, the main package is prepared again from the full
// tree; if anything about it differs (a later entry was the main
// package's, a directory's mtime came later, the frame size), the early
// work is canceled and done again. Nothing is written before the whole
// tarball passed every check.
//
// Errors reading the tarball are *srctree.ExtractError, as Extract
// returns them. BuildTarball sets xopt.OnEntry and xopt.OnFail itself.
func BuildTarball(p *toolchain.Plan, tarball string, xopt srctree.ExtractOptions, outDir string, opt Options) ([]Result, error) {
	if err := opt.prepare(p); err != nil {
		return nil, err
	}
	pool := newPool(opt.Threads)
	s := &speculation{p: p, opt: opt, pool: pool, outDir: outDir}
	xopt.OnEntry, xopt.OnFail = s.entry, s.cancel
	t, err := srctree.Extract(tarball, opt.TempDir, xopt)
	if err != nil {
		pool.abort(err)
		return nil, err
	}
	defer t.Close()
	early := s.result()
	c, err := contentsOf(p, t, opt)
	if err == nil {
		var order []*poolPackage
		if order, err = addPackages(pool, p, c, outDir, opt, early); err == nil {
			if opt.earlyStart != nil {
				opt.earlyStart(early != nil, early != nil && order[0] == early.pk)
			}
			return pool.wait(order)
		}
	}
	if early != nil {
		pool.cancel(early.pk)
	}
	pool.abort(err)
	return nil, err
}

// speculation decides when the main package can start early and starts
// it.
type speculation struct {
	p      *toolchain.Plan
	opt    Options
	pool   *pool
	outDir string

	last  string // the previous entry's path
	seen  bool   // an entry was
	fired bool   // the early start was decided on
	wg    sync.WaitGroup
	early *earlyMain // nil until prepared, and when it could not be
}

// earlyMain is the main package started early, with what it was
// prepared from.
type earlyMain struct {
	pk        *poolPackage
	c         *contents
	frameSize int64
}

// entry is called by the extractor after each entry.
func (s *speculation) entry(rel string, isDir bool, snapshot func() (*srctree.Tree, error)) {
	if s.fired {
		return
	}
	if s.seen && rel <= s.last {
		s.fired = true // not in path order: no bet on what comes later
		return
	}
	s.last, s.seen = rel, true
	if rel != "src" && !strings.HasPrefix(rel, "src/") {
		return
	}
	s.fired = true
	if pkg, _, _ := s.p.Classify(rel, isDir); pkg == s.p.Main() {
		return // the main package goes on past src/
	}
	snap, err := snapshot()
	if err != nil {
		return // the extraction itself will report it
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.start(snap)
	}()
}

// start prepares the main package from snap and queues its tasks, held
// until the full tree confirms it. Any error just means no early start:
// the full build reports what is wrong.
func (s *speculation) start(snap *srctree.Tree) {
	c, err := contentsOf(s.p, snap, s.opt)
	if err != nil {
		return
	}
	main := s.p.Main()
	// Until the whole tarball is read the total is unknown: bet that the
	// main package does not hold more than half of it.
	size := c.size(main.Name)
	fs := frameSize(s.opt, true, size, 2*size)
	pkg, out, err := preparePackage(s.p, main, c, s.outDir, fs, s.opt)
	if err != nil {
		return
	}
	pk := s.pool.add(main.Name, out, pkg, true)
	s.early = &earlyMain{pk: pk, c: c, frameSize: fs}
}

// result waits for the early start, if any, and returns it.
func (s *speculation) result() *earlyMain {
	s.wg.Wait()
	return s.early
}

// cancel drops the early start after a failed extraction.
func (s *speculation) cancel() {
	if e := s.result(); e != nil {
		s.pool.cancel(e.pk)
		s.early = nil
	}
}

// matches reports whether the main package prepared early is the one
// the full tree's contents c give, with frame size fs.
func (e *earlyMain) matches(p *toolchain.Plan, c *contents, fs int64, opt Options) bool {
	if fs != e.frameSize {
		return false
	}
	main := p.Main()
	m1, err1 := metadata(p, main, opt.Arch, opt, e.c)
	m2, err2 := metadata(p, main, opt.Arch, opt, c)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(m1, m2) {
		return false
	}
	return sameFiles(e.c.files[main.Name], c.files[main.Name])
}

// sameFiles reports whether two file lists of one tree are the same. A
// path names one tree entry, so equal paths and sizes mean equal bodies.
func sameFiles(a, b []rpmwrite.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if (x.Open == nil) != (y.Open == nil) {
			return false
		}
		x.Open, y.Open = nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
