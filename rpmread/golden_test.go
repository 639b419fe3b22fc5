package rpmread

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenPackages are inputs whose bytes never change: corpus packages and
// a crafted one.
func goldenPackages(t *testing.T) map[string][]byte {
	return map[string][]byte{
		"centos-release-5": readFileT(t, corpusPath(t, "centos-release-5-0.0.el5.centos.2.x86_64.rpm")),
		"centos-release-7": readFileT(t, corpusPath(t, "centos-release-7-2.1511.el7.centos.2.10.x86_64.rpm")),
		"epel-release-7":   readFileT(t, corpusPath(t, "epel-release-7-5.noarch.rpm")),
		"crafted":          (&craftPkg{files: sampleFiles(), compressor: "gzip"}).bytes(t),
	}
}

// TestGoldenViews compares the JSON and text views with reviewed golden
// files (go test -run TestGoldenViews -update rewrites them), and checks
// that rendering is deterministic.
func TestGoldenViews(t *testing.T) {
	for name, data := range goldenPackages(t) {
		t.Run(name, func(t *testing.T) {
			render := func() (js, txt []byte) {
				r, err := Read(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				var j, x bytes.Buffer
				if err := WriteJSON(&j, r.Package); err != nil {
					t.Fatal(err)
				}
				if err := WriteText(&x, r.Package); err != nil {
					t.Fatal(err)
				}
				return j.Bytes(), x.Bytes()
			}
			js, txt := render()
			js2, txt2 := render()
			if !bytes.Equal(js, js2) || !bytes.Equal(txt, txt2) {
				t.Fatal("rendering the same package twice gave different bytes")
			}
			for ext, got := range map[string][]byte{"json": js, "txt": txt} {
				golden := filepath.Join("testdata", name+"."+ext+".golden")
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s:\n%s", ext, golden, got)
				}
			}
		})
	}
}
