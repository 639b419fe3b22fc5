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
	Scope  Scope  // what the check covers
	Status CheckStatus
	Want   string // recorded value (hex digest or decimal size)
	Got    string // computed value
	Note   string // why a check was skipped
	Err    error  // *DigestError or *SizeError when Status is CheckFailed
	// Size marks a size check (else a digest or a signature).
	Size bool
	// Advisory marks a size check whose failure shows a wrong tag, not
	// damaged bytes: rpm checks no size tag (it reads to the end of the
	// file, and the digests cover every byte), and rpm-installable
	// packages get them wrong (rpmpack 0.7 records the sum of the file
	// sizes as the uncompressed payload size). A recorded size larger
	// than the stored bytes is not advisory: the file ends early.
	Advisory bool
}

// Check verifies the digests and sizes the package records about itself,
// the way rpm -K --nosignature does (rpm 6's lib/rpmvs.cc), plus the
// uncompressed-payload checks when the payload was read. The digests are
// those of Package.Digests:
//
//   - signature 279, 273, 269: SHA3-256, SHA256 and SHA1 of the main header
//   - header 5123, 5121, 5092 (its algorithm 5093 in format 4): SHA3-256,
//     SHA512 and SHA256 of the stored payload
//   - header 5124, 5122, 5097: the same over the uncompressed payload
//     (needs Payload; rpm -K does not check these)
//   - signature 1004: MD5 of main header + stored payload
//
// and the sizes, all Advisory but a shortfall of the stored bytes:
//
//   - signature 270 / 1000: size of main header + stored payload
//   - header 5112: size of the stored payload
//   - signature 271 / 1007 and header 5113: size of the uncompressed
//     payload (needs Payload)
//
// In an rpm 6 format package (signature tags 999 and 279) the signature
// tags from 1000 up are reported skipped, as rpm ignores them there.
// OpenPGP signatures (278, 268, 267, 1002, 1005) are reported as skipped:
// checking them needs keys (see AddPayloadHash). Check reads the rest of
// the raw payload (and, if Payload was called, the rest of the
// uncompressed stream, within the payload bound); call it after iterating
// the payload, not before. The error is only for I/O failures and
// undecodable payloads; mismatches are results.
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
			c.skipped(s.name, s.tag, ScopeSignature, "signatures are not verified here")
		}
	}
	return c.res, ioErr
}

// VerifyHeader checks the digests of the main header alone (signature
// tags 279, 273 and 269), as rpm checks them whenever it reads a package
// (rpm -qp fails on a bad one). It reads nothing more of the file. The
// error joins every failure (each a *DigestError); a package without a
// header digest passes.
func (r *Reader) VerifyHeader() error {
	c := &checker{}
	c.digests(r, false)
	return failures(c.res, nil)
}

// AddPayloadHash makes h see every byte of the stored payload as it is
// read (by Payload's decoder or by Check), for a check this package does
// not make itself: the legacy header+payload signatures (1002, 1005)
// sign the main header (Header.Raw, which the caller writes to h first)
// followed by the stored payload. Call it before Payload and Check.
func (r *Reader) AddPayloadHash(h hash.Hash) { r.raw.extra = append(r.raw.extra, h) }

// checker collects CheckResults.
type checker struct{ res []CheckResult }

func (c *checker) digest(name string, tag int, scope Scope, want, got string) {
	cr := CheckResult{Name: name, Tag: tag, Scope: scope, Want: want, Got: got, Status: CheckOK}
	if !strings.EqualFold(want, got) {
		cr.Status = CheckFailed
		cr.Err = &DigestError{Check: name, Tag: tag, Want: want, Got: got}
	}
	c.res = append(c.res, cr)
}

// size checks a recorded size; a stored size found short is not advisory.
func (c *checker) size(name string, tag int, scope Scope, want, got int64) {
	cr := CheckResult{Name: name, Tag: tag, Scope: scope, Want: fmt.Sprint(want), Got: fmt.Sprint(got), Status: CheckOK,
		Size: true, Advisory: scope == ScopeArchive || got > want}
	if want != got {
		cr.Status = CheckFailed
		cr.Err = &SizeError{Check: name, Tag: tag, Want: want, Got: got}
	}
	c.res = append(c.res, cr)
}

func (c *checker) absent(name string, tag int, scope Scope) {
	c.res = append(c.res, CheckResult{Name: name, Tag: tag, Scope: scope, Status: CheckAbsent})
}

func (c *checker) skipped(name string, tag int, scope Scope, note string) {
	c.res = append(c.res, CheckResult{Name: name, Tag: tag, Scope: scope, Status: CheckSkipped, Note: note})
}

// decoded reports whether the whole uncompressed payload was read.
func (r *Reader) decoded() bool {
	p := r.payload
	return p != nil && p.finishErr == nil && p.count.eof
}

const v6Ignored = "ignored in an rpm 6 format package, as rpm does"

// digests checks every digest of digestSpecs: those over the header
// alone, and with payload set those over the payload too.
func (c *checker) digests(r *Reader, payload bool) {
	legacy := legacyIgnored(r.Signature)
	for _, s := range digestSpecs {
		if s.cover != ScopeHeader && !payload {
			continue
		}
		name := s.specName(r.Header)
		want, ok := s.value(r.Signature, r.Header)
		switch {
		case !ok:
			c.absent(name, s.tag, s.cover)
			continue
		case s.sig && s.tag >= 1000 && legacy:
			c.skipped(name, s.tag, s.cover, v6Ignored)
			continue
		}
		var h hash.Hash
		switch s.cover {
		case ScopeHeader:
			if h = newHash(s.specAlgo(r.Header)); h != nil {
				h.Write(r.Header.Raw())
			}
		case ScopePayload:
			h = r.raw.hashes[s.specAlgo(r.Header)]
		case ScopeArchive:
			if !r.decoded() {
				c.skipped(name, s.tag, s.cover, "payload not decoded")
				continue
			}
			h = r.payload.count.hashes[s.specAlgo(r.Header)]
		case ScopeHeaderPayload:
			h = r.raw.md5
		}
		if h == nil {
			c.skipped(name, s.tag, s.cover, fmt.Sprintf("digest algorithm %d unsupported", s.specAlgo(r.Header)))
			continue
		}
		c.digest(name, s.tag, s.cover, want, hexSum(h))
	}
}

// sizes checks the recorded sizes of header and payload.
func (c *checker) sizes(r *Reader) {
	legacy := legacyIgnored(r.Signature)
	type rec struct {
		h   *Header
		tag int
	}
	// first returns the first of the tags recorded (signature tags from
	// 1000 up not in an rpm 6 format package).
	first := func(tags ...rec) (rec, uint64, bool) {
		for _, t := range tags {
			if t.h == r.Signature && t.tag >= 1000 && legacy {
				continue
			}
			if v, ok := t.h.Int(t.tag); ok && v <= 1<<62 {
				return t, v, true
			}
		}
		return rec{}, 0, false
	}
	if t, v, ok := first(rec{r.Signature, rpmtag.SigLongSize}, rec{r.Signature, rpmtag.SigSize}); ok {
		c.size("header+payload size", t.tag, ScopeHeaderPayload, int64(v), int64(r.Header.Len())+r.raw.n)
	}
	if v, ok := r.Header.Int(rpmtag.PayloadSize); ok && v <= 1<<62 {
		c.size("payload size", rpmtag.PayloadSize, ScopePayload, int64(v), r.raw.n)
	}
	// Uncompressed payload: only known when the payload was decoded.
	for _, tags := range [][]rec{
		{{r.Signature, rpmtag.SigLongArchive}, {r.Signature, rpmtag.SigPayloadSize}},
		{{r.Header, rpmtag.PayloadSizeAlt}},
	} {
		t, v, ok := first(tags...)
		switch {
		case !ok:
		case !r.decoded():
			c.res = append(c.res, CheckResult{Name: "uncompressed payload size", Tag: t.tag, Scope: ScopeArchive,
				Status: CheckSkipped, Note: "payload not decoded", Size: true})
		default:
			c.size("uncompressed payload size", t.tag, ScopeArchive, int64(v), r.payload.count.n)
		}
	}
}

// Verify runs Check and returns nil when nothing failed but Advisory
// checks, otherwise the failures joined on one line (each a *DigestError
// or *SizeError) and any I/O error. A package without any digest passes;
// inspect Check's results to tell.
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
		if c.Status == CheckFailed && !c.Advisory {
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
