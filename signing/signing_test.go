package signing

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmtag"
)

// gpgKey makes a key with real gpg (testenv.GPGKey).
func gpgKey(t *testing.T, algo, passphrase string) (secret, public string) {
	secret, public, _ = testenv.GPGKey(t, algo, passphrase)
	return secret, public
}

func TestSign(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		algo string
		tag  uint32
	}{{"rsa3072", rpmtag.SigRSA}, {"ed25519", rpmtag.SigDSA}} {
		t.Run(tc.algo, func(t *testing.T) {
			secret, _ := gpgKey(t, tc.algo, "")
			s, err := LoadKey(secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			tag, sig, err := s.Sign([]byte("header"), at)
			if err != nil {
				t.Fatal(err)
			}
			if tag != tc.tag {
				t.Errorf("tag %d, want %d", tag, tc.tag)
			}
			_, again, _ := s.Sign([]byte("header"), at)
			if !bytes.Equal(sig, again) {
				t.Error("two signatures of the same header at the same time differ")
			}
			_, other, _ := s.Sign([]byte("header"), at.Add(time.Second))
			if bytes.Equal(sig, other) {
				t.Error("the creation time is not in the signature")
			}
			if len(s.KeyID()) != 16 {
				t.Errorf("key ID %q", s.KeyID())
			}
		})
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
