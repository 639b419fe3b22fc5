// Package signing makes the OpenPGP header signatures rpmsign adds to a
// package: a v4 binary-document signature over the main header (with
// its magic), SHA-256, stored in the signature header as RPMSIGTAG_RSA
// for an RSA key and RPMSIGTAG_DSA for the others (EdDSA, ECDSA, DSA),
// as rpm 4.16 and later sign by default (no legacy header+payload
// signature).
//
// Keys are read with github.com/ProtonMail/go-crypto, the maintained
// fork of the deprecated golang.org/x/crypto/openpgp. Signatures are
// deterministic: the creation time is the caller's (the build time), and
// go-crypto's random salt notation is turned off, so the same key, time
// and header give the same bytes.
package signing

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/gotc-project/gotc/rpmtag"
)

// Signer signs package headers with one OpenPGP key.
type Signer struct {
	key *packet.PrivateKey
}

// maxKeyFile bounds what LoadKey reads: a secret key export is a few KiB.
const maxKeyFile = 1 << 20

// LoadKey reads an OpenPGP secret key (armored or binary, as `gpg
// --export-secret-keys` writes it) from path. It signs with the primary
// key, or with its first signing-capable subkey when the primary key
// cannot sign. passphrase unlocks an encrypted key; it is ignored for a
// key that is not encrypted.
func LoadKey(path string, passphrase []byte) (*Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading signing key: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading signing key %s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("signing key %s: more than %d bytes, not a key export", path, maxKeyFile)
	}
	if n := bytes.Count(data, []byte("-----BEGIN PGP ")); n > 1 {
		return nil, fmt.Errorf("signing key %s: holds %d armored blocks, want one key", path, n)
	}
	entities, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil {
		entities, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("signing key %s: not an OpenPGP key: %w", path, err)
	}
	if len(entities) != 1 {
		return nil, fmt.Errorf("signing key %s: holds %d keys, want one", path, len(entities))
	}
	key := signingKey(entities[0])
	if key == nil {
		return nil, fmt.Errorf("signing key %s: no secret key that can sign (export it with gpg --export-secret-keys)", path)
	}
	if key.Encrypted {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("signing key %s is protected by a passphrase; give it with --sign-passphrase-file", path)
		}
		if err := key.Decrypt(passphrase); err != nil {
			return nil, fmt.Errorf("signing key %s: wrong passphrase: %w", path, err)
		}
	}
	switch key.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly, packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDSA, packet.PubKeyAlgoDSA:
	default:
		return nil, fmt.Errorf("signing key %s: algorithm %d is not one rpm verifies (RSA, EdDSA, ECDSA, DSA)", path, key.PubKeyAlgo)
	}
	if key.Version != 4 {
		return nil, fmt.Errorf("signing key %s: a v%d key; rpm 4 verifies v4 signatures only", path, key.Version)
	}
	return &Signer{key: key}, nil
}

// signingKey is the entity's primary key when it can sign, else its
// first subkey flagged for signing with secret material.
func signingKey(e *openpgp.Entity) *packet.PrivateKey {
	if e.PrivateKey != nil && e.PrimaryKey.CanSign() {
		return e.PrivateKey
	}
	for _, sub := range e.Subkeys {
		if sub.PrivateKey != nil && sub.Sig != nil && sub.Sig.FlagsValid && sub.Sig.FlagSign {
			return sub.PrivateKey
		}
	}
	return nil
}

// KeyID is the signing key's 64-bit key ID, as rpm -K prints it.
func (s *Signer) KeyID() string { return fmt.Sprintf("%016x", s.key.KeyId) }

// Sign signs header (the main header with its magic, as the SHA-256
// header digest covers it) at the given time and returns the signature
// header tag it belongs in and the signature packet.
func (s *Signer) Sign(header []byte, at time.Time) (tag uint32, sig []byte, err error) {
	off := false
	config := &packet.Config{DefaultHash: crypto.SHA256, Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &off}
	p := &packet.Signature{
		SigType:      packet.SigTypeBinary,
		PubKeyAlgo:   s.key.PubKeyAlgo,
		Hash:         crypto.SHA256,
		CreationTime: at,
		IssuerKeyId:  &s.key.KeyId,
	}
	h := crypto.SHA256.New()
	h.Write(header)
	if err := p.Sign(h, s.key, config); err != nil {
		return 0, nil, fmt.Errorf("signing the header: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Serialize(&buf); err != nil {
		return 0, nil, fmt.Errorf("encoding the signature: %w", err)
	}
	tag = rpmtag.SigDSA
	if p.PubKeyAlgo == packet.PubKeyAlgoRSA || p.PubKeyAlgo == packet.PubKeyAlgoRSASignOnly {
		tag = rpmtag.SigRSA
	}
	return tag, buf.Bytes(), nil
}
