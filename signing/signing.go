// Package signing makes the OpenPGP header signatures rpmsign adds to a
// package: a v4 binary-document signature over the main header (with
// its magic), stored in the signature header as rpm 6's rpmsign stores
// it:
//
//   - v4 packages: RPMSIGTAG_RSA (268) for an RSA key, RPMSIGTAG_DSA
//     (267) for the others (EdDSA, ECDSA, DSA), as rpm 4.16 and later
//     sign (no legacy header+payload signature);
//   - v6 packages: RPMTAG_OPENPGP (278), a string array of base64
//     packets; with V4Tags also in 267/268, where rpm 4.x looks, as
//     `rpmsign --addsign --rpmv4` does.
//
// The packet is what rpmsign 6 (through gpg) writes: version 4, type 0,
// hashed creation time, issuer key ID and issuer fingerprint, and the
// hash gpg picks for the key: SHA-512 for RSA, SHA-256 for Ed25519 and
// DSA, the curve's size for ECDSA (SHA-256 for P-256, SHA-384 for P-384,
// SHA-512 for P-521). Every signature is verified natively
// (gotc/sigcheck) before it is returned, as rpmsign refuses to write a
// signature that does not verify.
//
// RSA and EdDSA signatures are deterministic: the creation time derives
// from the build time and the key (see Signer.SignatureTime), and
// go-crypto's random salt notation is turned off, so the same key, build
// time and header give the same bytes. ECDSA and DSA signatures take a
// random nonce (Go's crypto/ecdsa always hedges with fresh randomness,
// and gpg's are random too): their creation time and everything they
// sign are reproducible, their bytes are not.
//
// Keys are read with github.com/ProtonMail/go-crypto, the maintained
// fork of the deprecated golang.org/x/crypto/openpgp.
package signing

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/sigcheck"
)

// Signer signs package headers with one OpenPGP key.
type Signer struct {
	key    *packet.PrivateKey
	entity *openpgp.Entity
	// self is the self-signature the signing key's validity and expiry
	// come from; primarySelf the primary key's, when a subkey signs.
	self, primarySelf *packet.Signature
	keyring           *sigcheck.Keyring
}

// maxKeyFile bounds what LoadKey reads: a secret key export is a few KiB.
const maxKeyFile = 1 << 20

// LoadKey reads an OpenPGP secret key (armored or binary, as `gpg
// --export-secret-keys` writes it) from path. It signs with the primary
// key, or with its first signing-capable subkey when the primary key
// cannot sign. passphrase unlocks an encrypted key; it is ignored for a
// key that is not encrypted. A revoked key is refused.
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
	e := entities[0]
	key, sub := signingKey(e)
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
	if len(e.Revocations) > 0 || (sub != nil && len(sub.Revocations) > 0) {
		return nil, fmt.Errorf("signing key %s: key %016x has been revoked", path, key.KeyId)
	}
	s := &Signer{key: key, entity: e, self: sigcheck.SelfSignature(e, sub), keyring: sigcheck.NewKeyring()}
	if sub != nil {
		s.primarySelf = sigcheck.SelfSignature(e, nil)
	}
	if s.self == nil {
		return nil, fmt.Errorf("signing key %s: key %016x has no self-signature", path, key.KeyId)
	}
	s.keyring.AddEntity(e, path)
	return s, nil
}

// signingKey is the entity's primary key when it can sign, else its
// first subkey flagged for signing with secret material (and that
// subkey).
func signingKey(e *openpgp.Entity) (*packet.PrivateKey, *openpgp.Subkey) {
	if e.PrivateKey != nil && e.PrimaryKey.CanSign() {
		return e.PrivateKey, nil
	}
	for i := range e.Subkeys {
		sub := &e.Subkeys[i]
		if sub.PrivateKey != nil && sub.Sig != nil && sub.Sig.FlagsValid && sub.Sig.FlagSign {
			return sub.PrivateKey, sub
		}
	}
	return nil, nil
}

// KeyID is the signing key's 64-bit key ID, as rpm -K prints it.
func (s *Signer) KeyID() string { return fmt.Sprintf("%016x", s.key.KeyId) }

// Created is when the signing key was created.
func (s *Signer) Created() time.Time { return s.key.CreationTime.UTC() }

// SignatureTime is the creation time a signature of a package built at
// build gets: the build time, unless the key is younger — then the
// moment the key became valid, the latest of its creation time and its
// self-signature's. rpm 6 reports a signature made before its key as
// NOTTRUSTED ("Key … has been created after the signature"), and
// rebuilding an old release with this year's key is ordinary, so the
// build time alone will not do. The choice stays reproducible: it
// depends on the build time and the key only, never on the clock, and
// keeps the build time whenever it can. It is an error when the key has
// expired by then.
func (s *Signer) SignatureTime(build time.Time) (time.Time, error) {
	at := build.UTC().Truncate(time.Second)
	for _, t := range []time.Time{s.entity.PrimaryKey.CreationTime, s.key.CreationTime, s.self.CreationTime} {
		if t.After(at) {
			at = t.UTC().Truncate(time.Second)
		}
	}
	if at.Unix() < 0 || at.Unix() > math.MaxUint32 {
		return time.Time{}, fmt.Errorf("signature time %s is outside what OpenPGP can record", at.Format(time.RFC3339))
	}
	check := func(created time.Time, self *packet.Signature, what string) error {
		if self == nil || self.KeyLifetimeSecs == nil || *self.KeyLifetimeSecs == 0 {
			return nil
		}
		expires := created.Add(time.Duration(*self.KeyLifetimeSecs) * time.Second)
		if !at.Before(expires) {
			return fmt.Errorf("%s %016x expired on %s, before the signature time %s", what, s.key.KeyId, expires.UTC().Format(time.RFC3339), at.Format(time.RFC3339))
		}
		return nil
	}
	if s.primarySelf != nil {
		if err := check(s.entity.PrimaryKey.CreationTime, s.primarySelf, "the primary key of signing subkey"); err != nil {
			return time.Time{}, err
		}
		return at, check(s.key.CreationTime, s.self, "signing subkey")
	}
	return at, check(s.key.CreationTime, s.self, "signing key")
}

// hashFor is the hash gpg (and so rpmsign) picks for the key: SHA-512
// for RSA, the curve's size for ECDSA, SHA-256 for EdDSA (Ed25519) and
// DSA.
func (s *Signer) hashFor() crypto.Hash {
	pub := &s.key.PublicKey
	switch pub.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		return crypto.SHA512
	case packet.PubKeyAlgoECDSA, packet.PubKeyAlgoEdDSA:
		switch c, _ := pub.Curve(); c {
		case packet.CurveNistP384, packet.CurveBrainpoolP384:
			return crypto.SHA384
		case packet.CurveNistP521, packet.CurveBrainpoolP512, packet.Curve448:
			return crypto.SHA512
		}
	}
	return crypto.SHA256
}

// Packet signs header (the main header with its magic, as the header
// digests cover it) and returns the signature packet, created at
// SignatureTime(build). The signature is verified before it is
// returned.
func (s *Signer) Packet(header []byte, build time.Time) ([]byte, error) {
	at, err := s.SignatureTime(build)
	if err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", s.KeyID(), err)
	}
	off := false
	h := s.hashFor()
	config := &packet.Config{DefaultHash: h, Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &off}
	p := &packet.Signature{
		Version:           4,
		SigType:           packet.SigTypeBinary,
		PubKeyAlgo:        s.key.PubKeyAlgo,
		Hash:              h,
		CreationTime:      at,
		IssuerKeyId:       &s.key.KeyId,
		IssuerFingerprint: s.key.Fingerprint,
		IssuerKeyVersion:  uint8(s.key.Version),
	}
	hash := h.New()
	hash.Write(header)
	if err := p.Sign(hash, s.key, config); err != nil {
		return nil, fmt.Errorf("signing the header with key %s: %w", s.KeyID(), err)
	}
	var buf bytes.Buffer
	if err := p.Serialize(&buf); err != nil {
		return nil, fmt.Errorf("encoding the signature: %w", err)
	}
	it, err := sigcheck.VerifyHeader(buf.Bytes(), header, s.keyring, at)
	if err != nil {
		return nil, fmt.Errorf("the signature by key %s does not parse as rpm parses it: %w", s.KeyID(), err)
	}
	if it.Verdict != sigcheck.OK {
		return nil, fmt.Errorf("the signature by key %s does not verify: %s %s", s.KeyID(), it.Verdict, it.Lint)
	}
	return buf.Bytes(), nil
}

// v4Tag is the signature header tag rpm 4 reads a header signature by
// the key from.
func (s *Signer) v4Tag() uint32 {
	if s.key.PubKeyAlgo == packet.PubKeyAlgoRSA || s.key.PubKeyAlgo == packet.PubKeyAlgoRSASignOnly {
		return rpmtag.SigRSA
	}
	return rpmtag.SigDSA
}

// Sign signs header for a v4 package built at build: the signature
// header tag it belongs in (RPMSIGTAG_RSA or RPMSIGTAG_DSA) and the
// signature packet, created at SignatureTime(build).
func (s *Signer) Sign(header []byte, build time.Time) (tag uint32, sig []byte, err error) {
	sig, err = s.Packet(header, build)
	if err != nil {
		return 0, nil, err
	}
	return s.v4Tag(), sig, nil
}

// Signature is one signature header entry to store.
type Signature struct {
	// Tag is rpmtag.SigRSA, rpmtag.SigDSA or rpmtag.SigOpenPGP.
	Tag uint32
	// Type is the tag's data type: rpmtag.TypeBin for the v4 tags (the
	// value is Packet), rpmtag.TypeStringArray for RPMTAG_OPENPGP (the
	// value is Strings, one base64 packet).
	Type uint32
	// Packet is the signature packet.
	Packet []byte
	// Strings is the value of an RPMTAG_OPENPGP entry.
	Strings []string
}

// Options say how a package is signed.
type Options struct {
	// Format is the package format, 4 or 6 (0 is 4).
	Format int
	// V4Tags also stores a v6 package's signature in the v4 tag (267
	// or 268), which rpm 4.x verifies, as rpmsign --rpmv4 does. rpm 6
	// ignores that tag when RPMTAG_OPENPGP holds a signature.
	V4Tags bool
}

// SignHeader signs header for a package built at build and returns the
// signature header entries to store, by tag: for v4 packages the v4
// tag, for v6 packages RPMTAG_OPENPGP (and with V4Tags the v4 tag too,
// the same packet). The signature is created at SignatureTime(build).
func (s *Signer) SignHeader(header []byte, build time.Time, opt Options) ([]Signature, error) {
	pkt, err := s.Packet(header, build)
	if err != nil {
		return nil, err
	}
	v4 := Signature{Tag: s.v4Tag(), Type: rpmtag.TypeBin, Packet: pkt}
	switch opt.Format {
	case 0, 4:
		if opt.V4Tags {
			return nil, fmt.Errorf("V4Tags is for v6 packages; a v4 package has only v4 tags")
		}
		return []Signature{v4}, nil
	case 6:
		v6 := Signature{Tag: rpmtag.SigOpenPGP, Type: rpmtag.TypeStringArray, Packet: pkt, Strings: []string{base64.StdEncoding.EncodeToString(pkt)}}
		if opt.V4Tags {
			return []Signature{v4, v6}, nil
		}
		return []Signature{v6}, nil
	}
	return nil, fmt.Errorf("package format %d: gotc signs formats 4 and 6", opt.Format)
}
