// Package sigheader rewrites the signature header of an RPM file, as
// rpmsign --addsign and --delsign do: tags are set or removed, the lead,
// main header and payload stay byte for byte, and the reserved space
// (RPMSIGTAG_RESERVEDSPACE 1008, or RESERVED 999 in v6 packages) gives up
// or takes back what the change costs, so the signature header keeps its
// size when it can.
package sigheader

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// Entry is one signature header tag to set.
type Entry struct {
	Tag  int
	Type int
	// Exactly one of these holds the value, as Type says: Strings for
	// STRING (one) and STRING_ARRAY, Bytes for BIN, Ints for the
	// integer types.
	Strings []string
	Bytes   []byte
	Ints    []uint64
}

// Reserved-space tags, v4 and v6.
const (
	reservedSpace = 1008
	reservedV6    = 999
)

// Rewrite returns pkg with the entries of set added to its signature
// header (replacing tags already there) and the tags in drop removed.
func Rewrite(pkg []byte, set []Entry, drop ...int) ([]byte, error) {
	r, err := rpmread.Read(bytes.NewReader(pkg))
	if err != nil {
		return nil, err
	}
	oldLen := r.Signature.Len()
	byTag := map[int]Entry{}
	for _, v := range r.Signature.Entries() {
		if v.Tag == rpmtag.HeaderSignatures {
			continue
		}
		byTag[v.Tag] = Entry{Tag: v.Tag, Type: v.Type, Strings: v.Strings, Bytes: v.Bytes, Ints: v.Ints}
	}
	for _, t := range drop {
		delete(byTag, t)
	}
	for _, e := range set {
		byTag[e.Tag] = e
	}
	hdr, err := encode(byTag)
	if err != nil {
		return nil, err
	}
	// Give the reserved space what the change took or freed; alignment
	// may need a second try.
	for try := 0; try < 3 && len(hdr) != oldLen; try++ {
		tag := reservedSpace
		if _, ok := byTag[tag]; !ok {
			tag = reservedV6
		}
		res, ok := byTag[tag]
		n := len(res.Bytes) + oldLen - len(hdr)
		if !ok || res.Type != rpmtag.TypeBin || n < 1 {
			break
		}
		res.Bytes = make([]byte, n)
		byTag[tag] = res
		if hdr, err = encode(byTag); err != nil {
			return nil, err
		}
	}
	out := append([]byte(nil), pkg[:r.SignatureOffset]...)
	out = append(out, hdr...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return append(out, pkg[r.HeaderOffset:]...), nil
}

// encode lays out a signature header: the region entry first, the other
// entries sorted by tag with their data aligned to their type, the
// region trailer last.
func encode(byTag map[int]Entry) ([]byte, error) {
	tags := make([]int, 0, len(byTag))
	for t := range byTag {
		tags = append(tags, t)
	}
	sort.Ints(tags)
	n := len(tags) + 1
	var index, data []byte
	put := func(b []byte, tag, typ int, off int32, count int) []byte {
		for _, v := range []uint32{uint32(tag), uint32(typ), uint32(off), uint32(count)} {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return b
	}
	for _, t := range tags {
		e := byTag[t]
		value, count, align, err := marshal(e)
		if err != nil {
			return nil, fmt.Errorf("signature tag %d: %w", t, err)
		}
		for len(data)%align != 0 {
			data = append(data, 0)
		}
		index = put(index, t, e.Type, int32(len(data)), count)
		data = append(data, value...)
	}
	trailer := int32(len(data))
	data = put(data, rpmtag.HeaderSignatures, rpmtag.TypeBin, -int32(n*rpmtag.HeaderEntrySize), rpmtag.HeaderEntrySize)
	out := append([]byte(nil), rpmtag.HeaderMagic...)
	out = append(out, 0, 0, 0, 0)
	out = binary.BigEndian.AppendUint32(out, uint32(n))
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	out = put(out, rpmtag.HeaderSignatures, rpmtag.TypeBin, trailer, rpmtag.HeaderEntrySize)
	out = append(out, index...)
	return append(out, data...), nil
}

// marshal encodes one value: its bytes, its count and its alignment.
func marshal(e Entry) (value []byte, count, align int, err error) {
	switch e.Type {
	case rpmtag.TypeString:
		if len(e.Strings) != 1 {
			return nil, 0, 0, fmt.Errorf("a STRING holds one string, not %d", len(e.Strings))
		}
		return append([]byte(e.Strings[0]), 0), 1, 1, nil
	case rpmtag.TypeStringArray:
		for _, s := range e.Strings {
			value = append(append(value, s...), 0)
		}
		return value, len(e.Strings), 1, nil
	case rpmtag.TypeBin:
		return e.Bytes, len(e.Bytes), 1, nil
	case rpmtag.TypeInt32:
		for _, v := range e.Ints {
			value = binary.BigEndian.AppendUint32(value, uint32(v))
		}
		return value, len(e.Ints), 4, nil
	case rpmtag.TypeInt64:
		for _, v := range e.Ints {
			value = binary.BigEndian.AppendUint64(value, v)
		}
		return value, len(e.Ints), 8, nil
	case rpmtag.TypeInt16:
		for _, v := range e.Ints {
			value = binary.BigEndian.AppendUint16(value, uint16(v))
		}
		return value, len(e.Ints), 2, nil
	}
	return nil, 0, 0, fmt.Errorf("type %d is not written here", e.Type)
}
