package rpmread

// A minimal RPM writer for tests: it crafts packages byte by byte, so the
// hostile-input table can break exactly one thing at a time, and so
// formats rpmbuild 4.18 does not produce (rpm's stripped "07070X" cpio)
// can be exercised. Crafted packages are checked against rpm itself in
// TestCraftedAcceptedByRpm, so the writer is known to be right before its
// output is broken on purpose.

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/gotc-project/gotc/rpmtag"
)

// tagEntry is one header entry to write. val is a string, []string,
// []byte, []uint16, []uint32, []uint64 or rawData; typ says how to encode
// it.
type tagEntry struct {
	tag, typ int
	val      any
}

// rawData is written as is with an explicit count, to break invariants.
type rawData struct {
	b     []byte
	count int
}

// encodeHeader lays out a header structure: intro, index, data. region
// (62 or 63) adds a region tag and trailer; 0 writes a legacy header.
// Entries are written in the order given; data is aligned per type.
func encodeHeader(region int, entries []tagEntry) []byte {
	var index, data bytes.Buffer
	put := func(tag, typ int, off, count int) {
		var e [16]byte
		binary.BigEndian.PutUint32(e[0:], uint32(tag))
		binary.BigEndian.PutUint32(e[4:], uint32(typ))
		binary.BigEndian.PutUint32(e[8:], uint32(off))
		binary.BigEndian.PutUint32(e[12:], uint32(count))
		index.Write(e[:])
	}
	align := func(n int) {
		for data.Len()%n != 0 {
			data.WriteByte(0)
		}
	}
	for _, e := range entries {
		var count int
		switch v := e.val.(type) {
		case string:
			put(e.tag, e.typ, data.Len(), 1)
			data.WriteString(v + "\x00")
			continue
		case []string:
			count = len(v)
			put(e.tag, e.typ, data.Len(), count)
			for _, s := range v {
				data.WriteString(s + "\x00")
			}
			continue
		case []byte:
			put(e.tag, e.typ, data.Len(), len(v))
			data.Write(v)
			continue
		case rawData:
			put(e.tag, e.typ, data.Len(), v.count)
			data.Write(v.b)
			continue
		case []uint16:
			align(2)
			put(e.tag, e.typ, data.Len(), len(v))
			binary.Write(&data, binary.BigEndian, v)
		case []uint32:
			align(4)
			put(e.tag, e.typ, data.Len(), len(v))
			binary.Write(&data, binary.BigEndian, v)
		case []uint64:
			align(8)
			put(e.tag, e.typ, data.Len(), len(v))
			binary.Write(&data, binary.BigEndian, v)
		default:
			panic(fmt.Sprintf("tag %d: unsupported value %T", e.tag, e.val))
		}
	}
	il := len(entries)
	var out bytes.Buffer
	if region != 0 {
		il++
		trailerOff := data.Len()
		var tr [16]byte
		binary.BigEndian.PutUint32(tr[0:], uint32(region))
		binary.BigEndian.PutUint32(tr[4:], rpmtag.TypeBin)
		binary.BigEndian.PutUint32(tr[8:], uint32(int32(-16*il)))
		binary.BigEndian.PutUint32(tr[12:], 16)
		data.Write(tr[:])
		idx := index.Bytes()
		index = bytes.Buffer{}
		put(region, rpmtag.TypeBin, trailerOff, 16)
		index.Write(idx)
	}
	out.WriteString(rpmtag.HeaderMagic + "\x00\x00\x00\x00")
	binary.Write(&out, binary.BigEndian, uint32(il))
	binary.Write(&out, binary.BigEndian, uint32(data.Len()))
	out.Write(index.Bytes())
	out.Write(data.Bytes())
	return out.Bytes()
}

func leadBytes(name string) []byte {
	b := make([]byte, rpmtag.LeadSize)
	copy(b, rpmtag.LeadMagic)
	b[4], b[5] = 3, 0
	binary.BigEndian.PutUint16(b[8:], 1)
	copy(b[10:75], name)
	binary.BigEndian.PutUint16(b[76:], 1)
	binary.BigEndian.PutUint16(b[78:], 5)
	return b
}

// assemble writes lead, a signature header with SHA256, MD5 and sizes
// computed over hdr and payload, padding, hdr and payload.
func assemble(hdr, payload []byte, archiveSize int64) []byte {
	sum := sha256.Sum256(hdr)
	m := md5.New()
	m.Write(hdr)
	m.Write(payload)
	sig := encodeHeader(rpmtag.HeaderSignatures, []tagEntry{
		{rpmtag.SigSHA256, rpmtag.TypeString, hex.EncodeToString(sum[:])},
		{rpmtag.SigSize, rpmtag.TypeInt32, []uint32{uint32(len(hdr) + len(payload))}},
		{rpmtag.SigMD5, rpmtag.TypeBin, m.Sum(nil)},
		{rpmtag.SigPayloadSize, rpmtag.TypeInt32, []uint32{uint32(archiveSize)}},
	})
	var out bytes.Buffer
	out.Write(leadBytes("crafted-1-1"))
	out.Write(sig)
	for out.Len()%8 != 0 {
		out.WriteByte(0)
	}
	out.Write(hdr)
	out.Write(payload)
	return out.Bytes()
}

// craftFile is one file of a crafted package.
type craftFile struct {
	path   string
	mode   uint32
	body   string // content, or target for symlinks
	inode  uint32 // 0: assigned in order
	flags  uint32
	mtime  uint32
	user   string
	digest *string // nil: computed (SHA256) for regular files
}

// craftPkg describes a crafted package.
type craftPkg struct {
	files      []craftFile
	compressor string // "identity", "gzip", "xz", "zstd"
	stripped   bool   // write rpm's 07070X cpio
	// Hooks to break things: mutate the header entries, or replace the
	// (uncompressed) archive or the compressed payload.
	editHeader  func([]tagEntry) []tagEntry
	editArchive func([]byte) []byte
	payload     []byte // when set, used as is
}

// headerEntries returns the main header entries for the package.
func (c *craftPkg) headerEntries() []tagEntry {
	files := c.sortedFiles()
	var dirs []string
	dirIdx := map[string]uint32{}
	var base []string
	var idx, sizes, mtimes, flags, inodes, devs []uint32
	var modes, rdevs []uint16
	var digests, users, groups, links, langs []string
	for i, f := range files {
		d, b := path.Split(f.path)
		if _, ok := dirIdx[d]; !ok {
			dirIdx[d] = uint32(len(dirs))
			dirs = append(dirs, d)
		}
		base = append(base, b)
		idx = append(idx, dirIdx[d])
		sizes = append(sizes, uint32(len(f.body)))
		modes = append(modes, uint16(f.mode))
		rdevs = append(rdevs, 0)
		mtimes = append(mtimes, f.mtime)
		flags = append(flags, f.flags)
		ino := f.inode
		if ino == 0 {
			ino = uint32(i + 1)
		}
		inodes = append(inodes, ino)
		devs = append(devs, 1)
		dg := ""
		switch {
		case f.digest != nil:
			dg = *f.digest
		case f.mode&0o170000 == 0o100000 && f.flags&rpmtag.FileGhost == 0:
			s := sha256.Sum256([]byte(f.body))
			dg = hex.EncodeToString(s[:])
		}
		digests = append(digests, dg)
		u := f.user
		if u == "" {
			u = "root"
		}
		users = append(users, u)
		groups = append(groups, "root")
		l := ""
		if f.mode&0o170000 == 0o120000 {
			l = f.body
		}
		links = append(links, l)
		langs = append(langs, "")
	}
	comp := c.compressor
	if comp == "" {
		comp = "identity"
	}
	e := []tagEntry{
		{rpmtag.Name, rpmtag.TypeString, "crafted"},
		{rpmtag.Version, rpmtag.TypeString, "1"},
		{rpmtag.Release, rpmtag.TypeString, "1"},
		{rpmtag.Summary, rpmtag.TypeI18NString, []string{"crafted test package"}},
		{rpmtag.Description, rpmtag.TypeI18NString, []string{"crafted"}},
		{rpmtag.BuildTime, rpmtag.TypeInt32, []uint32{1700000000}},
		{rpmtag.Size, rpmtag.TypeInt32, []uint32{0}},
		{rpmtag.License, rpmtag.TypeString, "MIT"},
		{rpmtag.Group, rpmtag.TypeString, "Unspecified"},
		{rpmtag.OS, rpmtag.TypeString, "linux"},
		{rpmtag.Arch, rpmtag.TypeString, "noarch"},
	}
	if len(files) > 0 {
		e = append(e,
			tagEntry{rpmtag.FileSizes, rpmtag.TypeInt32, sizes},
			tagEntry{rpmtag.FileModes, rpmtag.TypeInt16, modes},
			tagEntry{rpmtag.FileRDevs, rpmtag.TypeInt16, rdevs},
			tagEntry{rpmtag.FileMTimes, rpmtag.TypeInt32, mtimes},
			tagEntry{rpmtag.FileDigests, rpmtag.TypeStringArray, digests},
			tagEntry{rpmtag.FileLinkTos, rpmtag.TypeStringArray, links},
			tagEntry{rpmtag.FileFlags, rpmtag.TypeInt32, flags},
			tagEntry{rpmtag.FileUserName, rpmtag.TypeStringArray, users},
			tagEntry{rpmtag.FileGroupName, rpmtag.TypeStringArray, groups},
			tagEntry{rpmtag.FileDevices, rpmtag.TypeInt32, devs},
			tagEntry{rpmtag.FileINodes, rpmtag.TypeInt32, inodes},
			tagEntry{rpmtag.FileLangs, rpmtag.TypeStringArray, langs},
			tagEntry{rpmtag.DirIndexes, rpmtag.TypeInt32, idx},
			tagEntry{rpmtag.BaseNames, rpmtag.TypeStringArray, base},
			tagEntry{rpmtag.DirNames, rpmtag.TypeStringArray, dirs},
		)
	}
	e = append(e,
		tagEntry{rpmtag.PayloadFormat, rpmtag.TypeString, "cpio"},
		tagEntry{rpmtag.PayloadCompressor, rpmtag.TypeString, comp},
		tagEntry{rpmtag.PayloadFlags, rpmtag.TypeString, "9"},
		tagEntry{rpmtag.FileDigestAlgo, rpmtag.TypeInt32, []uint32{rpmtag.HashAlgoSHA256}},
	)
	return e
}

func (c *craftPkg) sortedFiles() []craftFile {
	files := append([]craftFile(nil), c.files...)
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files
}

// archive writes the cpio archive: newc (070701) with "./" names, or
// rpm's stripped form. Hardlink sets carry their content on the last
// member, like rpm.
func (c *craftPkg) archive() []byte {
	files := c.sortedFiles()
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	sets := map[uint32][]int{}
	for i, f := range files {
		if f.inode != 0 {
			sets[f.inode] = append(sets[f.inode], i)
		}
	}
	for i, f := range files {
		if f.flags&rpmtag.FileGhost != 0 {
			continue
		}
		body := f.body
		nlink := 1
		if s := sets[f.inode]; f.inode != 0 && len(s) > 1 {
			nlink = len(s)
			if s[len(s)-1] != i {
				body = ""
			}
		}
		if f.mode&0o170000 == 0o040000 {
			body = ""
		}
		if c.stripped {
			fmt.Fprintf(&b, "07070X%08x", i)
			pad()
		} else {
			ino := f.inode
			if ino == 0 {
				ino = uint32(i + 1)
			}
			name := "." + f.path
			fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
				ino, f.mode, 0, 0, nlink, f.mtime, len(body), 0, 1, 0, 0, len(name)+1, 0)
			b.WriteString(name + "\x00")
			pad()
		}
		b.WriteString(body)
		pad()
	}
	fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, len("TRAILER!!!")+1, 0)
	b.WriteString("TRAILER!!!\x00")
	pad()
	return b.Bytes()
}

func compress(t testing.TB, name string, data []byte) []byte {
	var b bytes.Buffer
	switch name {
	case "", "identity":
		return data
	case "gzip":
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "zstd":
		w, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	default:
		t.Fatalf("compress: unknown %q", name)
	}
	return b.Bytes()
}

// bytes returns the complete package.
func (c *craftPkg) bytes(t testing.TB) []byte {
	arch := c.archive()
	if c.editArchive != nil {
		arch = c.editArchive(arch)
	}
	payload := c.payload
	if payload == nil {
		payload = compress(t, c.compressor, arch)
	}
	entries := c.headerEntries()
	ps := sha256.Sum256(payload)
	entries = append(entries,
		tagEntry{rpmtag.PayloadDigest, rpmtag.TypeStringArray, []string{hex.EncodeToString(ps[:])}},
		tagEntry{rpmtag.PayloadDigestAlgo, rpmtag.TypeInt32, []uint32{rpmtag.HashAlgoSHA256}},
	)
	if c.editHeader != nil {
		entries = c.editHeader(entries)
	}
	return assemble(encodeHeader(rpmtag.HeaderImmutable, entries), payload, int64(len(arch)))
}

// sampleFiles is a small tree with each file type and a hardlink set.
func sampleFiles() []craftFile {
	return []craftFile{
		{path: "/usr", mode: 0o040755, mtime: 1700000000},
		{path: "/usr/share", mode: 0o040755, mtime: 1700000000},
		{path: "/usr/share/s", mode: 0o040755, mtime: 1700000000},
		{path: "/usr/share/s/a.txt", mode: 0o100644, body: "alpha\n", mtime: 1700000001},
		{path: "/usr/share/s/h1", mode: 0o100644, body: "shared body\n", inode: 900, mtime: 1700000002},
		{path: "/usr/share/s/h2", mode: 0o100644, body: "shared body\n", inode: 900, mtime: 1700000002},
		{path: "/usr/share/s/h3", mode: 0o100644, body: "shared body\n", inode: 900, mtime: 1700000002},
		{path: "/usr/share/s/link", mode: 0o120777, body: "a.txt", mtime: 1700000003},
		{path: "/usr/share/s/run", mode: 0o100755, body: "#!/bin/sh\n", mtime: 1700000004, user: "nobody"},
		{path: "/usr/share/s/ghost", mode: 0o100644, flags: rpmtag.FileGhost, mtime: 1700000005},
		{path: "/usr/share/s/cfg", mode: 0o100644, body: "k=v\n", flags: rpmtag.FileConfig | rpmtag.FileNoReplace, mtime: 1700000006},
	}
}
