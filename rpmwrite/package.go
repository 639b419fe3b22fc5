package rpmwrite

import (
	"bufio"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Package is a package being written in steps, for callers that write
// several packages at once and want every core busy until the last one is
// done: Prepare checks the input and lays out the payload, the Tasks
// compress and hash it — in any order, concurrently, interleaved with
// other packages' tasks — and Finish writes the package. Write does all
// three in a row.
//
// The bytes written depend on the input and Options (FrameSize included),
// never on the order or concurrency of the tasks.
type Package struct {
	m       Metadata
	opt     Options
	comp    compression
	table   *fileTable
	archive *archive
	frames  []frame

	digests   []string // FILEDIGESTS, by the digest task
	altDigest [sha256.Size]byte
	// v6: the archive's SHA-512 and SHA3-256, by the digest task.
	sha512Alt [sha512.Size]byte
	sha3Alt   [sha256.Size]byte
	pending   atomic.Int32 // tasks not yet done successfully
	canceled  atomic.Bool

	progressMu    sync.Mutex
	progressFiles int
	progressBytes int64
}

// frame is one independently compressed stretch of the archive, spooled
// to a temporary file of its own.
type frame struct {
	start, end int64
	spool      *os.File // unlinked at creation
	size       int64    // compressed bytes
}

// Task is one unit of a Package's payload work.
type Task struct {
	// Cost is the task's relative cost, for scheduling the largest first:
	// the uncompressed bytes it compresses, or for the task that only
	// hashes the archive a sixteenth of its bytes (a quarter for a v6
	// package, which has three digests of it).
	Cost int64
	run  func() error
}

// Run does the task. It may run concurrently with any other task.
func (t Task) Run() error { return t.run() }

// ErrCanceled is what a task of a canceled package returns.
var ErrCanceled = errors.New("rpmwrite: package canceled")

// Prepare checks m, files and opt and lays out the payload. files may be
// in any order; the package lists them sorted by path. Nothing is read
// yet. Close releases what the package holds.
func Prepare(m Metadata, files []File, opt Options) (*Package, error) {
	var oerr error
	switch opt.Format {
	case 0:
		opt.Format = FormatV4
	case FormatV4, FormatV6:
	default:
		oerr = fmt.Errorf("unknown package format %d (want %d or %d)", opt.Format, FormatV4, FormatV6)
	}
	v6 := opt.Format == FormatV6
	m.applyDefaults(opt.Format)
	comp, cerr := opt.compression()
	merr := m.validate()
	table, ferr := newFileTable(files, m.Source != nil, v6)
	switch {
	case oerr != nil:
	case opt.Sign != nil && opt.Signatures != nil:
		oerr = errors.New("both Sign and Signatures are set")
	case opt.RPMv4Signature && !v6:
		oerr = errors.New("RPMv4Signature is for v6 packages: a v4 package's signature is a v4 one already")
	case opt.FrameSize < 0:
		oerr = fmt.Errorf("negative FrameSize %d", opt.FrameSize)
	case opt.FrameSize > 0 && comp.name != "zstd" && comp.name != "":
		// rpm reads concatenated zstd frames, but its xz reader stops at
		// the end of the first stream.
		oerr = fmt.Errorf("FrameSize is for zstd payloads, not %s", comp.name)
	}
	if err := errors.Join(cerr, merr, ferr, oerr); err != nil {
		return nil, fmt.Errorf("rpmwrite: invalid input: %w", err)
	}
	arc, err := newArchive(table)
	if err != nil {
		return nil, fmt.Errorf("rpmwrite: invalid input: %w", err)
	}
	p := &Package{m: m, opt: opt, comp: comp, table: table, archive: arc}
	step := opt.FrameSize
	if step == 0 {
		step = arc.size
	}
	for start := int64(0); start < arc.size; start += step {
		p.frames = append(p.frames, frame{start: start, end: min(start+step, arc.size)})
	}
	p.pending.Store(int32(len(p.frames) + 1))
	return p, nil
}

// Tasks returns the work that must be done before Finish: one task per
// frame and one that hashes the archive and every body. Each task must
// run once.
func (p *Package) Tasks() []Task {
	// SHA-256 runs at about sixteen times zstd's speed; v6 adds SHA-512
	// and SHA3-256, which together are several times slower.
	hashCost := p.archive.size / 16
	if p.opt.Format == FormatV6 {
		hashCost = p.archive.size / 4
	}
	tasks := []Task{{Cost: hashCost, run: p.done(p.hash)}}
	for i := range p.frames {
		f := &p.frames[i]
		tasks = append(tasks, Task{Cost: f.end - f.start, run: p.done(func() error { return p.compress(f) })})
	}
	return tasks
}

// done wraps a task so that its success is counted.
func (p *Package) done(run func() error) func() error {
	return func() error {
		if p.canceled.Load() {
			return ErrCanceled
		}
		if err := run(); err != nil {
			return err
		}
		p.pending.Add(-1)
		return nil
	}
}

// hash computes FILEDIGESTS and the archive's digest, reading every body
// whole and checking its length.
func (p *Package) hash() error {
	digests := make([]string, len(p.table.files))
	arcHash := sha256.New()
	var arc512, arc3 hash.Hash
	var arc io.Writer = arcHash
	if p.opt.Format == FormatV6 {
		arc512, arc3 = sha512.New(), sha3.New256()
		arc = io.MultiWriter(arcHash, arc512, arc3)
	}
	arc = cancelable{arc, &p.canceled}
	body := sha256.New()
	buf := make([]byte, 256<<10)
	for _, pc := range p.archive.pieces {
		if pc.file < 0 {
			arc.Write(pc.data)
			continue
		}
		f := &p.table.files[pc.file]
		body.Reset()
		if err := copyBody(io.MultiWriter(arc, body), f, buf); err != nil {
			return fmt.Errorf("rpmwrite: writing payload: file %q: %w", f.Path, err)
		}
		digests[pc.file] = hex.EncodeToString(body.Sum(nil))
	}
	p.digests = digests
	arcHash.Sum(p.altDigest[:0])
	if arc512 != nil {
		arc512.Sum(p.sha512Alt[:0])
		arc3.Sum(p.sha3Alt[:0])
	}
	return nil
}

// compress writes frame f, compressed, to a spool file of its own.
func (p *Package) compress(f *frame) error {
	spool, err := os.CreateTemp(p.opt.TempDir, ".rpmwrite-*.payload")
	if err != nil {
		return fmt.Errorf("rpmwrite: spooling payload: %w", err)
	}
	if err := os.Remove(spool.Name()); err != nil {
		spool.Close()
		return fmt.Errorf("rpmwrite: spooling payload: %w", err)
	}
	f.spool = spool
	out := bufio.NewWriterSize(spool, 1<<20)
	counted := &countingWriter{w: out}
	enc, err := p.comp.newCompressor(counted)
	if err != nil {
		return fmt.Errorf("rpmwrite: starting %s compressor: %w", p.comp.name, err)
	}
	// Only Write reaches the compressor: klauspost's ReadFrom ends a
	// block wherever a call starts, which would make the output depend on
	// how reads happen to be cut; Write's blocks depend on the bytes only.
	in := bufio.NewWriterSize(cancelable{writeOnly{enc}, &p.canceled}, 256<<10)
	err = p.archive.writeRange(in, p.table, f.start, f.end, make([]byte, 256<<10), p.progress)
	if err == nil {
		err = in.Flush()
	}
	if cerr := enc.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing %s compressor: %w", p.comp.name, cerr)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return fmt.Errorf("rpmwrite: writing payload: %w", err)
	}
	f.size = counted.n
	return nil
}

// progress reports a body range written to the compressor.
func (p *Package) progress(n int64, bodyDone bool) {
	if p.opt.Progress == nil {
		return
	}
	p.progressMu.Lock()
	defer p.progressMu.Unlock()
	p.progressBytes += n
	if bodyDone {
		p.progressFiles++
	}
	p.opt.Progress(p.progressFiles, p.progressBytes)
}

// Finish writes the package to w once every task has run successfully:
// lead, signature header, main header and the payload's frames.
func (p *Package) Finish(w io.Writer) error {
	if n := p.pending.Load(); n != 0 {
		return fmt.Errorf("rpmwrite: Finish with %d of the package's tasks not done", n)
	}
	v6 := p.opt.Format == FormatV6
	pl := payloadResult{archiveSize: p.archive.size, altDigest: p.altDigest, digests: p.digests,
		sha512Alt: p.sha512Alt, sha3Alt: p.sha3Alt}
	payload := sha256.New()
	var payload512, payload3 hash.Hash
	var dst io.Writer = payload
	if v6 {
		payload512, payload3 = sha512.New(), sha3.New256()
		dst = io.MultiWriter(payload, payload512, payload3)
	}
	if err := p.copyFrames(dst); err != nil {
		return err
	}
	for _, f := range p.frames {
		pl.compressedSize += f.size
	}
	payload.Sum(pl.digest[:0])
	if v6 {
		payload512.Sum(pl.sha512[:0])
		payload3.Sum(pl.sha3[:0])
	}

	hdr, err := mainHeader(&p.m, p.table, p.comp, pl, p.opt.Format)
	if err != nil {
		return fmt.Errorf("rpmwrite: building header: %w", err)
	}
	sigs, err := p.opt.signatures(hdr)
	if err != nil {
		return fmt.Errorf("rpmwrite: signing: %w", err)
	}
	var sig []byte
	if v6 {
		sig, err = signatureHeaderV6(hdr, sigs)
	} else {
		md5h := md5.New()
		md5h.Write(hdr)
		if err := p.copyFrames(md5h); err != nil {
			return err
		}
		sig, err = signatureHeader(hdr, md5h.Sum(nil), pl, sigs)
	}
	if err != nil {
		return fmt.Errorf("rpmwrite: building signature: %w", err)
	}

	bw := bufio.NewWriterSize(w, 1<<20)
	bw.Write(lead(&p.m, p.opt.Format))
	bw.Write(sig)
	if pad := len(sig) % 8; pad != 0 {
		bw.Write(make([]byte, 8-pad))
	}
	bw.Write(hdr)
	if err := p.copyFrames(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("rpmwrite: writing package: %w", err)
	}
	return nil
}

// copyFrames copies the compressed frames, in order, to w.
func (p *Package) copyFrames(w io.Writer) error {
	for _, f := range p.frames {
		n, err := io.Copy(w, io.NewSectionReader(f.spool, 0, f.size))
		if err == nil && n != f.size {
			err = fmt.Errorf("read %d of %d bytes", n, f.size)
		}
		if err != nil {
			return fmt.Errorf("rpmwrite: rereading payload: %w", err)
		}
	}
	return nil
}

// Cancel makes the package's tasks return ErrCanceled soon, whether
// running or not yet started, for a caller that no longer wants the
// package. Close it once its running tasks have returned.
func (p *Package) Cancel() { p.canceled.Store(true) }

// Close releases the package's spool files. It may be called at any
// time no task of the package is running, and more than once; after it,
// Finish fails.
func (p *Package) Close() error {
	var errs []error
	for i := range p.frames {
		if f := &p.frames[i]; f.spool != nil {
			errs = append(errs, f.spool.Close())
			f.spool = nil
		}
	}
	p.pending.Store(-1)
	return errors.Join(errs...)
}

// cancelable fails every write once its package is canceled.
type cancelable struct {
	w        io.Writer
	canceled *atomic.Bool
}

func (c cancelable) Write(p []byte) (int, error) {
	if c.canceled.Load() {
		return 0, ErrCanceled
	}
	return c.w.Write(p)
}

// writeOnly hides every method of a writer but Write.
type writeOnly struct{ w io.Writer }

func (w writeOnly) Write(p []byte) (int, error) { return w.w.Write(p) }
