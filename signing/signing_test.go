package signing

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/gotc-project/gotc/internal/sigheader"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/sigcheck"
)

// gpgKey makes a key with real gpg (testenv.GPGKey).
func gpgKey(t *testing.T, algo, passphrase string) (secret, public string) {
	secret, public, _ = testenv.GPGKey(t, algo, passphrase)
	return secret, public
}

// rpm6 is the folder of rpm 6 recordings.
func rpm6(t *testing.T, parts ...string) string {
	return filepath.Join(append([]string{testenv.RepoRoot(t), "..", "shared", "rpm6"}, parts...)...)
}

func load(t *testing.T, path string) *Signer {
	t.Helper()
	s, err := LoadKey(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keyring(t *testing.T, paths ...string) *sigcheck.Keyring {
	t.Helper()
	kr, err := sigcheck.LoadKeyring(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// TestSign signs with RSA, Ed25519 and ECDSA keys made by real gpg and
// checks the tag, the hash gpg would pick, determinism where the
// algorithm allows it, and that the signature verifies.
func TestSign(t *testing.T) {
	for _, tc := range []struct {
		algo          string
		tag           uint32
		hash          crypto.Hash
		deterministic bool
	}{
		{"rsa3072", rpmtag.SigRSA, crypto.SHA512, true},
		{"ed25519", rpmtag.SigDSA, crypto.SHA256, true},
		{"nistp256", rpmtag.SigDSA, crypto.SHA256, false},
		{"nistp384", rpmtag.SigDSA, crypto.SHA384, false},
	} {
		t.Run(tc.algo, func(t *testing.T) {
			secret, public, home := testenv.GPGKey(t, tc.algo, "")
			s := load(t, secret)
			at := s.Created().Add(48 * time.Hour)
			header := []byte("header")
			tag, sig, err := s.Sign(header, at)
			if err != nil {
				t.Fatal(err)
			}
			if tag != tc.tag {
				t.Errorf("tag %d, want %d", tag, tc.tag)
			}
			p, err := packet.Read(bytes.NewReader(sig))
			if err != nil {
				t.Fatal(err)
			}
			gs := p.(*packet.Signature)
			if gs.Hash != tc.hash || gs.Version != 4 || gs.SigType != packet.SigTypeBinary || !gs.CreationTime.Equal(at.Truncate(time.Second)) {
				t.Errorf("v%d type %d %v at %v, want v4 type 0 %v at %v", gs.Version, gs.SigType, gs.Hash, gs.CreationTime, tc.hash, at)
			}
			_, again, _ := s.Sign(header, at)
			if bytes.Equal(sig, again) != tc.deterministic {
				t.Errorf("two signatures of the same header at the same time are equal: %v", !tc.deterministic)
			}
			_, other, _ := s.Sign(header, at.Add(time.Second))
			if bytes.Equal(sig, other) {
				t.Error("the creation time is not in the signature")
			}
			kr := keyring(t, public)
			for _, b := range [][]byte{sig, again} {
				it, err := sigcheck.VerifyHeader(b, header, kr, at)
				if err != nil || it.Verdict != sigcheck.OK {
					t.Errorf("verify: %v %v", it, err)
				}
			}
			// gpg, the reference, verifies our signature too.
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "header"), header, 0o644)
			os.WriteFile(filepath.Join(dir, "header.sig"), sig, 0o644)
			testenv.Run(t, dir, nil, "gpg", "--batch", "--homedir", home, "--verify", "header.sig", "header")
			it, err := sigcheck.VerifyHeader(sig, []byte("headeR"), kr, at)
			if err != nil || it.Verdict != sigcheck.Bad {
				t.Errorf("another header: %v %v, want BAD", it, err)
			}
			if len(s.KeyID()) != 16 || s.KeyID() != it.KeyID() {
				t.Errorf("key ID %q, the signature names %q", s.KeyID(), it.KeyID())
			}
		})
	}
}

// TestSignatureTime checks the time chosen for a signature: the build
// time when the key is older, else the key's creation; the recorded key
// (created 2026-01-01) signing a build of 2025 gives a signature rpm 6
// trusts, where signing at the build time gives NOTTRUSTED.
func TestSignatureTime(t *testing.T) {
	s := load(t, rpm6(t, "keys", "rsa.sec.asc"))
	kr := keyring(t, rpm6(t, "keys", "rsa.pub.asc"))
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !s.Created().Equal(created) {
		t.Fatalf("recorded key created %v", s.Created())
	}
	for _, tc := range []struct {
		build, want time.Time
	}{
		{time.Unix(1790000000, 0), time.Unix(1790000000, 0)}, // the recordings' SOURCE_DATE_EPOCH
		{time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), created},
		{time.Date(2026, 1, 1, 0, 0, 0, 500, time.UTC), created},
		{time.Unix(0, 0), created},
	} {
		got, err := s.SignatureTime(tc.build)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("build %v: %v %v, want %v", tc.build, got, err, tc.want)
		}
	}
	header := []byte("a header")
	old := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	_, a, err := s.Sign(header, old)
	if err != nil {
		t.Fatal(err)
	}
	_, b, _ := s.Sign(header, old.Add(-24*time.Hour))
	if !bytes.Equal(a, b) {
		t.Error("two builds before the key's creation get different signatures")
	}
	it, err := sigcheck.VerifyHeader(a, header, kr, time.Now())
	if err != nil || it.Verdict != sigcheck.OK {
		t.Errorf("signature of a 2025 build: %v %v, want OK", it, err)
	}
	// What signing at the build time itself gives.
	raw := signAt(t, s, header, old)
	it, err = sigcheck.VerifyHeader(raw, header, kr, time.Now())
	if err != nil || it.Verdict != sigcheck.NotTrusted ||
		it.Lint != "Key 46d353ca44bc49a9 (gotc test rsa <test-rsa@example.org>) has been created after the signature" {
		t.Errorf("signed at the build time: %v %v", it, err)
	}
}

// signAt signs header at exactly at, with go-crypto, as gotc used to.
func signAt(t *testing.T, s *Signer, header []byte, at time.Time) []byte {
	t.Helper()
	off := false
	p := &packet.Signature{SigType: packet.SigTypeBinary, PubKeyAlgo: s.key.PubKeyAlgo, Hash: crypto.SHA512, CreationTime: at, IssuerKeyId: &s.key.KeyId}
	h := crypto.SHA512.New()
	h.Write(header)
	if err := p.Sign(h, s.key, &packet.Config{Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &off}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	p.Serialize(&buf)
	return buf.Bytes()
}

// TestSignatureTimeExpired: a key that has expired by the signature time
// is an error, not a signature rpm would reject.
func TestSignatureTimeExpired(t *testing.T) {
	e, err := openpgp.NewEntity("expiring", "", "expiring@example.org", &packet.Config{KeyLifetimeSecs: 3600, Time: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.SerializePrivate(&buf, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key")
	os.WriteFile(path, buf.Bytes(), 0o600)
	s := load(t, path)
	if _, err := s.SignatureTime(time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC)); err != nil {
		t.Errorf("within the key's life: %v", err)
	}
	_, _, err = s.Sign([]byte("h"), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if err == nil || !strings.Contains(err.Error(), "expired on 2026-03-01T01:00:00Z, before the signature time 2026-03-02T00:00:00Z") {
		t.Errorf("signing after expiry: %v", err)
	}
}

// TestRecordedSignatures signs the recorded unsigned packages with the
// recorded keys, at the recorded signature time, and compares with what
// rpmsign 6 wrote: the same tags and types, packets of the same version,
// type, algorithms, time, issuer key ID and fingerprint; and rpm 6's
// recorded -Kv verdicts, with and without the keys, hold for our
// packages line for line. rpm 4.18 verifies the v4 tags.
func TestRecordedSignatures(t *testing.T) {
	testenv.NeedTools(t, "rpm")
	db := t.TempDir()
	for _, k := range []string{"rsa", "ed25519"} {
		testenv.Run(t, "", nil, "rpm", "--dbpath", db, "--import", rpm6(t, "keys", k+".pub.asc"))
	}
	kr := keyring(t, rpm6(t, "keys", "rsa.pub.asc"), rpm6(t, "keys", "ed25519.pub.asc"))
	recorded := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	// A build older than the key: the signature gets the key's creation
	// time, which rpm 6 and rpm 4.18 accept.
	old := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, unsigned, key string
		opt                 Options
		rpm418              string
		build               time.Time
	}{
		{"fixture-v4-rsa", "fixture-v4", "rsa", Options{Format: 4}, "Header V4 RSA/SHA512 Signature, key ID 44bc49a9: OK", recorded},
		{"fixture-v4-rsa", "fixture-v4", "rsa", Options{Format: 4}, "Header V4 RSA/SHA512 Signature, key ID 44bc49a9: OK", old},
		{"fixture-v4-ed25519", "fixture-v4", "ed25519", Options{Format: 4}, "Header V4 EdDSA/SHA256 Signature, key ID f9f1fa7f: OK", recorded},
		{"fixture-v6-rsa", "fixture-v6", "rsa", Options{Format: 6}, "", recorded},
		{"fixture-v6-ed25519", "fixture-v6", "ed25519", Options{Format: 6}, "", recorded},
		{"fixture-v6-ed25519", "fixture-v6", "ed25519", Options{Format: 6}, "", old},
		{"fixture-v6-rpmv4", "fixture-v6", "rsa", Options{Format: 6, V4Tags: true}, "Header V4 RSA/SHA512 Signature, key ID 44bc49a9: OK", recorded},
		{"fixture-v6-rpmv4", "fixture-v6", "rsa", Options{Format: 6, V4Tags: true}, "Header V4 RSA/SHA512 Signature, key ID 44bc49a9: OK", old},
	} {
		at := tc.build
		t.Run(tc.name+"@"+at.Format("2006-01-02"), func(t *testing.T) {
			unsigned, err := os.ReadFile(rpm6(t, "packages", tc.unsigned+".rpm"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := rpmread.Read(bytes.NewReader(unsigned))
			if err != nil {
				t.Fatal(err)
			}
			s := load(t, rpm6(t, "keys", tc.key+".sec.asc"))
			sigs, err := s.SignHeader(r.Header.Raw(), at, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var entries []sigheader.Entry
			for _, sg := range sigs {
				entries = append(entries, sigheader.Entry{Tag: int(sg.Tag), Type: int(sg.Type), Bytes: binOnly(sg), Strings: sg.Strings})
			}
			ours, err := sigheader.Rewrite(unsigned, entries)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), tc.name+".rpm")
			os.WriteFile(path, ours, 0o644)
			theirs, err := rpmread.Open(rpm6(t, "packages", tc.name+".rpm"))
			if err != nil {
				t.Fatal(err)
			}
			defer theirs.Close()
			mine, err := rpmread.Read(bytes.NewReader(ours))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sigTags(mine.Signature), sigTags(theirs.Signature); got != want {
				t.Errorf("signature tags %s, rpmsign 6 wrote %s", got, want)
			}
			for _, sg := range sigs {
				v, _ := theirs.Signature.Tag(int(sg.Tag))
				ref := v.Bytes
				if sg.Type == rpmtag.TypeStringArray {
					ref = decodeOne(t, v.Strings)
				}
				want := describe(t, ref)
				if at.Equal(old) {
					want = strings.Replace(want, "2026-09-15T00:00:00Z", "2026-01-01T00:00:00Z", 1)
				}
				if got := describe(t, sg.Packet); got != want {
					t.Errorf("tag %d: our packet %s, rpmsign 6's %s", sg.Tag, got, want)
				}
			}
			for _, suffix := range []string{".Kv-keyring", ".Kv-nokey"} {
				opt := sigcheck.Options{}
				if suffix == ".Kv-keyring" {
					opt.Keyring = kr
				}
				res, err := sigcheck.CheckFile(path, opt)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				res.WriteVerbose(&buf, "packages/"+tc.name+".rpm")
				want, _ := os.ReadFile(rpm6(t, "oracles", tc.name+suffix))
				exit := "exit 0\n"
				if res.Failed != 0 {
					exit = "exit 1\n"
				}
				if buf.String()+exit != string(want) {
					t.Errorf("%s: rpm 6 printed\n%s\nfor rpmsign's package; ours gives\n%s%s", suffix, want, buf.String(), exit)
				}
			}
			out, err := testenv.Output("", nil, "rpm", "--dbpath", db, "-Kv", path)
			if tc.rpm418 != "" && (err != nil || !strings.Contains(out, tc.rpm418)) {
				t.Errorf("rpm 4.18 -Kv: %v\n%s", err, out)
			}
		})
	}
}

func binOnly(s Signature) []byte {
	if s.Type == rpmtag.TypeBin {
		return s.Packet
	}
	return nil
}

// sigTags lists a signature header's signature tags and their types.
func sigTags(h *rpmread.Header) string {
	var out []string
	for _, tag := range []int{rpmtag.SigDSA, rpmtag.SigRSA, rpmtag.SigOpenPGP, rpmtag.SigPGP, rpmtag.SigGPG} {
		if v, ok := h.Tag(tag); ok {
			out = append(out, fmt.Sprintf("%d/type %d/%d strings", tag, v.Type, len(v.Strings)))
		}
	}
	return strings.Join(out, " ")
}

func decodeOne(t *testing.T, ss []string) []byte {
	t.Helper()
	if len(ss) != 1 {
		t.Fatalf("%d OpenPGP strings", len(ss))
	}
	p, err := sigcheck.DecodeOpenPGP(ss[0])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// describe is what a comparison of two packets looks at: everything but
// the signed hash and the gpg-only signer's user ID subpacket.
func describe(t *testing.T, pkt []byte) string {
	t.Helper()
	p, err := sigcheck.ParsePacket(pkt)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("v%d type %d %s/%s at %s issuer %016x fingerprint %x",
		p.Version, p.SigType, sigcheck.PubKeyName(p.PubKeyAlgo), sigcheck.HashName(p.HashAlgo),
		p.Created.Format(time.RFC3339), p.KeyID, p.Fingerprint)
}

func TestSignHeaderRefuses(t *testing.T) {
	s := load(t, rpm6(t, "keys", "ed25519.sec.asc"))
	for _, opt := range []Options{{Format: 5}, {Format: 4, V4Tags: true}, {Format: 3}} {
		if _, err := s.SignHeader([]byte("h"), time.Now(), opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}

func TestLoadKeyRefuses(t *testing.T) {
	secret, public := gpgKey(t, "ed25519", "")
	locked, _ := gpgKey(t, "ed25519", "s3cret")
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a key\n"), 0o644)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("x"), maxKeyFile+1), 0o644)
	two := filepath.Join(dir, "two")
	a, _ := os.ReadFile(secret)
	b, _ := os.ReadFile(locked)
	os.WriteFile(two, append(a, b...), 0o644)
	revoked := filepath.Join(dir, "revoked")
	writeRevoked(t, revoked)
	tests := []struct {
		name, path, pass, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
		{"not a key", junk, "", "not an OpenPGP key"},
		{"too big", big, "", "more than"},
		{"public key only", public, "", "no secret key that can sign"},
		{"passphrase needed", locked, "", "protected by a passphrase"},
		{"wrong passphrase", locked, "wrong", "wrong passphrase"},
		{"two armored keys", two, "", "holds 2 armored blocks"},
		{"revoked", revoked, "", "has been revoked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKey(tc.path, []byte(tc.pass))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadKey: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	if _, err := LoadKey(locked, []byte("s3cret")); err != nil {
		t.Errorf("right passphrase: %v", err)
	}
}

// writeRevoked writes a secret key that carries its own revocation.
func writeRevoked(t *testing.T, path string) {
	t.Helper()
	e, err := openpgp.NewEntity("revoked", "", "revoked@example.org", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.RevokeKey(packet.KeyCompromised, "test", nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.SerializePrivate(&buf, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o600)
}
