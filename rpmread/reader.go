package rpmread

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// Defaults for Options.
const (
	// DefaultMaxPayloadSize bounds the uncompressed payload (16 GiB).
	DefaultMaxPayloadSize = 16 << 30
	// DefaultMaxWindowSize bounds the dictionary or window a payload
	// decompressor may ask for (128 MiB; xz -9 and zstd --long=27 fit).
	DefaultMaxWindowSize = 128 << 20
)

// Options bound the resources a Reader spends on one package. The zero
// value selects the defaults.
type Options struct {
	// MaxPayloadSize is the most uncompressed payload bytes the payload
	// reader produces before failing with ErrTooLarge.
	MaxPayloadSize int64
	// MaxHeaderData is the largest data store accepted in the signature
	// or main header (default and upper bound MaxHeaderData, 256 MiB).
	MaxHeaderData int64
	// MaxWindowSize is the largest decompression window or dictionary
	// accepted (xz, lzma, zstd).
	MaxWindowSize int64
}

func (o Options) withDefaults() Options {
	if o.MaxPayloadSize <= 0 {
		o.MaxPayloadSize = DefaultMaxPayloadSize
	}
	if o.MaxHeaderData <= 0 || o.MaxHeaderData > MaxHeaderData {
		o.MaxHeaderData = MaxHeaderData
	}
	if o.MaxWindowSize <= 0 {
		o.MaxWindowSize = DefaultMaxWindowSize
	}
	return o
}

// Lead is the 96-byte legacy lead that starts every package. rpm only
// checks its magic and signature type; the rest is informational.
type Lead struct {
	Major, Minor  uint8
	Type          uint16 // 0 binary, 1 source
	Arch          uint16
	Name          string
	OS            uint16
	SignatureType uint16 // always 5 (header-style signature)
}

// Reader reads one package from a stream: lead, signature header and main
// header are parsed when it is created; the payload is read once, through
// Payload, while the raw payload bytes are hashed for Check.
type Reader struct {
	Lead      Lead
	Signature *Header
	Header    *Header
	Package   *Package

	// Byte offsets in the file. The signature header starts right after
	// the lead; the main header after the signature header and its
	// padding to a multiple of 8; the payload right after the main header.
	SignatureOffset int64
	HeaderOffset    int64
	PayloadOffset   int64

	opts    Options
	closer  io.Closer
	raw     *rawPayload
	payload *PayloadReader
}

// Open opens and parses the package at path with default options. Close
// the Reader when done.
//
// Besides what Read checks, Open refuses (with ErrTruncated) a regular
// file shorter than its headers say the package is, without reading the
// payload: a package cut off anywhere in its payload is unusable input,
// not a package with a damaged payload. See Reader.RecordedLength.
func Open(path string) (*Reader, error) { return OpenOptions(path, Options{}) }

// OpenOptions is Open with explicit bounds.
func OpenOptions(path string, o Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := ReadOptions(f, o)
	if err == nil {
		err = r.checkLength(f)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// RecordedLength returns the length of the whole package file as its
// headers record it, and the tag that says so ("PAYLOADSIZE", "LONGSIZE"
// or "SIZE"):
//
//   - the main header's PAYLOADSIZE (5112, rpm 6 format), the size of the
//     stored payload; it is covered by the header digests and signature;
//   - else the signature header's LONGSIZE (270) or SIZE (1000), the size
//     of main header plus stored payload, which every rpm since 3.0
//     writes (rpmbuild, rpmsign, rpmpack and gotc alike).
//
// ok is false when the package records neither. rpm itself does not
// check these sizes (rpm -K reads to the end of the file); a payload that
// ends early fails its digests there.
func (r *Reader) RecordedLength() (length int64, tag string, ok bool) {
	if v, ok := r.Header.Int(rpmtag.PayloadSize); ok && v <= 1<<62 {
		return r.PayloadOffset + int64(v), "the header's PAYLOADSIZE", true
	}
	if v, ok := r.Signature.Int(rpmtag.SigLongSize); ok && v <= 1<<62 {
		return r.HeaderOffset + int64(v), "the signature header's LONGSIZE", true
	}
	if v, ok := r.Signature.Int(rpmtag.SigSize); ok {
		return r.HeaderOffset + int64(v), "the signature header's SIZE", true
	}
	return 0, "", false
}

// checkLength fails with ErrTruncated when f is a regular file shorter
// than RecordedLength.
func (r *Reader) checkLength(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	want, tag, ok := r.RecordedLength()
	if !ok || !fi.Mode().IsRegular() || fi.Size() >= want {
		return nil
	}
	return formatErr("payload", r.PayloadOffset, ErrTruncated, "the file has %d bytes, %s says %d", fi.Size(), tag, want)
}

// Read parses lead and headers from rd and leaves rd at the payload, which
// the Reader then owns. Default options.
func Read(rd io.Reader) (*Reader, error) { return ReadOptions(rd, Options{}) }

// ReadOptions is Read with explicit bounds.
func ReadOptions(rd io.Reader, o Options) (*Reader, error) {
	r := &Reader{opts: o.withDefaults()}
	var lead [rpmtag.LeadSize]byte
	if n, err := io.ReadFull(rd, lead[:]); err != nil {
		if n >= 4 && string(lead[:4]) == rpmtag.LeadMagic {
			return nil, formatErr("lead", 0, ErrTruncated, "file ends inside the lead")
		}
		if n == 0 && err == io.EOF {
			return nil, formatErr("lead", 0, ErrNotRPM, "empty input")
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("lead", 0, ErrNotRPM, "%d bytes, shorter than a lead", n)
		}
		return nil, err
	}
	if err := r.parseLead(lead[:]); err != nil {
		return nil, err
	}
	off := int64(rpmtag.LeadSize)
	r.SignatureOffset = off
	sig, err := readHeader(rd, "signature", off, r.opts.MaxHeaderData, rpmtag.HeaderSignatures)
	if err != nil {
		return nil, err
	}
	r.Signature = sig
	off += int64(sig.Len())
	if pad := (8 - off%8) % 8; pad > 0 {
		var b [8]byte
		if _, err := io.ReadFull(rd, b[:pad]); err != nil {
			return nil, readErr("signature", off, err, "signature padding")
		}
		off += pad
	}
	r.HeaderOffset = off
	hdr, err := readHeader(rd, "header", off, r.opts.MaxHeaderData, rpmtag.HeaderImmutable)
	if err != nil {
		return nil, err
	}
	r.Header = hdr
	off += int64(hdr.Len())
	r.PayloadOffset = off
	pkg, err := newPackage(hdr)
	if err != nil {
		return nil, &FormatError{Part: "header", Offset: r.HeaderOffset, Kind: ErrFormat, Msg: err.Error()}
	}
	pkg.sig = sig
	r.Package = pkg
	r.raw = newRawPayload(rd, sig, hdr)
	return r, nil
}

func (r *Reader) parseLead(b []byte) error {
	if string(b[:4]) != rpmtag.LeadMagic {
		return formatErr("lead", 0, ErrNotRPM, "bad lead magic % x", b[:4])
	}
	l := Lead{
		Major:         b[4],
		Minor:         b[5],
		Type:          binary.BigEndian.Uint16(b[6:]),
		Arch:          binary.BigEndian.Uint16(b[8:]),
		OS:            binary.BigEndian.Uint16(b[76:]),
		SignatureType: binary.BigEndian.Uint16(b[78:]),
	}
	name := b[10:76]
	if i := strings.IndexByte(string(name), 0); i >= 0 {
		name = name[:i]
	}
	l.Name = string(name)
	if l.Major < 3 || l.Major > 4 {
		return formatErr("lead", 0, ErrUnsupported, "lead version %d.%d", l.Major, l.Minor)
	}
	if l.SignatureType != 5 {
		return formatErr("lead", 0, ErrUnsupported, "signature type %d (only header-style 5 exists since rpm 3)", l.SignatureType)
	}
	r.Lead = l
	return nil
}

// Close closes the file opened by Open (no-op for Read) and releases the
// payload decompressor.
func (r *Reader) Close() error {
	if r.payload != nil {
		r.payload.close()
	}
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

// rawPayload is the compressed payload as read from the file. Everything
// read through it is counted and fed to the digests that cover the
// payload, so a single pass serves both decompression and verification.
type rawPayload struct {
	r      io.Reader
	n      int64
	hashes map[uint64]hash.Hash // by algorithm, for the payload digests recorded
	md5    hash.Hash            // header+payload MD5 (signature tag 1004), primed with the header
	extra  []hash.Hash          // Reader.AddPayloadHash
	err    error
	eof    bool
}

func newRawPayload(rd io.Reader, sig, hdr *Header) *rawPayload {
	p := &rawPayload{r: rd, hashes: coverHashes(sig, hdr, ScopePayload)}
	if sig.Has(rpmtag.SigMD5) {
		p.md5 = md5.New()
		p.md5.Write(hdr.Raw())
	}
	return p
}

// coverHashes returns a hash per algorithm of the digests recorded over
// cover (the stored or the uncompressed payload).
func coverHashes(sig, hdr *Header, cover Scope) map[uint64]hash.Hash {
	m := map[uint64]hash.Hash{}
	for _, s := range digestSpecs {
		if _, ok := s.value(sig, hdr); !ok || s.cover != cover {
			continue
		}
		algo := s.specAlgo(hdr)
		if h := newHash(algo); h != nil && m[algo] == nil {
			m[algo] = h
		}
	}
	return m
}

// multiWrite writes b to every hash of m.
func multiWrite(m map[uint64]hash.Hash, b []byte) {
	for _, h := range m {
		h.Write(b)
	}
}

func (p *rawPayload) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	if n > 0 {
		p.n += int64(n)
		multiWrite(p.hashes, b[:n])
		for _, h := range p.extra {
			h.Write(b[:n])
		}
		if p.md5 != nil {
			p.md5.Write(b[:n])
		}
	}
	if err == io.EOF {
		p.eof = true
	} else if err != nil {
		p.err = err
	}
	return n, err
}

// drain reads the rest of the raw payload.
func (p *rawPayload) drain() error {
	if p.eof {
		return nil
	}
	_, err := io.Copy(io.Discard, p)
	return err
}

// newHash maps a PGP hash algorithm number to a hash, nil if unsupported.
func newHash(algo uint64) hash.Hash {
	switch algo {
	case rpmtag.HashAlgoMD5:
		return md5.New()
	case rpmtag.HashAlgoSHA1:
		return sha1.New()
	case rpmtag.HashAlgoSHA256:
		return sha256.New()
	case rpmtag.HashAlgoSHA224:
		return sha256.New224()
	case rpmtag.HashAlgoSHA384:
		return sha512.New384()
	case rpmtag.HashAlgoSHA512:
		return sha512.New()
	case rpmtag.HashAlgoSHA3_256:
		return sha3.New256()
	case rpmtag.HashAlgoSHA3_512:
		return sha3.New512()
	}
	return nil
}

// NewFileHash returns a hash for the package's file digest algorithm
// (FILEDIGESTALGO, MD5 when absent), or nil when unsupported.
func (p *Package) NewFileHash() hash.Hash { return newHash(uint64(p.FileDigestAlgo)) }

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
