package specgen

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// macroConfigs are the configurations the macros tests render.
func macroConfigs(t *testing.T) map[string]*toolchain.Config {
	t.Helper()
	configs := map[string]*toolchain.Config{}
	paths, _ := filepath.Glob("testdata/*.yaml")
	for _, path := range append(paths, "../examples/gotc.yaml") {
		cfg, _, err := toolchain.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		base := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if strings.HasPrefix(path, "..") {
			base = "example"
		}
		configs[base] = cfg
	}
	return configs
}

// TestMacrosGolden compares the macros file of every testdata config and
// the shipped example with the reviewed golden files.
func TestMacrosGolden(t *testing.T) {
	for base, cfg := range macroConfigs(t) {
		var buf bytes.Buffer
		if err := GenerateMacros(&buf, cfg, Options{ConfigName: base + ".yaml"}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, filepath.Join("testdata", base+"."+MacrosFileName+".golden"), buf.Bytes())
	}
}

// TestMacrosExpand loads each generated macros file into real rpm and
// checks that, for several versions, every macro expands to exactly what
// the spec generator writes for that version.
func TestMacrosExpand(t *testing.T) {
	testenv.NeedTools(t, "rpm")
	for base, cfg := range macroConfigs(t) {
		file := filepath.Join(t.TempDir(), MacrosFileName)
		var buf bytes.Buffer
		if err := GenerateMacros(&buf, cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, version := range []string{"1.26.8", "1.27.3", "1.27rc1", "1.30.12", "1.9beta2", "2.0.0"} {
			p, err := cfg.GenericPlan(version)
			if err != nil {
				t.Fatal(err)
			}
			s := p.Scriptlets()
			want := map[string]string{
				"gotc_version":             p.RPMVersion,
				"gotc_goversion":           p.Version.String(),
				"gotc_series":              p.Version.Series(),
				"gotc_priority":            strconv.Itoa(p.Alternative.Priority),
				"gotc_goarch":              "amd64",
				"gotc_name":                p.Name,
				"gotc_root":                cfg.Layout.Root,
				"gotc_goroot":              p.GOROOT,
				"gotc_bindir":              cfg.Layout.BinDir,
				"gotc_update_alternatives": toolchain.UpdateAlternatives,
				"gotc_alternative":         cfg.Alternatives.Name,
				"gotc_dependency_exclude":  p.DependencyExcludeRegexp(),
				"gotc_goenv":               p.GoEnvScript(),
				"gotc_install_links":       strings.ReplaceAll(InstallLinks(p), "%{buildroot}", "/BUILDROOT"),
				"gotc_files":               MainFiles(p, p.GOROOT),
				"gotc_dirs":                SharedDirs(p, p.GOROOT),
				"gotc_check":               Check(p, "/BUILDROOT"+p.GOROOT, "amd64"),
				"gotc_post":                s.Post,
				"gotc_postun":              s.Postun,
			}
			for name, w := range want {
				cmd := exec.Command("rpm", "--load", file,
					"--define", "version "+p.RPMVersion,
					"--define", "buildroot /BUILDROOT",
					"--define", "_target_cpu x86_64",
					"--eval", "%{"+name+"}")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("rpm --eval %%{%s}: %v\n%s", name, err, out)
				}
				if got := strings.TrimSuffix(string(out), "\n"); got != w {
					t.Errorf("%s, version %s: %%{%s} expands to\n%s\nwant\n%s", base, version, name, got, w)
				}
			}
		}
	}
}

// TestMacrosPlaceholderClash refuses a configuration whose fixed text
// looks like the placeholder version the macros are rendered with.
func TestMacrosPlaceholderClash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gotc.yaml")
	cfgText := "layout: {root: /opt/go1.98}\ntoolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {sha256: \"" + strings.Repeat("a", 64) + "\"}\n"
	if err := os.WriteFile(path, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := toolchain.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = GenerateMacros(&buf, cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "looks like a Go version") {
		t.Fatalf("GenerateMacros: %v, want the placeholder clash refused", err)
	}
	if buf.Len() > 0 {
		t.Errorf("%d bytes written despite the error", buf.Len())
	}
}
