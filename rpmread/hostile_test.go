package rpmread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/rpmtag"
)

// consume does everything a caller of the package does with an input:
// parse, render both views, iterate the payload reading every body, and
// verify. It returns the first error.
func consume(data []byte, o Options) error {
	r, err := ReadOptions(bytes.NewReader(data), o)
	if err != nil {
		return err
	}
	defer r.Close()
	r.Package.JSON()
	if err := WriteText(io.Discard, r.Package); err != nil {
		return err
	}
	if err := WriteJSON(io.Discard, r.Package); err != nil {
		return err
	}
	pr, err := r.Payload()
	if err != nil {
		return err
	}
	for {
		e, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, e.Body); err != nil {
			return err
		}
	}
	return r.Verify()
}

// newcMember encodes one newc cpio member with the given fields.
func newcMember(magic, name string, mode uint32, body string, namesize, check uint32) []byte {
	var b bytes.Buffer
	if namesize == 0 {
		namesize = uint32(len(name) + 1)
	}
	fmt.Fprintf(&b, "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		magic, 1, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, namesize, check)
	b.WriteString(name + "\x00")
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	b.WriteString(body)
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

var cpioTrailer = newcMember("070701", "TRAILER!!!", 0, "", 0, 0)

func archiveOf(members ...[]byte) func([]byte) []byte {
	return func([]byte) []byte { return bytes.Join(members, nil) }
}

// bombHead is a cpio member header announcing a 4 GiB - 1 file: what a
// decompression bomb must start with to get past the cpio parser.
var bombHead = newcMember("070701", "./bomb", 0o100644, "", 0, 0)[:0]

func init() {
	m := newcMember("070701", "./bomb", 0o100644, "", 0, 0)
	copy(m[6+6*8:], "ffffffff") // filesize field
	bombHead = m
}

// zstdRLEBomb is a zstd frame holding prefix in a raw block, then n×128
// KiB of zero bytes in RLE blocks: 4 bytes of input per 128 KiB of output.
func zstdRLEBomb(prefix []byte, n int) []byte {
	b := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58} // magic, no FCS, window 2 MiB
	h := uint32(len(prefix)) << 3                   // raw block
	b = append(b, byte(h), byte(h>>8), byte(h>>16))
	b = append(b, prefix...)
	for i := 0; i < n; i++ {
		h := uint32(128<<10)<<3 | 1<<1 // size, type RLE
		if i == n-1 {
			h |= 1 // last block
		}
		b = append(b, byte(h), byte(h>>8), byte(h>>16), 0x00)
	}
	return b
}

// xzHugeDict is the start of an xz stream whose first block asks for a
// 4 GiB LZMA2 dictionary.
func xzHugeDict() []byte {
	b := []byte{0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x01}
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte{0x00, 0x01}))
	// Block header: size byte (2 → 12 bytes), flags (1 filter), filter
	// 0x21, 1 property byte = 40, padding, CRC32 (not checked by the guard).
	b = append(b, 0x02, 0x00, 0x21, 0x01, 40, 0, 0, 0, 0, 0, 0, 0)
	return append(b, make([]byte, 64)...)
}

// setU32 returns a copy of b with a big-endian uint32 written at off.
func setU32(b []byte, off int64, v uint32) []byte {
	c := append([]byte(nil), b...)
	binary.BigEndian.PutUint32(c[off:], v)
	return c
}

// hostileCase is one broken input and the sentinel error it must give.
type hostileCase struct {
	name string
	data []byte
	opts Options
	want error
}

// hostileCases builds the table of broken inputs: each breaks one thing,
// starting from a crafted package rpm accepts (TestCraftedAcceptedByRpm).
func hostileCases(t testing.TB) []hostileCase {
	base := (&craftPkg{files: sampleFiles(), compressor: "identity"}).bytes(t)
	gz := (&craftPkg{files: sampleFiles(), compressor: "gzip"}).bytes(t)
	br, err := Read(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	hdrOff, payOff := br.HeaderOffset, br.PayloadOffset
	sigIL := br.SignatureOffset + 8
	gr, err := Read(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	legacy := func(entries ...tagEntry) []byte {
		return assemble(encodeHeader(0, entries), nil, 0)
	}
	// A legacy two-entry header whose index we patch below.
	two := legacy(tagEntry{rpmtag.Name, rpmtag.TypeString, "aaaa"}, tagEntry{rpmtag.Version, rpmtag.TypeString, "bbbb"})
	tr, err := Read(bytes.NewReader(two))
	if err != nil {
		t.Fatal(err)
	}
	twoIdx := tr.HeaderOffset + 16 // first index entry
	// The region trailer of base's main header: where its region entry
	// points, in the data store after the index.
	regionTrailer := hdrOff + 16 + int64(len(br.Header.Entries()))*16 + int64(br.Header.Entries()[0].Offset)

	pkg := func(c craftPkg) []byte {
		if c.files == nil {
			c.files = sampleFiles()
		}
		if c.compressor == "" {
			c.compressor = "identity"
		}
		return c.bytes(t)
	}
	replaceTag := func(tag int, v tagEntry) func([]tagEntry) []tagEntry {
		return func(es []tagEntry) []tagEntry {
			for i := range es {
				if es[i].tag == tag {
					es[i] = v
				}
			}
			return es
		}
	}
	small := Options{MaxPayloadSize: 1 << 20, MaxWindowSize: 8 << 20}
	zeros := append(append([]byte(nil), bombHead...), make([]byte, 16<<20)...)

	return []hostileCase{
		{"empty", nil, Options{}, ErrNotRPM},
		{"text", []byte(strings.Repeat("this is not an rpm package\n", 10)), Options{}, ErrNotRPM},
		{"bad lead magic", append([]byte{0}, base[1:]...), Options{}, ErrNotRPM},
		{"lead only", base[:rpmtag.LeadSize], Options{}, ErrTruncated},
		{"truncated lead", base[:50], Options{}, ErrTruncated},
		{"truncated signature", base[:rpmtag.LeadSize+20], Options{}, ErrTruncated},
		{"truncated signature intro", base[:rpmtag.LeadSize+5], Options{}, ErrTruncated},
		{"truncated header", base[:hdrOff+40], Options{}, ErrTruncated},
		{"truncated payload", base[:payOff+100], Options{}, ErrTruncated},
		{"truncated gzip payload", gz[:gr.PayloadOffset+40], Options{}, ErrTruncated},
		{"no payload", base[:payOff], Options{}, ErrTruncated},
		{"bad header magic", setU32(base, hdrOff, 0xdeadbeef), Options{}, ErrFormat},
		{"absurd index count", setU32(base, sigIL, 0x7fffffff), Options{}, ErrTooLarge},
		{"zero index count", setU32(base, sigIL, 0), Options{}, ErrTooLarge},
		{"absurd data length", setU32(base, sigIL+4, 0xfffffff0), Options{}, ErrTooLarge},
		{"data length beyond file", setU32(base, hdrOff+12, 200<<20), Options{}, ErrTruncated},
		{"index count beyond file", setU32(base, hdrOff+8, 60000), Options{}, ErrTruncated},
		{"offset out of range", setU32(two, twoIdx+8, 0x00ffffff), Options{}, ErrFormat},
		{"negative offset", setU32(two, twoIdx+8, 0xfffffff0), Options{}, ErrFormat},
		{"overlapping entries", setU32(two, twoIdx+16+8, 0), Options{}, ErrFormat},
		{"count too large", setU32(two, twoIdx+12, 0x7fffffff), Options{}, ErrFormat},
		{"zero count", setU32(two, twoIdx+12, 0), Options{}, ErrFormat},
		{"string with count 2", setU32(two, twoIdx+12, 2), Options{}, ErrFormat},
		{"unknown type", setU32(two, twoIdx+4, 42), Options{}, ErrFormat},
		{"null type", setU32(two, twoIdx+4, 0), Options{}, ErrFormat},
		{"string without NUL", legacy(tagEntry{rpmtag.Name, rpmtag.TypeString, rawData{[]byte("abc"), 1}}), Options{}, ErrFormat},
		{"string array short", legacy(tagEntry{rpmtag.BaseNames, rpmtag.TypeStringArray, rawData{[]byte("a\x00b\x00"), 3}}), Options{}, ErrFormat},
		{"int32 array past end", legacy(tagEntry{rpmtag.FileSizes, rpmtag.TypeInt32, rawData{[]byte{0, 0, 0, 1, 0, 0}, 2}}), Options{}, ErrFormat},
		{"misaligned int32", legacy(tagEntry{rpmtag.Name, rpmtag.TypeString, "a"}, tagEntry{rpmtag.FileSizes, rpmtag.TypeInt32, rawData{[]byte{0, 0, 0, 1}, 1}}), Options{}, ErrFormat},
		{"duplicate tag", legacy(tagEntry{rpmtag.Name, rpmtag.TypeString, "a"}, tagEntry{rpmtag.Name, rpmtag.TypeString, "b"}), Options{}, ErrFormat},
		{"region not first", legacy(tagEntry{rpmtag.Name, rpmtag.TypeString, "a"}, tagEntry{rpmtag.HeaderImmutable, rpmtag.TypeBin, make([]byte, 16)}), Options{}, ErrFormat},
		{"signature region in main header", setU32(base, hdrOff+16, rpmtag.HeaderSignatures), Options{}, ErrFormat},
		{"bad region entry", setU32(base, hdrOff+16+12, 15), Options{}, ErrFormat},
		{"region trailer wrong tag", setU32(base, regionTrailer, 62), Options{}, ErrFormat},
		{"region trailer positive offset", setU32(base, regionTrailer+8, 16), Options{}, ErrFormat},
		{"region spans too much", setU32(base, regionTrailer+8, 0xffffc180), Options{}, ErrFormat},
		{"dirindex out of range", pkg(craftPkg{editHeader: replaceTag(rpmtag.DirIndexes,
			tagEntry{rpmtag.DirIndexes, rpmtag.TypeInt32, make32(len(sampleFiles()), 99)})}), Options{}, ErrFormat},
		{"file arrays disagree", pkg(craftPkg{editHeader: replaceTag(rpmtag.FileModes,
			tagEntry{rpmtag.FileModes, rpmtag.TypeInt16, []uint16{0o644}})}), Options{}, ErrFormat},
		{"unknown compressor", pkg(craftPkg{editHeader: replaceTag(rpmtag.PayloadCompressor,
			tagEntry{rpmtag.PayloadCompressor, rpmtag.TypeString, "lzip"})}), Options{}, ErrUnsupported},
		{"unknown payload format", pkg(craftPkg{editHeader: replaceTag(rpmtag.PayloadFormat,
			tagEntry{rpmtag.PayloadFormat, rpmtag.TypeString, "drpm"})}), Options{}, ErrUnsupported},
		{"cpio dotdot path", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./usr/../../etc/passwd", 0o100644, "x", 0, 0), cpioTrailer)}), Options{}, ErrUnsafePath},
		{"cpio leading dotdot", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "../x", 0o100644, "x", 0, 0), cpioTrailer)}), Options{}, ErrUnsafePath},
		{"cpio absolute dotdot", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "/../x", 0o100644, "x", 0, 0), cpioTrailer)}), Options{}, ErrUnsafePath},
		{"cpio dot segment", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./usr/./x", 0o100644, "x", 0, 0), cpioTrailer)}), Options{}, ErrUnsafePath},
		{"cpio double slash", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "usr//x", 0o100644, "x", 0, 0), cpioTrailer)}), Options{}, ErrUnsafePath},
		{"cpio odc format", pkg(craftPkg{editArchive: archiveOf(newcMember("070707", "./x", 0o100644, "x", 0, 0))}), Options{}, ErrUnsupported},
		{"cpio bad magic", pkg(craftPkg{editArchive: archiveOf([]byte("garbage garbage garbage"))}), Options{}, ErrFormat},
		{"cpio bad hex", pkg(craftPkg{editArchive: archiveOf(bytes.Replace(newcMember("070701", "./x", 0o100644, "x", 0, 0), []byte("00000001"), []byte("0000000g"), 1))}), Options{}, ErrFormat},
		{"cpio huge name size", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./x", 0o100644, "x", 0x7fffffff, 0))}), Options{}, ErrFormat},
		{"cpio name without NUL", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./x", 0o100644, "x", 3, 0))}), Options{}, ErrFormat},
		{"cpio body past end", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./x", 0o100644, strings.Repeat("x", 100), 0, 0)[:150])}), Options{}, ErrTruncated},
		{"cpio no trailer", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./x", 0o100644, "x", 0, 0))}), Options{}, ErrTruncated},
		{"cpio huge symlink", pkg(craftPkg{editArchive: archiveOf(newcMember("070701", "./l", 0o120777, strings.Repeat("a", 5000), 0, 0), cpioTrailer)}), Options{}, ErrFormat},
		{"cpio crc mismatch", pkg(craftPkg{editArchive: archiveOf(newcMember("070702", "./x", 0o100644, "abc", 0, 1), cpioTrailer)}), Options{}, ErrFormat},
		{"stripped index out of range", pkg(craftPkg{editArchive: archiveOf([]byte("07070X000000ff\x00\x00"), cpioTrailer)}), Options{}, ErrFormat},
		{"zstd bomb", pkg(craftPkg{compressor: "zstd", payload: zstdRLEBomb(bombHead, 16384)}), small, ErrTooLarge},
		{"zstd huge window", pkg(craftPkg{compressor: "zstd", payload: []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 1, 0, 0, 0}}), small, ErrTooLarge},
		{"gzip bomb", pkg(craftPkg{compressor: "gzip", payload: compress(t, "gzip", zeros)}), small, ErrTooLarge},
		{"xz bomb", pkg(craftPkg{compressor: "xz", payload: compress(t, "xz", zeros)}), small, ErrTooLarge},
		{"xz huge dictionary", pkg(craftPkg{compressor: "xz", payload: xzHugeDict()}), Options{}, ErrTooLarge},
		{"lzma huge dictionary", pkg(craftPkg{compressor: "lzma", payload: append([]byte{0x5d, 0xff, 0xff, 0xff, 0xff}, bytes.Repeat([]byte{0xff}, 40)...)}), Options{}, ErrTooLarge},
		{"gzip garbage", pkg(craftPkg{compressor: "gzip", payload: []byte("not gzip at all, not at all")}), Options{}, ErrFormat},
		{"xz garbage", pkg(craftPkg{compressor: "xz", payload: []byte("not xz at all, not at all")}), Options{}, ErrFormat},
		{"zstd garbage", pkg(craftPkg{compressor: "zstd", payload: []byte("not zstd at all, not at all")}), Options{}, ErrFormat},
		{"bzip2 garbage", pkg(craftPkg{compressor: "bzip2", payload: []byte("not bzip2 at all, not at all")}), Options{}, ErrFormat},
		{"lzma garbage", pkg(craftPkg{compressor: "lzma", payload: []byte("\x5d\x00\x00\x01\x00not lzma at all, not at all")}), Options{}, ErrFormat},
	}
}

// TestHostileInput: every broken input gives its error, without panic,
// within 5 s and 64 MiB of allocation.
func TestHostileInput(t *testing.T) {
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := consume(c.data, c.opts)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			t.Logf("%v", err)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
}

func make32(n int, v uint32) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = v
	}
	return s
}
