package mockcfg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/toolchain"
)

func TestStockConfig(t *testing.T) {
	tests := []struct {
		target, base, arch string
		want               string
	}{
		{"fedora-43", "alma", "x86_64", "fedora-43-x86_64.cfg"},
		{"fedora-44", "alma", "i386", "fedora-44-i386.cfg"},
		{"rawhide", "alma", "aarch64", "fedora-rawhide-aarch64.cfg"},
		{"epel-9", "alma", "x86_64", "alma+epel-9-x86_64.cfg"},
		{"epel-10", "centos-stream", "ppc64le", "centos-stream+epel-10-ppc64le.cfg"},
		{"epel-8", "rocky", "aarch64", "rocky+epel-8-aarch64.cfg"},
		{"epel-8", "rhel", "s390x", "rhel+epel-8-s390x.cfg"},
		{"epel-8", "alma", "s390x", ""},
		{"epel-9", "alma", "i386", ""},
	}
	for _, tc := range tests {
		target, err := toolchain.ParseTarget(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := stockConfig(target, tc.base, tc.arch)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s %s %s: %q, %v; want %q", tc.target, tc.base, tc.arch, got, ok, tc.want)
		}
	}
}

// load writes a configuration with the given targets and two arches.
func load(t *testing.T, targets string) *toolchain.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gotc.yaml")
	text := "targets: " + targets + `
toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {sha256: "` + strings.Repeat("a", 64) + `"}
      i686: {sha256: "` + strings.Repeat("b", 64) + `"}
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := toolchain.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGenerate(t *testing.T) {
	// Targets as users write them name the canonical chroots.
	c := load(t, "[rocky-9, f43]")
	files, skipped, err := Generate(c, Options{Macros: []byte("%gotc_root /x\n")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "gotc-epel-9-x86_64.cfg gotc-fedora-43-i386.cfg gotc-fedora-43-x86_64.cfg" {
		t.Errorf("files %s", got)
	}
	if len(skipped) != 1 || skipped[0] != (Skipped{"epel-9", "i686"}) {
		t.Errorf("skipped %v, want epel-9 on i686", skipped)
	}
	if !strings.Contains(string(files[0].Content), "include('alma+epel-9-x86_64.cfg')\n") {
		t.Errorf("epel-9 includes the wrong chroot:\n%s", files[0].Content)
	}
	// The mtime clamp each target's rpm reads: EL9's 4.16 the old switch,
	// Fedora 43's rpm 6 the policy (and never the deprecated name).
	for _, tc := range []struct{ file, want, never string }{
		{files[0].Name, "config_opts['macros']['%clamp_mtime_to_source_date_epoch'] = '1'\n", "build_mtime_policy"},
		{files[2].Name, "config_opts['macros']['%build_mtime_policy'] = 'clamp_to_source_date_epoch'\n", "clamp_mtime_to_source_date_epoch"},
	} {
		for _, f := range files {
			if f.Name == tc.file && (!strings.Contains(string(f.Content), tc.want) || strings.Contains(string(f.Content), tc.never)) {
				t.Errorf("%s: want %q and no %s:\n%s", f.Name, tc.want, tc.never, f.Content)
			}
		}
	}
}

func TestGenerateRefuses(t *testing.T) {
	tests := []struct {
		name    string
		targets string
		opt     Options
		want    string
	}{
		{"no targets", "[]", Options{}, "lists no targets"},
		{"unknown base", "[epel-9]", Options{ELBase: "ubuntu"}, `unknown Enterprise Linux base "ubuntu"`},
		{"triple quotes", "[epel-9]", Options{Macros: []byte(`%x """`)}, "Python raw string"},
		{"trailing backslash", "[epel-9]", Options{Macros: []byte(`%x \`)}, "Python raw string"},
		{"jinja expression", "[epel-9]", Options{Macros: []byte("%x {{ y }}\n")}, "Jinja"},
		{"jinja statement", "[epel-9]", Options{Macros: []byte("%x {% y %}\n")}, "Jinja"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, _, err := Generate(load(t, tc.targets), tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Generate: %v, want an error saying %q", err, tc.want)
			}
			if files != nil {
				t.Error("files returned with the error")
			}
		})
	}
}
