package sigcheck

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/gotc-project/gotc/internal/sigheader"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// rpm418Line matches rpm 4.18's -Kv line for a header signature.
var rpm418Line = regexp.MustCompile(`Header V4 ([A-Za-z0-9]+)/([A-Z0-9-]+) Signature, key ID ([0-9a-f]{8}): ([A-Z]+)`)

// TestAgainstRealTools signs copies of the recorded v4 package with gpg
// keys of every algorithm rpm verifies (RSA, EdDSA, ECDSA on two curves,
// DSA) and compares our verdicts — with the key, without it, after one
// header byte changed — with rpm 4.18's -Kv for the packages real
// rpmsign signs. rpm 4.18 cannot verify ECDSA (rpmsign refuses to sign
// with it: "Unsupported PGP signature"), so ECDSA packages carry the
// detached signature real gpg makes over the header, as rpmsign has gpg
// make it, and gpg --verify is the reference.
func TestAgainstRealTools(t *testing.T) {
	if testing.Short() {
		t.Skip("makes five gpg keys")
	}
	testenv.NeedTools(t, "rpm", "rpmsign", "gpg")
	dir := rpm6Dir(t)
	unsigned, header := unsignedV4(t)
	gpg, _ := exec.LookPath("gpg")
	for _, tc := range []struct {
		algo, name, hash string
		rpmsign          bool
	}{
		{"rsa3072", "RSA", "SHA256", true},
		{"ed25519", "EdDSA", "SHA256", true},
		{"dsa2048", "DSA", "SHA256", true},
		{"nistp256", "ECDSA", "SHA256", false},
		{"nistp384", "ECDSA", "SHA384", false},
	} {
		t.Run(tc.algo, func(t *testing.T) {
			_, public, home := testenv.GPGKey(t, tc.algo, "")
			work := t.TempDir()
			pkg := filepath.Join(work, "p.rpm")
			gpgArgs := []string{"--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", ""}
			if tc.rpmsign {
				os.WriteFile(pkg, unsigned, 0o644)
				testenv.Run(t, "", nil, "rpmsign", "--addsign",
					"--define", "__gpg "+gpg, "--define", "_gpg_path "+home, "--define", "_gpg_name gotc test "+tc.algo,
					"--define", "_gpg_digest_algo "+strings.ToLower(tc.hash),
					"--define", "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase ''", pkg)
			} else {
				hdr, sig := filepath.Join(work, "header"), filepath.Join(work, "header.sig")
				os.WriteFile(hdr, header, 0o644)
				testenv.Run(t, "", nil, gpg, append(gpgArgs, "--digest-algo", tc.hash, "-u", "gotc test "+tc.algo, "--detach-sign", "-o", sig, hdr)...)
				pkt, _ := os.ReadFile(sig)
				os.WriteFile(pkg, withSigs(t, unsigned, bin(rpmtag.SigDSA, pkt)), 0o644)
			}
			signed, _ := os.ReadFile(pkg)
			start, _ := headerSpan(t, signed)
			tampered := bytes.Clone(signed)
			tampered[start+recordedTamper(t, dir)] = 0x01
			bad := filepath.Join(work, "bad.rpm")
			os.WriteFile(bad, tampered, 0o644)
			kr, err := LoadKeyring(public)
			if err != nil {
				t.Fatal(err)
			}
			db := t.TempDir()
			for _, step := range []struct {
				name, path string
				keys       bool
				want       Verdict
			}{
				{"no key", pkg, false, NoKey},
				{"key", pkg, true, OK},
				{"tampered", bad, true, Bad},
			} {
				opt := Options{}
				if step.keys {
					opt.Keyring = kr
				}
				res, err := CheckFile(step.path, opt)
				if err != nil {
					t.Fatal(err)
				}
				sigs := res.Signatures()
				if len(sigs) != 1 {
					t.Fatalf("%s: %d signatures", step.name, len(sigs))
				}
				s := sigs[0]
				wantTag := rpmtag.SigDSA
				if tc.name == "RSA" {
					wantTag = rpmtag.SigRSA
				}
				got := []string{PubKeyName(s.Packet.PubKeyAlgo), HashName(s.HashAlgo), s.KeyID()[8:], s.Verdict.String()}
				if s.Verdict != step.want || s.Tag != wantTag || got[0] != tc.name || got[1] != tc.hash {
					t.Errorf("%s: %v in tag %d, want %s %s %s in tag %d", step.name, got, s.Tag, tc.name, tc.hash, step.want, wantTag)
				}
				if tc.rpmsign {
					if step.keys {
						testenv.Run(t, "", nil, "rpm", "--dbpath", db, "--import", public)
					}
					out, _ := testenv.Output("", nil, "rpm", "--dbpath", db, "-Kv", step.path)
					if m := rpm418Line.FindStringSubmatch(out); m == nil || strings.Join(m[1:], " ") != strings.Join(got, " ") {
						t.Errorf("%s: ours %v, rpm 4.18 -Kv:\n%s", step.name, got, out)
					}
					continue
				}
				if !step.keys {
					continue
				}
				// gpg --verify of the header and signature the package holds.
				r, err := rpmread.Open(step.path)
				if err != nil {
					t.Fatal(err)
				}
				hdr, sig := filepath.Join(work, "check"), filepath.Join(work, "check.sig")
				os.WriteFile(hdr, r.Header.Raw(), 0o644)
				os.WriteFile(sig, r.Signature.Bytes(rpmtag.SigDSA), 0o644)
				r.Close()
				_, gerr := testenv.Output("", nil, gpg, append(gpgArgs, "--verify", sig, hdr)...)
				if (gerr == nil) != (step.want == OK) {
					t.Errorf("%s: ours %s, gpg --verify: %v", step.name, s.Verdict, gerr)
				}
			}
		})
	}
}

// recordedTamper is where in the main header the byte the recorded
// fixture-v4-rsa-tampered run changed lies.
func recordedTamper(t *testing.T, dir string) int {
	t.Helper()
	o := readOracle(t, filepath.Join(dir, "oracles", "fixture-v4-rsa-tampered.Kv-keyring"))
	data, err := os.ReadFile(filepath.Join(dir, "packages", o.pkg))
	if err != nil {
		t.Fatal(err)
	}
	start, end := headerSpan(t, data)
	if o.offset < start || o.offset >= end {
		t.Fatalf("recorded offset %d is not in the main header (%d-%d)", o.offset, start, end)
	}
	return o.offset - start
}

// testKey is a go-crypto key made for a test, with a fixed creation time.
type testKey struct {
	e      *openpgp.Entity
	signer *packet.PrivateKey
}

func newKey(t *testing.T, created time.Time, lifetime uint32) testKey {
	t.Helper()
	return newKeyAlgo(t, packet.PubKeyAlgoEdDSA, created, lifetime)
}

func newKeyAlgo(t *testing.T, algo packet.PublicKeyAlgorithm, created time.Time, lifetime uint32) testKey {
	t.Helper()
	cfg := &packet.Config{Algorithm: algo, RSABits: 2048, Time: func() time.Time { return created }, KeyLifetimeSecs: lifetime}
	e, err := openpgp.NewEntity("crafted", "", "crafted@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{e: e, signer: e.PrivateKey}
}

// sign signs header at at with the key; mod may change the signature
// before it is made.
func (k testKey) sign(t *testing.T, header []byte, at time.Time, mod func(*packet.Signature)) []byte {
	t.Helper()
	off := false
	p := &packet.Signature{SigType: packet.SigTypeBinary, PubKeyAlgo: k.signer.PubKeyAlgo, Hash: crypto.SHA256, CreationTime: at, IssuerKeyId: &k.signer.KeyId}
	if mod != nil {
		mod(p)
	}
	h := p.Hash.New()
	h.Write(header)
	if err := p.Sign(h, k.signer, &packet.Config{Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &off}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	p.Serialize(&buf)
	return buf.Bytes()
}

func (k testKey) keyring() *Keyring {
	kr := NewKeyring()
	kr.AddEntity(k.e, "test")
	return kr
}

// unsignedV4 is the recorded unsigned v4 package and its main header.
func unsignedV4(t *testing.T) (pkg, header []byte) {
	t.Helper()
	pkg, err := os.ReadFile(filepath.Join(rpm6Dir(t), "packages", "fixture-v4.rpm"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := rpmread.Read(bytes.NewReader(pkg))
	if err != nil {
		t.Fatal(err)
	}
	return pkg, r.Header.Raw()
}

func withSigs(t *testing.T, pkg []byte, entries ...sigheader.Entry) []byte {
	t.Helper()
	out, err := sigheader.Rewrite(pkg, entries)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func bin(tag int, b []byte) sigheader.Entry {
	return sigheader.Entry{Tag: tag, Type: rpmtag.TypeBin, Bytes: b}
}

func openpgpTag(pkts ...[]byte) sigheader.Entry {
	e := sigheader.Entry{Tag: rpmtag.SigOpenPGP, Type: rpmtag.TypeStringArray}
	for _, p := range pkts {
		e.Strings = append(e.Strings, base64.StdEncoding.EncodeToString(p))
	}
	return e
}

// TestCrafted checks verdicts rpm 6 gives that the recordings do not
// show: keys younger than the signature, expired, revoked or not for
// signing, signatures that expired or come from the future, signature
// types rpm does not verify, tags that do not parse, and several
// signatures in the OpenPGP tag.
func TestCrafted(t *testing.T) {
	pkg, header := unsignedV4(t)
	day := 24 * time.Hour
	created := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return created.Add(100 * day) }
	key := newKey(t, created, 0)
	other := newKey(t, created, 0)
	expiring := newKey(t, created, 3600)
	revoked := newKey(t, created, 0)
	if err := revoked.e.RevokeKey(packet.KeyCompromised, "", nil); err != nil {
		t.Fatal(err)
	}
	// A signature by an RSA encryption subkey, which rpm does not trust
	// for signing.
	rsaKey := newKeyAlgo(t, packet.PubKeyAlgoRSA, created, 0)
	bySubkey := testKey{e: rsaKey.e, signer: rsaKey.e.Subkeys[0].PrivateKey}
	fpr := key.keyring().Certs()[0].Fingerprint
	id := keyID(key.e.PrimaryKey.KeyId)
	uid := "crafted <crafted@example.org>"
	later := created.Add(day)
	lifetime := uint32(3600)

	for _, tc := range []struct {
		name    string
		pkg     []byte
		kr      *Keyring
		want    []string // the signature lines rpm -Kv shows
		lint    string
		failed  bool
		verdict Verdict
	}{
		{"ok", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, later, nil))), key.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key fingerprint: " + fpr + ": OK"}, "", false, OK},
		{"key made after the signature", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, created.Add(-day), nil))), key.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key fingerprint: " + fpr + ": NOTTRUSTED", "Header OpenPGP RSA signature: NOTFOUND",
				"Header OpenPGP signature: NOTFOUND", "Legacy OpenPGP DSA signature: NOTFOUND", "Legacy OpenPGP RSA signature: NOTFOUND"},
			"Key " + id + " (" + uid + ") has been created after the signature", true, NotTrusted},
		{"at the key's creation", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, created, nil))), key.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key fingerprint: " + fpr + ": OK"}, "", false, OK},
		{"expired key", withSigs(t, pkg, bin(rpmtag.SigDSA, expiring.sign(t, header, later, nil))), expiring.keyring(),
			nil, "Key " + keyID(expiring.e.PrimaryKey.KeyId) + " (" + uid + ") expired on 2026-03-01 01:00:00", true, NotTrusted},
		{"revoked key", withSigs(t, pkg, bin(rpmtag.SigDSA, revoked.sign(t, header, later, nil))), revoked.keyring(),
			nil, "Key " + keyID(revoked.e.PrimaryKey.KeyId) + " (" + uid + ") has been revoked", true, NotTrusted},
		{"encryption subkey", withSigs(t, pkg, bin(rpmtag.SigRSA, bySubkey.sign(t, header, later, nil))), rsaKey.keyring(),
			nil, "Subkey " + keyID(bySubkey.signer.KeyId) + " of key " + keyID(rsaKey.e.PrimaryKey.KeyId) + " (" + uid + ") is not suitable for signing", true, NotTrusted},
		{"signature expired", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, later, func(s *packet.Signature) { s.SigLifetimeSecs = &lifetime }))), key.keyring(),
			nil, "Signature expired on 2026-03-02 01:00:00", true, NotTrusted},
		{"signature from the future", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, now().Add(day), func(s *packet.Signature) { s.SigLifetimeSecs = &lifetime }))), key.keyring(),
			nil, "Signature has been created in the future", true, NotTrusted},
		{"other key", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, later, nil))), other.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key ID " + id + ": NOKEY", "Header OpenPGP RSA signature: NOTFOUND",
				"Header OpenPGP signature: NOTFOUND", "Legacy OpenPGP DSA signature: NOTFOUND", "Legacy OpenPGP RSA signature: NOTFOUND"},
			"", true, NoKey},
		{"other header, no key", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, []byte("not the header"), later, nil))), nil,
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key ID " + id + ": BAD", "Header OpenPGP RSA signature: NOTFOUND",
				"Header OpenPGP signature: NOTFOUND", "Legacy OpenPGP DSA signature: NOTFOUND", "Legacy OpenPGP RSA signature: NOTFOUND"},
			"", true, Bad},
		{"text signature", withSigs(t, pkg, bin(rpmtag.SigDSA, key.sign(t, header, later, func(s *packet.Signature) { s.SigType = packet.SigTypeText }))), key.keyring(),
			nil, "", true, Bad},
		{"corrupt packet", withSigs(t, pkg, bin(rpmtag.SigRSA, []byte{0x89, 0x01, 0x04})), key.keyring(),
			[]string{"Header OpenPGP DSA signature: NOTFOUND", "Header OpenPGP RSA signature: BAD (package tag 268: invalid OpenPGP signature: Corrupt PGP packet)",
				"Header OpenPGP signature: NOTFOUND", "Legacy OpenPGP DSA signature: NOTFOUND", "Legacy OpenPGP RSA signature: NOTFOUND"},
			"", true, Bad},
		{"wrong type", withSigs(t, pkg, sigheader.Entry{Tag: rpmtag.SigDSA, Type: rpmtag.TypeString, Strings: []string{"x"}}), key.keyring(),
			[]string{"Header OpenPGP DSA signature: BAD (package tag 267: invalid type 6)", "Header OpenPGP RSA signature: NOTFOUND",
				"Header OpenPGP signature: NOTFOUND", "Legacy OpenPGP DSA signature: NOTFOUND", "Legacy OpenPGP RSA signature: NOTFOUND"},
			"", true, Bad},
		{"openpgp tag: one good, one unknown", withSigs(t, pkg, openpgpTag(key.sign(t, header, later, nil), other.sign(t, header, later, nil))), key.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key ID " + keyID(other.e.PrimaryKey.KeyId) + ": NOKEY",
				"Header OpenPGP V4 EdDSA/SHA256 signature, key fingerprint: " + fpr + ": OK"},
			"", true, OK},
		{"openpgp tag: bad base64, v4 tag verifies", withSigs(t, pkg, sigheader.Entry{Tag: rpmtag.SigOpenPGP, Type: rpmtag.TypeStringArray, Strings: []string{"!!"}}, bin(rpmtag.SigDSA, key.sign(t, header, later, nil))), key.keyring(),
			[]string{"Header OpenPGP V4 EdDSA/SHA256 signature, key fingerprint: " + fpr + ": OK",
				"Header OpenPGP signature: BAD (package tag 278: invalid base64)"},
			"", true, Bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(bytes.NewReader(tc.pkg), Options{Keyring: tc.kr, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, it := range res.Shown() {
				if it.Kind == KindSignature {
					lines = append(lines, it.String())
				}
			}
			if tc.want != nil && strings.Join(lines, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("signature lines:\n  %s\nwant\n  %s", strings.Join(lines, "\n  "), strings.Join(tc.want, "\n  "))
			}
			sigs := res.Signatures()
			if len(sigs) == 0 {
				t.Fatal("no signature")
			}
			last := sigs[len(sigs)-1]
			if last.Verdict != tc.verdict || last.Lint != tc.lint {
				t.Errorf("verdict %s lint %q, want %s %q", last.Verdict, last.Lint, tc.verdict, tc.lint)
			}
			if (res.Failed != 0) != tc.failed {
				t.Errorf("failed %v, want failed %v", res.Failed, tc.failed)
			}
			// The header-only check sees the same signatures.
			r, err := rpmread.Read(bytes.NewReader(tc.pkg))
			if err != nil {
				t.Fatal(err)
			}
			ho := CheckHeaders(r.Signature, r.Header, Options{Keyring: tc.kr, Now: now})
			hs := ho.Signatures()
			if len(hs) != len(sigs) || hs[len(hs)-1].String() != last.String() || !ho.HeaderOnly {
				t.Errorf("header only: %d signatures, last %q; full check %q", len(hs), hs[len(hs)-1].String(), last.String())
			}
			for _, it := range ho.Items {
				if it.Range&RangePayload != 0 && it.Verdict != NotFound {
					t.Errorf("header only: %s", it.String())
				}
			}
		})
	}
}

// TestLevels checks what each %_pkgverify_level requires of the recorded
// packages.
func TestLevels(t *testing.T) {
	dir := rpm6Dir(t)
	kr := testKeyring(t, dir)
	for _, tc := range []struct {
		pkg   string
		keys  bool
		level Level
		fails Kind
	}{
		{"fixture-v4", false, LevelAll, KindSignature},
		{"fixture-v4", false, LevelSignature, KindSignature},
		{"fixture-v4", false, LevelDigest, 0},
		{"fixture-v4", false, LevelNone, 0},
		{"fixture-v6-rsa", true, LevelAll, 0},
		{"fixture-v6-rsa", false, LevelDigest, KindSignature}, // NOKEY is a failure at any level
		{"fixture-v6-rsa", false, LevelNone, KindSignature},
	} {
		opt := Options{Level: tc.level}
		if tc.keys {
			opt.Keyring = kr
		}
		res, err := CheckFile(filepath.Join(dir, "packages", tc.pkg+".rpm"), opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed != tc.fails {
			t.Errorf("%s keys %v level %d: failed %v, want %v", tc.pkg, tc.keys, tc.level, res.Failed, tc.fails)
		}
	}
}

func TestKeyring(t *testing.T) {
	dir := rpm6Dir(t)
	rsa, _ := os.ReadFile(filepath.Join(dir, "keys", "rsa.pub.asc"))
	ed, _ := os.ReadFile(filepath.Join(dir, "keys", "ed25519.pub.asc"))
	secret, _ := os.ReadFile(filepath.Join(dir, "keys", "rsa.sec.asc"))
	tmp := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	// The binary form of both keys, as gpg --export writes it.
	var binary []byte
	for _, k := range [][]byte{rsa, ed} {
		kr := NewKeyring()
		if err := kr.Add("k", k); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := kr.Certs()[0].entity.Serialize(&buf); err != nil {
			t.Fatal(err)
		}
		binary = append(binary, buf.Bytes()...)
	}
	both := write("both.asc", append(append(bytes.Clone(rsa), []byte("\nsome text between\n")...), ed...))
	for _, tc := range []struct {
		name  string
		paths []string
		certs int
		err   string
	}{
		{"two files", []string{write("rsa.asc", rsa), write("ed.asc", ed)}, 2, ""},
		{"two blocks in one file", []string{both}, 2, ""},
		{"binary", []string{write("both.gpg", binary)}, 2, ""},
		{"secret key", []string{write("sec.asc", secret)}, 0, "holds a secret key"},
		{"junk", []string{write("junk", []byte("junk"))}, 0, "not a usable OpenPGP public key"},
		{"empty", []string{write("empty", nil)}, 0, "no public key"},
		{"cut armor", []string{write("cut.asc", rsa[:len(rsa)/2])}, 0, "has no end line"},
		{"signature block", []string{write("sig.asc", []byte("-----BEGIN PGP SIGNATURE-----\n\nx\n-----END PGP SIGNATURE-----\n"))}, 0, "not a public key block"},
		{"missing", []string{filepath.Join(tmp, "nope")}, 0, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := LoadKeyring(tc.paths...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kr.Len() != tc.certs {
				t.Fatalf("%d keys, want %d", kr.Len(), tc.certs)
			}
			got := []string{kr.Certs()[0].Fingerprint, kr.Certs()[1].Fingerprint}
			want := []string{"d3ffb8a8c79d0221529c744846d353ca44bc49a9", "cbe8b89b630c473dd88c45b49385c11ff9f1fa7f"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("fingerprints %v, want %v", got, want)
			}
			if kr.Certs()[0].UserID != "gotc test rsa <test-rsa@example.org>" || !kr.Certs()[0].Created.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("first key: %q created %v", kr.Certs()[0].UserID, kr.Certs()[0].Created)
			}
			res, err := CheckFile(filepath.Join(dir, "packages", "fixture-v6-ed25519.rpm"), Options{Keyring: kr})
			if err != nil || res.Failed != 0 {
				t.Errorf("fixture-v6-ed25519 with this keyring: %v, failed %v", err, res.Failed)
			}
		})
	}
}
