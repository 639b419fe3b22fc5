package sigcheck

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// Kind is what an item is, with rpm's bit values (RPMSIG_DIGEST_TYPE,
// RPMSIG_SIGNATURE_TYPE); Result.Failed combines them.
type Kind int

// Kinds.
const (
	KindDigest    Kind = 1
	KindSignature Kind = 2
)

// Range is what an item covers, with rpm's bit values.
type Range int

// Ranges. RangeBoth is the header and the payload together, the legacy
// header+payload digest and signatures rpm -K calls "Legacy".
const (
	RangeHeader  Range = 1
	RangePayload Range = 2
	RangeBoth    Range = RangeHeader | RangePayload
)

func (r Range) String() string {
	switch r {
	case RangeHeader:
		return "Header"
	case RangePayload:
		return "Payload"
	}
	return "Legacy"
}

// Verdict is rpm's result for one signature or digest (rpmRC).
type Verdict int

// Verdicts, as rpm -K prints them.
const (
	// NotFound: the tag is absent, or rpm's configuration disables it
	// (rpm 6 no longer checks MD5 and SHA1 digests, and ignores v4
	// signature tags when an OpenPGP tag is present).
	NotFound Verdict = iota
	OK
	// Bad: the digest differs, or the signature does not verify or
	// cannot be parsed.
	Bad
	// NoKey: no key with the signature's key ID (and algorithm) in the
	// keyring; the hash prefix matched.
	NoKey
	// NotTrusted: the signature verifies but the key may not be
	// trusted for it: revoked, expired, not a signing subkey, or created
	// after the signature.
	NotTrusted
)

func (v Verdict) String() string {
	switch v {
	case NotFound:
		return "NOTFOUND"
	case OK:
		return "OK"
	case Bad:
		return "BAD"
	case NoKey:
		return "NOKEY"
	case NotTrusted:
		return "NOTTRUSTED"
	}
	return "UNKNOWN"
}

// Level is what rpm requires to accept a package (%_pkgverify_level).
type Level int

// Levels. The zero value is rpm 6's default.
const (
	// LevelAll requires a verified signature and verified digests over
	// header and payload (rpm 6's default, and Fedora 45's).
	LevelAll Level = iota
	// LevelSignature requires a verified signature.
	LevelSignature
	// LevelDigest requires verified digests (rpm 4's default, and
	// Fedora 43 and 44's, which ship rpm 6).
	LevelDigest
	// LevelNone requires nothing; only failures count.
	LevelNone
)

func (l Level) mask() Kind {
	switch l {
	case LevelAll:
		return KindDigest | KindSignature
	case LevelSignature:
		return KindSignature
	case LevelDigest:
		return KindDigest
	}
	return 0
}

// Options control a check.
type Options struct {
	// Keyring holds the keys signatures are verified with; nil is an
	// empty keyring (every signature is at best NOKEY).
	Keyring *Keyring
	// Level is what the package must have to pass.
	Level Level
	// Now is the time signature expiry is checked against; time.Now
	// when nil.
	Now func() time.Time
}

// Item is one signature or digest rpm looks at, with its verdict.
type Item struct {
	// Tag is the tag holding it: in the signature header, or for
	// payload digests in the main header.
	Tag int
	// Index is its index in the tag (an OpenPGP tag may hold several
	// signatures).
	Index int
	Kind  Kind
	Range Range
	// Alt marks a digest of the uncompressed payload (PAYLOAD*ALT);
	// rpm -K computes it over the payload as stored, so it only counts
	// when the payload is stored uncompressed.
	Alt bool
	// HashAlgo is the digest's algorithm, or the signature's hash.
	HashAlgo int
	Verdict  Verdict
	// Packet is the signature, when the item is one that parsed.
	Packet *Packet
	// Fingerprint is the fingerprint of the certificate whose key the
	// signature was checked with, "" when the keyring has no key with
	// its key ID.
	Fingerprint string
	// Detail is what rpm prints in parentheses after the verdict: a
	// digest mismatch ("Expected X != Y") or a tag that does not parse.
	Detail string
	// Lint is what rpm logs while verifying a signature that is not
	// trusted or expired ("Key ... has been created after the
	// signature"), "" when nothing.
	Lint string
	// Shown is whether rpm -Kv prints the item: always when it was
	// found, otherwise only when its absence makes the package fail.
	Shown bool

	sigalgo  int
	disabler disabler
	id       int
	wrapped  bool
	strength Kind
	order    int
	// recorded is a digest's recorded value, sum the computed digest
	// (of the signature: the hash it signs).
	recorded string
	sum      []byte
	pending  hash.Hash
	gsig     *packet.Signature
}

// Description is rpm's name for the item, as rpm -Kv prints it before
// the verdict: "Header SHA256 digest", "Header OpenPGP V4 RSA/SHA512
// signature, key ID 46d353ca44bc49a9", "Legacy OpenPGP DSA signature".
func (it *Item) Description() string {
	if it.Kind == KindDigest {
		alt := ""
		if it.Alt {
			alt = " ALT"
		}
		return fmt.Sprintf("%s %s%s digest", it.Range, HashName(it.HashAlgo), alt)
	}
	if it.Packet != nil {
		return fmt.Sprintf("%s OpenPGP %s", it.Range, it.Packet.identItem())
	}
	if it.sigalgo != 0 {
		return fmt.Sprintf("%s OpenPGP %s signature", it.Range, PubKeyName(it.sigalgo))
	}
	return fmt.Sprintf("%s OpenPGP signature", it.Range)
}

// String is the line rpm -Kv prints for the item (without its
// indentation): the description, the key fingerprint when a key was
// found, the verdict and the detail.
func (it *Item) String() string {
	d := it.Description()
	if it.Fingerprint != "" {
		if i := strings.Index(d, ", key ID"); i >= 0 {
			d = d[:i]
		}
		d += ", key fingerprint: " + it.Fingerprint
	}
	if it.Detail != "" {
		return fmt.Sprintf("%s: %s (%s)", d, it.Verdict, it.Detail)
	}
	return fmt.Sprintf("%s: %s", d, it.Verdict)
}

// KeyID is the signature's issuer key ID as rpm prints it, "" for a
// digest or a signature that did not parse.
func (it *Item) KeyID() string {
	if it.Packet == nil {
		return ""
	}
	return keyID(it.Packet.KeyID)
}

// Result is rpm's view of one package's signatures and digests.
type Result struct {
	// Items are every signature and digest rpm looks at, in the order
	// rpm sorts them (header, payload, legacy; signatures before digests;
	// stronger algorithms first).
	Items []Item
	// Failed holds the kinds that make rpm refuse the package at the
	// level asked for: a failure, an unknown key, or a required kind
	// missing. rpm -K exits 1 when it is not 0.
	Failed Kind
	// HeaderOnly is set when the payload was not read (CheckHeaders):
	// payload digests are not part of the result.
	HeaderOnly bool
}

// Shown returns the items rpm -Kv prints, in its order.
func (r *Result) Shown() []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Shown {
			out = append(out, it)
		}
	}
	return out
}

// Signatures returns the signatures the package holds and rpm looks at
// (those not NOTFOUND), in rpm's order.
func (r *Result) Signatures() []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Kind == KindSignature && it.Verdict != NotFound {
			out = append(out, it)
		}
	}
	return out
}

// Signed reports whether the package holds a signature rpm looks at.
func (r *Result) Signed() bool { return len(r.Signatures()) > 0 }

// WriteVerbose writes what rpm -Kv prints on its standard output for
// the package: "name:" and one indented line per shown item.
func (r *Result) WriteVerbose(w io.Writer, name string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s:\n", name)
	for _, it := range r.Items {
		if it.Shown {
			fmt.Fprintf(bw, "    %s\n", it.String())
		}
	}
	return bw.Flush()
}

// disabler is the verification flag that turns an item off
// (RPMVSF_NO*); items with the same one are alternatives of each other.
type disabler int

const (
	noOpenPGP disabler = 1 << iota
	noRSA
	noMD5
	noDSA
	noDSAHeader
	noRSAHeader
	noSHA1Header
	noSHA256Header
	noSHA3Header
	noSHA256Payload
	noSHA512Payload
	noSHA3Payload
	// needPayload is rpm's RPMVSF_NEEDPAYLOAD: the payload is not read,
	// so nothing covering it is checked.
	needPayload
)

// rpm6Disabled is what rpm 6 turns off by default: MD5 and SHA1 digests
// are no longer considered (rpm PR #3293).
const rpm6Disabled = noMD5 | noSHA1Header

// Tags rpmtag does not name yet.
const (
	sigTagReserved       = 999  // RPMSIGTAG_RESERVED, v6 packages
	sigTagSHA3256        = 279  // RPMSIGTAG_SHA3_256
	tagPayloadSHA512     = 5121 // RPMTAG_PAYLOADSHA512
	tagPayloadSHA512Alt  = 5122
	tagPayloadSHA3256    = 5123
	tagPayloadSHA3256Alt = 5124
	headerTagBase        = 1000 // HEADER_TAGBASE: legacy signature tags start here
)

// vfyItem is one entry of rpm's table of what it verifies (rpmvs.cc's
// rpmvfyitems with rpmvfytags).
type vfyItem struct {
	tag      int
	sigh     bool // in the signature header; else in the main header
	kind     Kind
	disabler disabler
	rng      Range
	hashalgo int
	sigalgo  int
	alt      bool
	tagType  int
	tagCount int
	tagSize  int
}

// vfyItems are the verifiable entries, in rpm's table order.
var vfyItems = []vfyItem{
	{tag: rpmtag.SigOpenPGP, sigh: true, kind: KindSignature, disabler: noOpenPGP, rng: RangeHeader, tagType: rpmtag.TypeStringArray},
	{tag: rpmtag.SigPGP, sigh: true, kind: KindSignature, disabler: noRSA, rng: RangeBoth, sigalgo: pubKeyRSA, tagType: rpmtag.TypeBin},
	{tag: rpmtag.SigMD5, sigh: true, kind: KindDigest, disabler: noMD5, rng: RangeBoth, hashalgo: hashMD5, tagType: rpmtag.TypeBin, tagSize: 16},
	{tag: rpmtag.SigGPG, sigh: true, kind: KindSignature, disabler: noDSA, rng: RangeBoth, sigalgo: pubKeyDSA, tagType: rpmtag.TypeBin},
	{tag: rpmtag.SigDSA, sigh: true, kind: KindSignature, disabler: noDSAHeader, rng: RangeHeader, sigalgo: pubKeyDSA, tagType: rpmtag.TypeBin},
	{tag: rpmtag.SigRSA, sigh: true, kind: KindSignature, disabler: noRSAHeader, rng: RangeHeader, sigalgo: pubKeyRSA, tagType: rpmtag.TypeBin},
	{tag: rpmtag.SigSHA1, sigh: true, kind: KindDigest, disabler: noSHA1Header, rng: RangeHeader, hashalgo: hashSHA1, tagType: rpmtag.TypeString, tagCount: 1, tagSize: 41},
	{tag: rpmtag.SigSHA256, sigh: true, kind: KindDigest, disabler: noSHA256Header, rng: RangeHeader, hashalgo: hashSHA256, tagType: rpmtag.TypeString, tagCount: 1, tagSize: 65},
	{tag: sigTagSHA3256, sigh: true, kind: KindDigest, disabler: noSHA3Header, rng: RangeHeader, hashalgo: hashSHA3256, tagType: rpmtag.TypeString, tagCount: 1, tagSize: 65},
	{tag: rpmtag.PayloadDigest, kind: KindDigest, disabler: noSHA256Payload, rng: RangePayload, hashalgo: hashSHA256, tagType: rpmtag.TypeStringArray},
	{tag: rpmtag.PayloadDigestAlt, kind: KindDigest, disabler: noSHA256Payload, rng: RangePayload, hashalgo: hashSHA256, alt: true, tagType: rpmtag.TypeStringArray},
	{tag: tagPayloadSHA512, kind: KindDigest, disabler: noSHA512Payload, rng: RangePayload, hashalgo: hashSHA512, tagType: rpmtag.TypeString},
	{tag: tagPayloadSHA512Alt, kind: KindDigest, disabler: noSHA512Payload, rng: RangePayload, hashalgo: hashSHA512, alt: true, tagType: rpmtag.TypeString},
	{tag: tagPayloadSHA3256, kind: KindDigest, disabler: noSHA3Payload, rng: RangePayload, hashalgo: hashSHA3256, tagType: rpmtag.TypeString},
	{tag: tagPayloadSHA3256Alt, kind: KindDigest, disabler: noSHA3Payload, rng: RangePayload, hashalgo: hashSHA3256, alt: true, tagType: rpmtag.TypeString},
}

// CheckFile checks the package at path as rpm -K does: every signature
// and digest, the payload read to its end.
func CheckFile(path string, opt Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := Check(bufio.NewReaderSize(f, 1<<20), opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Check reads a package from rd, to its end, and checks it as rpm -K
// does.
func Check(rd io.Reader, opt Options) (*Result, error) {
	r, err := rpmread.Read(rd)
	if err != nil {
		return nil, err
	}
	return check(r.Signature, r.Header, rd, opt)
}

// CheckHeaders checks the signatures and header digests of a package
// whose headers were already read, without its payload (as rpm does
// when it reads a package's header, RPMVSF_NEEDPAYLOAD): payload digests
// and the legacy header+payload items are not checked, and the result
// only requires what covers the header.
func CheckHeaders(sig, hdr *rpmread.Header, opt Options) *Result {
	res, _ := check(sig, hdr, nil, opt)
	return res
}

// checker holds one check's state, as rpm's rpmvs_s does.
type checker struct {
	opt   Options
	flags disabler
	items []Item
}

func check(sig, hdr *rpmread.Header, payload io.Reader, opt Options) (*Result, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &checker{opt: opt, flags: rpm6Disabled}
	if payload == nil {
		c.flags |= needPayload
	}
	// rpm 6 ignores the legacy tags (1000 and up) of a v6 package.
	ignoreLegacy := sig.Has(sigTagReserved) && sig.Has(sigTagSHA3256)
	for _, vi := range vfyItems {
		if vi.sigh && !(ignoreLegacy && vi.tag >= headerTagBase) {
			c.appendTag(sig, vi)
		}
	}
	// The header range.
	raw := hdr.Raw()
	for i := range c.items {
		it := &c.items[i]
		if it.Verdict != OK || it.Range&RangeHeader == 0 {
			continue
		}
		h := newHash(it.HashAlgo)
		if h == nil {
			// rpm treats a digest it cannot compute as disabled.
			it.Verdict = NotFound
			continue
		}
		if it.Packet != nil {
			h.Write(it.Packet.Salt)
		}
		h.Write(raw)
		if it.Range == RangeHeader {
			it.finish(h)
		} else {
			it.pending = h
		}
	}
	for _, vi := range vfyItems {
		if !vi.sigh {
			c.appendTag(hdr, vi)
		}
	}
	res := &Result{HeaderOnly: payload == nil}
	if payload != nil {
		if err := c.readPayload(payload); err != nil {
			return nil, err
		}
	}
	c.verify(res)
	return res, nil
}

// disabled is rpm's rpmsinfoDisabled.
func (c *checker) disabled(vi vfyItem) bool {
	return c.flags&vi.disabler != 0 || (c.flags&needPayload != 0 && vi.rng&RangePayload != 0)
}

// appendTag adds the items of one table entry from header h: one per
// value when the tag is present and enabled, else one NOTFOUND item.
func (c *checker) appendTag(h *rpmread.Header, vi vfyItem) {
	v, ok := h.Tag(vi.tag)
	if !ok || c.disabled(vi) {
		c.items = append(c.items, newItem(vi, len(c.items)))
		return
	}
	origin := origin(h)
	n := 1
	if v.Type == rpmtag.TypeStringArray || v.Type == rpmtag.TypeI18NString {
		n = len(v.Strings)
	} else if v.Ints != nil {
		n = len(v.Ints)
	}
	for i := 0; i < n; i++ {
		it := newItem(vi, len(c.items))
		it.Index = i
		it.init(vi, v, i, origin)
		if it.Verdict == OK && vi.tag == rpmtag.SigOpenPGP {
			// rpm does not bother with v3/v4 signature tags when an
			// OpenPGP (v6 package format) signature exists.
			c.flags |= noDSAHeader | noRSAHeader | noDSA | noRSA
		}
		c.items = append(c.items, it)
	}
}

func newItem(vi vfyItem, order int) Item {
	return Item{
		Tag: vi.tag, Kind: vi.kind, Range: vi.rng, Alt: vi.alt, HashAlgo: vi.hashalgo,
		sigalgo: vi.sigalgo, disabler: vi.disabler, wrapped: !vi.sigh, strength: vi.kind,
		order: order, Verdict: NotFound,
	}
}

// origin is how rpm's messages name a header: "header" when it has
// entries outside its immutable region, else "package".
func origin(h *rpmread.Header) string {
	entries := h.Entries()
	if len(entries) > 0 && (entries[0].Tag == rpmtag.HeaderSignatures || entries[0].Tag == rpmtag.HeaderImmutable) && len(entries[0].Bytes) == 16 {
		off := int32(binary.BigEndian.Uint32(entries[0].Bytes[8:]))
		if ril := -int(off) / rpmtag.HeaderEntrySize; ril < len(entries) {
			return "header"
		}
	}
	return "package"
}

// init is rpm's rpmsinfoInit for value i of a present tag: check the
// tag's type, count and size, then parse the signature or digest. A
// failure makes the item BAD with rpm's message.
func (it *Item) init(vi vfyItem, v rpmread.Value, i int, origin string) {
	it.Verdict = Bad
	if vi.tagType != 0 && v.Type != vi.tagType {
		it.Detail = fmt.Sprintf("%s tag %d: invalid type %d", origin, vi.tag, v.Type)
		return
	}
	if vi.tagCount != 0 && v.Count != vi.tagCount {
		it.Detail = fmt.Sprintf("%s: tag %d: invalid count %d", origin, vi.tag, v.Count)
		return
	}
	var data []byte
	switch v.Type {
	case rpmtag.TypeString, rpmtag.TypeStringArray, rpmtag.TypeI18NString:
		if i < len(v.Strings) {
			data = []byte(v.Strings[i])
		}
	case rpmtag.TypeBin:
		data = v.Bytes
	}
	if vi.hashalgo != 0 && len(data) < 16 {
		it.Detail = fmt.Sprintf("%s tag %d: invalid data (%d)", origin, vi.tag, len(data))
		return
	}
	size := len(data)
	if v.Type == rpmtag.TypeString {
		size++ // with its NUL
	}
	if vi.tagSize != 0 && size != vi.tagSize {
		it.Detail = fmt.Sprintf("%s tag %d: invalid size %d", origin, vi.tag, size)
		return
	}
	switch vi.kind {
	case KindSignature:
		pkt := data
		if v.Type == rpmtag.TypeStringArray {
			b, err := DecodeOpenPGP(string(data))
			if err != nil {
				it.Detail = fmt.Sprintf("%s tag %d: invalid base64", origin, vi.tag)
				return
			}
			pkt = b
		}
		p, gsig, err := parseSignature(pkt)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Lint != "" {
				it.Detail = fmt.Sprintf("%s tag %d: invalid OpenPGP signature: %s", origin, vi.tag, pe.Lint)
			} else {
				it.Detail = fmt.Sprintf("%s tag %d: invalid OpenPGP signature", origin, vi.tag)
			}
			return
		}
		it.Packet, it.gsig, it.HashAlgo = p, gsig, p.HashAlgo
	case KindDigest:
		if v.Type == rpmtag.TypeBin {
			it.recorded = hex.EncodeToString(data)
		} else {
			s := string(data)
			if len(s) < 40 || len(s)%2 != 0 || !isHex(s) {
				it.Detail = fmt.Sprintf("%s: tag %d: invalid hex", origin, vi.tag)
				return
			}
			it.recorded = s
		}
	}
	it.id = vi.tag<<16 | i
	it.Verdict = OK
	it.Detail = ""
}

// DecodeOpenPGP decodes one string of an RPMTAG_OPENPGP (278) entry: a
// signature packet in base64, white space ignored.
func DecodeOpenPGP(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
}

// parseSignature parses a signature packet with rpm's rules, then with
// go-crypto's, which verifies it. The error is a *ParseError.
func parseSignature(pkt []byte) (*Packet, *packet.Signature, error) {
	p, err := ParsePacket(pkt)
	if err != nil {
		return nil, nil, err
	}
	gp, err := packet.Read(bytes.NewReader(pkt))
	gsig, ok := gp.(*packet.Signature)
	if err != nil || !ok {
		msg := "not a signature packet"
		if err != nil {
			msg = err.Error()
		}
		return nil, nil, &ParseError{Lint: msg}
	}
	return p, gsig, nil
}

// VerifyHeader verifies one signature packet over header, a main header
// with its magic as the header signature tags (267, 268, 278) sign it,
// with the keys of kr at time now, as rpm verifies a header signature.
// The item holds the verdict, the fingerprint of the certificate whose
// key was tried and rpm's lint. A packet rpm does not parse is a
// *ParseError; a hash algorithm rpm cannot compute is an error too
// (rpm reports the signature NOTFOUND).
func VerifyHeader(pkt, header []byte, kr *Keyring, now time.Time) (*Item, error) {
	p, gsig, err := parseSignature(pkt)
	if err != nil {
		return nil, err
	}
	h := newHash(p.HashAlgo)
	if h == nil {
		return nil, fmt.Errorf("signature hash %s is not one rpm computes", HashName(p.HashAlgo))
	}
	h.Write(p.Salt)
	h.Write(header)
	it := &Item{Kind: KindSignature, Range: RangeHeader, HashAlgo: p.HashAlgo, Packet: p, gsig: gsig, Verdict: OK}
	it.sum = p.digest(h)
	c := &checker{opt: Options{Keyring: kr, Now: func() time.Time { return now }}}
	c.verifyItem(it)
	it.sum, it.gsig = nil, nil
	return it, nil
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// finish completes the item's hash: a digest's value, or the hash a
// signature signs.
func (it *Item) finish(h hash.Hash) {
	if it.Packet != nil {
		it.sum = it.Packet.digest(h)
	} else {
		it.sum = h.Sum(nil)
	}
}

// readPayload hashes the payload as stored for every item covering it,
// one hash per algorithm for the payload digests.
func (c *checker) readPayload(payload io.Reader) error {
	shared := map[int]hash.Hash{}
	var writers []io.Writer
	for i := range c.items {
		it := &c.items[i]
		if it.Verdict != OK || it.Range&RangePayload == 0 {
			continue
		}
		switch {
		case it.pending != nil:
			writers = append(writers, it.pending)
		case it.Range == RangePayload:
			h := shared[it.HashAlgo]
			if h == nil {
				if h = newHash(it.HashAlgo); h == nil {
					it.Verdict = NotFound
					continue
				}
				shared[it.HashAlgo] = h
				writers = append(writers, h)
			}
		}
	}
	if _, err := io.Copy(io.MultiWriter(writers...), payload); err != nil {
		return fmt.Errorf("reading the payload: %w", err)
	}
	for i := range c.items {
		it := &c.items[i]
		if it.Verdict != OK || it.Range&RangePayload == 0 {
			continue
		}
		if it.pending != nil {
			it.finish(it.pending)
			it.pending = nil
		} else if h := shared[it.HashAlgo]; h != nil {
			it.sum = h.Sum(nil)
		}
	}
	return nil
}

// verify is rpm's rpmvsVerify: sort, verify every item that was
// computed, then decide what is shown and what fails.
func (c *checker) verify(res *Result) {
	items := c.items
	sort.SliceStable(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		switch {
		case a.Range != b.Range:
			return a.Range < b.Range
		case a.Kind != b.Kind:
			return a.Kind > b.Kind // signatures before digests
		case a.sigalgo != b.sigalgo:
			return a.sigalgo > b.sigalgo
		case a.HashAlgo != b.HashAlgo:
			return a.HashAlgo > b.HashAlgo
		case a.id != b.id:
			return a.id > b.id
		}
		return a.order < b.order
	})
	level := c.opt.Level.mask()
	var rng Range
	if level != 0 {
		rng = RangeBoth
	}
	if c.flags&needPayload != 0 {
		rng &= RangeHeader
	}
	verified := map[Kind]Range{}
	for i := range items {
		it := &items[i]
		if it.wrapped && verified[KindSignature]&RangeHeader != 0 {
			it.strength = KindSignature
		}
		if it.sum != nil && it.Verdict == OK {
			c.verifyItem(it)
			if it.Verdict == OK {
				verified[it.Kind] |= it.Range
				verified[it.strength] |= it.Range
			}
		}
		if c.flags&needPayload == 0 || it.Range == RangeHeader {
			rng |= it.Range
		}
	}
	// A package signed at all must be signed properly.
	if verified[KindSignature] != 0 {
		level |= KindSignature
	}
	var failed Kind
	for i := range items {
		it := &items[i]
		strength := it.Kind | it.strength
		// A failed digest does not count when its alternative verifies.
		if it.Kind == KindDigest && it.Verdict == Bad {
			if alt := findAlt(items, it); alt != nil && alt.Verdict == OK {
				it.Verdict = NotFound
			}
		}
		var required Range
		if level&strength&KindDigest != 0 {
			required |= rng &^ verified[KindDigest] & it.Range
		}
		if level&strength&KindSignature != 0 {
			required |= rng &^ verified[KindSignature] & it.Range
		}
		if required == 0 && it.Verdict == NotFound {
			continue
		}
		it.Shown = true
		if it.Verdict == Bad || it.Verdict == NoKey {
			failed |= it.Kind
		}
	}
	if level&KindDigest != 0 && verified[KindDigest] != rng {
		failed |= KindDigest
	}
	if level&KindSignature != 0 && verified[KindSignature] != rng {
		failed |= KindSignature
	}
	for i := range items {
		it := &items[i]
		it.sum, it.pending, it.gsig = nil, nil, nil
	}
	res.Items, res.Failed = items, failed
}

// findAlt is rpm's getAlt: the first other item turned off by the same
// flag.
func findAlt(items []Item, it *Item) *Item {
	for i := range items {
		if items[i].id != it.id && items[i].disabler == it.disabler {
			return &items[i]
		}
	}
	return nil
}

// verifyItem sets the verdict of a computed item.
func (c *checker) verifyItem(it *Item) {
	if it.Kind == KindDigest {
		got := hex.EncodeToString(it.sum)
		if !strings.EqualFold(it.recorded, got) {
			it.Verdict = Bad
			it.Detail = fmt.Sprintf("Expected %s != %s", it.recorded, got)
		}
		return
	}
	if it.Packet.SigType != sigTypeBinary {
		// rpm verifies binary-document signatures only.
		it.Verdict = Bad
		return
	}
	keys := c.opt.Keyring.lookup(it.Packet.KeyID, it.Packet.PubKeyAlgo)
	if len(keys) == 0 {
		it.Verdict, it.Lint = c.verifyWith(it, nil)
		return
	}
	for _, k := range keys {
		it.Verdict, it.Lint = c.verifyWith(it, &k)
		it.Fingerprint = k.cert.Fingerprint
		if it.Verdict == OK {
			return
		}
	}
}

// verifyWith is rpm's pgpVerifySignature2 with one key (nil: none): the
// hash prefix, the signature with the key, the signature's expiry, then
// what rpm checks about the key.
func (c *checker) verifyWith(it *Item, k *keyRef) (Verdict, string) {
	p := it.Packet
	if it.sum[0] != p.Hash16[0] || it.sum[1] != p.Hash16[1] {
		return Bad, ""
	}
	if k != nil {
		if err := k.pub.VerifySignature(fixedSum(it.sum), it.gsig); err != nil {
			return Bad, ""
		}
	}
	if p.Lifetime != 0 {
		now := c.opt.Now().Unix()
		created := p.Created.Unix()
		switch {
		case now < created:
			return NotTrusted, "Signature has been created in the future"
		case int64(p.Lifetime) < now-created:
			return NotTrusted, "Signature expired on " + formatTime(p.Created.Add(time.Duration(p.Lifetime)*time.Second))
		}
	}
	if k == nil {
		return NoKey, ""
	}
	if l := k.trustLint(p.Created); l != "" {
		return NotTrusted, l
	}
	return OK, ""
}

// fixedSum is a hash.Hash whose sum is already known: go-crypto's
// VerifySignature adds the trailer to the hash it is given and takes its
// sum, which the checker has computed itself (once, for every key
// tried).
type fixedSum []byte

func (f fixedSum) Write(p []byte) (int, error) { return len(p), nil }
func (f fixedSum) Sum(b []byte) []byte         { return append(b, f...) }
func (f fixedSum) Reset()                      {}
func (f fixedSum) Size() int                   { return len(f) }
func (f fixedSum) BlockSize() int              { return 64 }
