package rpmread

import (
	"fmt"
	"hash"
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
// when the payload was read. The digests are those of Package.Digests:
//
//   - signature 273 and 269: SHA256 and SHA1 of the main header
//   - header 5092 (algorithm 5093): digest of the stored payload
//   - header 5097: digest of the uncompressed payload (needs Payload)
//   - signature 1004: MD5 of main header + stored payload
//
// and the sizes:
//
//   - signature 270 / 1000: size of main header + stored payload
//   - signature 271 / 1007: size of the uncompressed payload (needs
//     Payload)
//
// OpenPGP signatures (278, 268, 267, 1002, 1005) are reported as skipped:
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
	c := &checker{}
	c.digests(r, true)
	c.sizes(r)
	for _, s := range signatureSpecs {
		if r.Signature.Has(s.tag) {
			c.skipped(s.name, s.tag, "signatures are not verified (no keys)")
		}
	}
	return c.res, ioErr
}

// VerifyHeader checks the digests of the main header alone (signature
// tags 273 and 269), as rpm checks them whenever it reads a package
// (rpm -qp fails on a bad one). It reads nothing more of the file. The
// error joins every failure (each a *DigestError); a package without a
// header digest passes.
func (r *Reader) VerifyHeader() error {
	c := &checker{}
	c.digests(r, false)
	return failures(c.res, nil)
}

// checker collects CheckResults.
type checker struct{ res []CheckResult }

func (c *checker) digest(name string, tag int, want, got string) {
	cr := CheckResult{Name: name, Tag: tag, Want: want, Got: got, Status: CheckOK}
	if !strings.EqualFold(want, got) {
		cr.Status = CheckFailed
		cr.Err = &DigestError{Check: name, Tag: tag, Want: want, Got: got}
	}
	c.res = append(c.res, cr)
}

func (c *checker) size(name string, tag int, want, got int64) {
	cr := CheckResult{Name: name, Tag: tag, Want: fmt.Sprint(want), Got: fmt.Sprint(got), Status: CheckOK}
	if want != got {
		cr.Status = CheckFailed
		cr.Err = &SizeError{Check: name, Tag: tag, Want: want, Got: got}
	}
	c.res = append(c.res, cr)
}

func (c *checker) absent(name string, tag int) {
	c.res = append(c.res, CheckResult{Name: name, Tag: tag, Status: CheckAbsent})
}

func (c *checker) skipped(name string, tag int, note string) {
	c.res = append(c.res, CheckResult{Name: name, Tag: tag, Status: CheckSkipped, Note: note})
}

// decoded reports whether the whole uncompressed payload was read.
func (r *Reader) decoded() bool {
	p := r.payload
	return p != nil && p.finishErr == nil && p.count.eof
}

// digests checks every digest of digestSpecs: those over the header
// alone, and with payload set those over the payload too.
func (c *checker) digests(r *Reader, payload bool) {
	for _, s := range digestSpecs {
		if s.cover != coverHeader && !payload {
			continue
		}
		name := s.specName(r.Header)
		want, ok := s.value(r.Signature, r.Header)
		if !ok {
			c.absent(name, s.tag)
			continue
		}
		var h hash.Hash
		switch s.cover {
		case coverHeader:
			if h = newHash(s.specAlgo(r.Header)); h != nil {
				h.Write(r.Header.Raw())
			}
		case coverPayload:
			h = r.raw.hashes[s.specAlgo(r.Header)]
		case coverArchive:
			if !r.decoded() {
				c.skipped(name, s.tag, "payload not decoded")
				continue
			}
			h = r.payload.count.hashes[s.specAlgo(r.Header)]
		case coverHeaderPayload:
			h = r.raw.md5
		}
		if h == nil {
			c.skipped(name, s.tag, fmt.Sprintf("digest algorithm %d unsupported", s.specAlgo(r.Header)))
			continue
		}
		c.digest(name, s.tag, want, hexSum(h))
	}
}

// sizes checks the recorded sizes of header and payload.
func (c *checker) sizes(r *Reader) {
	total := int64(r.Header.Len()) + r.raw.n
	if v, ok := r.Signature.Int(rpmtag.SigLongSize); ok {
		c.size("header+payload size", rpmtag.SigLongSize, int64(v), total)
	} else if v, ok := r.Signature.Int(rpmtag.SigSize); ok {
		c.size("header+payload size", rpmtag.SigSize, int64(v), total)
	} else {
		c.absent("header+payload size", rpmtag.SigSize)
	}
	// Uncompressed payload: only known when the payload was decoded.
	archTag, archWant, hasArch := rpmtag.SigLongArchive, uint64(0), false
	if v, ok := r.Signature.Int(rpmtag.SigLongArchive); ok {
		archWant, hasArch = v, true
	} else if v, ok := r.Signature.Int(rpmtag.SigPayloadSize); ok {
		archTag, archWant, hasArch = rpmtag.SigPayloadSize, v, true
	}
	switch {
	case !hasArch:
		c.absent("uncompressed payload size", rpmtag.SigPayloadSize)
	case !r.decoded():
		c.skipped("uncompressed payload size", archTag, "payload not decoded")
	default:
		c.size("uncompressed payload size", archTag, int64(archWant), r.payload.count.n)
	}
}

// Verify runs Check and returns nil when nothing failed, otherwise the
// failures joined (each a *DigestError or *SizeError) and any I/O error.
// A package without any digest passes; inspect Check's results to tell.
//
// It is what "gotc-rpm diff" runs before comparing: it reads the whole
// stored payload (but does not decompress it), so a package whose payload
// is damaged anywhere fails, which reading the headers cannot tell.
func (r *Reader) Verify() error {
	return failures(r.Check())
}

// failures joins the failed results and err, nil when there are none.
func failures(res []CheckResult, err error) error {
	var errs joinedErrors
	for _, c := range res {
		if c.Status == CheckFailed {
			errs = append(errs, c.Err)
		}
	}
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// joinedErrors is errors.Join on one line: the messages joined by "; ".
type joinedErrors []error

func (j joinedErrors) Error() string {
	s := make([]string, len(j))
	for i, e := range j {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// Unwrap makes errors.Is and errors.As see every error.
func (j joinedErrors) Unwrap() []error { return j }
