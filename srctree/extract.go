package srctree

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"

	"github.com/gotc-project/gotc/toolchain"
)

// Errors an *ExtractError wraps, so callers can tell why a tarball was
// refused with errors.Is.
var (
	// ErrChecksum: the tarball's SHA-256 is not the expected one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrHostile: the tarball holds something a Go release never does
	// (an entry outside go/, a link leaving it, a device, a setuid
	// bit, more entries or data than allowed, …) and was refused.
	ErrHostile = errors.New("refused tarball")
	// ErrCorrupt: the tarball is not a gzip-compressed tar archive, or it
	// is truncated or damaged.
	ErrCorrupt = errors.New("corrupt tarball")
)

// Defaults and fixed bounds of Extract.
const (
	// DefaultMaxBytes is ExtractOptions.MaxBytes when zero.
	DefaultMaxBytes int64 = 4 << 30
	// DefaultMaxEntries is ExtractOptions.MaxEntries when zero.
	DefaultMaxEntries = 200000

	// extractMaxName is the longest entry name or symlink target accepted.
	extractMaxName = 4096
	// extractMaxNameBytes bounds the names and link targets Extract
	// keeps in memory while unpacking, so memory stays bounded whatever
	// the limits; a real toolchain needs about 1 MiB.
	extractMaxNameBytes = 64 << 20
	// extractMaxTrailer is how much data may follow the tar archive's
	// end inside the gzip stream (block padding).
	extractMaxTrailer = 1 << 20
	// extractMaxHops is how many symlinks a link target may go through,
	// the kernel's limit.
	extractMaxHops = 40
	// extractMaxLinkSteps bounds the total work of checking link targets.
	extractMaxLinkSteps = 1 << 22
	// extractNameShown is how much of a name error messages quote.
	extractNameShown = 200
)

// ExtractOptions bound what Extract accepts.
type ExtractOptions struct {
	// SHA256 is the expected hex SHA-256 of the tarball file. It is
	// required: the file is hashed in a first pass and nothing is read
	// from it unless it matches (and the bytes read are hashed again, so
	// a file changed in between is caught too).
	SHA256 string
	// MaxBytes caps the total uncompressed size of regular files
	// (DefaultMaxBytes, 4 GiB, when zero or negative).
	MaxBytes int64
	// MaxEntries caps the number of tar entries, and the number of
	// files and directories created including parent directories the
	// archive does not list (DefaultMaxEntries when zero or
	// negative).
	MaxEntries int
	// Progress, when set, is called as the tarball is read (after its
	// checksum pass) with the compressed bytes read so far and the
	// tarball's size: every 4 MiB and at the end.
	Progress func(read, total int64)
	// OnEntry, when set, is called after each entry is checked and
	// spooled, with its toolchain-relative path and whether it is a
	// directory. snapshot, which may be called during the call only,
	// returns a Tree of the entries read so far: it shares the spool
	// file, stays readable while the extraction goes on and until the
	// extracted Tree is closed, and closing it does nothing. This lets a
	// builder start on the first part of a tarball while the rest is
	// still read.
	OnEntry func(rel string, isDir bool, snapshot func() (*Tree, error))
	// OnFail, when set, is called when the extraction fails while
	// unpacking, before the spool file is closed: snapshots must not be
	// read once it returns.
	OnFail func()
}

// ExtractError is the error Extract and CheckSHA256 return. Its message
// names the tarball, once, and where there is one the offending entry:
//
//	sources/go1.26.8.linux-amd64.tar.gz: entry "go/../etc/passwd": path escapes the toolchain root
//	sources/go1.26.8.linux-amd64.tar.gz: open: no such file or directory
type ExtractError struct {
	// Tarball is the tarball's path, as given.
	Tarball string
	// Index is the 1-based position of the offending entry in the
	// archive, 0 when the error concerns no single entry.
	Index int
	// Entry is the offending entry's name as the archive spells it.
	Entry string
	// Kind is ErrHostile, ErrChecksum or ErrCorrupt; nil for a failure
	// that is not the tarball's fault (an unreadable file, a full disk).
	Kind error
	// Err says what went wrong.
	Err error
}

// Error returns "tarball: entry "name": what went wrong".
func (e *ExtractError) Error() string {
	var b strings.Builder
	b.WriteString(e.Tarball)
	b.WriteString(": ")
	if e.Index > 0 {
		b.WriteString("entry ")
		b.WriteString(quoteEntryName(e.Entry))
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns Kind (when set) and Err, so errors.Is(err, ErrHostile)
// and errors.Is(err, fs.ErrNotExist) both work.
func (e *ExtractError) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// quoteEntryName quotes name for a message, cut short when long.
func quoteEntryName(name string) string {
	if len(name) <= extractNameShown {
		return strconv.Quote(name)
	}
	return strconv.Quote(name[:extractNameShown]) + fmt.Sprintf("… (%d bytes)", len(name))
}

// Extract reads the release tarball (.tar.gz) at path into a Tree. File
// bodies are streamed into one spool file in tempDir (os.TempDir() when
// empty), which is unlinked as soon as it is created: nothing is left on
// disk whatever happens, and a toolchain's 16,000 files cost one file's
// writes instead of 16,000 creations and removals.
//
// The tarball's SHA-256 must be opt.SHA256. Every entry must lie under
// go/ and be a regular file, a directory or a symlink whose target stays
// under go/; names must be ones rpm file lists can hold (see
// toolchain.CheckFileName); hard links, devices, FIFOs, setuid, setgid
// and sticky bits, duplicate entries and entries under a symlink are
// refused. In the tree, directories are 0755, regular files 0755 when
// the header has any execute bit and 0644 otherwise; entries keep the
// header's mtime, and parent directories the archive does not list have
// none (the builder clamps them to the build time).
//
// Nothing is created in tempDir before the checksum matched: a missing
// or wrong tarball leaves it untouched.
//
// On any error Extract returns an *ExtractError that wraps ErrChecksum,
// ErrHostile or ErrCorrupt when the tarball is at fault.
func Extract(path, tempDir string, opt ExtractOptions) (*Tree, error) {
	x := &extractor{onEntry: opt.OnEntry, progress: opt.Progress, tarball: path, maxBytes: opt.MaxBytes, maxEntries: opt.MaxEntries}
	if x.maxBytes <= 0 {
		x.maxBytes = DefaultMaxBytes
	}
	if x.maxEntries <= 0 {
		x.maxEntries = DefaultMaxEntries
	}
	want, err := parseSHA256(opt.SHA256)
	if err != nil {
		return nil, x.fail(0, "", nil, err)
	}
	// First pass: nothing is read from a tarball that is not the
	// expected one.
	f, info, err := openChecked(path, want)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x.fileSize = info.Size()

	spool, err := os.CreateTemp(tempDir, ".gotc-spool-*")
	if err != nil {
		return nil, x.fail(0, "", nil, fmt.Errorf("creating spool file: %w", err))
	}
	if err := os.Remove(spool.Name()); err != nil {
		spool.Close()
		return nil, x.fail(0, "", nil, fmt.Errorf("unlinking spool file: %w", err))
	}
	x.spoolFile = spool
	x.spool = bufio.NewWriterSize(spool, 1<<20)
	closeSpool := func() {
		if opt.OnFail != nil {
			opt.OnFail()
		}
		spool.Close()
	}
	if err := x.unpack(f, want); err != nil {
		closeSpool()
		return nil, err
	}
	if err := x.spool.Flush(); err != nil {
		closeSpool()
		return nil, x.fail(0, "", nil, fmt.Errorf("writing spool file: %w", err))
	}
	t := &Tree{entries: x.entries, spool: spool, source: x.tarball}
	t.sort()
	return t, nil
}

// CheckSHA256 checks that the file at path is a regular file whose
// SHA-256 is sum (64 hex digits), as Extract does before it reads
// anything from a tarball, and returns the file's information. Its
// errors are *ExtractError; a mismatch wraps ErrChecksum.
func CheckSHA256(path, sum string) (fs.FileInfo, error) {
	want, err := parseSHA256(sum)
	if err != nil {
		return nil, &ExtractError{Tarball: path, Err: err}
	}
	f, info, err := openChecked(path, want)
	if err != nil {
		return nil, err
	}
	f.Close()
	return info, nil
}

// openChecked opens the regular file at path, checks its SHA-256 is
// want and returns it rewound, with its information. Errors are
// *ExtractError.
func openChecked(path string, want []byte) (*tarballFile, fs.FileInfo, error) {
	fail := func(kind, err error) (*tarballFile, fs.FileInfo, error) {
		return nil, nil, &ExtractError{Tarball: path, Kind: kind, Err: err}
	}
	osf, err := os.Open(path)
	if err != nil {
		return fail(nil, pathless(err))
	}
	f := &tarballFile{osf}
	info, err := osf.Stat()
	switch {
	case err != nil:
		f.Close()
		return fail(nil, pathless(err))
	case !info.Mode().IsRegular():
		f.Close()
		return fail(nil, errors.New("not a regular file"))
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		f.Close()
		return fail(nil, fmt.Errorf("hashing: %w", err))
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		f.Close()
		return fail(ErrChecksum, fmt.Errorf("checksum mismatch: SHA-256 is %x, want %x", got, want))
	}
	if _, err := osf.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return fail(nil, pathless(err))
	}
	return f, info, nil
}

// tarballFile reads the tarball; its errors leave out the tarball's
// path, which the ExtractError names.
type tarballFile struct{ f *os.File }

// Read reads from the file.
func (f *tarballFile) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	return n, pathless(err)
}

// Close closes the file.
func (f *tarballFile) Close() error { return f.f.Close() }

// fileError is a failure of the file system on the tarball itself. Its
// message leaves out the path, which the ExtractError names already.
type fileError struct {
	op  string
	err error
}

func (e *fileError) Error() string { return e.op + ": " + e.err.Error() }
func (e *fileError) Unwrap() error { return e.err }

// pathless turns an *fs.PathError about the tarball into a fileError.
func pathless(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return &fileError{op: pe.Op, err: pe.Err}
	}
	return err
}

// parseSHA256 decodes the expected digest.
func parseSHA256(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("no expected SHA-256 given")
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("expected SHA-256 %q is not 64 hex digits", s)
	}
	return b, nil
}

// nodeKind is what a path of the unpacked tree is.
type nodeKind uint8

const (
	kindImplicitDir nodeKind = iota // a parent directory no entry listed (yet)
	kindDir
	kindFile
	kindSymlink
)

// extractNode is one path of the tree being unpacked: the checks walk
// this tree, never a file system.
type extractNode struct {
	parent   *extractNode
	kind     nodeKind
	children map[string]*extractNode // directories
	target   string                  // symlinks
	index    int                     // symlinks: entry position and name, for messages
	entry    string
	at       int // position in extractor.entries; -1 for the directory holding go/
}

// extractor holds the state of one Extract.
type extractor struct {
	tarball    string
	maxBytes   int64
	maxEntries int
	spool      *bufio.Writer // file bodies, one after another
	spoolFile  *os.File      // under spool
	spoolSize  int64
	onEntry    func(rel string, isDir bool, snapshot func() (*Tree, error))
	progress   func(read, total int64)
	fileSize   int64
	entries    []Entry

	top       *extractNode // holds go/
	nodes     int          // paths created
	nameBytes int          // names and targets held in memory
	dataBytes int64        // regular file data declared so far
	linkSteps int          // link-checking work done
	links     []*extractNode
	buf       []byte
}

// fail builds the error for entry index (0 for none).
func (x *extractor) fail(index int, entry string, kind, err error) error {
	return &ExtractError{Tarball: x.tarball, Index: index, Entry: entry, Kind: kind, Err: err}
}

// hostile builds the error refusing entry index.
func (x *extractor) hostile(index int, entry string, format string, args ...any) error {
	return x.fail(index, entry, ErrHostile, fmt.Errorf(format, args...))
}

// tarCounter counts the bytes of the tar stream read and the zero bytes
// that end them.
type tarCounter struct {
	r     io.Reader
	n     int64
	zeros int64
}

// Read reads from the decompressed stream.
func (c *tarCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	i := n
	for i > 0 && p[i-1] == 0 {
		i--
	}
	if i == 0 {
		c.zeros += int64(n)
	} else {
		c.zeros = int64(n - i)
	}
	return n, err
}

// unpack is the second pass: it streams the archive from f, hashing the
// bytes again, checks every entry and spools the bodies.
func (x *extractor) unpack(f io.Reader, want []byte) error {
	x.top = &extractNode{kind: kindDir, children: map[string]*extractNode{}, at: -1}
	x.buf = make([]byte, 64<<10)
	h := sha256.New()
	var in io.Reader = f
	if x.progress != nil {
		pr := &progressReader{r: f, total: x.fileSize, report: x.progress}
		defer pr.done()
		in = pr
	}
	br := bufio.NewReaderSize(io.TeeReader(in, h), 64<<10)
	zr, err := gzip.NewReader(br)
	switch {
	case err == io.EOF:
		return x.fail(0, "", ErrCorrupt, errors.New("not a gzip-compressed tarball (empty file)"))
	case errors.Is(err, gzip.ErrHeader):
		return x.fail(0, "", ErrCorrupt, errors.New("not a gzip-compressed tarball"))
	case err != nil:
		return x.streamErr(err, 0, "", "")
	}
	// Inflating runs a few chunks ahead of the tar reader and the spool
	// writes, on a core of its own.
	ra := newReadAhead(zr, 4, 256<<10)
	defer ra.Close()
	cr := &tarCounter{r: ra}
	tr := tar.NewReader(cr)
	snapshot := x.snapshot
	index, last := 0, ""
	var next int64 // where the next header starts
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			// archive/tar also ends quietly where a header is missing;
			// a complete archive ends with two zero blocks.
			if cr.n-next < 2*512 || cr.zeros < 2*512 {
				where := ""
				if last != "" {
					where = " after entry " + quoteEntryName(last)
				}
				return x.fail(0, "", ErrCorrupt, fmt.Errorf("truncated tarball: no end-of-archive marker%s", where))
			}
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			// Our own checks are stricter than ErrInsecurePath's.
			return x.streamErr(err, 0, "", last)
		}
		index++
		if index > x.maxEntries {
			return x.hostile(index, hdr.Name, "more than %d entries", x.maxEntries)
		}
		if err := x.entry(index, hdr, tr); err != nil {
			return err
		}
		if x.onEntry != nil {
			p, _ := checkEntryName(hdr.Name) // checked by x.entry
			x.onEntry(relOf(p), hdr.Typeflag == tar.TypeDir, snapshot)
		}
		last = hdr.Name
		next = cr.n
		if hdr.Typeflag == tar.TypeReg { // read to its end, then padded
			next += -hdr.Size & 511
		}
	}
	// Read the rest of the gzip stream, which checks its CRC and length,
	// and the rest of the file, which the hash must cover.
	n, err := io.Copy(io.Discard, io.LimitReader(ra, extractMaxTrailer+1))
	if err != nil {
		return x.streamErr(err, 0, "", "")
	}
	if n > extractMaxTrailer {
		return x.hostile(0, "", "more than %d bytes of data after the end of the tar archive", extractMaxTrailer)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return x.fail(0, "", nil, fmt.Errorf("reading: %w", err))
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return x.fail(0, "", ErrChecksum, fmt.Errorf("checksum mismatch: the file changed while being unpacked (SHA-256 is now %x, want %x)", got, want))
	}
	if x.top.children["go"] == nil {
		return x.hostile(0, "", "no go/ directory in the tarball")
	}
	// Links checked when written could only see the entries before them;
	// a later entry (a symlink on the way) may change where they lead.
	for _, ln := range x.links {
		if err := x.checkLink(ln); err != nil {
			return x.fail(ln.index, ln.entry, ErrHostile, err)
		}
	}
	return nil
}

// streamErr classifies an error reading the archive; entry is the entry
// being read, after the last one read.
func (x *extractor) streamErr(err error, index int, entry, after string) error {
	where := ""
	if index == 0 && after != "" {
		where = " after entry " + quoteEntryName(after)
	}
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return x.fail(index, entry, ErrCorrupt, fmt.Errorf("truncated tarball%s: %w", where, err))
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return x.fail(index, entry, ErrCorrupt, fmt.Errorf("corrupt gzip stream%s: %w", where, err))
	case isFSError(err):
		return x.fail(index, entry, nil, fmt.Errorf("reading%s: %w", where, err))
	default:
		return x.fail(index, entry, ErrCorrupt, fmt.Errorf("corrupt tar archive%s: %w", where, err))
	}
}

// entry checks and unpacks one archive entry.
func (x *extractor) entry(index int, hdr *tar.Header, r io.Reader) error {
	name := hdr.Name
	hostile := func(format string, args ...any) error {
		return x.hostile(index, name, format, args...)
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink:
	case tar.TypeLink:
		if !insideGo(hdr.Linkname) {
			return hostile("hard link to %s outside the toolchain root refused: upstream Go tarballs contain no hard links", quoteEntryName(hdr.Linkname))
		}
		return hostile("hard link to %s refused: upstream Go tarballs contain no hard links", quoteEntryName(hdr.Linkname))
	case tar.TypeChar:
		return hostile("character device refused")
	case tar.TypeBlock:
		return hostile("block device refused")
	case tar.TypeFifo:
		return hostile("FIFO refused")
	default:
		return hostile("entry type %q refused: only regular files, directories and symlinks are allowed", hdr.Typeflag)
	}
	p, err := checkEntryName(name)
	if err != nil {
		return x.fail(index, name, ErrHostile, err)
	}
	if bits := specialBits(hdr.Mode); bits != "" {
		return hostile("mode %04o has the %s set", hdr.Mode&0o7777, bits)
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return hostile("sparse file refused")
		}
	}
	x.nameBytes += len(name)
	if hdr.Typeflag == tar.TypeSymlink {
		x.nameBytes += len(hdr.Linkname)
	}
	if x.nameBytes > extractMaxNameBytes {
		return hostile("entry names and link targets total more than %d bytes", extractMaxNameBytes)
	}
	if p == "go" && hdr.Typeflag != tar.TypeDir {
		return hostile("the top-level go entry must be a directory")
	}
	if hdr.Typeflag == tar.TypeReg {
		if hdr.Size > x.maxBytes-x.dataBytes {
			return hostile("file data exceeds the %d-byte limit (this entry declares %d bytes)", x.maxBytes, hdr.Size)
		}
		x.dataBytes += hdr.Size
	}

	parent, base, err := x.parentOf(p)
	if err != nil {
		return x.refuse(index, name, err)
	}
	old := parent.children[base]
	if hdr.Typeflag == tar.TypeDir {
		switch {
		case old == nil:
			n, err := x.mkdir(parent, base, p, kindDir)
			if err != nil {
				return x.refuse(index, name, err)
			}
			x.entries[n.at].MTime = hdr.ModTime
		case old.kind == kindImplicitDir:
			// A directory listed after files inside it.
			old.kind = kindDir
			x.entries[old.at].MTime = hdr.ModTime
		default:
			return hostile("duplicate entry for %s", quoteEntryName(p))
		}
		return nil
	}
	if old != nil {
		if old.kind == kindImplicitDir {
			return hostile("duplicate entry for %s, already a directory of earlier entries", quoteEntryName(p))
		}
		return hostile("duplicate entry for %s", quoteEntryName(p))
	}
	n, err := x.newNode(parent, base, kindFile)
	if err != nil {
		return x.refuse(index, name, err)
	}
	if hdr.Typeflag == tar.TypeSymlink {
		n.kind, n.target, n.index, n.entry = kindSymlink, hdr.Linkname, index, name
		if err := checkLinkTarget(hdr.Linkname); err != nil {
			return x.fail(index, name, ErrHostile, err)
		}
		if err := x.checkLink(n); err != nil {
			return x.fail(index, name, ErrHostile, err)
		}
		x.links = append(x.links, n)
		x.add(n, Entry{Rel: relOf(p), Mode: ModeSymlink, Size: int64(len(hdr.Linkname)), MTime: hdr.ModTime, LinkTo: hdr.Linkname})
		return nil
	}
	e := Entry{Rel: relOf(p), Mode: normalMode(hdr.Mode), Size: hdr.Size, MTime: hdr.ModTime, off: x.spoolSize}
	x.add(n, e)
	if err := x.spoolBody(hdr, r); err != nil {
		if errors.Is(err, errShortBody) || !isFSError(err) {
			return x.streamErr(err, index, name, "")
		}
		return x.fail(index, name, nil, err)
	}
	return nil
}

// refuse builds the error for entry index from err, which is the file
// system's or, for anything else, a refusal.
func (x *extractor) refuse(index int, entry string, err error) error {
	if isFSError(err) {
		return x.fail(index, entry, nil, err)
	}
	return x.fail(index, entry, ErrHostile, err)
}

// errShortBody reports a body shorter than its header says.
var errShortBody = fmt.Errorf("file body shorter than its header says: %w", io.ErrUnexpectedEOF)

// isFSError reports an error of the file system rather than the archive.
func isFSError(err error) bool {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	var sysErr *os.SyscallError
	var fileErr *fileError
	return errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.As(err, &sysErr) || errors.As(err, &fileErr)
}

// spoolBody appends the body of the regular file hdr describes to the
// spool.
func (x *extractor) spoolBody(hdr *tar.Header, r io.Reader) error {
	n, err := io.CopyBuffer(x.spool, r, x.buf)
	x.spoolSize += n
	if err == nil && n != hdr.Size {
		err = errShortBody
	}
	return err
}

// progressReader reports the bytes read through it every 4 MiB.
type progressReader struct {
	r           io.Reader
	n, reported int64
	total       int64
	report      func(read, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n-p.reported >= 4<<20 {
		p.reported = p.n
		p.report(p.n, p.total)
	}
	return n, err
}

// done reports the final count.
func (p *progressReader) done() { p.report(p.n, p.total) }

// snapshot returns a Tree of the entries read so far, which shares the
// spool file: it stays readable while the extraction goes on, until the
// extracted Tree is closed. Closing the snapshot does nothing.
func (x *extractor) snapshot() (*Tree, error) {
	if err := x.spool.Flush(); err != nil {
		return nil, fmt.Errorf("writing spool file: %w", err)
	}
	t := &Tree{entries: slices.Clone(x.entries), spool: x.spoolFile, source: x.tarball, borrowed: true}
	t.sort()
	return t, nil
}

// add records the tree entry of node n.
func (x *extractor) add(n *extractNode, e Entry) {
	n.at = len(x.entries)
	x.entries = append(x.entries, e)
}

// relOf turns a cleaned archive name (go or go/...) into a
// toolchain-relative path ("" for the root).
func relOf(p string) string {
	return strings.TrimPrefix(strings.TrimPrefix(p, "go"), "/")
}

// checkEntryName checks an archive name and returns it cleaned.
func checkEntryName(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty name")
	case len(name) > extractMaxName:
		return "", fmt.Errorf("name is longer than %d bytes", extractMaxName)
	case name[0] == '/':
		return "", errors.New("absolute path")
	}
	for c := range strings.SplitSeq(name, "/") {
		if c == ".." {
			return "", errors.New("path escapes the toolchain root")
		}
	}
	p := path.Clean(name)
	top, rel, _ := strings.Cut(p, "/")
	if top != "go" {
		return "", errors.New("outside the go/ top directory")
	}
	if rel != "" {
		if err := toolchain.CheckFileName(rel); err != nil {
			return "", err
		}
	}
	return p, nil
}

// insideGo reports whether the archive name stays under go/.
func insideGo(name string) bool {
	if name == "" || name[0] == '/' {
		return false
	}
	for c := range strings.SplitSeq(name, "/") {
		if c == ".." {
			return false
		}
	}
	top, _, _ := strings.Cut(path.Clean(name), "/")
	return top == "go"
}

// checkLinkTarget checks what can be told of a symlink target alone.
func checkLinkTarget(target string) error {
	switch {
	case target == "":
		return errors.New("empty symlink target")
	case len(target) > extractMaxName:
		return fmt.Errorf("symlink target is longer than %d bytes", extractMaxName)
	case target[0] == '/':
		return fmt.Errorf("absolute symlink target %s", quoteEntryName(target))
	}
	return nil
}

// specialBits names the setuid, setgid and sticky bits set in mode.
func specialBits(mode int64) string {
	var bits []string
	if mode&0o4000 != 0 {
		bits = append(bits, "setuid")
	}
	if mode&0o2000 != 0 {
		bits = append(bits, "setgid")
	}
	if mode&0o1000 != 0 {
		bits = append(bits, "sticky")
	}
	switch len(bits) {
	case 0:
		return ""
	case 1:
		return bits[0] + " bit"
	}
	return strings.Join(bits, " and ") + " bits"
}

// parentOf returns the directory node that holds the cleaned path p and
// p's last component, creating missing parent directories. It refuses a
// path that goes through a symlink or a file.
func (x *extractor) parentOf(p string) (*extractNode, string, error) {
	n := x.top
	start := 0
	for {
		i := strings.IndexByte(p[start:], '/')
		if i < 0 {
			return n, p[start:], nil
		}
		end := start + i
		c := p[start:end]
		child := n.children[c]
		switch {
		case child == nil:
			var err error
			if child, err = x.mkdir(n, c, p[:end], kindImplicitDir); err != nil {
				return nil, "", err
			}
		case child.kind == kindSymlink:
			return nil, "", fmt.Errorf("path goes through symlink %s", quoteEntryName(p[:end]))
		case child.kind == kindFile:
			return nil, "", fmt.Errorf("parent %s is not a directory", quoteEntryName(p[:end]))
		}
		n = child
		start = end + 1
	}
}

// newNode adds a path to the tree, within the entry limit.
func (x *extractor) newNode(parent *extractNode, base string, kind nodeKind) (*extractNode, error) {
	if x.nodes >= x.maxEntries {
		return nil, fmt.Errorf("more than %d files and directories", x.maxEntries)
	}
	x.nodes++
	n := &extractNode{parent: parent, kind: kind}
	if kind == kindDir || kind == kindImplicitDir {
		n.children = map[string]*extractNode{}
	}
	parent.children[base] = n
	return n, nil
}

// mkdir adds directory p (a cleaned archive name), 0755; its mtime is
// unknown until an entry lists it.
func (x *extractor) mkdir(parent *extractNode, base, p string, kind nodeKind) (*extractNode, error) {
	n, err := x.newNode(parent, base, kind)
	if err != nil {
		return nil, err
	}
	x.add(n, Entry{Rel: relOf(p), Mode: ModeDir})
	return n, nil
}

// checkLink resolves symlink ln's target against the tree as far as it
// exists, following symlinks in it as the kernel would, and refuses a
// target that leaves go/ on the way. Past a component that does not
// exist the rest is resolved lexically.
func (x *extractor) checkLink(ln *extractNode) error {
	cur := ln.parent // a directory under go/
	beyond := 0      // components below cur that do not exist
	hops := 0
	pending := []string{ln.target} // a stack of target remainders
	for len(pending) > 0 {
		s := pending[len(pending)-1]
		if s == "" {
			pending = pending[:len(pending)-1]
			continue
		}
		c, rest, _ := strings.Cut(s, "/")
		pending[len(pending)-1] = rest
		if x.linkSteps++; x.linkSteps > extractMaxLinkSteps {
			return errors.New("symlinks too complex to check")
		}
		switch {
		case c == "" || c == ".":
		case c == "..":
			switch {
			case beyond > 0:
				beyond--
			case cur.parent == x.top:
				return fmt.Errorf("symlink target %s leaves the toolchain root", quoteEntryName(ln.target))
			default:
				cur = cur.parent
			}
		case beyond > 0:
			beyond++
		default:
			child := cur.children[c]
			switch {
			case child == nil || child.kind == kindFile:
				beyond = 1
			case child.kind == kindSymlink:
				if hops++; hops > extractMaxHops {
					return fmt.Errorf("symlink target %s: too many levels of symbolic links", quoteEntryName(ln.target))
				}
				if strings.HasPrefix(child.target, "/") {
					return fmt.Errorf("symlink target %s goes through an absolute symlink", quoteEntryName(ln.target))
				}
				pending = append(pending, child.target)
			default:
				cur = child
			}
		}
	}
	return nil
}
