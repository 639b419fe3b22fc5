package mockcfg

import (
	"fmt"
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
		{"bad repository", "[epel-9]", Options{Repos: []Repo{{URL: "file:///a"}, {URL: "ftp://x/y"}}}, `repository 2: "ftp://x/y": not an http://`},
		{"repository twice", "[epel-9]", Options{Repos: []Repo{{URL: "file:///a"}, {URL: "file:///a"}}}, "repository file:///a given twice"},
		{"bad key", "[epel-9]", Options{Repos: []Repo{{URL: "file:///a"}}, RepoGPGKey: "key.asc"}, `repository key: "key.asc"`},
		{"key without repository", "[epel-9]", Options{RepoGPGKey: "file:///k.asc"}, "a repository key without a repository"},
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

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // "" when valid
	}{
		{"https://download.example.org/gotc/fedora-$releasever-$basearch/", ""},
		{"http://127.0.0.1:8080/repo", ""},
		{"file:///srv/gotc/repo", ""},
		{"file:///srv/gotc/repo/", ""},
		{"file:///", ""},
		{"ftp://example.org/repo", "not an http://, https:// or file:/// URL"},
		{"/srv/gotc/repo", "not an http://, https:// or file:/// URL"},
		{"https:///repo", "no host"},
		{"file://host/srv/repo", "want file:/// and a clean absolute path"},
		{"file:/srv/repo", "want file:/// and a clean absolute path"},
		{"file:///srv/../repo", "want file:/// and a clean absolute path"},
		{"file:///srv//repo", "want file:/// and a clean absolute path"},
		{"https://example.org/a b", `" " cannot be written`},
		{"https://example.org/a\nb", `"\n" cannot be written`},
		{`https://example.org/"""`, `"\"" cannot be written`},
		{`https://example.org/a\`, `"\\" cannot be written`},
		{"https://example.org/a,b", `"," cannot be written`},
		{"https://example.org/{{x}}", `"{" cannot be written`},
		{"https://example.org/a%20b", `"%" cannot be written`},
		{"https://example.org/%zz", `"%" cannot be written`},
	}
	for _, tc := range tests {
		err := CheckURL(tc.url)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckURL(%q): %v", tc.url, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckURL(%q): %v, want an error saying %q", tc.url, err, tc.want)
		}
	}
}

func TestGenerateRepos(t *testing.T) {
	c := load(t, "[fedora-43]")
	repos := []Repo{{URL: "file:///srv/gotc"}, {URL: "https://example.org/gotc/fedora-$releasever-$basearch/"}}
	for _, key := range []string{"", "https://example.org/gotc/key.asc"} {
		files, _, err := Generate(c, Options{Repos: repos, RepoGPGKey: key})
		if err != nil {
			t.Fatal(err)
		}
		text := string(files[0].Content)
		for i, r := range repos {
			want := fmt.Sprintf("\n[gotc-repo-%d]\nname=gotc toolchain packages (gotc-repo-%d)\nbaseurl=%s\nenabled=1\nskip_if_unavailable=False\n", i+1, i+1, r.URL)
			if key == "" {
				want += "# Unsigned: give gotc-spec mock --repo-gpgkey to check the packages.\ngpgcheck=0\n"
			} else {
				want += "gpgcheck=1\ngpgkey=" + key + "\n"
			}
			if !strings.Contains(text, want) {
				t.Errorf("key %q: no section\n%s\nin\n%s", key, want, text)
			}
		}
		if !strings.HasSuffix(text, "gpgcheck=0\n\"\"\"\n") && !strings.HasSuffix(text, "gpgkey="+key+"\n\"\"\"\n") {
			t.Errorf("key %q: the repositories do not end the file:\n%s", key, text)
		}
	}
	// Without repositories the file does not mention dnf.conf.
	files, _, err := Generate(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(files[0].Content), "dnf.conf") {
		t.Errorf("dnf.conf changed without repositories:\n%s", files[0].Content)
	}
}
