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

// digestCover says what bytes a digest is computed over.
type digestCover int

const (
	coverHeader        digestCover = iota // the main header
	coverPayload                          // the stored (compressed) payload
	coverArchive                          // the uncompressed payload (cpio)
	coverHeaderPayload                    // main header and stored payload
)

// digestSpec describes one digest tag. The order of digestSpecs is the
// order of rpm -Kv: header digests, payload digests, legacy digests,
// strongest first within each.
type digestSpec struct {
	name  string // without the algorithm for payload digests
	tag   int
	sig   bool
	cover digestCover
	algo  uint64 // 0: PAYLOADDIGESTALGO, SHA256 when absent
}

var digestSpecs = []digestSpec{
	{"header SHA256", rpmtag.SigSHA256, true, coverHeader, rpmtag.HashAlgoSHA256},
	{"header SHA1", rpmtag.SigSHA1, true, coverHeader, rpmtag.HashAlgoSHA1},
	{"payload", rpmtag.PayloadDigest, false, coverPayload, 0},
	{"uncompressed payload", rpmtag.PayloadDigestAlt, false, coverArchive, 0},
	{"header+payload MD5", rpmtag.SigMD5, true, coverHeaderPayload, rpmtag.HashAlgoMD5},
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
// payload, and the legacy ones over both.
func (p *Package) Digests() []Digest {
	var out []Digest
	for _, s := range digestSpecs {
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
	}
	return fmt.Sprintf("digest(algo %d)", algo)
}
