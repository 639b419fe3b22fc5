package rpmwrite

import (
	"fmt"
	"io"
	"sort"
)

// archive is the layout of a package's cpio payload, as rpm's cpio code
// writes it: the "newc" format (magic 070701), names "./usr/...", inode =
// header index + 1, uid, gid and devices 0, one link per file, every
// header and body padded to 4 bytes, and a TRAILER!!! entry padded to 4
// (not to 512 as GNU cpio does). When the package needs LONGFILESIZES it
// has rpm's stripped headers instead (magic 07070X and the header index
// only), as rpm 4.12 and later write.
//
// The layout is a list of pieces (header bytes, bodies) with their
// offsets, so that any byte range of the archive can be produced on its
// own: the payload is compressed in independent frames, concurrently.
type archive struct {
	pieces []piece
	size   int64 // the archive's length: SIGTAG_PAYLOADSIZE
}

// piece is a stretch of the archive: bytes held here (headers, names,
// padding, symlink targets, the trailer) or the body of a regular file.
type piece struct {
	off  int64  // where the piece starts in the archive
	data []byte // nil for a body
	file int    // a body: index into fileTable.files; -1 otherwise
	n    int64  // length
}

// newArchive lays out the payload of t's files: every file but ghosts,
// in t's order.
func newArchive(t *fileTable) (*archive, error) {
	a := &archive{}
	var pending []byte // padding and headers not yet made a piece
	add := func(p piece) {
		p.off = a.size
		a.pieces = append(a.pieces, p)
		a.size += p.n
	}
	flush := func() {
		if len(pending) > 0 {
			add(piece{data: pending, file: -1, n: int64(len(pending))})
			pending = nil
		}
	}
	pad := func() {
		if r := (a.size + int64(len(pending))) % 4; r != 0 {
			pending = append(pending, make([]byte, 4-r)...)
		}
	}
	for i := range t.files {
		f := &t.files[i]
		if !f.inPayload() {
			continue
		}
		size := t.sizes[i]
		pad()
		if t.largeFiles {
			pending = fmt.Appendf(pending, "07070X%08x", i)
		} else {
			if size >= 0xffffffff {
				return nil, fmt.Errorf("file %q: too large for the cpio newc format", f.Path)
			}
			name := "." + f.Path
			if t.source {
				name = f.Path // rpmbuild -bs stores bare names
			}
			pending = appendNewcHeader(pending, name, uint32(i+1), f.Mode, 1, f.MTime, size)
		}
		pad()
		switch {
		case f.isSymlink():
			pending = append(pending, f.LinkTo...)
		case f.isRegular():
			// Empty bodies too: the digest pass reads every body,
			// checking it has the length the header says.
			flush()
			add(piece{file: i, n: size})
		}
	}
	pad()
	pending = appendNewcHeader(pending, "TRAILER!!!", 0, 0, 1, 0, 0)
	pad()
	flush()
	return a, nil
}

// appendNewcHeader appends a "newc" header: the magic, thirteen fields of
// eight hex digits, and the NUL-terminated name. uid, gid and the device
// numbers are 0, as in rpm's payloads.
func appendNewcHeader(b []byte, name string, ino, mode, nlink, mtime uint32, size int64) []byte {
	fields := [...]uint64{
		uint64(ino), uint64(mode),
		0, 0, // uid, gid
		uint64(nlink), uint64(mtime), uint64(size),
		0, 0, 0, 0, // device and rdevice, major and minor
		uint64(len(name) + 1),
		0, // check
	}
	b = append(b, "070701"...)
	for _, f := range fields {
		b = fmt.Appendf(b, "%08x", f)
	}
	b = append(b, name...)
	return append(b, 0)
}

// writeRange writes bytes [start, end) of the archive to w, reading the
// bodies it needs through t's Open functions (a body the range starts in
// the middle of is skipped into). progress, when set, is called after
// each body or part of one, and every progressEvery bytes within a large
// one, with the bytes written and whether the body's end was reached.
func (a *archive) writeRange(w io.Writer, t *fileTable, start, end int64, buf []byte, progress func(n int64, bodyDone bool)) error {
	i := sort.Search(len(a.pieces), func(i int) bool { return a.pieces[i].off+a.pieces[i].n > start })
	for ; i < len(a.pieces) && a.pieces[i].off < end; i++ {
		p := &a.pieces[i]
		if p.n == 0 {
			continue // an empty body: nothing to write
		}
		from := max(start, p.off) - p.off
		to := min(end, p.off+p.n) - p.off
		if p.file < 0 {
			if _, err := w.Write(p.data[from:to]); err != nil {
				return err
			}
			continue
		}
		f := &t.files[p.file]
		report := func(n int64, last bool) {
			if progress != nil {
				progress(n, last && to == p.n)
			}
		}
		if err := copyBodyRange(w, f, from, to, buf, report); err != nil {
			return fmt.Errorf("file %q: %w", f.Path, err)
		}
	}
	return nil
}

// progressEvery is how many body bytes pass between progress reports
// within one large body.
const progressEvery = 16 << 20

// copyBodyRange copies bytes [from, to) of f's body to w, calling report
// every progressEvery bytes and at the end. It refuses a body that ends
// early; the digest pass, which reads every body whole, refuses one that
// is too long.
func copyBodyRange(w io.Writer, f *File, from, to int64, buf []byte, report func(n int64, last bool)) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("opening body: %w", err)
	}
	defer rc.Close()
	if from > 0 {
		if s, ok := rc.(io.Seeker); ok {
			_, err = s.Seek(from, io.SeekStart)
		} else {
			_, err = io.CopyBuffer(io.Discard, io.LimitReader(rc, from), buf)
		}
		if err != nil {
			return fmt.Errorf("reading body: %w", err)
		}
	}
	for at := from; at < to; {
		chunk := min(to-at, progressEvery)
		n, err := io.CopyBuffer(w, io.LimitReader(rc, chunk), buf)
		if err != nil {
			return fmt.Errorf("reading body: %w", err)
		}
		if n != chunk {
			return fmt.Errorf("%w: body has %d bytes, Size is %d", ErrBodySize, at+n, f.Size)
		}
		at += n
		report(n, at == to)
	}
	return nil
}
