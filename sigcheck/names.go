package sigcheck

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"fmt"
	"hash"
)

// OpenPGP hash algorithm numbers, which rpm also uses for its digests.
const (
	hashMD5     = 1
	hashSHA1    = 2
	hashSHA256  = 8
	hashSHA384  = 9
	hashSHA512  = 10
	hashSHA224  = 11
	hashSHA3256 = 12
	hashSHA3512 = 14
)

// newHash returns a hash for an OpenPGP hash algorithm, nil when it is
// not one rpm's digest bundle computes.
func newHash(algo int) hash.Hash {
	switch algo {
	case hashMD5:
		return md5.New()
	case hashSHA1:
		return sha1.New()
	case hashSHA256:
		return sha256.New()
	case hashSHA384:
		return sha512.New384()
	case hashSHA512:
		return sha512.New()
	case hashSHA224:
		return sha256.New224()
	case hashSHA3256:
		return sha3.New256()
	case hashSHA3512:
		return sha3.New512()
	}
	return nil
}

// HashName is rpm's name for an OpenPGP hash algorithm, as rpm -K
// prints it ("SHA256", "SHA3-256").
func HashName(algo int) string {
	switch algo {
	case hashMD5:
		return "MD5"
	case hashSHA1:
		return "SHA1"
	case 3:
		return "RIPEMD160"
	case 5:
		return "MD2"
	case 6:
		return "TIGER192"
	case 7:
		return "HAVAL-5-160"
	case hashSHA256:
		return "SHA256"
	case hashSHA384:
		return "SHA384"
	case hashSHA512:
		return "SHA512"
	case hashSHA224:
		return "SHA224"
	case hashSHA3256:
		return "SHA3-256"
	case hashSHA3512:
		return "SHA3-512"
	}
	return "Unknown hash algorithm"
}

// PubKeyName is rpm's name for an OpenPGP public key algorithm ("RSA",
// "EdDSA").
func PubKeyName(algo int) string {
	switch algo {
	case pubKeyRSA:
		return "RSA"
	case 2:
		return "RSA(Encrypt-Only)"
	case 3:
		return "RSA(Sign-Only)"
	case 16:
		return "Elgamal(Encrypt-Only)"
	case pubKeyDSA:
		return "DSA"
	case 18:
		return "Elliptic Curve"
	case pubKeyECDSA:
		return "ECDSA"
	case 20:
		return "Elgamal"
	case 21:
		return "Diffie-Hellman (X9.42)"
	case pubKeyEdDSA:
		return "EdDSA"
	case pubKeyEd25519:
		return "Ed25519"
	case pubKeyEd448:
		return "Ed448"
	}
	return "Unknown public key algorithm"
}

// identItem is how rpm names a parsed signature: "V4 RSA/SHA512
// signature, key ID 46d353ca44bc49a9".
func (s *Packet) identItem() string {
	return fmt.Sprintf("V%d %s/%s signature, key ID %s", s.Version, PubKeyName(s.PubKeyAlgo), HashName(s.HashAlgo), keyID(s.KeyID))
}
