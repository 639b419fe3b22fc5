package sigcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// maxKeyringFile bounds what LoadKeyring reads from one file. Fedora's
// file of every release key is about 100 KiB.
const maxKeyringFile = 16 << 20

// Keyring is a set of OpenPGP public keys (certificates), as `rpm
// --import` keeps them: every primary key and subkey is looked up by its
// key ID.
type Keyring struct {
	certs []*Cert
	byID  map[uint64][]keyRef
}

// Cert is one public key (certificate) of a keyring.
type Cert struct {
	// Fingerprint is the primary key's fingerprint in lowercase hex, as
	// rpm prints it.
	Fingerprint string
	// KeyID is the primary key's key ID.
	KeyID uint64
	// UserID is the primary user ID, "" when there is none.
	UserID string
	// Created is the primary key's creation time.
	Created time.Time
	// Source names where the key was read: "FILE" or "FILE (key N)".
	Source string

	entity *openpgp.Entity
}

// keyRef is one key a signature may name: the primary key or a subkey.
type keyRef struct {
	cert *Cert
	pub  *packet.PublicKey
	// sub is the subkey, nil for the primary key.
	sub *openpgp.Subkey
}

// NewKeyring returns an empty keyring.
func NewKeyring() *Keyring { return &Keyring{byID: map[uint64][]keyRef{}} }

// LoadKeyring reads the public keys in the files at paths into a new
// keyring. A file holds one or more keys, armored (`gpg --armor
// --export`, several blocks allowed) or binary (`gpg --export`).
func LoadKeyring(paths ...string) (*Keyring, error) {
	kr := NewKeyring()
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading keyring: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxKeyringFile+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading keyring %s: %w", path, err)
		}
		if len(data) > maxKeyringFile {
			return nil, fmt.Errorf("keyring %s: more than %d bytes, not a key export", path, maxKeyringFile)
		}
		if err := kr.Add(path, data); err != nil {
			return nil, err
		}
	}
	return kr, nil
}

// Add adds the public keys in data, armored or binary, to the keyring;
// name is the file they come from, for messages. Secret keys are
// refused: a keyring holds what `gpg --export` writes.
func (kr *Keyring) Add(name string, data []byte) error {
	var blocks [][]byte
	if bytes.Contains(data, []byte("-----BEGIN PGP ")) {
		var err error
		if blocks, err = armoredBlocks(data); err != nil {
			return fmt.Errorf("keyring %s: %w", name, err)
		}
	} else {
		blocks = [][]byte{data}
	}
	var certs []*Cert
	for _, b := range blocks {
		c, err := readCerts(b)
		if err != nil {
			return fmt.Errorf("keyring %s: %w", name, err)
		}
		certs = append(certs, c...)
	}
	if len(certs) == 0 {
		return fmt.Errorf("keyring %s: no public key", name)
	}
	for i, c := range certs {
		c.Source = name
		if len(certs) > 1 {
			c.Source = fmt.Sprintf("%s (key %d)", name, i+1)
		}
		kr.add(c)
	}
	return nil
}

// armoredBlocks decodes every armored block of data, which must all be
// public key blocks.
func armoredBlocks(data []byte) ([][]byte, error) {
	var out [][]byte
	for n := 1; ; n++ {
		start := bytes.Index(data, []byte("-----BEGIN PGP "))
		if start < 0 {
			break
		}
		data = data[start:]
		header, _, _ := bytes.Cut(data, []byte("\n"))
		kind := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(string(header), "-----BEGIN PGP ")), "-----")
		endMark := []byte("-----END PGP " + kind + "-----")
		end := bytes.Index(data, endMark)
		if end < 0 {
			return nil, fmt.Errorf("armored block %d (%s) has no end line", n, kind)
		}
		block := data[:end+len(endMark)]
		data = data[end+len(endMark):]
		switch "PGP " + kind {
		case openpgp.PublicKeyType:
		case openpgp.PrivateKeyType:
			return nil, errors.New("holds a secret key; give the public key (gpg --armor --export)")
		default:
			return nil, fmt.Errorf("armored block %d is a %s, not a public key block", n, strings.ToLower(kind))
		}
		b, err := armor.Decode(bytes.NewReader(block))
		if err != nil {
			return nil, fmt.Errorf("armored block %d: %w", n, err)
		}
		body, err := io.ReadAll(b.Body)
		if err != nil {
			return nil, fmt.Errorf("armored block %d: %w", n, err)
		}
		out = append(out, body)
	}
	return out, nil
}

// readCerts reads the certificates of one binary key stream. Unlike
// openpgp.ReadKeyRing it skips nothing: a key that does not parse, or
// whose self-signatures do not verify, is an error.
func readCerts(data []byte) ([]*Cert, error) {
	packets := packet.NewReader(bytes.NewReader(data))
	var out []*Cert
	for n := 1; ; n++ {
		e, err := openpgp.ReadEntity(packets)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("key %d: not a usable OpenPGP public key: %w", n, err)
		}
		if e.PrivateKey != nil {
			return nil, errors.New("holds a secret key; give the public key (gpg --export)")
		}
		out = append(out, newCert(e))
	}
	return out, nil
}

func newCert(e *openpgp.Entity) *Cert {
	c := &Cert{
		Fingerprint: fmt.Sprintf("%x", e.PrimaryKey.Fingerprint),
		KeyID:       e.PrimaryKey.KeyId,
		Created:     e.PrimaryKey.CreationTime.UTC(),
		entity:      e,
	}
	if id := PrimaryIdentity(e); id != nil {
		c.UserID = id.Name
	}
	return c
}

// AddEntity adds a certificate go-crypto has read (its public part; a
// secret key's entity may be given) under the name source.
func (kr *Keyring) AddEntity(e *openpgp.Entity, source string) {
	c := newCert(e)
	c.Source = source
	kr.add(c)
}

// PrimaryIdentity is the user ID a v4 certificate's properties (flags,
// expiry) are read from: one marked primary, else the one with the
// newest self-signature, the fewest revocations first; ties go to the
// first name in byte order. go-crypto's Entity.PrimaryIdentity walks a
// map, so its choice among equals changes from run to run.
func PrimaryIdentity(e *openpgp.Entity) *openpgp.Identity {
	names := make([]string, 0, len(e.Identities))
	for n := range e.Identities {
		names = append(names, n)
	}
	sort.Strings(names)
	var best *openpgp.Identity
	for _, n := range names {
		if id := e.Identities[n]; best == nil || preferIdentity(best, id) {
			best = id
		}
	}
	return best
}

// preferIdentity reports whether b is a better primary identity than a.
func preferIdentity(a, b *openpgp.Identity) bool {
	if len(a.Revocations) != len(b.Revocations) {
		return len(b.Revocations) < len(a.Revocations)
	}
	if a.SelfSignature == nil || b.SelfSignature == nil {
		return a.SelfSignature == nil && b.SelfSignature != nil
	}
	primary := func(s *packet.Signature) bool { return s.IsPrimaryId != nil && *s.IsPrimaryId }
	if primary(a.SelfSignature) != primary(b.SelfSignature) {
		return primary(b.SelfSignature)
	}
	return b.SelfSignature.CreationTime.After(a.SelfSignature.CreationTime)
}

// SelfSignature is the self-signature a key's flags and expiry are read
// from, as rpm reads them: a subkey's newest binding signature, the
// primary identity's newest self-signature for a v4 primary key, the
// direct-key signature for a v6 one. nil when there is none.
func SelfSignature(e *openpgp.Entity, sub *openpgp.Subkey) *packet.Signature {
	if sub != nil {
		return sub.Sig
	}
	if e.PrimaryKey.Version == 6 {
		return e.SelfSignature
	}
	if id := PrimaryIdentity(e); id != nil {
		return id.SelfSignature
	}
	return nil
}

func (kr *Keyring) add(c *Cert) {
	kr.certs = append(kr.certs, c)
	e := c.entity
	kr.byID[e.PrimaryKey.KeyId] = append(kr.byID[e.PrimaryKey.KeyId], keyRef{cert: c, pub: e.PrimaryKey})
	for i := range e.Subkeys {
		sub := &e.Subkeys[i]
		kr.byID[sub.PublicKey.KeyId] = append(kr.byID[sub.PublicKey.KeyId], keyRef{cert: c, pub: sub.PublicKey, sub: sub})
	}
}

// Certs returns the keyring's certificates, in the order they were added.
func (kr *Keyring) Certs() []*Cert { return append([]*Cert(nil), kr.certs...) }

// Len is the number of certificates.
func (kr *Keyring) Len() int {
	if kr == nil {
		return 0
	}
	return len(kr.certs)
}

// lookup returns the keys with key ID id whose algorithm is algo, as
// rpm's keyring does (a key of another algorithm does not count).
func (kr *Keyring) lookup(id uint64, algo int) []keyRef {
	if kr == nil {
		return nil
	}
	var out []keyRef
	for _, k := range kr.byID[id] {
		if int(k.pub.PubKeyAlgo) == algo {
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].sub == nil && out[j].sub != nil })
	return out
}

// keyID formats a key ID as rpm does: 16 lowercase hex digits.
func keyID(id uint64) string { return fmt.Sprintf("%016x", id) }

// describe is how rpm's lints name a key: "Key ID (user ID)", or for a
// subkey "Subkey ID of key ID (user ID)".
func (k keyRef) describe() string {
	main := keyID(k.cert.KeyID)
	if k.cert.UserID != "" {
		main += " (" + k.cert.UserID + ")"
	}
	if k.sub == nil {
		return "Key " + main
	}
	return "Subkey " + keyID(k.pub.KeyId) + " of key " + main
}

// trustLint checks what rpm checks about a key once a signature by it
// verified: revocation, a subkey's signing flag, a creation after the
// signature, expiry at the signature time. It returns "" when the key
// may be trusted, else rpm's message (NOTTRUSTED).
func (k keyRef) trustLint(sigTime time.Time) string {
	e := k.cert.entity
	if len(e.Revocations) > 0 {
		if k.sub != nil {
			return "Key " + keyID(k.pub.KeyId) + " is a subkey of key " + keyID(k.cert.KeyID) + ", which has been revoked"
		}
		return k.describe() + " has been revoked"
	}
	if k.sub != nil && len(k.sub.Revocations) > 0 {
		return k.describe() + " has been revoked"
	}
	self := k.selfSignature()
	if k.sub != nil && (self == nil || !self.FlagsValid || !self.FlagSign) {
		return k.describe() + " is not suitable for signing"
	}
	created := k.pub.CreationTime
	if created.After(sigTime) {
		return k.describe() + " has been created after the signature"
	}
	if self != nil && self.KeyLifetimeSecs != nil && *self.KeyLifetimeSecs != 0 {
		expires := created.Add(time.Duration(*self.KeyLifetimeSecs) * time.Second)
		if expires.Before(sigTime) {
			return k.describe() + " expired on " + formatTime(expires)
		}
	}
	return ""
}

// selfSignature is the self-signature rpm reads the key's flags and
// expiry from.
func (k keyRef) selfSignature() *packet.Signature { return SelfSignature(k.cert.entity, k.sub) }

// formatTime is how rpm's lints print a time; in UTC so that output does
// not depend on the machine's zone.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
