package rpmwrite

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/signing"
)

// recordedSignatures returns the OpenPGP packets of a recorded signed
// package: those in OPENPGP, in order, or else the one in RSAHEADER or
// DSAHEADER.
func recordedSignatures(t *testing.T, path string) []Signature {
	t.Helper()
	_, sig, _, _, _ := packageParts(t, path)
	m := entryMap(sig)
	var out []Signature
	if e, ok := m[rpmtag.SigOpenPGP]; ok {
		for _, s := range strings.Split(strings.TrimSuffix(string(e.data), "\x00"), "\x00") {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				t.Fatalf("%s: OPENPGP: %v", path, err)
			}
			out = append(out, Signature{Packet: b})
		}
		return out
	}
	for _, tag := range []uint32{rpmtag.SigRSA, rpmtag.SigDSA} {
		if e, ok := m[tag]; ok {
			out = append(out, Signature{Packet: e.data})
		}
	}
	if len(out) != 1 {
		t.Fatalf("%s: %d v4 signatures", path, len(out))
	}
	return out
}

func constSigner(sigs ...Signature) func([]byte) ([]Signature, error) {
	return func([]byte) ([]Signature, error) { return sigs, nil }
}

// TestSignatureLayoutMatchesRPM6 places the signatures rpmsign 6 made
// (packages/fixture-*-{rsa,ed25519,rpmv4}.rpm) into our fixture packages
// and checks that the signature header is laid out as rpmsign laid it
// out: the same tags, types and counts, the same signature values, the
// reserved space shrunk by the same amount, the same size.
func TestSignatureLayoutMatchesRPM6(t *testing.T) {
	rec := rpm6Dir(t)
	for _, c := range []struct {
		name   string
		format int
		rpmv4  bool
	}{
		{"fixture-v4-rsa", FormatV4, false},
		{"fixture-v4-ed25519", FormatV4, false},
		{"fixture-v6-rsa", FormatV6, false},
		{"fixture-v6-ed25519", FormatV6, false},
		{"fixture-v6-rpmv4", FormatV6, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := filepath.Join(rec, "packages", c.name+".rpm")
			got := writeFixture(t, t.TempDir(), c.format, Options{
				Signatures: constSigner(recordedSignatures(t, want)...), RPMv4Signature: c.rpmv4})
			_, wSig, _, wLen, _ := packageParts(t, want)
			_, gSig, _, gLen, _ := packageParts(t, got)
			if layout(gSig) != layout(wSig) {
				t.Errorf("signature header layout\n%s\nrpmsign 6:\n%s", layout(gSig), layout(wSig))
			}
			if gLen != wLen {
				t.Errorf("signature header is %d bytes, rpmsign 6's %d", gLen, wLen)
			}
			gs := entryMap(gSig)
			for _, w := range wSig {
				switch w.tag {
				case rpmtag.SigRSA, rpmtag.SigDSA, rpmtag.SigOpenPGP, rpmtag.SigReservedSpace, rpmtag.SigReserved:
					if string(gs[w.tag].data) != string(w.data) {
						t.Errorf("tag %d = %s, rpmsign 6 %s", w.tag, short(gs[w.tag].data), short(w.data))
					}
				}
			}
		})
	}
}

// TestSignaturesPlacement checks where Write puts one or more signatures
// in v4 and v6 packages, that the reserved space absorbs them while they
// fit and the header grows (as with rpmsign) when they do not, and the
// signatures Write refuses.
func TestSignaturesPlacement(t *testing.T) {
	rec := rpm6Dir(t)
	rsa := recordedSignatures(t, filepath.Join(rec, "packages", "fixture-v6-rsa.rpm"))[0]
	ed := recordedSignatures(t, filepath.Join(rec, "packages", "fixture-v6-ed25519.rpm"))[0]
	signer, err := signing.LoadKey(filepath.Join(rec, "keys", "rsa.sec.asc"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Distinct RSA signatures: the same key at different times.
	var many []Signature
	for i := range 8 {
		_, pkt, err := signer.Sign([]byte("header"), time.Unix(fixtureEpoch+int64(i), 0))
		if err != nil {
			t.Fatal(err)
		}
		many = append(many, Signature{Packet: pkt})
	}
	// b64 is what signatures add to OPENPGP's data; each new tag adds a
	// 16-byte index entry too.
	b64 := func(ss ...Signature) int {
		n := 0
		for _, s := range ss {
			n += base64.StdEncoding.EncodedLen(len(s.Packet)) + 1
		}
		return n
	}
	for _, c := range []struct {
		name      string
		format    int
		sigs      []Signature
		rpmv4     bool
		tags      map[uint32]int // tag → count
		reserved  int
		growsBy   int
		wantError string
	}{
		{name: "v4 rsa", format: FormatV4, sigs: []Signature{rsa},
			tags: map[uint32]int{rpmtag.SigRSA: len(rsa.Packet)}, reserved: 4128 - 16 - len(rsa.Packet)},
		{name: "v4 ed25519", format: FormatV4, sigs: []Signature{ed},
			tags: map[uint32]int{rpmtag.SigDSA: len(ed.Packet)}, reserved: 4128 - 16 - len(ed.Packet) + 1}, // the INT32 SIZE after it needs a byte less padding,
		{name: "v6 two keys", format: FormatV6, sigs: []Signature{rsa, ed},
			tags: map[uint32]int{rpmtag.SigOpenPGP: 2}, reserved: 4128 - 16 - b64(rsa, ed)},
		{name: "v6 two keys rpmv4", format: FormatV6, sigs: []Signature{ed, rsa}, rpmv4: true,
			tags: map[uint32]int{rpmtag.SigOpenPGP: 2, rpmtag.SigDSA: len(ed.Packet)}, reserved: 4128 - 32 - b64(ed, rsa) - len(ed.Packet)},
		{name: "v6 six", format: FormatV6, sigs: many[:6],
			tags: map[uint32]int{rpmtag.SigOpenPGP: 6}, reserved: 4128 - 16 - b64(many[:6]...)},
		{name: "v6 eight overflow", format: FormatV6, sigs: many,
			tags: map[uint32]int{rpmtag.SigOpenPGP: 8}, reserved: 4128, growsBy: 16 + b64(many...)},
		{name: "v4 two", format: FormatV4, sigs: []Signature{rsa, ed}, wantError: "2 signatures for a v4 package"},
		{name: "duplicate", format: FormatV6, sigs: []Signature{rsa, ed, rsa}, wantError: "signature 3 is signature 1 again"},
		{name: "not a packet", format: FormatV6, sigs: []Signature{{Packet: []byte("-----BEGIN PGP SIGNATURE-----")}}, wantError: "not an OpenPGP packet"},
		{name: "truncated", format: FormatV6, sigs: []Signature{{Packet: rsa.Packet[:100]}}, wantError: "says its body has"},
		{name: "not a signature", format: FormatV6, sigs: []Signature{{Packet: []byte{0xc6, 3, 4, 0, 0}}}, wantError: "type 6, not a signature"},
		{name: "none", format: FormatV6, sigs: []Signature{}, wantError: "no signature"},
		{name: "rpmv4 on v4", format: FormatV4, sigs: []Signature{rsa}, rpmv4: true, wantError: "RPMv4Signature is for v6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			opt := Options{Format: c.format, Compressor: "zstd", Level: 3, TempDir: dir, Signatures: constSigner(c.sigs...), RPMv4Signature: c.rpmv4}
			var buf strings.Builder
			err := Write(&buf, fixtureMetadata(), fixtureFiles(t), opt)
			if c.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantError) {
					t.Fatalf("Write: %v, want an error containing %q", err, c.wantError)
				}
				if buf.Len() != 0 {
					t.Errorf("Write wrote %d bytes before failing", buf.Len())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			signed := filepath.Join(dir, "signed.rpm")
			if err := os.WriteFile(signed, []byte(buf.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			unsigned := writeFixture(t, dir, c.format, Options{Level: 3})
			_, sig, _, n, _ := packageParts(t, signed)
			_, _, _, n0, _ := packageParts(t, unsigned)
			m := entryMap(sig)
			for tag, count := range c.tags {
				if int(m[tag].count) != count {
					t.Errorf("tag %d: count %d, want %d", tag, m[tag].count, count)
				}
			}
			for _, tag := range []uint32{rpmtag.SigRSA, rpmtag.SigDSA, rpmtag.SigOpenPGP} {
				if _, ok := m[tag]; ok && c.tags[tag] == 0 {
					t.Errorf("unexpected tag %d", tag)
				}
			}
			resTag := uint32(rpmtag.SigReservedSpace)
			if c.format == FormatV6 {
				resTag = rpmtag.SigReserved
			}
			if int(m[resTag].count) != c.reserved {
				t.Errorf("reserved space %d, want %d", m[resTag].count, c.reserved)
			}
			if n-n0 != c.growsBy {
				t.Errorf("signature header grew by %d bytes, want %d", n-n0, c.growsBy)
			}
			if e := sig[len(sig)-1]; e.tag != resTag {
				t.Errorf("last tag %d, want the reserved space %d", e.tag, resTag)
			}
			if out, err := runErr("", nil, "rpm", "-K", "--nosignature", signed); err != nil || !strings.Contains(out, "digests OK") {
				t.Errorf("rpm -K: %s %v", out, err)
			}
		})
	}
	// Sign and Signatures are one or the other.
	err = Write(&strings.Builder{}, fixtureMetadata(), fixtureFiles(t), Options{Format: FormatV6, Level: 3, TempDir: t.TempDir(),
		Signatures: constSigner(rsa), Sign: func([]byte) (uint32, []byte, error) { return rpmtag.SigRSA, rsa.Packet, nil }})
	if err == nil || !strings.Contains(err.Error(), "both Sign and Signatures") {
		t.Errorf("Sign and Signatures: %v", err)
	}
	// A signer's error is Write's.
	boom := errors.New("no card")
	err = Write(&strings.Builder{}, fixtureMetadata(), fixtureFiles(t), Options{Level: 3, TempDir: t.TempDir(),
		Signatures: func([]byte) ([]Signature, error) { return nil, boom }})
	if !errors.Is(err, boom) {
		t.Errorf("signer error: %v", err)
	}
}

// TestRPM418ReadsV6 checks that rpm 4.18 verifies, queries and installs
// the v6 packages Write makes, signed or not: rpm -K (digests, and the v4
// RSA and EdDSA signatures of a package signed with RPMv4Signature, with
// the keys imported), rpm -qp --dump equal to rpm 6's --dump of the
// recorded package, rpm -i --root; and that its rpm2cpio refuses the v6
// payload, as it refuses rpmbuild 6's.
func TestRPM418ReadsV6(t *testing.T) {
	testenv.NeedTools(t, "rpm", "rpm2cpio")
	rec := rpm6Dir(t)
	dir := t.TempDir()
	at := time.Unix(fixtureEpoch, 0)
	var signers []*signing.Signer
	for _, k := range []string{"rsa", "ed25519"} {
		s, err := signing.LoadKey(filepath.Join(rec, "keys", k+".sec.asc"), nil)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	sign := func(first int) func([]byte) ([]Signature, error) {
		return func(h []byte) ([]Signature, error) {
			var out []Signature
			for i := range signers {
				_, pkt, err := signers[(first+i)%len(signers)].Sign(h, at)
				if err != nil {
					return nil, err
				}
				out = append(out, Signature{Packet: pkt})
			}
			return out, nil
		}
	}
	db := filepath.Join(dir, "db")
	for _, k := range []string{"rsa", "ed25519"} {
		run(t, "", nil, "rpm", "--dbpath", db, "--import", filepath.Join(rec, "keys", k+".pub.asc"))
	}
	for _, c := range []struct {
		name string
		opt  Options
		want []string // lines rpm -Kv prints
	}{
		{"unsigned", Options{}, []string{"Header SHA256 digest: OK", "Payload SHA256 digest: OK"}},
		{"openpgp only", Options{Signatures: sign(0)}, []string{"Header SHA256 digest: OK", "Payload SHA256 digest: OK"}},
		// signing signs RSA with SHA-512, as gpg and rpmsign 6 do.
		{"rpmv4 rsa", Options{Signatures: sign(0), RPMv4Signature: true},
			[]string{"Header V4 RSA/SHA512 Signature, key ID " + signers[0].KeyID()[8:] + ": OK", "Header SHA256 digest: OK", "Payload SHA256 digest: OK"}},
		{"rpmv4 ed25519", Options{Signatures: sign(1), RPMv4Signature: true},
			[]string{"Header V4 EdDSA/SHA256 Signature, key ID " + signers[1].KeyID()[8:] + ": OK", "Header SHA256 digest: OK", "Payload SHA256 digest: OK"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			path := writeFixture(t, d, FormatV6, c.opt)
			out := run(t, "", nil, "rpm", "--dbpath", db, "-Kv", path)
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
				got = append(got, strings.TrimSpace(l))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("rpm -Kv:\n%s\nwant\n%s", out, strings.Join(c.want, "\n"))
			}
			dump := rpmQuery(t, path, "--dump")
			want, err := os.ReadFile(filepath.Join(rec, "oracles", "fixture-v6.dump"))
			if err != nil {
				t.Fatal(err)
			}
			if dump != string(want) {
				t.Errorf("rpm 4.18 -qp --dump differs from rpm 6's:\n%s", diffLines(string(want), dump))
			}
			root := filepath.Join(d, "root")
			run(t, "", nil, "rpm", "--root", root, "--initdb")
			run(t, "", nil, "rpm", "-i", "--root", root, "--nodeps", "--noscripts", path)
			for _, f := range fixtureFiles(t) {
				_, err := os.Lstat(filepath.Join(root, f.Path))
				if f.isGhost() != (err != nil) {
					t.Errorf("%s after install: %v", f.Path, err)
				}
			}
			b, err := os.ReadFile(filepath.Join(root, "usr/libexec/fixture/run.sh"))
			if err != nil || string(b) != "#!/bin/sh\n" {
				t.Errorf("installed run.sh: %q %v", b, err)
			}
			if out := run(t, "", nil, "rpm", "-q", "--root", root, "fixture"); !strings.HasPrefix(out, "fixture-2.1-3.x86_64") {
				t.Errorf("rpm -q after install: %q", out)
			}
			run(t, "", nil, "rpm", "-V", "--nodeps", "--root", root, "fixture")
		})
	}
	// rpm 4.18's rpm2cpio refuses a v6 payload (stripped cpio), ours as
	// rpmbuild 6's.
	for _, path := range []string{writeFixture(t, dir, FormatV6, Options{}), filepath.Join(rec, "packages", "fixture-v6.rpm")} {
		out, err := runErr("", nil, "bash", "-c", fmt.Sprintf("rpm2cpio %q 2>&1 >/dev/null", path))
		if err == nil || !strings.Contains(out, "files over 4GB not supported by cpio") {
			t.Errorf("rpm2cpio %s: %v %q, want the refusal", filepath.Base(path), err, out)
		}
	}
}

// TestV6SourcePackage writes a v6 source package (no recording of
// rpmbuild 6 -bs exists: the v6 rules of binary packages apply, less
// SOURCENEVR) and checks it with rpm 4.18: rpm -K, the file list, the
// rpmlib() requirements.
func TestV6SourcePackage(t *testing.T) {
	testenv.NeedTools(t, "rpm")
	dir := t.TempDir()
	m := Metadata{Name: "s", Version: "1", Release: "1", Arch: "x86_64", Summary: "s", License: "MIT", BuildTime: fixtureEpoch,
		Source: &Source{Sources: []string{"s.tar.gz"}, Cookie: "localhost 1790000000"}}
	files := []File{
		{Path: "s.spec", Mode: 0o100644, Size: 5, MTime: fixtureEpoch, Flags: rpmtag.FileSpecfile, Open: body("spec\n")},
		{Path: "s.tar.gz", Mode: 0o100644, Size: 3, MTime: fixtureEpoch, Open: body("tgz")},
	}
	path := writePackage(t, dir, "s-1-1.src.rpm", m, files, Options{Format: FormatV6, Compressor: "gzip", Level: 9})
	if out := run(t, "", nil, "rpm", "-K", "--nosignature", path); !strings.Contains(out, "digests OK") {
		t.Errorf("rpm -K: %s", out)
	}
	r := readRPM(t, path)
	if r.lead[4] != 4 || r.lead[7] != 1 {
		t.Errorf("lead version %d type %d, want 4 and 1", r.lead[4], r.lead[7])
	}
	if _, ok := r.main[rpmtag.SourceNEVR]; ok {
		t.Error("a source package with SOURCENEVR")
	}
	if got := r.main[rpmtag.RPMFormat].ints; len(got) != 1 || got[0] != 6 {
		t.Errorf("RPMFORMAT %v", got)
	}
	if got := rpmQuery(t, path, "--qf", "[%{FILENAMES} %{LONGFILESIZES}\n]"); got != "s.spec 5\ns.tar.gz 3\n" {
		t.Errorf("files:\n%s", got)
	}
	if got := rpmQuery(t, path, "--requires"); got != "rpmlib(LargeFiles) <= 4.12.0-1\n" {
		t.Errorf("requires:\n%s", got)
	}
}
