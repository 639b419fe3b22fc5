package rpmread

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"slices"
)

// xzGuard passes an xz stream through unchanged while walking its
// framing (stream header, block headers, LZMA2 chunk headers, index,
// footer). It exists for one reason: the xz decoder allocates whatever
// dictionary a block header asks for, up to 4 GiB, and a few crafted bytes
// can ask for that. The guard fails with ErrTooLarge on any block whose
// LZMA2 dictionary exceeds the limit, before the decoder sees it.
//
// It only parses framing, never decompresses; the decoder still checks
// CRCs and everything else.
type xzGuard struct {
	r         *bufio.Reader
	max       int64
	out       []byte
	pos       int
	state     int
	checkSize int
	blockLen  int64
	idxLeft   uint64
	idxLen    int64
	off       int64
	err       error
}

const (
	xzStreamHeader = iota
	xzBlockOrIndex
	xzChunk
	xzIndexRecords
	xzStreamPadding
)

func newXZGuard(r io.Reader, max int64) *xzGuard {
	return &xzGuard{r: bufio.NewReader(r), max: max}
}

func (g *xzGuard) Read(b []byte) (int, error) {
	for g.pos == len(g.out) {
		if g.err != nil {
			return 0, g.err
		}
		g.out, g.pos = g.out[:0], 0
		if g.err = g.step(); g.err != nil && g.err != io.EOF {
			// Withhold the offending structure: the decoder must see
			// our error, not its own complaint about what follows.
			g.out = g.out[:0]
		}
	}
	n := copy(b, g.out[g.pos:])
	g.pos += n
	return n, nil
}

func (g *xzGuard) bad(msg string) error { return formatErr("payload", g.off, ErrFormat, "xz: %s", msg) }

// take reads exactly n bytes into the output queue and returns them.
func (g *xzGuard) take(n int) ([]byte, error) {
	l := len(g.out)
	g.out = slices.Grow(g.out, n)[:l+n]
	m, err := io.ReadFull(g.r, g.out[l:])
	g.off += int64(m)
	if err != nil {
		g.out = g.out[:l+m]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("payload", g.off, ErrTruncated, "xz stream ends inside its framing")
		}
		return nil, err
	}
	return g.out[l:], nil
}

func (g *xzGuard) varint() (uint64, int, error) {
	var v uint64
	for i := 0; i < 9; i++ {
		b, err := g.take(1)
		if err != nil {
			return 0, 0, err
		}
		v |= uint64(b[0]&0x7f) << (7 * i)
		if b[0]&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, g.bad("variable-length integer too long")
}

func (g *xzGuard) step() error {
	switch g.state {
	case xzStreamHeader:
		h, err := g.take(12)
		if err != nil {
			return err
		}
		if string(h[:6]) != "\xfd7zXZ\x00" {
			return g.bad("bad stream magic")
		}
		if h[6] != 0 || h[7]&0xf0 != 0 {
			return g.bad("reserved stream flags set")
		}
		switch c := int(h[7] & 0x0f); {
		case c == 0:
			g.checkSize = 0
		default:
			g.checkSize = 4 << ((c - 1) / 3)
		}
		g.state = xzBlockOrIndex
	case xzBlockOrIndex:
		b, err := g.take(1)
		if err != nil {
			return err
		}
		if b[0] == 0 {
			count, n, err := g.varint()
			if err != nil {
				return err
			}
			g.idxLeft, g.idxLen, g.state = count, int64(1+n), xzIndexRecords
			return nil
		}
		size := (int(b[0]) + 1) * 4
		rest, err := g.take(size - 1)
		if err != nil {
			return err
		}
		if err := g.checkBlockHeader(rest[:size-5]); err != nil {
			return err
		}
		g.blockLen, g.state = int64(size), xzChunk
	case xzChunk:
		c, err := g.take(1)
		if err != nil {
			return err
		}
		ctl := c[0]
		g.blockLen++
		switch {
		case ctl == 0:
			pad := int((4 - g.blockLen%4) % 4)
			if _, err := g.take(pad + g.checkSize); err != nil {
				return err
			}
			g.state = xzBlockOrIndex
		case ctl == 1 || ctl == 2:
			s, err := g.take(2)
			if err != nil {
				return err
			}
			n := int(binary.BigEndian.Uint16(s)) + 1
			if _, err := g.take(n); err != nil {
				return err
			}
			g.blockLen += int64(2 + n)
		case ctl < 0x80:
			return g.bad("invalid LZMA2 chunk control byte")
		default:
			s, err := g.take(4)
			if err != nil {
				return err
			}
			n := int(binary.BigEndian.Uint16(s[2:])) + 1
			if ctl >= 0xc0 {
				n++ // properties byte
			}
			if _, err := g.take(n); err != nil {
				return err
			}
			g.blockLen += int64(4 + n)
		}
	case xzIndexRecords:
		if g.idxLeft == 0 {
			pad := int((4 - g.idxLen%4) % 4)
			t, err := g.take(pad + 4 + 12)
			if err != nil {
				return err
			}
			if string(t[len(t)-2:]) != "YZ" {
				return g.bad("bad stream footer magic")
			}
			g.state = xzStreamPadding
			return nil
		}
		for i := 0; i < 2; i++ {
			_, n, err := g.varint()
			if err != nil {
				return err
			}
			g.idxLen += int64(n)
		}
		g.idxLeft--
	case xzStreamPadding:
		b, err := g.r.Peek(1)
		if len(b) == 0 {
			if err == nil || err == io.EOF {
				return io.EOF
			}
			return err
		}
		if b[0] != 0 {
			g.state = xzStreamHeader
			return nil
		}
		z, err := g.take(4)
		if err != nil {
			return err
		}
		if binary.BigEndian.Uint32(z) != 0 {
			return g.bad("non-zero stream padding")
		}
	}
	return nil
}

// checkBlockHeader parses a block header (without its size byte and CRC)
// and checks the LZMA2 dictionary size.
func (g *xzGuard) checkBlockHeader(h []byte) error {
	if len(h) < 1 {
		return g.bad("short block header")
	}
	flags := h[0]
	if flags&0x3c != 0 {
		return g.bad("reserved block flags set")
	}
	p := 1
	uvar := func() (uint64, bool) {
		var v uint64
		for i := 0; i < 9 && p < len(h); i++ {
			b := h[p]
			p++
			v |= uint64(b&0x7f) << (7 * i)
			if b&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	for _, bit := range []byte{0x40, 0x80} {
		if flags&bit != 0 {
			if _, ok := uvar(); !ok {
				return g.bad("bad block size field")
			}
		}
	}
	nf := int(flags&3) + 1
	var last uint64
	for i := 0; i < nf; i++ {
		id, ok1 := uvar()
		ps, ok2 := uvar()
		if !ok1 || !ok2 || ps > uint64(len(h)-p) {
			return g.bad("bad filter flags")
		}
		props := h[p : p+int(ps)]
		p += int(ps)
		last = id
		if id != 0x21 {
			continue
		}
		if len(props) != 1 || props[0] > 40 {
			return g.bad("bad LZMA2 properties")
		}
		d := int64(props[0])
		dict := int64(2|d&1) << (d/2 + 11)
		if d == 40 {
			dict = 1<<32 - 1
		}
		if dict > g.max {
			return formatErr("payload", g.off, ErrTooLarge, "xz block asks for a %d-byte dictionary, limit %d", dict, g.max)
		}
	}
	if last != 0x21 {
		return formatErr("payload", g.off, ErrUnsupported, "xz filter chain not ending in LZMA2")
	}
	return nil
}
