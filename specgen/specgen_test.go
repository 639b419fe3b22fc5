package specgen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gotc-project/gotc/toolchain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden renders every testdata config and the shipped example and
// compares with the reviewed golden specs.
func TestGolden(t *testing.T) {
	configs, _ := filepath.Glob("testdata/*.yaml")
	configs = append(configs, "../examples/gotc.yaml")
	for _, path := range configs {
		cfg, _, err := toolchain.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		base := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if strings.HasPrefix(path, "..") {
			base = "example"
		}
		for _, p := range cfg.Plans() {
			var buf bytes.Buffer
			if err := Generate(&buf, p, Options{ConfigName: filepath.Base(path)}); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", base+"."+FileName(p)+".golden"), buf.Bytes())
		}
	}
}

// checkGolden compares got with the golden file, or rewrites the file
// under -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./specgen -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated output; review and run go test ./specgen -update\n%s", golden, firstDiff(string(want), string(got)))
	}
}

func TestDeterministic(t *testing.T) {
	cfg, _, err := toolchain.Load("../examples/gotc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	p := cfg.Plans()[0]
	if err := Generate(&a, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&b, cfg.Plans()[0], Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two renders differ")
	}
}

func TestSourceDateEpochDatesDefaultChangelog(t *testing.T) {
	cfg, _, err := toolchain.Load("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := Generate(&buf, cfg.Plans()[0], Options{SourceDateEpoch: &when}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "* Tue Nov 24 2026 gotc <gotc@localhost.localdomain> - 1.26.8-1") {
		t.Errorf("changelog not dated from SOURCE_DATE_EPOCH:\n%s", buf.String()[strings.Index(buf.String(), "%changelog"):])
	}
}

func TestTemplateOverride(t *testing.T) {
	cfg, _, err := toolchain.Load("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"spec.tmpl": {Data: []byte("Name: {{.Plan.Name}}\n")}}
	var buf bytes.Buffer
	if err := Generate(&buf, cfg.Plans()[1], Options{Templates: fsys}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "Name: go-toolchain-1.27\n" {
		t.Errorf("override not used: %q", buf.String())
	}
	bad := fstest.MapFS{"spec.tmpl": {Data: []byte("{{.Nope}}")}}
	if err := Generate(&buf, cfg.Plans()[1], Options{Templates: bad}); err == nil || !strings.Contains(err.Error(), "rendering go-toolchain-1.27.spec") {
		t.Errorf("bad template error = %v", err)
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  golden: %s\n  got:    %s", i+1, a, b)
		}
	}
	return ""
}
