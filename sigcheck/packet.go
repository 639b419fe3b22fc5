package sigcheck

import (
	"encoding/binary"
	"fmt"
	"hash"
	"strings"
	"time"
)

// maxPacket is the largest signature rpm parses (RPM_MAX_OPENPGP_BYTES).
const maxPacket = 65535

// OpenPGP numbers this package uses (RFC 9580).
const (
	tagSignature = 2

	subCreationTime  = 2
	subSigExpiration = 3
	subKeyExpiration = 9
	subIssuer        = 16
	subPrimaryUserID = 25
	subKeyFlags      = 27
	subEmbeddedSig   = 32
	subIssuerFpr     = 33
	subCritical      = 0x80

	sigTypeBinary         = 0x00
	sigTypeSubkeyBinding  = 0x18
	pubKeyRSA             = 1
	pubKeyDSA             = 17
	pubKeyECDSA           = 19
	pubKeyEdDSA           = 22
	pubKeyEd25519         = 27
	pubKeyEd448           = 28
	sigV4HeaderLen        = 6 // version, type, pubkey algo, hash algo, 2-byte hashed length
	sigV6HeaderLen        = 8 // the same with a 4-byte hashed length
	signatureVersion4     = 4
	signatureVersion6     = 6
	trailerMarker         = 0xff
	mpiLengthPrefixLength = 2
)

// Packet is an OpenPGP signature packet, parsed with the rules rpm's
// OpenPGP parser applies to the packets in a package's signature header
// (rpmpgp_legacy's pgpPrtParams2 on a signature).
type Packet struct {
	// Version is the packet version: 4, or 6 (RFC 9580).
	Version int
	// SigType is the signature type; rpm verifies binary-document
	// signatures (0) only.
	SigType int
	// PubKeyAlgo and HashAlgo are OpenPGP algorithm numbers.
	PubKeyAlgo int
	HashAlgo   int
	// Created is the signature creation time (hashed subpacket 2).
	Created time.Time
	// Lifetime is the signature expiration time in seconds after
	// Created (hashed subpacket 3), 0 when it does not expire.
	Lifetime uint32
	// KeyID is the issuer key ID (subpacket 16, the first one), or, when
	// the packet has none, the one its issuer fingerprint (subpacket 33)
	// gives. 0 when there is neither.
	KeyID uint64
	// Fingerprint is the issuer fingerprint (subpacket 33 without its
	// version octet), nil when absent.
	Fingerprint []byte
	// Hash16 is the left 16 bits of the signed hash.
	Hash16 [2]byte
	// Salt is a v6 signature's salt, hashed before the data.
	Salt []byte

	// hashed is the part of the packet body the hash covers after the
	// data, before the trailer.
	hashed []byte
	raw    []byte
}

// ParseError is a signature packet rpm refuses to parse. Lint is rpm's
// own wording ("Corrupt PGP packet", "Unsupported signature version
// (V5)" ...), which rpm -K prints after "invalid OpenPGP signature: ".
type ParseError struct {
	Lint string
}

func (e *ParseError) Error() string {
	if e.Lint == "" {
		return "invalid openpgp signature"
	}
	return "invalid openpgp signature: " + strings.ToLower(e.Lint[:1]) + e.Lint[1:]
}

func lint(format string, args ...any) error {
	return &ParseError{Lint: fmt.Sprintf(format, args...)}
}

var errCorrupt = &ParseError{Lint: "Corrupt PGP packet"}

// ParsePacket parses one OpenPGP signature packet, which must be the
// whole of pkt, as rpm does: old or new packet framing without partial
// lengths, a v4 or v6 signature with a hashed creation time, known or
// non-critical subpackets, no duplicated creation time, key flags or
// expiration, and, for v4 packets, exactly the MPIs the algorithm needs.
// rpm's legacy parser also reads v3 signatures and refuses v6 ones; this
// parser refuses v3 (go-crypto cannot verify them) and reads v6, as
// rpm-sequoia, Fedora's OpenPGP backend, does. The error is a
// *ParseError.
func ParsePacket(pkt []byte) (*Packet, error) {
	if len(pkt) > maxPacket {
		return nil, errCorrupt
	}
	tag, body, err := decodePacket(pkt)
	if err != nil {
		return nil, err
	}
	if tag != tagSignature {
		return nil, lint("Unexpected PGP packet")
	}
	if len(body) == 0 {
		return nil, errCorrupt
	}
	s := &Packet{Version: int(body[0]), raw: pkt}
	switch s.Version {
	case signatureVersion4, signatureVersion6:
	default:
		return nil, lint("Unsupported signature version (V%d)", s.Version)
	}
	headLen, lenSize := sigV4HeaderLen, 2
	if s.Version == signatureVersion6 {
		headLen, lenSize = sigV6HeaderLen, 4
	}
	if len(body) <= headLen {
		return nil, errCorrupt
	}
	s.SigType, s.PubKeyAlgo, s.HashAlgo = int(body[1]), int(body[2]), int(body[3])
	p := body[4:]
	var seen seenSubpackets
	for hashed := true; ; hashed = false {
		if len(p) < lenSize {
			return nil, errCorrupt
		}
		n := int(binary.BigEndian.Uint16(p))
		if lenSize == 4 {
			v := binary.BigEndian.Uint32(p)
			if v > maxPacket {
				return nil, errCorrupt
			}
			n = int(v)
		}
		p = p[lenSize:]
		if len(p) < n {
			return nil, errCorrupt
		}
		if hashed {
			s.hashed = body[:headLen+n]
		}
		if err := s.parseSubpackets(p[:n], hashed, &seen); err != nil {
			return nil, err
		}
		p = p[n:]
		if !hashed {
			break
		}
	}
	if !seen.created {
		return nil, lint("Signature without creation time")
	}
	if len(p) < 2 {
		return nil, errCorrupt
	}
	copy(s.Hash16[:], p)
	p = p[2:]
	if s.Version == signatureVersion6 {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return nil, errCorrupt
		}
		s.Salt = p[1 : 1+int(p[0])]
		p = p[1+int(p[0]):]
	}
	if s.KeyID == 0 && len(s.Fingerprint) >= 8 {
		// A v4 fingerprint's key ID is its low 64 bits, a v6 one's its
		// high 64 bits.
		if s.Version == signatureVersion6 {
			s.KeyID = binary.BigEndian.Uint64(s.Fingerprint)
		} else {
			s.KeyID = binary.BigEndian.Uint64(s.Fingerprint[len(s.Fingerprint)-8:])
		}
	}
	if err := checkMaterial(s.Version, s.PubKeyAlgo, p); err != nil {
		return nil, err
	}
	return s, nil
}

// seenSubpackets records the subpackets a signature may hold once.
type seenSubpackets struct {
	created, keyFlags, keyExpire, sigExpire, issuer bool
}

// parseSubpackets reads one subpacket area. Like rpm, it keeps what
// verification needs, refuses a second creation time (or key flags, or
// expiration), and refuses critical subpackets it does not implement.
func (s *Packet) parseSubpackets(p []byte, hashed bool, seen *seenSubpackets) error {
	for len(p) > 0 {
		lenLen, n := subpacketLength(p)
		if lenLen == 0 || n < 1 || lenLen+n > len(p) {
			return errCorrupt
		}
		p = p[lenLen:]
		typ, data := p[0], p[1:n]
		p = p[n:]
		implemented := false
		switch typ &^ subCritical {
		case subCreationTime:
			if !hashed || len(data) != 4 {
				break
			}
			if seen.created {
				return lint("Duplicate data in signature")
			}
			seen.created, implemented = true, true
			s.Created = time.Unix(int64(binary.BigEndian.Uint32(data)), 0).UTC()
		case subIssuer:
			if len(data) != 8 {
				break
			}
			implemented = true
			if !seen.issuer {
				seen.issuer = true
				s.KeyID = binary.BigEndian.Uint64(data)
			}
		case subKeyFlags:
			if !hashed {
				break
			}
			if seen.keyFlags {
				return lint("Duplicate data in signature")
			}
			seen.keyFlags, implemented = true, true
		case subKeyExpiration:
			if !hashed || len(data) != 4 {
				break
			}
			if seen.keyExpire {
				return lint("Duplicate data in signature")
			}
			seen.keyExpire, implemented = true, true
		case subSigExpiration:
			if !hashed || len(data) != 4 {
				break
			}
			if seen.sigExpire {
				return lint("Duplicate data in signature")
			}
			seen.sigExpire, implemented = true, true
			s.Lifetime = binary.BigEndian.Uint32(data)
		case subEmbeddedSig:
			implemented = hashed && s.SigType == sigTypeSubkeyBinding && len(data) >= 6
		case subPrimaryUserID:
			implemented = hashed && len(data) == 1
		case subIssuerFpr:
			// rpm's legacy parser ignores it; rpm-sequoia reads it.
			if len(data) >= 9 && s.Fingerprint == nil {
				s.Fingerprint = append([]byte(nil), data[1:]...)
			}
			implemented = s.Version == signatureVersion6
		}
		if !implemented && typ&subCritical != 0 {
			return lint("Unknown critical packet in signature")
		}
	}
	return nil
}

// subpacketLength decodes a subpacket's 1, 2 or 5 octet length; lenLen
// is 0 when it does not fit p.
func subpacketLength(p []byte) (lenLen, n int) {
	switch {
	case p[0] < 192:
		lenLen, n = 1, int(p[0])
	case p[0] < 255 && len(p) > 2:
		lenLen, n = 2, (int(p[0])-192)<<8+int(p[1])+192
	case p[0] == 255 && len(p) > 5 && p[1] == 0:
		lenLen, n = 5, int(p[2])<<16|int(p[3])<<8|int(p[4])
	default:
		return 0, 0
	}
	if len(p)-lenLen < n {
		return 0, 0
	}
	return lenLen, n
}

// decodePacket splits one packet, which must fill pkt, into its tag and
// body. Partial (streamed) lengths, indeterminate lengths and lengths of
// 16 MiB or more are refused, as rpm does.
func decodePacket(pkt []byte) (tag int, body []byte, err error) {
	if len(pkt) < 2 || pkt[0]&0x80 == 0 {
		return 0, nil, errCorrupt
	}
	var hlen, n int
	if pkt[0]&0x40 != 0 {
		tag = int(pkt[0] & 0x3f)
		switch b := pkt[1]; {
		case b < 192:
			hlen, n = 2, int(b)
		case b < 224 && len(pkt) > 3:
			hlen, n = 3, (int(b)-192)<<8+int(pkt[2])+192
		case b == 255 && len(pkt) > 6 && pkt[2] == 0:
			hlen, n = 6, int(pkt[3])<<16|int(pkt[4])<<8|int(pkt[5])
		default:
			return 0, nil, errCorrupt
		}
	} else {
		tag = int(pkt[0]>>2) & 0xf
		lenLen := 1 << (pkt[0] & 3)
		if lenLen == 8 || len(pkt) < lenLen+1 {
			return 0, nil, errCorrupt
		}
		switch lenLen {
		case 1:
			n = int(pkt[1])
		case 2:
			n = int(pkt[1])<<8 | int(pkt[2])
		case 4:
			if pkt[1] != 0 {
				return 0, nil, errCorrupt
			}
			n = int(pkt[2])<<16 | int(pkt[3])<<8 | int(pkt[4])
		}
		hlen = 1 + lenLen
	}
	if hlen+n != len(pkt) {
		// Too short for its length, or trailing data: both corrupt.
		return 0, nil, errCorrupt
	}
	return tag, pkt[hlen:], nil
}

// checkMaterial checks the signature material after the hash prefix (and
// a v6 salt): for v4 packets exactly the MPIs the algorithm needs, as
// rpm's pgpPrtSigParams does. v6 material is left to go-crypto, which
// parses it when the signature is verified.
func checkMaterial(version, algo int, p []byte) error {
	if version == signatureVersion6 {
		if len(p) == 0 {
			return errCorrupt
		}
		return nil
	}
	var mpis int
	switch algo {
	case pubKeyRSA:
		mpis = 1
	case pubKeyDSA, pubKeyECDSA, pubKeyEdDSA:
		mpis = 2
	default:
		return lint("Unsupported algorithm (%d)", algo)
	}
	i := 0
	for ; i < mpis && len(p) >= mpiLengthPrefixLength; i++ {
		bits := int(p[0])<<8 | int(p[1])
		l := mpiLengthPrefixLength + (bits+7)/8
		if len(p) < l {
			return errCorrupt
		}
		p = p[l:]
	}
	if len(p) != 0 || i != mpis {
		return errCorrupt
	}
	return nil
}

// Raw returns the packet as parsed.
func (s *Packet) Raw() []byte { return s.raw }

// digest finishes h, which holds the signed data (after a v6 salt), the
// way the signature's hash is computed: the hashed part of the packet
// and the v4/v6 trailer are added and the sum returned.
func (s *Packet) digest(h hash.Hash) []byte {
	h.Write(s.hashed)
	var trailer [6]byte
	trailer[0] = byte(s.Version)
	trailer[1] = trailerMarker
	binary.BigEndian.PutUint32(trailer[2:], uint32(len(s.hashed)))
	h.Write(trailer[:])
	return h.Sum(nil)
}
