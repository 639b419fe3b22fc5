package rpmread

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gotc-project/gotc/rpmtag"
)

// TestVerifyDifferential corrupts packages in three ways and checks that
// Verify reports the matching typed error exactly when "rpm -K
// --nosignature" fails, with and without decoding the payload first.
func TestVerifyDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		t.Run(tc.name, func(t *testing.T) {
			orig, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			r := openT(t, tc.path)
			sig, hdr := r.Signature, r.Header
			summary, _ := hdr.Tag(rpmtag.Summary)
			il := int64(len(hdr.Entries()))
			headerByte := r.HeaderOffset + 16 + il*16 + int64(summary.Offset) + 1
			payloadByte := r.PayloadOffset + (int64(len(orig))-r.PayloadOffset)/2

			headerTag := rpmtag.SigSHA1
			if sig.Has(rpmtag.SigSHA256) {
				headerTag = rpmtag.SigSHA256
			}
			payloadTag := rpmtag.SigMD5
			if hdr.Has(rpmtag.PayloadDigest) {
				payloadTag = rpmtag.PayloadDigest
			}
			flip := func(off int64) []byte {
				b := append([]byte(nil), orig...)
				b[off] ^= 0x55
				return b
			}
			cases := []struct {
				name  string
				data  []byte
				check func(t *testing.T, err error)
			}{
				{"good", orig, func(t *testing.T, err error) {
					if err != nil {
						t.Errorf("good package: %v", err)
					}
				}},
				{"header-byte", flip(headerByte), wantDigestErr(headerTag)},
				{"payload-byte", flip(payloadByte), wantDigestErr(payloadTag)},
				// Open refuses the file before reading the payload.
				{"truncated", orig[:len(orig)-len(orig)/8], func(t *testing.T, err error) {
					var fe *FormatError
					if !errors.As(err, &fe) || !errors.Is(err, ErrTruncated) {
						t.Errorf("want a truncation FormatError, got %v", err)
					}
				}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "p.rpm")
					if err := os.WriteFile(path, c.data, 0o644); err != nil {
						t.Fatal(err)
					}
					_, rpmErr := runToolErr(t, "rpm", "-K", "--nosignature", path)
					if c.name == "truncated" {
						// A stream has no length to check up front:
						// Check finds the size short.
						r, err := Read(bytes.NewReader(c.data))
						if err != nil {
							t.Fatal(err)
						}
						var se *SizeError
						if err := r.Verify(); !errors.As(err, &se) || !errors.Is(err, ErrTruncated) {
							t.Errorf("stream: want a truncation SizeError, got %v", err)
						}
					}
					for _, decode := range []bool{false, true} {
						err := verifyFile(path, decode)
						c.check(t, err)
						if (err == nil) != (rpmErr == nil) {
							t.Errorf("decode=%v: we say %v, rpm -K says %v", decode, err, rpmErr)
						}
					}
				})
			}
		})
	}
}

func wantDigestErr(tag int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		for _, e := range flatten(err) {
			var de *DigestError
			if errors.As(e, &de) && de.Tag == tag {
				return
			}
		}
		t.Errorf("want a DigestError for tag %d, got %v", tag, err)
	}
}

// flatten unpacks errors.Join trees.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// verifyFile opens a package, optionally decodes the whole payload (errors
// there are remembered, not fatal), and returns Verify's verdict joined
// with any decoding error.
func verifyFile(path string, decode bool) error {
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	var decErr error
	if decode {
		pr, err := r.Payload()
		if err != nil {
			return err
		}
		for {
			e, err := pr.Next()
			if err != nil {
				if err != io.EOF {
					decErr = err
				}
				break
			}
			if _, err := io.Copy(io.Discard, e.Body); err != nil {
				decErr = err
				break
			}
		}
	}
	return errors.Join(r.Verify(), decErr)
}
