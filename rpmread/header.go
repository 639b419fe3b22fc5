package rpmread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/gotc-project/gotc/rpmtag"
)

// Limits of the header parser. They are those rpm itself enforces
// (HEADER_TAGS_MAX, HEADER_DATA_MAX in rpm's header_internal.h).
const (
	MaxHeaderIndex = 0xffff     // index entries in one header
	MaxHeaderData  = 0x0fffffff // bytes in one header's data store (256 MiB)
	headerIntro    = 16
)

// Value is one decoded header entry. Exactly one of Strings, Ints and
// Bytes is set, according to Type: STRING, STRING_ARRAY and I18NSTRING
// fill Strings; CHAR, INT8, INT16, INT32 and INT64 fill Ints (unsigned,
// zero-extended); BIN fills Bytes.
type Value struct {
	Tag     int
	Type    int
	Count   int
	Offset  int // in the data store
	Strings []string
	Ints    []uint64
	Bytes   []byte
}

// String returns the first string of a string value, or "".
func (v Value) String() string {
	if len(v.Strings) == 0 {
		return ""
	}
	return v.Strings[0]
}

// Header is a parsed RPM header structure: the signature header or the
// main header. It keeps the exact bytes it was parsed from, which digests
// are computed over.
type Header struct {
	raw     []byte
	entries []Value
	byTag   map[int]int
}

// Raw returns the header's bytes as they appear in the file, from the
// 8-byte header magic to the end of the data store (without the padding
// that follows a signature header).
func (h *Header) Raw() []byte { return h.raw }

// Len returns the number of bytes of the header structure.
func (h *Header) Len() int { return len(h.raw) }

// Entries returns the header's entries in index order.
func (h *Header) Entries() []Value { return h.entries }

// Tag returns the entry for tag n.
func (h *Header) Tag(n int) (Value, bool) {
	if h == nil {
		return Value{}, false
	}
	i, ok := h.byTag[n]
	if !ok {
		return Value{}, false
	}
	return h.entries[i], true
}

// Has reports whether tag n is present.
func (h *Header) Has(n int) bool { _, ok := h.Tag(n); return ok }

// String returns the first string of tag n, or "".
func (h *Header) String(n int) string {
	v, _ := h.Tag(n)
	return v.String()
}

// Strings returns the strings of tag n (nil when absent or not a string
// type).
func (h *Header) Strings(n int) []string {
	v, _ := h.Tag(n)
	return v.Strings
}

// Ints returns the integers of tag n (nil when absent or not an integer
// type).
func (h *Header) Ints(n int) []uint64 {
	v, _ := h.Tag(n)
	return v.Ints
}

// Int returns the first integer of tag n.
func (h *Header) Int(n int) (uint64, bool) {
	v, _ := h.Tag(n)
	if len(v.Ints) == 0 {
		return 0, false
	}
	return v.Ints[0], true
}

// Bytes returns the bytes of a BIN tag n.
func (h *Header) Bytes(n int) []byte {
	v, _ := h.Tag(n)
	return v.Bytes
}

// readHeader reads one header structure from r: 16 bytes of intro, the
// index and the data store. It never allocates more than the bytes r
// actually delivers (plus a constant), whatever the counts claim.
func readHeader(r io.Reader, part string, off int64, maxData int64, region int) (*Header, error) {
	var intro [headerIntro]byte
	if _, err := io.ReadFull(r, intro[:]); err != nil {
		return nil, readErr(part, off, err, "header intro")
	}
	il, dl, err := checkIntro(intro[:], part, off, maxData)
	if err != nil {
		return nil, err
	}
	n := int64(il)*rpmtag.HeaderEntrySize + int64(dl)
	var buf bytes.Buffer
	buf.Write(intro[:])
	// Grow with the data, not with the claim: a crafted count cannot make
	// us allocate what the file does not contain.
	got, err := io.Copy(&buf, io.LimitReader(r, n))
	if err != nil {
		return nil, readErr(part, off, err, "header body")
	}
	if got < n {
		return nil, formatErr(part, off, ErrTruncated, "header declares %d bytes after its intro, file has %d", n, got)
	}
	return parseHeader(buf.Bytes(), part, off, maxData, region)
}

func readErr(part string, off int64, err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(part, off, ErrTruncated, "file ends inside the %s", what)
	}
	return &FormatError{Part: part, Offset: off, Kind: err, Msg: "reading " + what}
}

func checkIntro(b []byte, part string, off int64, maxData int64) (il, dl uint32, err error) {
	if string(b[:4]) != rpmtag.HeaderMagic {
		return 0, 0, formatErr(part, off, ErrFormat, "bad header magic % x", b[:4])
	}
	il = binary.BigEndian.Uint32(b[8:])
	dl = binary.BigEndian.Uint32(b[12:])
	if il < 1 || il > MaxHeaderIndex {
		return 0, 0, formatErr(part, off, ErrTooLarge, "index count %d outside 1..%d", il, MaxHeaderIndex)
	}
	if int64(dl) > maxData {
		return 0, 0, formatErr(part, off, ErrTooLarge, "data length %d above limit %d", dl, maxData)
	}
	return il, dl, nil
}

// typeSize is the element size of fixed-size types, 0 for the others.
var typeSize = [...]int{
	rpmtag.TypeChar:  1,
	rpmtag.TypeInt8:  1,
	rpmtag.TypeInt16: 2,
	rpmtag.TypeInt32: 4,
	rpmtag.TypeInt64: 8,
}

// parseHeader validates and decodes a complete header structure. b must
// hold exactly intro + index + data. region is the region tag the header
// may open with (62 for the signature header, 63 for the main header);
// legacy headers without a region are accepted.
func parseHeader(b []byte, part string, off int64, maxData int64, region int) (*Header, error) {
	if len(b) < headerIntro {
		return nil, formatErr(part, off, ErrTruncated, "header shorter than its intro")
	}
	il, dl, err := checkIntro(b, part, off, maxData)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != headerIntro+int64(il)*rpmtag.HeaderEntrySize+int64(dl) {
		return nil, formatErr(part, off, ErrTruncated, "header has %d bytes, intro declares %d index entries and %d data bytes", len(b), il, dl)
	}
	index := b[headerIntro : headerIntro+int(il)*rpmtag.HeaderEntrySize]
	data := b[headerIntro+len(index):]
	h := &Header{raw: b, entries: make([]Value, 0, il), byTag: make(map[int]int, il)}
	type extent struct{ start, end int }
	extents := make([]extent, 0, il)
	for i := 0; i < int(il); i++ {
		e := index[i*16 : i*16+16]
		tag := int(binary.BigEndian.Uint32(e[0:]))
		typ := binary.BigEndian.Uint32(e[4:])
		offset := int32(binary.BigEndian.Uint32(e[8:]))
		count := binary.BigEndian.Uint32(e[12:])
		eoff := off + headerIntro + int64(i)*16
		if _, dup := h.byTag[tag]; dup {
			return nil, formatErr(part, eoff, ErrFormat, "tag %d appears twice", tag)
		}
		if offset < 0 || int64(offset) >= int64(dl) {
			return nil, formatErr(part, eoff, ErrFormat, "tag %d: data offset %d outside data store of %d bytes", tag, offset, dl)
		}
		if count < 1 || count > dl {
			return nil, formatErr(part, eoff, ErrFormat, "tag %d: count %d impossible for a data store of %d bytes", tag, count, dl)
		}
		v, n, err := decodeValue(data, tag, typ, int(offset), int(count))
		if err != nil {
			return nil, formatErr(part, eoff, ErrFormat, "tag %d: %v", tag, err)
		}
		extents = append(extents, extent{int(offset), int(offset) + n})
		if i == 0 && tag == region {
			if err := checkRegion(v, data, int(il)); err != nil {
				return nil, formatErr(part, eoff, ErrFormat, "region tag %d: %v", tag, err)
			}
		} else if tag == rpmtag.HeaderSignatures || tag == rpmtag.HeaderImmutable {
			return nil, formatErr(part, eoff, ErrFormat, "region tag %d misplaced (this header's region tag is %d, first in the index)", tag, region)
		}
		h.byTag[tag] = len(h.entries)
		h.entries = append(h.entries, v)
	}
	// Entries may not share data: otherwise a small data store referenced
	// by many entries would decode into far more memory than it occupies.
	sort.Slice(extents, func(i, j int) bool { return extents[i].start < extents[j].start })
	for i := 1; i < len(extents); i++ {
		if extents[i].start < extents[i-1].end {
			return nil, formatErr(part, off, ErrFormat, "entries overlap in the data store at offset %d", extents[i].start)
		}
	}
	return h, nil
}

// decodeValue decodes one entry and returns the number of data bytes it
// spans.
func decodeValue(data []byte, tag int, typ uint32, offset, count int) (Value, int, error) {
	v := Value{Tag: tag, Type: int(typ), Count: count, Offset: offset}
	rest := data[offset:]
	switch typ {
	case rpmtag.TypeChar, rpmtag.TypeInt8, rpmtag.TypeInt16, rpmtag.TypeInt32, rpmtag.TypeInt64:
		size := typeSize[typ]
		if offset%size != 0 {
			return v, 0, errors.New("misaligned integer data")
		}
		if count > len(rest)/size {
			return v, 0, errors.New("integer array runs past the data store")
		}
		v.Ints = make([]uint64, count)
		for i := range v.Ints {
			p := rest[i*size:]
			switch size {
			case 1:
				v.Ints[i] = uint64(p[0])
			case 2:
				v.Ints[i] = uint64(binary.BigEndian.Uint16(p))
			case 4:
				v.Ints[i] = uint64(binary.BigEndian.Uint32(p))
			case 8:
				v.Ints[i] = binary.BigEndian.Uint64(p)
			}
		}
		return v, count * size, nil
	case rpmtag.TypeBin:
		if count > len(rest) {
			return v, 0, errors.New("binary data runs past the data store")
		}
		v.Bytes = rest[:count:count]
		return v, count, nil
	case rpmtag.TypeString, rpmtag.TypeStringArray, rpmtag.TypeI18NString:
		if typ == rpmtag.TypeString && count != 1 {
			return v, 0, errors.New("string with count other than 1")
		}
		// Every string takes at least its NUL byte, so count bounds the
		// work by the data store's size.
		if count > len(rest) {
			return v, 0, errors.New("more strings than bytes in the data store")
		}
		v.Strings = make([]string, 0, count)
		p := 0
		for i := 0; i < count; i++ {
			j := bytes.IndexByte(rest[p:], 0)
			if j < 0 {
				return v, 0, errors.New("string without terminating NUL")
			}
			v.Strings = append(v.Strings, string(rest[p:p+j]))
			p += j + 1
		}
		return v, p, nil
	default:
		return v, 0, fmt.Errorf("unknown data type %d", typ)
	}
}

// checkRegion validates the trailer a region tag points at: a copy of the
// region tag whose negative offset spans the region's index entries.
func checkRegion(v Value, data []byte, il int) error {
	if v.Type != rpmtag.TypeBin || v.Count != 16 {
		return errors.New("not a 16-byte binary entry")
	}
	t := v.Bytes
	tag := int(binary.BigEndian.Uint32(t[0:]))
	typ := binary.BigEndian.Uint32(t[4:])
	offset := int32(binary.BigEndian.Uint32(t[8:]))
	count := binary.BigEndian.Uint32(t[12:])
	if tag != v.Tag || typ != rpmtag.TypeBin || count != 16 {
		return errors.New("trailer does not repeat the region tag")
	}
	if offset >= 0 || offset%16 != 0 {
		return errors.New("trailer offset is not a negative multiple of 16")
	}
	if ril := -int64(offset) / 16; ril > int64(il) {
		return errors.New("region spans more entries than the index has")
	}
	return nil
}
