package rpmwrite

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/gotc-project/gotc/rpmtag"
)

// entry is one tag of a header before it is laid out: its type, count and
// the big-endian bytes of its value.
type entry struct {
	tag   uint32
	typ   uint32
	count uint32
	data  []byte
}

// header collects tags and lays them out the way rpm's headerExport does:
// index entries sorted by tag, each value aligned to its type's natural
// size, the region trailer at the end of the data store.
type header struct {
	entries map[uint32]entry
}

func newHeader() *header {
	return &header{entries: make(map[uint32]entry)}
}

func (h *header) put(tag, typ uint32, count int, data []byte) {
	h.entries[tag] = entry{tag: tag, typ: typ, count: uint32(count), data: data}
}

func (h *header) del(tag uint32) {
	delete(h.entries, tag)
}

func (h *header) putString(tag uint32, s string) {
	h.put(tag, rpmtag.TypeString, 1, append([]byte(s), 0))
}

func (h *header) putI18N(tag uint32, s string) {
	h.put(tag, rpmtag.TypeI18NString, 1, append([]byte(s), 0))
}

func (h *header) putStrings(tag uint32, ss []string) {
	n := 0
	for _, s := range ss {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for _, s := range ss {
		b = append(b, s...)
		b = append(b, 0)
	}
	h.put(tag, rpmtag.TypeStringArray, len(ss), b)
}

func (h *header) putUint16s(tag uint32, v []uint16) {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint16(b[2*i:], x)
	}
	h.put(tag, rpmtag.TypeInt16, len(v), b)
}

func (h *header) putUint32s(tag uint32, v ...uint32) {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint32(b[4*i:], x)
	}
	h.put(tag, rpmtag.TypeInt32, len(v), b)
}

func (h *header) putUint64s(tag uint32, v ...uint64) {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint64(b[8*i:], x)
	}
	h.put(tag, rpmtag.TypeInt64, len(v), b)
}

func (h *header) putBin(tag uint32, b []byte) {
	h.put(tag, rpmtag.TypeBin, len(b), b)
}

// alignment is the boundary rpm aligns a value of type typ to in the data
// store.
func alignment(typ uint32) int {
	switch typ {
	case rpmtag.TypeInt16:
		return 2
	case rpmtag.TypeInt32:
		return 4
	case rpmtag.TypeInt64:
		return 8
	}
	return 1
}

func (h *header) sorted() []entry {
	es := make([]entry, 0, len(h.entries))
	for _, e := range h.entries {
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].tag < es[j].tag })
	return es
}

// encode seals the header with the immutable region tag region (62 for a
// signature header, 63 for the main header) and returns its on-disk bytes,
// magic included.
func (h *header) encode(region uint32) ([]byte, error) {
	es := h.sorted()
	nidx := len(es) + 1
	index := make([]byte, 0, rpmtag.HeaderEntrySize*nidx)
	var store []byte
	for _, e := range es {
		if e.tag <= region {
			return nil, fmt.Errorf("tag %d sorts before region tag %d", e.tag, region)
		}
		if a := alignment(e.typ); len(store)%a != 0 {
			store = append(store, make([]byte, a-len(store)%a)...)
		}
		index = appendEntry(index, e.tag, e.typ, int32(len(store)), e.count)
		store = append(store, e.data...)
	}
	if len(store) > 1<<28 || nidx > 1<<16 {
		return nil, fmt.Errorf("header too large: %d tags, %d bytes of data", nidx, len(store))
	}
	trailerAt := int32(len(store))
	store = appendEntry(store, region, rpmtag.TypeBin, -int32(rpmtag.HeaderEntrySize*nidx), rpmtag.HeaderEntrySize)
	regionEntry := appendEntry(nil, region, rpmtag.TypeBin, trailerAt, rpmtag.HeaderEntrySize)

	out := make([]byte, 0, 16+len(regionEntry)+len(index)+len(store))
	out = append(out, rpmtag.HeaderMagic...)
	out = append(out, 0, 0, 0, 0)
	out = binary.BigEndian.AppendUint32(out, uint32(nidx))
	out = binary.BigEndian.AppendUint32(out, uint32(len(store)))
	out = append(out, regionEntry...)
	out = append(out, index...)
	out = append(out, store...)
	return out, nil
}

func appendEntry(b []byte, tag, typ uint32, off int32, count uint32) []byte {
	b = binary.BigEndian.AppendUint32(b, tag)
	b = binary.BigEndian.AppendUint32(b, typ)
	b = binary.BigEndian.AppendUint32(b, uint32(off))
	return binary.BigEndian.AppendUint32(b, count)
}
