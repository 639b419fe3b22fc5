package rpmread

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Limits of the cpio parser.
const (
	maxNameSize   = 4096 // PATH_MAX, including the NUL
	maxLinkTarget = 4096
)

// Entry is one member of the cpio payload.
type Entry struct {
	// Path is absolute and clean ("/usr/bin/go"), whether the archive
	// wrote "./usr/bin/go" (rpmbuild) or "/usr/bin/go" (rpmpack).
	Path  string
	Mode  uint32 // full st_mode
	Size  int64  // body bytes in the archive
	Nlink uint32
	Ino   uint32
	UID   uint32
	GID   uint32
	MTime int64
	// RDevMajor and RDevMinor are the device numbers of device nodes.
	RDevMajor, RDevMinor uint32
	// LinkTo is the target of a symlink (its body, read for you).
	LinkTo string
	// FileIndex is the index of the entry in Package.Files, -1 when the
	// header does not list the path.
	FileIndex int
	// Hardlinks lists, in header order, every path of the hardlink set
	// the entry belongs to (nil when it is not hardlinked). rpm stores the
	// content once, on the last member of the set the archive writes; the
	// other members have Size 0.
	Hardlinks []string
	// Stripped is set for rpm's "07070X" entries, whose metadata come from
	// the header (FileIndex is always valid for them).
	Stripped bool
	// Body reads the entry's content (Size bytes). It is valid until the
	// next call of Next.
	Body io.Reader
}

// PayloadReader iterates over the entries of the payload.
type PayloadReader struct {
	pkg      *Package
	raw      *rawPayload
	count    *countingReader
	br       *bufio.Reader
	closeDec func()
	index    map[string]int
	sets     map[int][]int

	off  int64 // bytes of the archive consumed by the cpio parser
	body *entryBody
	done bool
	err  error
	// finishErr is the error seen while finishing the stream for Check.
	finished  bool
	finishErr error
}

// Payload starts reading the payload: it selects the decompressor named by
// PAYLOADCOMPRESSOR and returns an iterator over the cpio entries. It can
// be called once per Reader.
func (r *Reader) Payload() (*PayloadReader, error) {
	if r.payload != nil {
		return nil, errors.New("payload already started")
	}
	switch f := r.Package.PayloadFormat; f {
	case "", "cpio":
	default:
		return nil, formatErr("payload", 0, ErrUnsupported, "payload format %q", f)
	}
	dec, closeDec, err := decompressor(r.raw, r.Package.PayloadCompressor, r.opts.MaxWindowSize)
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: dec, limit: r.opts.MaxPayloadSize,
		hashes: coverHashes(r.Signature, r.Header, ScopeArchive)}
	p := &PayloadReader{
		pkg:      r.Package,
		raw:      r.raw,
		count:    cr,
		br:       bufio.NewReaderSize(cr, 64<<10),
		closeDec: closeDec,
		index:    make(map[string]int, len(r.Package.Files)),
		sets:     r.Package.links,
	}
	for i, f := range r.Package.Files {
		p.index[f.Path] = i
	}
	r.payload = p
	return p, nil
}

// decompressor returns a reader of the uncompressed payload. Its errors
// other than io.EOF are FormatErrors.
func decompressor(raw io.Reader, name string, maxWindow int64) (r io.Reader, closeDec func(), err error) {
	defer recoverDecoder(&err, 0)
	r, closeDec, err = newDecompressor(raw, name, maxWindow)
	if err != nil {
		return nil, nil, err
	}
	return &classifyingReader{r: r}, closeDec, nil
}

// classifyingReader turns decoder errors into FormatErrors.
type classifyingReader struct {
	r io.Reader
	n int64
}

func (c *classifyingReader) Read(b []byte) (n int, err error) {
	defer recoverDecoder(&err, c.n)
	n, err = c.r.Read(b)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		err = classify(err, "payload", c.n, "decompressing")
	}
	return n, err
}

// recoverDecoder is the last line of defence around third-party decoders,
// which see attacker-controlled bytes: a panic in one becomes ErrFormat.
// Our own parsers do not rely on it (the fuzz targets would find them).
func recoverDecoder(err *error, off int64) {
	if v := recover(); v != nil {
		*err = formatErr("payload", off, ErrFormat, "decoder failed: %v", v)
	}
}

func newDecompressor(raw io.Reader, name string, maxWindow int64) (io.Reader, func(), error) {
	nop := func() {}
	fail := func(err error) (io.Reader, func(), error) {
		return nil, nil, classify(err, "payload", 0, "starting "+name+" decompressor")
	}
	switch name {
	case "", "gzip":
		// rpm before PAYLOADCOMPRESSOR existed always used gzip. Its
		// gzip reader is zlib's, which passes data without the gzip
		// magic through as it is: rpmbuild's "w.ufdio" payload (plain
		// cpio) has no PAYLOADCOMPRESSOR tag and is read that way.
		br := bufio.NewReader(raw)
		if m, err := br.Peek(2); err != nil || m[0] != 0x1f || m[1] != 0x8b {
			return br, nop, nil
		}
		z, err := gzip.NewReader(br)
		if err != nil {
			return fail(err)
		}
		return z, nop, nil
	case "bzip2":
		return bzip2.NewReader(raw), nop, nil
	case "xz":
		z, err := xz.NewReader(newXZGuard(raw, maxWindow))
		if err != nil {
			return fail(err)
		}
		return z, nop, nil
	case "lzma":
		br := bufio.NewReader(raw)
		h, err := br.Peek(13)
		if err != nil {
			return fail(err)
		}
		if h[0] >= 9*5*5 {
			return nil, nil, formatErr("payload", 0, ErrFormat, "lzma properties byte %d invalid", h[0])
		}
		if d := int64(binary.LittleEndian.Uint32(h[1:5])); d > maxWindow {
			return nil, nil, formatErr("payload", 0, ErrTooLarge, "lzma dictionary of %d bytes above limit %d", d, maxWindow)
		}
		z, err := lzma.NewReader(br)
		if err != nil {
			return fail(err)
		}
		return z, nop, nil
	case "zstd":
		z, err := zstd.NewReader(raw,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(uint64(maxWindow)))
		if err != nil {
			return fail(err)
		}
		return z, z.Close, nil
	case "identity", "none":
		return raw, nop, nil
	}
	return nil, nil, formatErr("payload", 0, ErrUnsupported, "payload compressor %q", name)
}

// classify turns an I/O or decoder error into a FormatError, keeping
// FormatErrors (from the guards below) as they are.
func classify(err error, part string, off int64, what string) error {
	var fe *FormatError
	switch {
	case errors.As(err, &fe):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return formatErr(part, off, ErrTruncated, "input ends while %s", what)
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return formatErr(part, off, ErrTooLarge, "%s: %v", what, err)
	}
	return formatErr(part, off, ErrFormat, "%s: %v", what, err)
}

// countingReader counts and optionally hashes the uncompressed payload and
// fails once more than limit bytes come out of the decompressor.
type countingReader struct {
	r      io.Reader
	n      int64
	limit  int64
	hashes map[uint64]hash.Hash // by algorithm, for the digests recorded
	eof    bool
}

func (c *countingReader) Read(b []byte) (int, error) {
	if c.n > c.limit {
		return 0, formatErr("payload", c.n, ErrTooLarge, "uncompressed payload exceeds %d bytes", c.limit)
	}
	// Never ask for more than one byte past the limit.
	if rest := c.limit - c.n + 1; rest > 0 && int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	multiWrite(c.hashes, b[:n])
	if c.n > c.limit {
		return n, formatErr("payload", c.n, ErrTooLarge, "uncompressed payload exceeds %d bytes", c.limit)
	}
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

// Next returns the next entry, or io.EOF after the cpio trailer. Any other
// error is final: later calls return it again.
func (p *PayloadReader) Next() (*Entry, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.done {
		return nil, io.EOF
	}
	if p.body != nil {
		if _, err := io.Copy(io.Discard, p.body); err != nil {
			p.err = err
			return nil, err
		}
		p.body = nil
	}
	e, err := p.readEntry()
	if err == io.EOF {
		p.done = true
		return nil, io.EOF
	}
	if err != nil {
		p.err = err
		return nil, err
	}
	return e, nil
}

func (p *PayloadReader) read(b []byte, what string) error {
	n, err := io.ReadFull(p.br, b)
	p.off += int64(n)
	if err != nil {
		return classify(err, "payload", p.off, "reading "+what)
	}
	return nil
}

func (p *PayloadReader) align(what string) error {
	var pad [4]byte
	if n := (4 - p.off%4) % 4; n > 0 {
		return p.read(pad[:n], what)
	}
	return nil
}

func (p *PayloadReader) readEntry() (*Entry, error) {
	if err := p.align("cpio padding"); err != nil {
		return nil, err
	}
	start := p.off
	var magic [6]byte
	if err := p.read(magic[:], "cpio header"); err != nil {
		return nil, err
	}
	switch string(magic[:]) {
	case "070701", "070702":
		return p.readNewc(start, magic[5] == '2')
	case "07070X":
		return p.readStripped(start)
	case "070707":
		return nil, formatErr("payload", start, ErrUnsupported, "old portable (odc) cpio format")
	}
	return nil, formatErr("payload", start, ErrFormat, "bad cpio magic %q", magic[:])
}

func (p *PayloadReader) readNewc(start int64, crc bool) (*Entry, error) {
	var h [13 * 8]byte
	if err := p.read(h[:], "cpio header"); err != nil {
		return nil, err
	}
	var f [13]uint32
	for i := range f {
		v, ok := parseHex8(h[i*8 : i*8+8])
		if !ok {
			return nil, formatErr("payload", start, ErrFormat, "cpio header field %d is not hex: %q", i, h[i*8:i*8+8])
		}
		f[i] = v
	}
	ino, mode, uid, gid, nlink, mtime, size := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
	rmaj, rmin, namesize, check := f[9], f[10], f[11], f[12]
	if namesize < 2 || namesize > maxNameSize {
		return nil, formatErr("payload", start, ErrFormat, "cpio name size %d outside 2..%d", namesize, maxNameSize)
	}
	name := make([]byte, namesize)
	if err := p.read(name, "cpio name"); err != nil {
		return nil, err
	}
	if name[namesize-1] != 0 || bytes.IndexByte(name[:namesize-1], 0) >= 0 {
		return nil, formatErr("payload", start, ErrFormat, "cpio name not a NUL-terminated string")
	}
	if err := p.align("cpio name padding"); err != nil {
		return nil, err
	}
	sname := string(name[:namesize-1])
	if sname == "TRAILER!!!" {
		return nil, io.EOF
	}
	path, err := normalisePath(sname)
	if p.pkg.Source {
		path, err = sourceEntryName(sname)
	}
	if err != nil {
		return nil, formatErr("payload", start, ErrUnsafePath, "%v", err)
	}
	e := &Entry{
		Path: path, Mode: mode, Size: int64(size), Nlink: nlink, Ino: ino,
		UID: uid, GID: gid, MTime: int64(mtime), RDevMajor: rmaj, RDevMinor: rmin,
		FileIndex: -1,
	}
	if i, ok := p.index[path]; ok {
		e.FileIndex = i
		e.Hardlinks = p.linkPaths(i)
	}
	return e, p.startBody(e, crc, check)
}

func (p *PayloadReader) readStripped(start int64) (*Entry, error) {
	var h [8]byte
	if err := p.read(h[:], "stripped cpio header"); err != nil {
		return nil, err
	}
	fx, ok := parseHex8(h[:])
	if !ok {
		return nil, formatErr("payload", start, ErrFormat, "stripped cpio file index is not hex: %q", h[:])
	}
	if err := p.align("stripped cpio padding"); err != nil {
		return nil, err
	}
	if int64(fx) >= int64(len(p.pkg.Files)) {
		return nil, formatErr("payload", start, ErrFormat, "stripped cpio file index %d, header has %d files", fx, len(p.pkg.Files))
	}
	i := int(fx)
	f := &p.pkg.Files[i]
	if !cleanPath(f.Path) && !(p.pkg.Source && SourceName(f.Path)) {
		return nil, formatErr("payload", start, ErrUnsafePath, "header path %q is not absolute and clean", f.Path)
	}
	e := &Entry{
		Path: f.Path, Mode: f.Mode, Nlink: uint32(p.pkg.NLink(i)), Ino: f.Inode,
		MTime: f.MTime, RDevMajor: uint32(f.RDev >> 8), RDevMinor: uint32(f.RDev & 0xff),
		FileIndex: i, Hardlinks: p.linkPaths(i), Stripped: true,
	}
	// The body is not in the stripped header: regular files carry their
	// size unless another member of their hardlink set carries the
	// content; symlinks carry their target; everything else is empty.
	switch {
	case f.IsGhost():
	case f.IsRegular():
		if s := p.sets[i]; len(s) < 2 || s[len(s)-1] == i {
			e.Size = f.Size
		}
	case f.IsSymlink():
		e.Size = f.Size
	}
	return e, p.startBody(e, false, 0)
}

func (p *PayloadReader) linkPaths(i int) []string {
	s := p.sets[i]
	if len(s) < 2 {
		return nil
	}
	out := make([]string, len(s))
	for j, k := range s {
		out[j] = p.pkg.Files[k].Path
	}
	return out
}

func (p *PayloadReader) startBody(e *Entry, crc bool, check uint32) error {
	b := &entryBody{p: p, left: e.Size, crc: crc, want: check, start: p.off}
	if e.Mode&0o170000 == 0o120000 {
		if e.Size > maxLinkTarget {
			return formatErr("payload", p.off, ErrFormat, "%s: symlink target of %d bytes", e.Path, e.Size)
		}
		target, err := io.ReadAll(b)
		if err != nil {
			return err
		}
		e.LinkTo = string(target)
		e.Body = bytes.NewReader(target)
		return nil
	}
	p.body = b
	e.Body = b
	return nil
}

// entryBody reads exactly one entry's content, then its padding, and
// checks the newc-crc sum.
type entryBody struct {
	p     *PayloadReader
	left  int64
	start int64
	crc   bool
	sum   uint32
	want  uint32
	ended bool
}

func (b *entryBody) Read(buf []byte) (int, error) {
	if b.left == 0 {
		if !b.ended {
			b.ended = true
			if b.crc && b.sum != b.want {
				return 0, formatErr("payload", b.start, ErrFormat, "cpio crc checksum %08x, header says %08x", b.sum, b.want)
			}
			if err := b.p.align("cpio data padding"); err != nil {
				return 0, err
			}
		}
		return 0, io.EOF
	}
	if int64(len(buf)) > b.left {
		buf = buf[:b.left]
	}
	n, err := b.p.br.Read(buf)
	b.p.off += int64(n)
	b.left -= int64(n)
	if b.crc {
		for _, c := range buf[:n] {
			b.sum += uint32(c)
		}
	}
	if err == io.EOF {
		if b.left > 0 {
			return n, formatErr("payload", b.p.off, ErrTruncated, "archive ends inside an entry body")
		}
		err = nil
	}
	if err != nil {
		return n, classify(err, "payload", b.p.off, "reading an entry body")
	}
	return n, nil
}

// normalisePath maps "./usr/x", "/usr/x" and "usr/x" to "/usr/x" and
// rejects anything that would not stay below the root.
func normalisePath(name string) (string, error) {
	p := strings.TrimPrefix(name, ".")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !cleanPath(p) {
		return "", fmt.Errorf("%q is not a clean path below /", name)
	}
	return p, nil
}

// sourceEntryName maps a source package's payload name ("x.spec", as
// rpmbuild -bs writes it, or "./x.spec") to its header name.
func sourceEntryName(name string) (string, error) {
	p := strings.TrimPrefix(name, "./")
	if !SourceName(p) {
		return "", fmt.Errorf("%q is not a file name a source package holds", name)
	}
	return p, nil
}

func parseHex8(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint32(c)
	}
	return v, true
}

// finish reads the rest of the uncompressed stream (bounded like the rest)
// so that its size and digest are known, then the rest of the raw payload.
func (p *PayloadReader) finish() error {
	if p.finished {
		return p.finishErr
	}
	p.finished = true
	if !p.count.eof && p.count.n <= p.count.limit {
		if _, err := io.Copy(io.Discard, p.count); err != nil {
			p.finishErr = classify(err, "payload", p.count.n, "decompressing")
		}
	}
	if err := p.raw.drain(); err != nil && p.finishErr == nil {
		p.finishErr = err
	}
	return p.finishErr
}

func (p *PayloadReader) close() {
	if p.closeDec != nil {
		p.closeDec()
		p.closeDec = nil
	}
}
