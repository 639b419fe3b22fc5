package rpmread

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// CheckStatus is the outcome of one integrity check.
type CheckStatus int

const (
	CheckOK      CheckStatus = iota // recorded value matches
	CheckFailed                     // recorded value differs; CheckResult.Err says how
	CheckAbsent                     // the package records nothing to check against
	CheckSkipped                    // recorded, but not checkable here (see CheckResult.Note)
)

func (s CheckStatus) String() string {
	switch s {
	case CheckOK:
		return "ok"
	case CheckFailed:
		return "FAILED"
	case CheckAbsent:
		return "absent"
	case CheckSkipped:
		return "skipped"
	}
	return fmt.Sprintf("CheckStatus(%d)", int(s))
}

// CheckResult is one integrity check of Reader.Check.
type CheckResult struct {
	Name   string // "header SHA256", "payload SHA256", "header+payload size", ...
	Tag    int    // tag holding the recorded value (signature or main header)
	Status CheckStatus
	Want   string // recorded value (hex digest or decimal size)
	Got    string // computed value
	Note   string // why a check was skipped
	Err    error  // *DigestError or *SizeError when Status is CheckFailed
}

// Check verifies the digests and sizes the package records about itself,
// the way rpm -K --nosignature does, plus the uncompressed-payload checks
// when the payload was read:
//
//   - signature 273: SHA256 of the main header
//   - signature 269: SHA1 of the main header
//   - signature 1004: MD5 of main header + compressed payload
//   - header 5092/5093: digest of the compressed payload
//   - signature 1000 / 270: size of main header + compressed payload
//   - signature 1007 / 271: size of the uncompressed payload (needs Payload)
//   - header 5097: digest of the uncompressed payload (needs Payload)
//
// OpenPGP signatures (267, 268, 1002, 1005, 278) are reported as skipped:
// checking them needs keys. Check reads the rest of the raw payload (and,
// if Payload was called, the rest of the uncompressed stream, within the
// payload bound); call it after iterating the payload, not before. The
// error is only for I/O failures and undecodable payloads; mismatches are
// results.
func (r *Reader) Check() ([]CheckResult, error) {
	var ioErr error
	if r.payload != nil {
		ioErr = r.payload.finish()
	} else if err := r.raw.drain(); err != nil {
		ioErr = err
	}
	hdr := r.Header.Raw()
	var res []CheckResult
	digest := func(name string, tag int, want, got string) {
		c := CheckResult{Name: name, Tag: tag, Want: want, Got: got, Status: CheckOK}
		if !strings.EqualFold(want, got) {
			c.Status = CheckFailed
			c.Err = &DigestError{Check: name, Tag: tag, Want: want, Got: got}
		}
		res = append(res, c)
	}
	size := func(name string, tag int, want, got int64) {
		c := CheckResult{Name: name, Tag: tag, Want: fmt.Sprint(want), Got: fmt.Sprint(got), Status: CheckOK}
		if want != got {
			c.Status = CheckFailed
			c.Err = &SizeError{Check: name, Tag: tag, Want: want, Got: got}
		}
		res = append(res, c)
	}
	absent := func(name string, tag int) {
		res = append(res, CheckResult{Name: name, Tag: tag, Status: CheckAbsent})
	}
	skipped := func(name string, tag int, note string) {
		res = append(res, CheckResult{Name: name, Tag: tag, Status: CheckSkipped, Note: note})
	}

	if v := r.Signature.String(rpmtag.SigSHA256); r.Signature.Has(rpmtag.SigSHA256) {
		s := sha256.Sum256(hdr)
		digest("header SHA256", rpmtag.SigSHA256, v, hex.EncodeToString(s[:]))
	} else {
		absent("header SHA256", rpmtag.SigSHA256)
	}
	if v := r.Signature.String(rpmtag.SigSHA1); r.Signature.Has(rpmtag.SigSHA1) {
		s := sha1.Sum(hdr)
		digest("header SHA1", rpmtag.SigSHA1, v, hex.EncodeToString(s[:]))
	} else {
		absent("header SHA1", rpmtag.SigSHA1)
	}
	if v := r.Signature.Bytes(rpmtag.SigMD5); v != nil {
		got := ""
		if r.raw.md5 != nil {
			got = hexSum(r.raw.md5)
		}
		digest("header+payload MD5", rpmtag.SigMD5, hex.EncodeToString(v), got)
	} else {
		absent("header+payload MD5", rpmtag.SigMD5)
	}
	if v := r.Header.Strings(rpmtag.PayloadDigest); v != nil {
		name := "payload " + hashName(r.raw.digestAlgo)
		if r.raw.digest == nil {
			skipped(name, rpmtag.PayloadDigest, fmt.Sprintf("digest algorithm %d unsupported", r.raw.digestAlgo))
		} else {
			digest(name, rpmtag.PayloadDigest, v[0], hexSum(r.raw.digest))
		}
	} else {
		absent("payload digest", rpmtag.PayloadDigest)
	}
	total := int64(len(hdr)) + r.raw.n
	if v, ok := r.Signature.Int(rpmtag.SigLongSize); ok {
		size("header+payload size", rpmtag.SigLongSize, int64(v), total)
	} else if v, ok := r.Signature.Int(rpmtag.SigSize); ok {
		size("header+payload size", rpmtag.SigSize, int64(v), total)
	} else {
		absent("header+payload size", rpmtag.SigSize)
	}

	// Uncompressed payload: only known when the payload was decoded.
	var p = r.payload
	decoded := p != nil && p.finishErr == nil && p.count.eof
	archTag, archWant, hasArch := rpmtag.SigLongArchive, uint64(0), false
	if v, ok := r.Signature.Int(rpmtag.SigLongArchive); ok {
		archWant, hasArch = v, true
	} else if v, ok := r.Signature.Int(rpmtag.SigPayloadSize); ok {
		archTag, archWant, hasArch = rpmtag.SigPayloadSize, v, true
	}
	switch {
	case !hasArch:
		absent("uncompressed payload size", rpmtag.SigPayloadSize)
	case !decoded:
		skipped("uncompressed payload size", archTag, "payload not decoded")
	default:
		size("uncompressed payload size", archTag, int64(archWant), p.count.n)
	}
	if v := r.Header.Strings(rpmtag.PayloadDigestAlt); v != nil {
		switch {
		case !decoded:
			skipped("uncompressed payload digest", rpmtag.PayloadDigestAlt, "payload not decoded")
		case p.count.digest == nil:
			skipped("uncompressed payload digest", rpmtag.PayloadDigestAlt, "digest algorithm unsupported")
		default:
			digest("uncompressed payload digest", rpmtag.PayloadDigestAlt, v[0], hexSum(p.count.digest))
		}
	}
	for _, s := range []struct {
		tag  int
		name string
	}{
		{rpmtag.SigDSA, "DSA header signature"},
		{rpmtag.SigRSA, "RSA header signature"},
		{rpmtag.SigPGP, "PGP header+payload signature"},
		{rpmtag.SigGPG, "GPG header+payload signature"},
		{rpmtag.SigOpenPGP, "OpenPGP signature"},
	} {
		if r.Signature.Has(s.tag) {
			skipped(s.name, s.tag, "signatures are not verified (no keys)")
		}
	}
	return res, ioErr
}

// Verify runs Check and returns nil when nothing failed, otherwise the
// failures joined (each a *DigestError or *SizeError) and any I/O error.
// A package without any digest passes; inspect Check's results to tell.
func (r *Reader) Verify() error {
	res, err := r.Check()
	var errs []error
	for _, c := range res {
		if c.Status == CheckFailed {
			errs = append(errs, c.Err)
		}
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
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
