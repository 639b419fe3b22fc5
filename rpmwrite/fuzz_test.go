package rpmwrite

import (
	"bytes"
	"testing"
)

// FuzzWrite feeds Write arbitrary paths, link targets, dependencies and
// bodies: it must return an error or a package whose headers parse, and
// never panic.
func FuzzWrite(f *testing.F) {
	for _, c := range badInputs {
		for _, file := range c.files {
			f.Add(file.Path, file.LinkTo, "dep", "1.0", uint32(8), file.Mode, int64(3), "abc")
		}
	}
	f.Add("/usr/bin/go", "", "(a or b)", "", uint32(0), uint32(0o100755), int64(2), "go")
	f.Add("/usr/bin/x", "../y", "rpmlib(X)", "1~rc", uint32(10), uint32(0o120777), int64(4), "")
	f.Fuzz(func(t *testing.T, path, link, dep, version string, flags, mode uint32, size int64, content string) {
		m := okMetadata()
		m.Requires = []Dependency{{Name: dep, Flags: flags, Version: version}}
		files := []File{
			{Path: path, Mode: mode, Size: size, LinkTo: link, Open: body(content)},
			{Path: "/usr/share/fixed", Mode: 0o100644, Size: 1, Open: body("x")},
		}
		var out bytes.Buffer
		if err := Write(&out, m, files, Options{Compressor: "none", TempDir: t.TempDir()}); err != nil {
			return
		}
		b := out.Bytes()
		sig, n, err := parseHeader(b[96:])
		if err != nil || len(sig) == 0 {
			t.Fatalf("signature header: %v", err)
		}
		off := 96 + n
		off += (8 - off%8) % 8
		if _, _, err := parseHeader(b[off:]); err != nil {
			t.Fatalf("main header: %v", err)
		}
	})
}
