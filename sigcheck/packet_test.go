package sigcheck

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// newPacket frames body as a new-format packet with tag.
func newPacket(tag byte, body []byte) []byte {
	out := []byte{0xc0 | tag}
	switch n := len(body); {
	case n < 192:
		out = append(out, byte(n))
	case n < 8384:
		n -= 192
		out = append(out, byte(n>>8)+192, byte(n))
	default:
		out = append(out, 255)
		out = binary.BigEndian.AppendUint32(out, uint32(n))
	}
	return append(out, body...)
}

// v4Sig builds a v4 signature body.
func v4Sig(sigType, pk, hash byte, hashed, unhashed, material []byte) []byte {
	b := []byte{4, sigType, pk, hash}
	b = binary.BigEndian.AppendUint16(b, uint16(len(hashed)))
	b = append(b, hashed...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(unhashed)))
	b = append(b, unhashed...)
	b = append(b, 0xab, 0xcd) // hash prefix
	return append(b, material...)
}

func sub(typ byte, data ...byte) []byte { return append([]byte{byte(len(data) + 1), typ}, data...) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

type packetCase struct {
	name string
	pkt  []byte
	lint string // "" for a packet that parses
}

func packetCases(t testing.TB) []packetCase {
	created := sub(2, 0x6a, 0xa8, 0x8a, 0x80)
	issuer := sub(16, 1, 2, 3, 4, 5, 6, 7, 8)
	rsaMPI := []byte{0x00, 0x08, 0xff}    // one 8-bit MPI
	eddsaMPIs := []byte{0, 8, 1, 0, 8, 2} // two
	good := newPacket(2, v4Sig(0, 1, 10, created, issuer, rsaMPI))
	cases := []packetCase{
		{"minimal RSA", good, ""},
		{"minimal EdDSA", newPacket(2, v4Sig(0, 22, 8, created, issuer, eddsaMPIs)), ""},
		{"old framing", append([]byte{0x88, byte(len(good) - 2)}, good[2:]...), ""},
		{"empty", nil, "Corrupt PGP packet"},
		{"one byte", []byte{0xc2}, "Corrupt PGP packet"},
		{"not a packet", []byte("hello"), "Corrupt PGP packet"},
		{"indeterminate length", append([]byte{0x8b}, good[2:]...), "Corrupt PGP packet"},
		{"partial length", append([]byte{0xc2, 0xe1}, good[2:]...), "Corrupt PGP packet"},
		{"trailing data", append(bytes.Clone(good), 0), "Corrupt PGP packet"},
		{"truncated", good[:len(good)-1], "Corrupt PGP packet"},
		{"public key packet", newPacket(6, []byte{4, 0, 0, 0, 0, 1}), "Unexpected PGP packet"},
		{"version 3", newPacket(2, append([]byte{3, 5}, make([]byte, 30)...)), "Unsupported signature version (V3)"},
		{"version 5", newPacket(2, append([]byte{5}, make([]byte, 30)...)), "Unsupported signature version (V5)"},
		{"no creation time", newPacket(2, v4Sig(0, 1, 10, issuer, nil, rsaMPI)), "Signature without creation time"},
		{"creation time unhashed", newPacket(2, v4Sig(0, 1, 10, issuer, created, rsaMPI)), "Signature without creation time"},
		{"two creation times", newPacket(2, v4Sig(0, 1, 10, cat(created, created), nil, rsaMPI)), "Duplicate data in signature"},
		{"unknown critical subpacket", newPacket(2, v4Sig(0, 1, 10, cat(created, sub(0x80|100, 1)), nil, rsaMPI)), "Unknown critical packet in signature"},
		{"unknown subpacket", newPacket(2, v4Sig(0, 1, 10, cat(created, sub(100, 1)), nil, rsaMPI)), ""},
		{"critical creation time", newPacket(2, v4Sig(0, 1, 10, sub(0x82, 0x6a, 0xa8, 0x8a, 0x80), nil, rsaMPI)), ""},
		{"critical issuer fingerprint", newPacket(2, v4Sig(0, 1, 10, cat(created, sub(0x80|33, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9)), nil, rsaMPI)), "Unknown critical packet in signature"},
		{"subpacket too long", newPacket(2, v4Sig(0, 1, 10, cat(created, []byte{9, 100}), nil, rsaMPI)), "Corrupt PGP packet"},
		{"zero-length subpacket", newPacket(2, v4Sig(0, 1, 10, cat(created, []byte{0}), nil, rsaMPI)), "Corrupt PGP packet"},
		{"hashed area too long", newPacket(2, []byte{4, 0, 1, 10, 0xff, 0xff, 1}), "Corrupt PGP packet"},
		{"RSA sign-only", newPacket(2, v4Sig(0, 3, 10, created, nil, rsaMPI)), "Unsupported algorithm (3)"},
		{"extra MPI", newPacket(2, v4Sig(0, 1, 10, created, nil, cat(rsaMPI, rsaMPI))), "Corrupt PGP packet"},
		{"missing MPI", newPacket(2, v4Sig(0, 22, 8, created, nil, rsaMPI)), "Corrupt PGP packet"},
		{"MPI too short", newPacket(2, v4Sig(0, 1, 10, created, nil, []byte{0, 16, 1})), "Corrupt PGP packet"},
		{"no hash prefix", newPacket(2, []byte{4, 0, 1, 10, 0, 6, 5, 2, 1, 2, 3, 4, 0, 0}), "Corrupt PGP packet"},
	}
	big := make([]byte, 70000)
	cases = append(cases, packetCase{"over 64 KiB", newPacket(2, v4Sig(0, 1, 10, created, nil, big)), "Corrupt PGP packet"})
	for _, p := range recordedPackets(t) {
		cases = append(cases, packetCase{"recorded", p, ""})
	}
	return cases
}

func TestParsePacket(t *testing.T) {
	for _, tc := range packetCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePacket(tc.pkt)
			lint := ""
			if err != nil {
				pe, ok := err.(*ParseError)
				if !ok {
					t.Fatalf("error %T", err)
				}
				lint = pe.Lint
			}
			if lint != tc.lint {
				t.Fatalf("lint %q, want %q", lint, tc.lint)
			}
			if err == nil && (p.Created.Unix() != 0x6aa88a80 || p.Version != 4) {
				t.Errorf("created %v version %d", p.Created, p.Version)
			}
		})
	}
	p, _ := ParsePacket(packetCases(t)[0].pkt)
	if p.KeyID != 0x0102030405060708 || p.PubKeyAlgo != 1 || p.HashAlgo != 10 || p.Hash16 != [2]byte{0xab, 0xcd} {
		t.Errorf("parsed %+v", p)
	}
	if got := (&ParseError{Lint: "Corrupt PGP packet"}).Error(); got != "invalid openpgp signature: corrupt PGP packet" {
		t.Errorf("error text %q", got)
	}
}

// TestV6Signature: a v6 key's v6 signature parses, is read through its
// issuer fingerprint, and verifies, as rpm-sequoia verifies it.
func TestV6Signature(t *testing.T) {
	created := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg := &packet.Config{V6Keys: true, Algorithm: packet.PubKeyAlgoEd25519, Time: func() time.Time { return created }}
	e, err := openpgp.NewEntity("v6", "", "v6@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	header := []byte("a header")
	at := created.Add(time.Hour)
	sig := &packet.Signature{Version: 6, SigType: packet.SigTypeBinary, PubKeyAlgo: e.PrivateKey.PubKeyAlgo, Hash: crypto.SHA256, CreationTime: at}
	h, err := sig.PrepareSign(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Write(header)
	if err := sig.Sign(h, e.PrivateKey, &packet.Config{Time: func() time.Time { return at }}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sig.Serialize(&buf)
	p, err := ParsePacket(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 6 || len(p.Salt) != 16 || p.KeyID != e.PrimaryKey.KeyId {
		t.Errorf("v%d salt %d key %016x, want v6 16 %016x", p.Version, len(p.Salt), p.KeyID, e.PrimaryKey.KeyId)
	}
	kr := NewKeyring()
	kr.AddEntity(e, "v6")
	for _, tc := range []struct {
		header []byte
		want   Verdict
	}{{header, OK}, {[]byte("another"), Bad}} {
		it, err := VerifyHeader(buf.Bytes(), tc.header, kr, at)
		if err != nil || it.Verdict != tc.want {
			t.Errorf("%q: %v %v, want %s", tc.header, it, err, tc.want)
		}
	}
	if it, _ := VerifyHeader(buf.Bytes(), header, NewKeyring(), at); it.Verdict != NoKey || it.String() != "Header OpenPGP V6 Ed25519/SHA256 signature, key ID "+keyID(e.PrimaryKey.KeyId)+": NOKEY" {
		t.Errorf("without the key: %s", it.String())
	}
}
