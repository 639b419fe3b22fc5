package rpmwrite

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmtag"
)

// The recordings of rpm 6.0.2 (../shared/rpm6, see its README.md): what
// rpmbuild 6 made of packages/fixture.spec with %_rpmformat 4 and 6, and
// rpm 6's --xml of every tag of each.

// rpm6Dir is the folder of the rpm 6 recordings.
func rpm6Dir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("the rpm 6 recordings are required: %v", err)
	}
	return dir
}

// fixtureEpoch is the recordings' SOURCE_DATE_EPOCH.
const fixtureEpoch = 1790000000

// fixtureFiles is what packages/fixture.spec's %install and %files make,
// described to Write. class and mime are libmagic's verdicts as
// rpmbuild 6 recorded them (oracles/fixture-v*.filecolor).
func fixtureFiles(t testing.TB) []File {
	t.Helper()
	hello, err := os.ReadFile(filepath.Join(rpm6Dir(t), "packages", "hello.bin"))
	if err != nil {
		t.Fatal(err)
	}
	reg := func(path string, mode uint32, content string, flags uint32, class, mime string) File {
		return File{Path: path, Mode: mode, Size: int64(len(content)), MTime: fixtureEpoch, Flags: flags,
			Open: body(content), Class: class, MIME: mime}
	}
	dir := func(path string) File { return File{Path: path, Mode: 0o40755, MTime: fixtureEpoch} }
	helloFile := reg("/usr/libexec/fixture/hello", 0o100755, string(hello), 0,
		"ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, BuildID[sha1]=2a743cac9a45cf037d0245ccb3214c14c60f5519, for GNU/Linux 3.2.0, not stripped",
		"application/x-pie-executable")
	helloFile.Color = 2
	return []File{
		dir("/usr/libexec/fixture"),
		dir("/usr/libexec/fixture/emptydir"),
		helloFile,
		reg("/usr/libexec/fixture/run.sh", 0o100755, "#!/bin/sh\n", 0, "POSIX shell script, ASCII text executable", "text/x-shellscript"),
		reg("/usr/libexec/fixture/empty", 0o100644, "", 0, "", ""),
		{Path: "/usr/bin/fixture-hello", Mode: 0o120777, MTime: fixtureEpoch, LinkTo: "../libexec/fixture/hello"},
		dir("/etc/fixture"),
		reg("/etc/fixture/fixture.conf", 0o100644, "key=value\n", rpmtag.FileConfig|rpmtag.FileNoReplace, "ASCII text", "text/plain"),
		{Path: "/etc/fixture/state", Mode: 0o100000, MTime: fixtureEpoch, Flags: rpmtag.FileGhost, Missing: true},
		reg("/usr/share/doc/fixture/README", 0o100644, "docs\n", rpmtag.FileDoc, "ASCII text", "text/plain"),
		reg("/usr/share/licenses/fixture/LICENSE", 0o100644, "MIT\n", rpmtag.FileLicense, "ASCII text", "text/plain"),
	}
}

// fixtureMetadata is packages/fixture.spec's preamble, scriptlets and
// changelog, with the dependencies rpmbuild 6's generators found (the
// ELF requirements of hello.bin, config()) and its rpm 6.0.2 defaults
// (%_target_platform x86_64-vendor-linux, %optflags -O2 -g).
func fixtureMetadata() Metadata {
	evr := "1:2.1-3"
	return Metadata{
		Name: "fixture", Epoch: u32(1), Version: "2.1", Release: "3", Arch: "x86_64",
		Summary:     "What a native RPM writer must get right",
		Description: "Config, doc, license, ghost, directories, symlinks, an ELF binary and\nscriptlets with dependency senses.",
		License:     "MIT",
		URL:         "https://example.org/fixture",
		BuildTime:   fixtureEpoch,
		Platform:    "x86_64-vendor-linux",
		OptFlags:    "-O2 -g",
		RPMVersion:  "6.0.2",
		Requires: []Dependency{
			{Name: "/bin/sh", Flags: rpmtag.SenseScriptPost},
			{Name: "coreutils", Flags: rpmtag.SenseGreater | rpmtag.SenseEqual, Version: "8.0"},
			{Name: "config(fixture)", Flags: rpmtag.SenseConfig | rpmtag.SenseEqual, Version: evr},
			{Name: "libc.so.6()(64bit)", Flags: rpmtag.SenseFindRequires},
			{Name: "libc.so.6(GLIBC_2.2.5)(64bit)", Flags: rpmtag.SenseFindRequires},
			{Name: "libc.so.6(GLIBC_2.34)(64bit)", Flags: rpmtag.SenseFindRequires},
			{Name: "rtld(GNU_HASH)", Flags: rpmtag.SenseFindRequires},
		},
		Provides: []Dependency{
			{Name: "fixture-capability", Flags: rpmtag.SenseEqual, Version: "2.1"},
			{Name: "config(fixture)", Flags: rpmtag.SenseConfig | rpmtag.SenseEqual, Version: evr},
		},
		PostIn:    Script{Body: "echo post $1"},
		PostUn:    Script{Body: `if [ "$1" -eq 0 ]; then echo erased; fi`},
		PreTrans:  Script{Body: `print("pretrans")`, Interpreter: "<lua>"},
		PostTrans: Script{Body: "echo posttrans"},
		Changelog: []ChangelogEntry{{Time: 1788264000, Author: "gotc test <test@example.org> - 1:2.1-3", Text: "- Fixture."}},
	}
}

// writeFixture writes the fixture in format into dir.
func writeFixture(t testing.TB, dir string, format int, opt Options) string {
	t.Helper()
	opt.Format, opt.Compressor, opt.Level = format, "zstd", 19
	return writePackage(t, dir, fmt.Sprintf("fixture-v%d.rpm", format), fixtureMetadata(), fixtureFiles(t), opt)
}

// Tags whose values depend on the build and not on the package's content,
// with the reason. Everything else must be what rpmbuild 6 wrote.
var rpm6BuildDependent = map[uint32]string{
	// libzstd and klauspost/compress compress the same archive (whose
	// digests and size, the ALT tags, are equal) into different bytes.
	rpmtag.PayloadDigest:   "SHA-256 of the compressed payload",
	rpmtag.PayloadSHA512:   "SHA-512 of the compressed payload",
	rpmtag.PayloadSHA3_256: "SHA3-256 of the compressed payload",
	rpmtag.PayloadSize:     "size of the compressed payload",
}

// rpm6NotWritten are the tags rpmbuild 6 writes that Write does not,
// with the reason.
var rpm6NotWritten = map[uint32]string{
	// rpmfc's per-file dependency dictionary; Write takes the package's
	// dependencies, not which file each came from.
	rpmtag.FileDependsX: "per-file dependency index (rpmfc)",
	rpmtag.FileDependsN: "per-file dependency count (rpmfc)",
	rpmtag.DependsDict:  "per-file dependency dictionary (rpmfc)",
}

// rpm6SigBuildDependent are the signature header tags that digest the
// main header or the compressed payload; the test recomputes them from
// our package instead.
var rpm6SigBuildDependent = map[uint32]string{
	rpmtag.SigSHA1:     "SHA-1 of the main header",
	rpmtag.SigSHA256:   "SHA-256 of the main header",
	rpmtag.SigSHA3_256: "SHA3-256 of the main header",
	rpmtag.SigMD5:      "MD5 of main header and compressed payload",
	rpmtag.SigSize:     "size of main header and compressed payload",
}

// rawEntry is one index entry of a header with the bytes of its value.
type rawEntry struct {
	tag, typ, count uint32
	off             int
	data            []byte
}

// rawHeader splits a header into its entries, in index order, and
// returns its length.
func rawHeader(t testing.TB, b []byte) ([]rawEntry, int) {
	t.Helper()
	if _, _, err := parseHeader(b); err != nil {
		t.Fatal(err)
	}
	nidx := int(binary.BigEndian.Uint32(b[8:]))
	hsize := int(binary.BigEndian.Uint32(b[12:]))
	store := b[16+16*nidx : 16+16*nidx+hsize]
	var es []rawEntry
	for i := 0; i < nidx; i++ {
		e := b[16+16*i:]
		re := rawEntry{tag: binary.BigEndian.Uint32(e), typ: binary.BigEndian.Uint32(e[4:]),
			off: int(int32(binary.BigEndian.Uint32(e[8:]))), count: binary.BigEndian.Uint32(e[12:])}
		if i == 0 { // the region: its trailer
			re.data = store[re.off : re.off+16]
			es = append(es, re)
			continue
		}
		n := 0
		switch re.typ {
		case rpmtag.TypeInt16:
			n = 2 * int(re.count)
		case rpmtag.TypeInt32:
			n = 4 * int(re.count)
		case rpmtag.TypeInt64:
			n = 8 * int(re.count)
		case rpmtag.TypeBin, rpmtag.TypeChar, rpmtag.TypeInt8:
			n = int(re.count)
		default:
			for k := uint32(0); k < re.count; k++ {
				n += bytes.IndexByte(store[re.off+n:], 0) + 1
			}
		}
		re.data = store[re.off : re.off+n]
		es = append(es, re)
	}
	return es, 16 + 16*nidx + hsize
}

// packageParts splits a package file into lead, signature header and
// main header.
func packageParts(t testing.TB, path string) (lead []byte, sig, main []rawEntry, sigLen int, mainBytes []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lead = b[:rpmtag.LeadSize]
	sig, sigLen = rawHeader(t, b[rpmtag.LeadSize:])
	off := rpmtag.LeadSize + sigLen
	off += (8 - off%8) % 8
	var n int
	main, n = rawHeader(t, b[off:])
	return lead, sig, main, sigLen, b[off : off+n]
}

func entryMap(es []rawEntry) map[uint32]rawEntry {
	m := map[uint32]rawEntry{}
	for _, e := range es {
		m[e.tag] = e
	}
	return m
}

// layout renders a header's entries as "tag type count" lines.
func layout(es []rawEntry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%d %d %d\n", e.tag, e.typ, e.count)
	}
	return b.String()
}

// TestFixtureMatchesRPM6 writes the content of the recorded fixture as
// v4 and v6 packages and compares them, tag for tag, with what rpmbuild 6
// made of it: the lead, the signature header (tags, types, counts,
// reserved space, size) and the main header byte for byte, apart from
// the tags listed in rpm6BuildDependent and rpm6NotWritten; then every
// tag with rpm 6's --xml of the recorded package.
func TestFixtureMatchesRPM6(t *testing.T) {
	rec := rpm6Dir(t)
	for _, format := range []int{FormatV4, FormatV6} {
		t.Run(fmt.Sprintf("v%d", format), func(t *testing.T) {
			dir := t.TempDir()
			name := fmt.Sprintf("fixture-v%d", format)
			want := filepath.Join(rec, "packages", name+".rpm")
			got := writeFixture(t, dir, format, Options{})
			wLead, wSig, wMain, wSigLen, _ := packageParts(t, want)
			gLead, gSig, gMain, gSigLen, gMainBytes := packageParts(t, got)

			// The lead: v6 is rpm 6's; v4 keeps rpm 4.18's arch and OS
			// numbers where rpm 6 writes zeros (doc.go).
			wantLead := append([]byte(nil), wLead...)
			if format == FormatV4 {
				wantLead[9], wantLead[77] = 1, 1 // x86_64, Linux
			}
			if !bytes.Equal(gLead, wantLead) {
				t.Errorf("lead\n  ours %x\n  want %x", gLead, wantLead)
			}

			// The main header: rpm 6's, less what Write does not write,
			// with our build-dependent values, laid out again.
			h := newHeader()
			gm := entryMap(gMain)
			for _, e := range wMain[1:] {
				if rpm6NotWritten[e.tag] != "" {
					continue
				}
				if rpm6BuildDependent[e.tag] != "" {
					g, ok := gm[e.tag]
					if !ok || g.typ != e.typ || g.count != e.count {
						t.Errorf("tag %d: type %d count %d, rpm 6 %d %d", e.tag, g.typ, g.count, e.typ, e.count)
					}
					e = g
				}
				h.put(e.tag, e.typ, int(e.count), e.data)
			}
			wantMain, err := h.encode(rpmtag.HeaderImmutable)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gMainBytes, wantMain) {
				t.Errorf("main header differs from rpm 6's:\n%s", headerDiff(t, wantMain, gMainBytes))
			}

			// The signature header: the same tags, types, counts and
			// size; the digests are those of our main header.
			if layout(gSig) != layout(wSig) {
				t.Errorf("signature header layout\n%s\nrpm 6:\n%s", layout(gSig), layout(wSig))
			}
			if gSigLen != wSigLen {
				t.Errorf("signature header is %d bytes, rpm 6's %d", gSigLen, wSigLen)
			}
			gs, ws := entryMap(gSig), entryMap(wSig)
			for tag, w := range ws {
				if rpm6SigBuildDependent[tag] != "" || tag == rpmtag.HeaderSignatures {
					continue
				}
				if !bytes.Equal(gs[tag].data, w.data) {
					t.Errorf("signature tag %d = %s, rpm 6 %s", tag, short(gs[tag].data), short(w.data))
				}
			}
			s256 := sha256.Sum256(gMainBytes)
			if got := string(bytes.TrimRight(gs[rpmtag.SigSHA256].data, "\x00")); got != hex.EncodeToString(s256[:]) {
				t.Errorf("SHA256 header digest %s is not our header's", got)
			}
			if format == FormatV6 {
				s3 := sha3.Sum256(gMainBytes)
				if got := string(bytes.TrimRight(gs[rpmtag.SigSHA3_256].data, "\x00")); got != hex.EncodeToString(s3[:]) {
					t.Errorf("SHA3-256 header digest %s is not our header's", got)
				}
			}

			compareXML(t, filepath.Join(rec, "oracles", name+".xml"), want, got)
		})
	}
}

// headerDiff describes how two encoded headers differ, tag by tag.
func headerDiff(t testing.TB, want, got []byte) string {
	w, _, err := parseHeader(want)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := parseHeader(got)
	if err != nil {
		t.Fatal(err)
	}
	tags := tagUnion(w, g)
	var b strings.Builder
	for _, tag := range tags {
		wv, inW := w[tag]
		gv, inG := g[tag]
		switch {
		case !inW:
			fmt.Fprintf(&b, "  tag %d: ours only: %s\n", tag, gv.text)
		case !inG:
			fmt.Fprintf(&b, "  tag %d: rpm 6 only: %s\n", tag, wv.text)
		case !wv.same(gv):
			fmt.Fprintf(&b, "  tag %d:\n    rpm 6: %d %d× %s\n    ours:  %d %d× %s\n", tag, wv.typ, wv.count, wv.text, gv.typ, gv.count, gv.text)
		}
	}
	if b.Len() == 0 {
		return "  same tags and values, different layout"
	}
	return b.String()
}

// xmlHeader is rpm --xml's output.
type xmlHeader struct {
	Tags []struct {
		Name   string `xml:"name,attr"`
		Values []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"rpmTag"`
}

// sigToMain is how rpm merges signature header tags into the header it
// shows (headerMergeLegacySigs): SIZE, MD5 and PAYLOADSIZE get main
// header numbers; the header digests and signatures keep theirs. The
// region and reserved space are not shown.
var sigToMain = map[uint32]uint32{
	rpmtag.SigSize: 257, rpmtag.SigMD5: 261, rpmtag.SigPayloadSize: 1046,
	rpmtag.SigSHA1: rpmtag.SigSHA1, rpmtag.SigSHA256: rpmtag.SigSHA256, rpmtag.SigSHA3_256: rpmtag.SigSHA3_256,
	rpmtag.SigRSA: rpmtag.SigRSA, rpmtag.SigDSA: rpmtag.SigDSA, rpmtag.SigOpenPGP: rpmtag.SigOpenPGP,
}

// shownTags is the header rpm --xml shows for a package: the main
// header's tags and the merged signature tags, by number, each rendered
// as rpm --xml renders its values.
func shownTags(t testing.TB, path string) (tags []uint32, values map[uint32][]string) {
	t.Helper()
	_, sig, main, _, _ := packageParts(t, path)
	values = map[uint32][]string{}
	add := func(tag uint32, e rawEntry) {
		tags = append(tags, tag)
		values[tag] = xmlValues(e)
	}
	for _, e := range sig[1:] {
		if m, ok := sigToMain[e.tag]; ok {
			add(m, e)
		}
	}
	for _, e := range main[1:] {
		add(e.tag, e)
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	return tags, values
}

// xmlValues renders an entry's values the way rpm --xml does: each
// integer, each string, or the bytes in base64.
func xmlValues(e rawEntry) []string {
	var out []string
	switch e.typ {
	case rpmtag.TypeBin:
		return []string{"base64:" + base64.StdEncoding.EncodeToString(e.data)}
	case rpmtag.TypeInt16, rpmtag.TypeInt32, rpmtag.TypeInt64:
		w := map[uint32]int{rpmtag.TypeInt16: 2, rpmtag.TypeInt32: 4, rpmtag.TypeInt64: 8}[e.typ]
		for i := 0; i < int(e.count); i++ {
			var x uint64
			switch w {
			case 2:
				x = uint64(binary.BigEndian.Uint16(e.data[2*i:]))
			case 4:
				x = uint64(binary.BigEndian.Uint32(e.data[4*i:]))
			default:
				x = binary.BigEndian.Uint64(e.data[8*i:])
			}
			out = append(out, fmt.Sprintf("integer:%d", x))
		}
	default:
		for _, s := range strings.Split(string(e.data[:len(e.data)-1]), "\x00") {
			out = append(out, "string:"+s)
		}
	}
	return out
}

// compareXML compares our package at got, tag for tag, with rpm 6's
// --xml of the recorded package want (oracle). The recorded package
// gives each XML tag name its number: rpm --xml lists the tags it shows
// in number order.
func compareXML(t *testing.T, oracle, want, got string) {
	t.Helper()
	b, err := os.ReadFile(oracle)
	if err != nil {
		t.Fatal(err)
	}
	var x xmlHeader
	if err := xml.Unmarshal(b, &x); err != nil {
		t.Fatalf("%s: %v", oracle, err)
	}
	wTags, wValues := shownTags(t, want)
	if len(wTags) != len(x.Tags) {
		t.Fatalf("%s lists %d tags, the recorded package shows %d", oracle, len(x.Tags), len(wTags))
	}
	_, gValues := shownTags(t, got)
	skip := map[uint32]string{}
	for tag, why := range rpm6BuildDependent {
		skip[tag] = why
	}
	for tag, why := range rpm6SigBuildDependent {
		skip[sigToMain[tag]] = why
	}
	for i, xt := range x.Tags {
		tag := wTags[i]
		var xv []string
		for _, v := range xt.Values {
			text := v.Text
			if v.XMLName.Local == "base64" {
				text = strings.TrimSpace(text)
			}
			xv = append(xv, v.XMLName.Local+":"+text)
		}
		if strings.Join(xv, "\n") != strings.Join(wValues[tag], "\n") {
			t.Fatalf("%s: %s is not tag %d of the recorded package", oracle, xt.Name, tag)
		}
		g, ok := gValues[tag]
		switch {
		case rpm6NotWritten[tag] != "":
			if ok {
				t.Errorf("%s (%d): written, but listed as not written (%s)", xt.Name, tag, rpm6NotWritten[tag])
			}
		case !ok:
			t.Errorf("%s (%d): rpm 6 writes it, we do not", xt.Name, tag)
		case skip[tag] != "":
			if len(g) != len(xv) {
				t.Errorf("%s (%d): %d values, rpm 6 %d", xt.Name, tag, len(g), len(xv))
			}
		case strings.Join(g, "\n") != strings.Join(xv, "\n"):
			t.Errorf("%s (%d):\n  ours  %q\n  rpm 6 %q", xt.Name, tag, g, xv)
		}
	}
	for tag := range gValues {
		if _, ok := wValues[tag]; !ok {
			t.Errorf("tag %d: we write it, rpm 6 does not", tag)
		}
	}
}

// short renders bytes in hex, cut after 32 of them.
func short(b []byte) string {
	if len(b) > 32 {
		return fmt.Sprintf("%x… (%d bytes)", b[:32], len(b))
	}
	return fmt.Sprintf("%x", b)
}
