package rpmread

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesTruncated cuts every test package (rpmbuild's, the
// corpus's, rpm 6's) inside its payload and right after its header:
// Open must fail with ErrTruncated on one line that says so first,
// without reading the payload, while the headers alone still parse (so
// the length check is what refuses it). The whole file opens.
func TestOpenRefusesTruncated(t *testing.T) {
	for _, tc := range append(allRPMs(t), rpm6RPMs(t)...) {
		t.Run(tc.name, func(t *testing.T) {
			data := readFileT(t, tc.path)
			r := openT(t, tc.path)
			want, _, ok := r.RecordedLength()
			if !ok || want != int64(len(data)) {
				t.Fatalf("RecordedLength = %d, %v; the file has %d bytes", want, ok, len(data))
			}
			cuts := map[string]int64{
				"one byte short":     int64(len(data)) - 1,
				"half the payload":   r.PayloadOffset + (int64(len(data))-r.PayloadOffset)/2,
				"no payload at all":  r.PayloadOffset,
				"first 100 KB (#9)":  min(100<<10, int64(len(data))-1),
				"inside the payload": r.PayloadOffset + 1,
			}
			for name, n := range cuts {
				if n < r.PayloadOffset {
					continue
				}
				t.Run(name, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "cut.rpm")
					if err := os.WriteFile(path, data[:n], 0o644); err != nil {
						t.Fatal(err)
					}
					if _, err := Read(bytes.NewReader(data[:n])); err != nil {
						t.Fatalf("the headers alone do not parse: %v", err)
					}
					_, err := Open(path)
					var fe *FormatError
					if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) {
						t.Fatalf("Open = %v, want ErrTruncated", err)
					}
					if msg := err.Error(); !strings.HasPrefix(msg, path+": truncated RPM: ") || strings.Contains(msg, "\n") {
						t.Errorf("message %q does not start with %q on one line", msg, path+": truncated RPM: ")
					}
				})
			}
		})
	}
}

// TestErrorMessages pins the first words of the errors a user sees.
func TestErrorMessages(t *testing.T) {
	good := (&craftPkg{files: sampleFiles(), compressor: "gzip"}).bytes(t)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not an rpm", []byte(strings.Repeat("package text\n", 10)), "not an RPM package (bad lead magic 70 61 63 6b)"},
		{"empty", nil, "not an RPM package (empty input)"},
		{"short", []byte("hello"), "not an RPM package (5 bytes, shorter than a lead)"},
		{"cut in the signature", good[:100], "truncated RPM: signature at offset 96: file ends inside the header intro"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.data))
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
