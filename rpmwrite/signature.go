package rpmwrite

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/gotc-project/gotc/rpmtag"
)

// Signature is one OpenPGP signature over the main header, as a signer
// returns it to Options.Signatures.
type Signature struct {
	// Packet is one binary (not armored) OpenPGP signature packet, of
	// version 3, 4 or 6. Write reads its version and public-key
	// algorithm from it to decide where it goes: rpm 4 verifies version
	// 3 and 4 signatures by RSA (RSAHEADER) and by DSA, ECDSA or EdDSA
	// (DSAHEADER); rpm 6 verifies any in OPENPGP.
	Packet []byte
}

// OpenPGP public-key algorithms (RFC 9580 section 9.1).
const (
	pgpRSA         = 1
	pgpDSA         = 17
	pgpECDSA       = 19
	pgpEdDSALegacy = 22
)

// packetInfo is what Write reads from a signature packet.
type packetInfo struct {
	version int
	pubkey  int
}

// v4Tag is the signature header tag rpm 4 (and rpmsign for a v4
// package) keeps a signature with these parameters in, or 0 when rpm 4
// cannot verify it.
func (pi packetInfo) v4Tag() uint32 {
	if pi.version > 4 {
		return 0
	}
	switch pi.pubkey {
	case pgpRSA:
		return rpmtag.SigRSA
	case pgpDSA, pgpECDSA, pgpEdDSALegacy:
		return rpmtag.SigDSA
	}
	return 0
}

// parseSignaturePacket checks that b is exactly one OpenPGP signature
// packet and returns its version and public-key algorithm.
func parseSignaturePacket(b []byte) (packetInfo, error) {
	if len(b) < 2 || b[0]&0x80 == 0 {
		return packetInfo{}, errors.New("not an OpenPGP packet")
	}
	var tag, hlen, blen int
	if b[0]&0x40 != 0 { // new format
		tag = int(b[0] & 0x3f)
		switch l := int(b[1]); {
		case l < 192:
			hlen, blen = 2, l
		case l < 224:
			if len(b) < 3 {
				return packetInfo{}, errors.New("truncated OpenPGP packet header")
			}
			hlen, blen = 3, (l-192)<<8+int(b[2])+192
		case l == 255:
			if len(b) < 6 {
				return packetInfo{}, errors.New("truncated OpenPGP packet header")
			}
			hlen, blen = 6, int(binary.BigEndian.Uint32(b[2:6]))
		default:
			return packetInfo{}, errors.New("OpenPGP signature packet with a partial body length")
		}
	} else { // old format
		tag = int(b[0]>>2) & 0x0f
		switch b[0] & 3 {
		case 0:
			hlen, blen = 2, int(b[1])
		case 1:
			if len(b) < 3 {
				return packetInfo{}, errors.New("truncated OpenPGP packet header")
			}
			hlen, blen = 3, int(binary.BigEndian.Uint16(b[1:3]))
		case 2:
			if len(b) < 5 {
				return packetInfo{}, errors.New("truncated OpenPGP packet header")
			}
			hlen, blen = 5, int(binary.BigEndian.Uint32(b[1:5]))
		default:
			return packetInfo{}, errors.New("OpenPGP packet of indeterminate length")
		}
	}
	if tag != 2 {
		return packetInfo{}, fmt.Errorf("OpenPGP packet of type %d, not a signature (2)", tag)
	}
	if blen < 0 || hlen+blen != len(b) {
		return packetInfo{}, fmt.Errorf("OpenPGP signature packet of %d bytes says its body has %d", len(b), blen)
	}
	body := b[hlen:]
	if len(body) < 4 {
		return packetInfo{}, errors.New("OpenPGP signature packet too short")
	}
	pi := packetInfo{version: int(body[0])}
	switch pi.version {
	case 3:
		// version, hashed length 5, type, time, key ID, algorithms
		if len(body) < 17 || body[1] != 5 {
			return packetInfo{}, errors.New("malformed version 3 OpenPGP signature")
		}
		pi.pubkey = int(body[15])
	case 4, 6:
		pi.pubkey = int(body[2])
	default:
		return packetInfo{}, fmt.Errorf("OpenPGP signature version %d (want 3, 4 or 6)", pi.version)
	}
	return pi, nil
}

// placedSig is a signature with the signature header tag it goes in:
// RSAHEADER or DSAHEADER (BIN) or OPENPGP (a base64 string array entry).
type placedSig struct {
	tag    uint32
	packet []byte
}

// signatures signs the main header hdr with opt's signer, if any, and
// places the signatures per opt.Format as rpmsign 6 does: a v4 package
// holds one, in RSAHEADER or DSAHEADER; a v6 package holds all of them
// in OPENPGP and, with RPMv4Signature, the first one rpm 4 can verify
// in RSAHEADER or DSAHEADER too.
func (opt *Options) signatures(hdr []byte) ([]placedSig, error) {
	var sigs []Signature
	legacyTag := uint32(0)
	switch {
	case opt.Sign != nil:
		tag, sig, err := opt.Sign(hdr)
		if err != nil {
			return nil, err
		}
		legacyTag, sigs = tag, []Signature{{Packet: sig}}
	case opt.Signatures != nil:
		var err error
		if sigs, err = opt.Signatures(hdr); err != nil {
			return nil, err
		}
		if len(sigs) == 0 {
			return nil, errors.New("the signer returned no signature")
		}
	default:
		return nil, nil
	}
	infos := make([]packetInfo, len(sigs))
	for i, s := range sigs {
		pi, err := parseSignaturePacket(s.Packet)
		if err != nil {
			return nil, fmt.Errorf("signature %d: %w", i+1, err)
		}
		for j := range i {
			if bytes.Equal(sigs[j].Packet, s.Packet) {
				return nil, fmt.Errorf("signature %d is signature %d again", i+1, j+1)
			}
		}
		infos[i] = pi
	}

	if opt.Format != FormatV6 {
		if len(sigs) > 1 {
			return nil, fmt.Errorf("%d signatures for a v4 package, which holds one (rpmsign refuses a second)", len(sigs))
		}
		tag := legacyTag
		if tag == 0 {
			if tag = infos[0].v4Tag(); tag == 0 {
				return nil, fmt.Errorf("a version %d signature by public-key algorithm %d cannot be a v4 package's (rpm 4 verifies RSA, DSA, ECDSA and EdDSA signatures of version 3 and 4)",
					infos[0].version, infos[0].pubkey)
			}
		}
		return []placedSig{{tag: tag, packet: sigs[0].Packet}}, nil
	}

	var out []placedSig
	for _, s := range sigs {
		out = append(out, placedSig{tag: rpmtag.SigOpenPGP, packet: s.Packet})
	}
	if opt.RPMv4Signature {
		for i, pi := range infos {
			if tag := pi.v4Tag(); tag != 0 {
				out = append(out, placedSig{tag: tag, packet: sigs[i].Packet})
				break
			}
		}
	}
	return out, nil
}

// putSignatures adds sigs to h: OPENPGP entries as one base64 string
// array, in order, the others as BIN.
func putSignatures(h *header, sigs []placedSig) {
	var openpgp []string
	for _, s := range sigs {
		if s.tag == rpmtag.SigOpenPGP {
			openpgp = append(openpgp, base64.StdEncoding.EncodeToString(s.packet))
			continue
		}
		h.putBin(s.tag, s.packet)
	}
	if len(openpgp) > 0 {
		h.putStrings(rpmtag.SigOpenPGP, openpgp)
	}
}

// reserveAndSign adds the signatures to h and the reserved space, whose
// tag is reserveTag, of reserved bytes less what the signatures add, as
// rpmsign adjusts it: so the signature header keeps its unsigned size,
// unless the signatures need all of the reserved space or more, in which
// case, as with rpmsign, the reserved space stays and the header grows.
func reserveAndSign(h *header, reserveTag uint32, reserved int, sigs []placedSig) error {
	if len(sigs) > 0 {
		before, err := h.encode(rpmtag.HeaderSignatures)
		if err != nil {
			return err
		}
		putSignatures(h, sigs)
		after, err := h.encode(rpmtag.HeaderSignatures)
		if err != nil {
			return err
		}
		if grown := len(after) - len(before); grown < reserved {
			reserved -= grown
		}
	}
	h.putBin(reserveTag, make([]byte, reserved))
	return nil
}

// gpgReservedSpace is rpm's default %__gpg_reserved_space.
const gpgReservedSpace = 4096

// signatureHeader builds the v4 signature header rpmbuild 4.18 (and 6
// with %_rpmformat 4) writes: SHA1 and SHA256 of the main header, MD5 of
// header and payload, the header+payload and archive sizes, and zeroed
// space for a later signature.
func signatureHeader(hdr, md5sum []byte, pl payloadResult, sigs []placedSig) ([]byte, error) {
	sha1sum := sha1.Sum(hdr)
	sha256sum := sha256.Sum256(hdr)
	size := int64(len(hdr)) + pl.compressedSize

	h := newHeader()
	h.putString(rpmtag.SigSHA1, hex.EncodeToString(sha1sum[:]))
	h.putString(rpmtag.SigSHA256, hex.EncodeToString(sha256sum[:]))
	h.putBin(rpmtag.SigMD5, md5sum)
	h.putUint32s(rpmtag.SigSize, uint32(size))
	h.putUint32s(rpmtag.SigPayloadSize, uint32(pl.archiveSize))
	reserved := 32 // rpm always reserves a bit of space
	if size >= 0xffffffff || pl.archiveSize >= 0xffffffff {
		// Like rpm: 64-bit sizes, and the reserved space shrunk by what
		// they add, so the signature header keeps its size.
		before, err := h.encode(rpmtag.HeaderSignatures)
		if err != nil {
			return nil, err
		}
		h.del(rpmtag.SigSize)
		h.del(rpmtag.SigPayloadSize)
		h.putUint64s(rpmtag.SigLongArchive, uint64(pl.archiveSize))
		h.putUint64s(rpmtag.SigLongSize, uint64(size))
		after, err := h.encode(rpmtag.HeaderSignatures)
		if err != nil {
			return nil, err
		}
		reserved -= len(after) - len(before)
	}
	if err := reserveAndSign(h, rpmtag.SigReservedSpace, reserved+gpgReservedSpace, sigs); err != nil {
		return nil, err
	}
	return h.encode(rpmtag.HeaderSignatures)
}

// signatureHeaderV6 builds the v6 signature header rpmbuild 6 writes:
// the SHA-256 and SHA3-256 digests of the main header and RESERVED, the
// zeroed space for signatures (sizes and payload digests live in the
// main header).
func signatureHeaderV6(hdr []byte, sigs []placedSig) ([]byte, error) {
	sha256sum := sha256.Sum256(hdr)
	sha3sum := sha3.Sum256(hdr)
	h := newHeader()
	h.putString(rpmtag.SigSHA256, hex.EncodeToString(sha256sum[:]))
	h.putString(rpmtag.SigSHA3_256, hex.EncodeToString(sha3sum[:]))
	if err := reserveAndSign(h, rpmtag.SigReserved, 32+gpgReservedSpace, sigs); err != nil {
		return nil, err
	}
	return h.encode(rpmtag.HeaderSignatures)
}

// leadArch is the lead's archnum as rpmrc's arch_canon numbers it. rpmbuild
// 4.18 writes the build host's number; a noarch package gets x86_64's.
var leadArch = map[string]uint16{
	"x86_64": 1, "i386": 1, "i486": 1, "i586": 1, "i686": 1, "noarch": 1,
	"s390x": 15, "ppc64le": 16, "ppc64": 16, "aarch64": 19, "riscv64": 22,
}

// lead is the 96-byte legacy lead: rpm ignores most of it but checks the
// magic and the signature type. A v4 lead is rpmbuild 4.18's: version
// 3.0, the arch and OS numbers filled in. A v6 lead is rpmbuild 6's:
// version 4.0, arch and OS zero. (rpmbuild 6 zeroes them in v4 output
// too; Write keeps 4.18's, see doc.go.)
func lead(m *Metadata, format int) []byte {
	b := make([]byte, rpmtag.LeadSize)
	copy(b, rpmtag.LeadMagic)
	b[4], b[5] = 3, 0 // format 3.0
	if format == FormatV6 {
		b[4] = 4
	}
	if m.Source != nil {
		b[7] = 1 // type 1: source package
	}
	nevr := m.Name + "-" + m.evr()
	if len(nevr) > 65 {
		nevr = nevr[:65]
	}
	copy(b[10:76], nevr)
	if format != FormatV6 {
		arch, ok := leadArch[m.Arch]
		if !ok {
			arch = 1
		}
		b[8], b[9] = byte(arch>>8), byte(arch)
		b[76], b[77] = 0, 1 // os: Linux
	}
	b[78], b[79] = 0, 5 // signature type: header-style signature
	return b
}
