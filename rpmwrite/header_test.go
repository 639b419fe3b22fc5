package rpmwrite

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/rpmtag"
)

func TestHeaderEncode(t *testing.T) {
	h := newHeader()
	h.putUint64s(1200, 7)           // aligned to 8 after the int16
	h.putUint16s(1100, []uint16{1}) // aligned to 2 after the string
	h.putString(1000, "abc")
	h.putBin(1300, []byte{0xff})
	got, err := h.encode(rpmtag.HeaderImmutable)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"8eade801", "00000000", "00000005", "00000021", // magic, reserved, 5 entries, 33 bytes of data
		"0000003f00000007" + "00000011" + "00000010", // region tag: trailer at offset 17
		"000003e800000006" + "00000000" + "00000001", // 1000 string at 0
		"0000044c00000003" + "00000004" + "00000001", // 1100 int16 at 4
		"000004b000000005" + "00000008" + "00000001", // 1200 int64 at 8
		"0000051400000007" + "00000010" + "00000001", // 1300 bin at 16
		"61626300", "0001", "0000", "0000000000000007", "ff", // data, padding
		"0000003f00000007" + "ffffffb0" + "00000010", // trailer: -5*16
	}, "")
	if hex.EncodeToString(got) != want {
		t.Errorf("encode:\n got %x\nwant %s", got, want)
	}
	// The test parser reads it back.
	tags, n, err := parseHeader(got)
	if err != nil || n != len(got) {
		t.Fatalf("parseHeader: %v, %d of %d bytes", err, n, len(got))
	}
	if tags[1000].text != `"abc"` || tags[1200].text != "7" || tags[1300].text != "ff" {
		t.Errorf("parsed %v", tags)
	}

	h.putString(62, "x")
	if _, err := h.encode(rpmtag.HeaderImmutable); err == nil {
		t.Error("a tag below the region tag was accepted")
	}
}

func TestCompressFileNames(t *testing.T) {
	cases := []struct {
		name  string
		paths []string
		dirs  string
		bases string
		idx   []uint32
	}{
		{"empty", nil, "", "", nil},
		{"one", []string{"/usr/bin/go"}, "/usr/bin/", "go", []uint32{0}},
		{"siblings", []string{"/etc/a", "/usr/lib/x", "/usr/lib/x/y", "/usr/lib/z"},
			"/etc/ /usr/lib/ /usr/lib/x/", "a x y z", []uint32{0, 1, 2, 1}},
		{"dash sorts before slash", []string{"/a/b-c", "/a/b/c", "/a/bc"},
			"/a/ /a/b/", "b-c c bc", []uint32{0, 1, 0}},
		{"unsorted directories repeat as in rpm", []string{"/a/a.", "/a/a0/ab", "/a0", "/ab", "/b/b/a."},
			"/a/ /a/a0/ / / /b/b/", "a. ab a0 ab a.", []uint32{0, 1, 2, 3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dirs, bases, idx := compressFileNames(c.paths)
			if strings.Join(dirs, " ") != c.dirs || strings.Join(bases, " ") != c.bases {
				t.Errorf("dirs %q bases %q, want %q %q", dirs, bases, c.dirs, c.bases)
			}
			for i := range c.idx {
				if idx[i] != c.idx[i] {
					t.Errorf("indexes %v, want %v", idx, c.idx)
					break
				}
			}
		})
	}
}

func TestNormalizeDeps(t *testing.T) {
	post := uint32(rpmtag.SenseScriptPost)
	interpPost := uint32(rpmtag.SenseInterp | rpmtag.SenseScriptPost)
	ge := uint32(rpmtag.SenseGreater | rpmtag.SenseEqual)
	in := []Dependency{
		{Name: "foo", Flags: ge, Version: "2"},
		{Name: "/bin/sh", Flags: interpPost},
		{Name: "foo", Flags: rpmtag.SenseLess, Version: "10"},
		{Name: "foo"},
		{Name: "/bin/sh", Flags: post},
		{Name: "foo", Flags: ge, Version: "2"},
		{Name: "foo", Flags: post},
		{Name: "bar"},
	}
	want := []Dependency{
		{Name: "/bin/sh", Flags: post},
		{Name: "/bin/sh", Flags: interpPost},
		{Name: "bar"},
		{Name: "foo"},
		{Name: "foo", Flags: post},
		{Name: "foo", Flags: rpmtag.SenseLess, Version: "10"}, // "10" < "2" bytewise
		{Name: "foo", Flags: ge, Version: "2"},
	}
	got := normalizeDeps(in)
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestSignatureLongSizes checks rpm's switch to 64-bit sizes in the
// signature header, which keeps the header's length by shrinking the
// reserved space.
func TestSignatureLongSizes(t *testing.T) {
	hdr := []byte("header")
	md5sum := make([]byte, 16)
	small, err := signatureHeader(hdr, md5sum, payloadResult{archiveSize: 1000, compressedSize: 500}, nil)
	if err != nil {
		t.Fatal(err)
	}
	large, err := signatureHeader(hdr, md5sum, payloadResult{archiveSize: 5 << 30, compressedSize: 1 << 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(small) != len(large) {
		t.Errorf("signature header is %d bytes with 64-bit sizes, %d with 32-bit ones", len(large), len(small))
	}
	st, _, err := parseHeader(small)
	if err != nil {
		t.Fatal(err)
	}
	lt, _, err := parseHeader(large)
	if err != nil {
		t.Fatal(err)
	}
	if st[rpmtag.SigSize].text != "506" || st[rpmtag.SigPayloadSize].text != "1000" || st[rpmtag.SigReservedSpace].count != 4128 {
		t.Errorf("32-bit signature: size %s, payload size %s, reserved %d",
			st[rpmtag.SigSize].text, st[rpmtag.SigPayloadSize].text, st[rpmtag.SigReservedSpace].count)
	}
	if _, ok := lt[rpmtag.SigSize]; ok {
		t.Error("64-bit signature keeps SIGTAG_SIZE")
	}
	if _, ok := lt[rpmtag.SigPayloadSize]; ok {
		t.Error("64-bit signature keeps SIGTAG_PAYLOADSIZE")
	}
	if lt[rpmtag.SigLongSize].text != "1073741830" || lt[rpmtag.SigLongArchive].text != "5368709120" {
		t.Errorf("64-bit sizes %s, %s", lt[rpmtag.SigLongSize].text, lt[rpmtag.SigLongArchive].text)
	}
}
