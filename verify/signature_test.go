package verify

import (
	"bytes"
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
	"github.com/gotc-project/gotc/signing"
	"github.com/gotc-project/gotc/toolchain"
)

// recordedKey is a path in the rpm 6 recordings' keys folder.
func recordedKey(t *testing.T, name string) string {
	return filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6", "keys", name)
}

// signCopy signs a copy of the package at src with the recorded key
// name (rsa, ed25519) as rpmsign does, at build time build, and applies
// tamper to the signed bytes.
func signCopy(t *testing.T, src, name string, build time.Time, tamper func([]byte)) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rpmread.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.LoadKey(recordedKey(t, name+".sec.asc"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tag, sig, err := s.Sign(r.Header.Raw(), build)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sigheader.Rewrite(data, []sigheader.Entry{{Tag: int(tag), Type: rpmtag.TypeBin, Bytes: sig}})
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(out)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// flipSummary changes the first letter of the main header's Summary.
func flipSummary(t *testing.T) func([]byte) {
	return func(b []byte) {
		r, err := rpmread.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := r.Header.Tag(rpmtag.Summary)
		b[r.HeaderOffset+16+int64(len(r.Header.Entries()))*rpmtag.HeaderEntrySize+int64(v.Offset)] ^= 0x20
	}
}

// revokedRSA is a keyring holding the recorded RSA key, revoked.
func revokedRSA(t *testing.T) *sigcheck.Keyring {
	t.Helper()
	f, err := os.Open(recordedKey(t, "rsa.sec.asc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	el, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := el[0].RevokeKey(packet.KeyRetired, "", nil); err != nil {
		t.Fatal(err)
	}
	kr := sigcheck.NewKeyring()
	kr.AddEntity(el[0], "revoked")
	return kr
}

func TestEnforcesSignatures(t *testing.T) {
	var got []string
	for _, n := range toolchain.KnownTargets() {
		if EnforcesSignatures(epel(t, n)[0]) {
			got = append(got, n)
		}
	}
	if strings.Join(got, " ") != "fedora-45 rawhide" {
		t.Errorf("enforcing targets %v, want fedora-45 rawhide", got)
	}
}

// TestSignatureCheck verifies a gotc package unsigned, signed with the
// recorded keys, signed and changed, and checks the signature findings.
func TestSignatureCheck(t *testing.T) {
	f := shared(t)
	unsigned := f.s126.native["go-toolchain-1.26"]
	build := time.Unix(1790000000, 0)
	signed := signCopy(t, unsigned, "rsa", build, nil)
	// Built before the key was made: signed at the key's creation time.
	old := signCopy(t, unsigned, "ed25519", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), nil)
	tampered := signCopy(t, unsigned, "rsa", build, flipSummary(t))
	both, err := sigcheck.LoadKeyring(recordedKey(t, "rsa.pub.asc"), recordedKey(t, "ed25519.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	edOnly, err := sigcheck.LoadKeyring(recordedKey(t, "ed25519.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	fpr := "d3ffb8a8c79d0221529c744846d353ca44bc49a9"
	for _, tc := range []struct {
		name string
		path string
		opt  Options
		want []string // the signature findings, as the text report prints them
	}{
		{"unsigned, no keyring, fedora-44", unsigned, Options{Targets: epel(t, "fedora-44")}, nil},
		{"unsigned for rawhide and fedora-45", unsigned, Options{Targets: epel(t, "fedora-43", "rawhide", "fedora-45")},
			[]string{`error: unsigned: rpm on rawhide, fedora-45 enforces signatures (%_pkgverify_level all) and refuses it: "does not verify: no signature"; sign it (--sign-key)`}},
		{"unsigned with a keyring", unsigned, Options{Keyring: both},
			[]string{"error: unsigned: no OpenPGP header signature (rpm 6 -K: NOTFOUND)"}},
		{"signed", signed, Options{Keyring: both, Targets: epel(t, "rawhide")}, nil},
		{"signed before the key was made", old, Options{Keyring: both, Targets: epel(t, "fedora-45")}, nil},
		{"signed by a key not in the keyring", signed, Options{Keyring: edOnly},
			[]string{"error: Header OpenPGP V4 RSA/SHA512 signature, key ID 46d353ca44bc49a9: NOKEY: key 46d353ca44bc49a9 is not in the keyring"}},
		{"signed, no keyring, rawhide", signed, Options{Targets: epel(t, "rawhide")},
			[]string{"warning: Header OpenPGP V4 RSA/SHA512 signature, key ID 46d353ca44bc49a9: NOKEY: not checked, no --keyring given; rpm on rawhide needs key 46d353ca44bc49a9 imported"}},
		{"signed, then changed", tampered, Options{Keyring: both},
			[]string{"error: Header OpenPGP V4 RSA/SHA512 signature, key fingerprint: " + fpr + ": BAD"}},
		{"signed by a revoked key", signed, Options{Keyring: revokedRSA(t)},
			[]string{"error: Header OpenPGP V4 RSA/SHA512 signature, key fingerprint: " + fpr + ": NOTTRUSTED: Key 46d353ca44bc49a9 (gotc test rsa <test-rsa@example.org>) has been revoked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := mustVerify(t, []string{tc.path}, tc.opt)
			var got []string
			for _, fd := range rep.Findings {
				if fd.Check == CheckSignature {
					got = append(got, string(fd.Level)+": "+fd.Message)
				} else if tc.path != tampered {
					t.Errorf("finding of another check: %s", fd)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("signature findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	// The changed header is an integrity error too, from the digests.
	rep := mustVerify(t, []string{tampered}, Options{Keyring: both})
	if !strings.Contains(dump(rep), "integrity") {
		t.Errorf("changed header, no integrity finding:\n%s", dump(rep))
	}
}
