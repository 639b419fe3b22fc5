package rpmread

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package that is caused by
// the input matches exactly one of these with errors.Is.
var (
	// ErrNotRPM: the input does not start with an RPM lead.
	ErrNotRPM = errors.New("not an RPM package")
	// ErrFormat: the input is an RPM but a structure in it is malformed.
	ErrFormat = errors.New("malformed RPM")
	// ErrTruncated: the input ends inside a structure, or before the
	// length its headers record.
	ErrTruncated = errors.New("truncated RPM")
	// ErrTooLarge: a structure, or the decompressed payload, is larger than
	// the configured bound.
	ErrTooLarge = errors.New("RPM structure exceeds limit")
	// ErrUnsupported: a valid but unsupported feature (payload compressor,
	// payload format, digest algorithm).
	ErrUnsupported = errors.New("unsupported RPM feature")
	// ErrUnsafePath: a payload entry names a path that is not clean and
	// absolute after normalisation (for example one containing "..").
	ErrUnsafePath = errors.New("unsafe payload path")
	// ErrDigestMismatch: a digest recorded in the package does not match
	// the bytes. The concrete type is *DigestError.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrSizeMismatch: a size recorded in the package does not match the
	// bytes. The concrete type is *SizeError.
	ErrSizeMismatch = errors.New("size mismatch")
)

// FormatError describes a problem at a byte offset of the package. Part is
// "lead", "signature", "header" or "payload"; Offset is the offset of the
// structure (in the file for lead and headers, in the uncompressed cpio
// archive for the payload). Kind is one of the sentinel errors.
//
// The message says what is wrong first: "not an RPM package (bad lead
// magic 70 61 63 6b)", "truncated RPM: payload at offset 8612: the file
// has 4096 bytes, the header's PAYLOADSIZE makes 10579".
type FormatError struct {
	Part   string
	Offset int64
	Kind   error
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Kind == ErrNotRPM {
		// Where in a file that is no package the test failed says nothing.
		return fmt.Sprintf("%s (%s)", e.Kind, e.Msg)
	}
	return fmt.Sprintf("%s: %s at offset %d: %s", e.Kind, e.Part, e.Offset, e.Msg)
}

// Unwrap returns the sentinel kind.
func (e *FormatError) Unwrap() error { return e.Kind }

func formatErr(part string, off int64, kind error, format string, args ...any) error {
	return &FormatError{Part: part, Offset: off, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// DigestError reports that a recorded digest differs from the computed one.
type DigestError struct {
	Check string // e.g. "header SHA256", "payload SHA256"
	Tag   int    // the tag holding the recorded digest
	Want  string // recorded, hex
	Got   string // computed, hex
}

func (e *DigestError) Error() string {
	return fmt.Sprintf("%s digest mismatch (tag %d): recorded %s, computed %s", e.Check, e.Tag, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrDigestMismatch) true.
func (e *DigestError) Is(target error) bool { return target == ErrDigestMismatch }

// SizeError reports that a recorded size differs from the measured one.
type SizeError struct {
	Check string // e.g. "header+payload size"
	Tag   int
	Want  int64 // recorded
	Got   int64 // measured
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s mismatch (tag %d): recorded %d, measured %d", e.Check, e.Tag, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrSizeMismatch) true, and ErrTruncated too when
// the measured size is smaller than the recorded one.
func (e *SizeError) Is(target error) bool {
	return target == ErrSizeMismatch || (target == ErrTruncated && e.Got < e.Want)
}
