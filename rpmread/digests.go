package rpmread

import (
	"encoding/hex"
	"fmt"

	"github.com/gotc-project/gotc/rpmtag"
)

// Digest is one digest a package records about itself, as stored.
type Digest struct {
	// Name says what it covers and how: "header SHA256", "payload
	// SHA256", "uncompressed payload SHA256", "header+payload MD5".
	Name string
	// Tag is the tag holding it, in the signature header when Signature
	// is set, else in the main header.
	Tag       int
	Signature bool
	// Value is the digest in lowercase hex.
	Value string
}

// Scope says what bytes a check covers.
type Scope int

// Scopes of a CheckResult.
const (
	ScopeHeader        Scope = iota // the main header
	ScopePayload                    // the payload as stored (compressed)
	ScopeArchive                    // the uncompressed payload (cpio)
	ScopeHeaderPayload              // main header and stored payload (legacy)
	ScopeSignature                  // an OpenPGP signature
)

// digestSpec describes one digest tag. The order of digestSpecs is the
// order of rpm -Kv (rpm's lib/rpmvs.cc sorts by what a digest covers,
// then strongest algorithm first): header digests, stored-payload
// digests, then those over the uncompressed payload, which rpm -K does
// not check, and the legacy MD5.
type digestSpec struct {
	name  string // without the algorithm for payload digests
	tag   int
	sig   bool
	cover Scope
	algo  uint64 // 0: PAYLOADDIGESTALGO, SHA256 when absent
}

var digestSpecs = []digestSpec{
	{"header SHA3-256", rpmtag.SigSHA3_256, true, ScopeHeader, rpmtag.HashAlgoSHA3_256},
	{"header SHA256", rpmtag.SigSHA256, true, ScopeHeader, rpmtag.HashAlgoSHA256},
	{"header SHA1", rpmtag.SigSHA1, true, ScopeHeader, rpmtag.HashAlgoSHA1},
	{"payload SHA3-256", rpmtag.PayloadSHA3_256, false, ScopePayload, rpmtag.HashAlgoSHA3_256},
	{"payload SHA512", rpmtag.PayloadSHA512, false, ScopePayload, rpmtag.HashAlgoSHA512},
	{"payload", rpmtag.PayloadDigest, false, ScopePayload, 0},
	{"uncompressed payload SHA3-256", rpmtag.PayloadSHA3_256Alt, false, ScopeArchive, rpmtag.HashAlgoSHA3_256},
	{"uncompressed payload SHA512", rpmtag.PayloadSHA512Alt, false, ScopeArchive, rpmtag.HashAlgoSHA512},
	{"uncompressed payload", rpmtag.PayloadDigestAlt, false, ScopeArchive, 0},
	{"header+payload MD5", rpmtag.SigMD5, true, ScopeHeaderPayload, rpmtag.HashAlgoMD5},
}

// legacyIgnored reports what rpm's rpmvsInit calls the v6 heuristic: a
// signature header with RESERVED (999) and the SHA3-256 digest (279) is
// rpm 6 format, and rpm ignores its tags numbered 1000 and up (the v3
// sizes, MD5 and header+payload signatures), which format 6 forbids.
func legacyIgnored(sig *Header) bool {
	return sig.Has(rpmtag.SigReserved) && sig.Has(rpmtag.SigSHA3_256)
}

// signatureSpecs are the OpenPGP signature tags of the signature header.
var signatureSpecs = []struct {
	tag  int
	name string
}{
	{rpmtag.SigOpenPGP, "OpenPGP signature"},
	{rpmtag.SigRSA, "RSA header signature"},
	{rpmtag.SigDSA, "DSA header signature"},
	{rpmtag.SigPGP, "PGP header+payload signature"},
	{rpmtag.SigGPG, "GPG header+payload signature"},
}

// specAlgo is the hash algorithm of a digest tag in package p.
func (s digestSpec) specAlgo(main *Header) uint64 {
	if s.algo != 0 {
		return s.algo
	}
	if a, ok := main.Int(rpmtag.PayloadDigestAlgo); ok {
		return a
	}
	return rpmtag.HashAlgoSHA256
}

// specName is the digest's name with its algorithm.
func (s digestSpec) specName(main *Header) string {
	if s.algo != 0 {
		return s.name
	}
	return s.name + " " + hashName(s.specAlgo(main))
}

// value returns the recorded digest of spec s in hex.
func (s digestSpec) value(sig, main *Header) (string, bool) {
	h := main
	if s.sig {
		h = sig
	}
	v, ok := h.Tag(s.tag)
	switch {
	case !ok:
		return "", false
	case v.Bytes != nil:
		return hex.EncodeToString(v.Bytes), true
	}
	return v.String(), true
}

// Digests returns the digests the package records, in rpm -Kv order:
// over the header, over the payload as stored, over the uncompressed
// payload, and the legacy one over both (left out of an rpm 6 format
// package, where rpm ignores it).
func (p *Package) Digests() []Digest {
	var out []Digest
	for _, s := range digestSpecs {
		if s.sig && s.tag >= 1000 && legacyIgnored(p.sig) {
			continue
		}
		if v, ok := s.value(p.sig, p.hdr); ok {
			out = append(out, Digest{Name: s.specName(p.hdr), Tag: s.tag, Signature: s.sig, Value: v})
		}
	}
	return out
}

// Signatures names the OpenPGP signatures the signature header holds
// ("RSA header signature", "OpenPGP signature", ...). They are not
// checked here.
func (p *Package) Signatures() []string {
	var out []string
	for _, s := range signatureSpecs {
		if p.sig.Has(s.tag) {
			out = append(out, s.name)
		}
	}
	return out
}

func hashName(algo uint64) string {
	switch algo {
	case rpmtag.HashAlgoMD5:
		return "MD5"
	case rpmtag.HashAlgoSHA1:
		return "SHA1"
	case rpmtag.HashAlgoSHA224:
		return "SHA224"
	case rpmtag.HashAlgoSHA256:
		return "SHA256"
	case rpmtag.HashAlgoSHA384:
		return "SHA384"
	case rpmtag.HashAlgoSHA512:
		return "SHA512"
	case rpmtag.HashAlgoSHA3_256:
		return "SHA3-256"
	case rpmtag.HashAlgoSHA3_512:
		return "SHA3-512"
	}
	return fmt.Sprintf("digest(algo %d)", algo)
}
