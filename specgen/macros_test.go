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

// writeMacros writes the macros file of cfg into a scratch directory and
// returns its path.
func writeMacros(t *testing.T, cfg *toolchain.Config) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), MacrosFileName)
	var buf bytes.Buffer
	if err := GenerateMacros(&buf, cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
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
		file := writeMacros(t, cfg)
		for _, version := range []string{"1.26.8", "1.27.3", "1.27rc1", "1.30.12", "1.9beta2", "2.0.0", "1.98.97", "1.97.96"} {
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
				// rpm 4.18 has no build_mtime_policy (TestMtimePolicyGuard
				// covers other rpm versions).
				"gotc_has_build_mtime_policy": "0",
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

// TestMacrosVersionLikeText renders testdata/versiontext.yaml, whose
// layout, alternatives, go_env, summary and changelog hold "1.98",
// "1.97", "1.98.97" and priorities like 19897 — the versions the macros
// file was once rendered for, which refused such a configuration. The
// text must reach the macros file literally; TestMacrosExpand checks with
// rpm that every macro expands to the spec's text, for these versions
// too.
func TestMacrosVersionLikeText(t *testing.T) {
	cfg, _, err := toolchain.Load("testdata/versiontext.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := GenerateMacros(&buf, cfg, Options{}); err != nil {
		t.Fatalf("GenerateMacros: %v", err)
	}
	for _, want := range []string{
		"\n%gotc_root /opt/go1.98\n",
		"\n%gotc_dir go%{gotc_goversion}-1.97\n",
		"\n%gotc_bindir /opt/go1.98/bin1.97\n",
		"\n%gotc_alternative go1.98\n",
		"echo 'GOFLAGS=-ldflags=-X=main.v=1.98.97' >> go.env",
		"echo 'GOPRIVATE=x19897.example/1.97,z19796.example' >> go.env",
		"--slave /opt/go1.98/current go-current-1.98.97 %{gotc_goroot}",
		`/(src|test|misc1\\.98)/` + "\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("macros file lacks %q", want)
		}
	}
}

// TestMacrosNULByte: a NUL byte is what marks the macro references while
// the macros file is rendered. Validation refuses one in every text that
// reaches the file; a configuration changed after loading is refused by
// GenerateMacros rather than given a wrong macro.
func TestMacrosNULByte(t *testing.T) {
	for name, edit := range map[string]func(c *toolchain.Config){
		"go_env value":       func(c *toolchain.Config) { c.GoEnv = map[string]string{"GOFLAGS": "\x00series\x00"} },
		"alternative path":   func(c *toolchain.Config) { c.Alternatives.Target = "bin/\x00goroot\x00" },
		"dependency_exclude": func(c *toolchain.Config) { c.DependencyExclude = []string{"x\x00"} },
	} {
		t.Run(name, func(t *testing.T) {
			cfg, _, err := toolchain.Load("testdata/minimal.yaml")
			if err != nil {
				t.Fatal(err)
			}
			edit(cfg)
			var buf bytes.Buffer
			err = GenerateMacros(&buf, cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), "contains a NUL byte") {
				t.Fatalf("GenerateMacros: %v, want the NUL byte refused", err)
			}
			if buf.Len() > 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}
