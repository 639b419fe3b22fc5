package sigcheck

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/sigheader"
	"github.com/gotc-project/gotc/rpmread"
)

// recordedPackets are the signature packets of the recorded signed
// packages.
func recordedPackets(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, name := range []string{"fixture-v4-rsa", "fixture-v4-ed25519", "fixture-v6-rpmv4", "fixture-v6-ed25519"} {
		r, err := rpmread.Open(filepath.Join(rpm6Dir(t), "packages", name+".rpm"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range []int{267, 268} {
			if b := r.Signature.Bytes(tag); b != nil {
				out = append(out, b)
			}
		}
		for _, s := range r.Signature.Strings(278) {
			b, err := DecodeOpenPGP(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		r.Close()
	}
	return out
}

// FuzzParsePacket: any input either parses into a v4 or v6 signature
// with a creation time, whose digest can be taken, or is a *ParseError;
// never a panic.
func FuzzParsePacket(f *testing.F) {
	for _, p := range recordedPackets(f) {
		f.Add(p)
		f.Add(p[:len(p)-1])
		f.Add(append(bytes.Clone(p), 0))
	}
	for _, tc := range packetCases(f) {
		f.Add(tc.pkt)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePacket(b)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			return
		}
		if p.Version != 4 && p.Version != 6 || p.Created.IsZero() || !bytes.Equal(p.Raw(), b) {
			t.Fatalf("parsed %+v", p)
		}
		if h := newHash(hashSHA256); len(p.digest(h)) != 32 {
			t.Fatal("digest")
		}
		p.identItem()
	})
}

// FuzzCheck: a package whose signature header is anything is reported,
// or refused as input, never a panic. The input is the signature header;
// lead, main header and payload are the recorded package's.
func FuzzCheck(f *testing.F) {
	dir := rpm6Dir(f)
	var main []byte
	var seeds [][]byte
	for _, name := range []string{"fixture-v6-rpmv4", "fixture-v4-rsa", "fixture-v6-ed25519"} {
		b, err := os.ReadFile(filepath.Join(dir, "packages", name+".rpm"))
		if err != nil {
			f.Fatal(err)
		}
		// Without its reserved space the header is a few hundred bytes.
		small, err := sigheader.Rewrite(b, nil, 999, 1008)
		if err != nil {
			f.Fatal(err)
		}
		r, err := rpmread.Read(bytes.NewReader(small))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(r.Signature.Raw())
		seeds = append(seeds, r.Signature.Raw())
		if main == nil {
			main = small[r.HeaderOffset:]
		}
	}
	kr := testKeyring(f, dir)
	now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	lead := make([]byte, 96)
	copy(lead, "\xed\xab\xee\xdb\x03\x00")
	lead[79] = 5 // header-style signature
	build := func(sig []byte) []byte {
		pkg := append(append(bytes.Clone(lead), sig...), make([]byte, (8-len(sig)%8)%8)...)
		return append(pkg, main...)
	}
	// The harness itself: the first seed rebuilds a package rpm 6 accepts.
	if res, err := Check(bytes.NewReader(build(seeds[0])), Options{Keyring: kr, Now: now}); err != nil || res.Failed != 0 {
		f.Fatalf("seed package: %v %+v", err, res)
	}
	f.Fuzz(func(t *testing.T, sig []byte) {
		res, err := Check(bytes.NewReader(build(sig)), Options{Keyring: kr, Now: now})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := res.WriteVerbose(&buf, "f.rpm"); err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Items {
			_ = it.String()
		}
	})
}
