package sigheader

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "rpm6", "packages", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entriesOf returns the signature tags of pkg as Entries.
func entriesOf(t *testing.T, pkg []byte, tags ...int) []Entry {
	t.Helper()
	r, err := rpmread.Read(bytes.NewReader(pkg))
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for _, tag := range tags {
		v, ok := r.Signature.Tag(tag)
		if !ok {
			t.Fatalf("no signature tag %d", tag)
		}
		out = append(out, Entry{Tag: tag, Type: v.Type, Strings: v.Strings, Bytes: v.Bytes, Ints: v.Ints})
	}
	return out
}

// TestRewriteLikeRpmsign adds the recorded signatures to the recorded
// unsigned packages and removes them from the signed ones: the results
// are byte for byte what rpmsign 6 wrote (and what rpmbuild 6 wrote).
func TestRewriteLikeRpmsign(t *testing.T) {
	for _, tc := range []struct {
		unsigned, signed string
		tags             []int
	}{
		{"fixture-v4.rpm", "fixture-v4-rsa.rpm", []int{rpmtag.SigRSA}},
		{"fixture-v4.rpm", "fixture-v4-ed25519.rpm", []int{rpmtag.SigDSA}},
		{"fixture-v6.rpm", "fixture-v6-rsa.rpm", []int{rpmtag.SigOpenPGP}},
		{"fixture-v6.rpm", "fixture-v6-ed25519.rpm", []int{rpmtag.SigOpenPGP}},
		{"fixture-v6.rpm", "fixture-v6-rpmv4.rpm", []int{rpmtag.SigRSA, rpmtag.SigOpenPGP}},
	} {
		t.Run(tc.signed, func(t *testing.T) {
			unsigned, signed := fixture(t, tc.unsigned), fixture(t, tc.signed)
			got, err := Rewrite(unsigned, entriesOf(t, signed, tc.tags...))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, signed) {
				t.Errorf("adding tags %v to %s does not give %s (%d bytes, want %d)", tc.tags, tc.unsigned, tc.signed, len(got), len(signed))
			}
			back, err := Rewrite(signed, nil, tc.tags...)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, unsigned) {
				t.Errorf("removing tags %v from %s does not give %s", tc.tags, tc.signed, tc.unsigned)
			}
		})
	}
}

func TestRewriteRefuses(t *testing.T) {
	pkg := fixture(t, "fixture-v4.rpm")
	for _, e := range []Entry{
		{Tag: 268, Type: rpmtag.TypeString, Strings: []string{"a", "b"}},
		{Tag: 268, Type: rpmtag.TypeI18NString, Strings: []string{"a"}},
	} {
		if _, err := Rewrite(pkg, []Entry{e}); err == nil {
			t.Errorf("type %d with %d strings: no error", e.Type, len(e.Strings))
		}
	}
	if _, err := Rewrite([]byte("not an rpm"), nil); err == nil {
		t.Error("not an RPM: no error")
	}
	// A signature larger than the reserved space makes the header grow.
	big, err := Rewrite(pkg, []Entry{{Tag: 268, Type: rpmtag.TypeBin, Bytes: make([]byte, 5000)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(big) <= len(pkg) {
		t.Errorf("%d bytes, the unsigned package has %d", len(big), len(pkg))
	}
	if _, err := rpmread.Read(bytes.NewReader(big)); err != nil {
		t.Errorf("grown package does not read: %v", err)
	}
}
