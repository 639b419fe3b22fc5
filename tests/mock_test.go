package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestMockShippedUpToDate keeps mock-configs/, the mock configurations
// of the shipped example, in step with the generator.
func TestMockShippedUpToDate(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	res, err := testenv.Output("", nil, spec, "mock", "-c", filepath.Join(root, "examples", "gotc.yaml"),
		"-o", filepath.Join(root, "mock-configs"), "--check")
	if err != nil {
		t.Errorf("mock-configs/ is out of date (run make regen): %v\n%s", err, res)
	}
}

// TestMockConfigsLoad writes the mock configurations of the example and
// evaluates each with Python as mock does, checking every setting — the
// macros file included byte for byte — and the exit codes of --check.
func TestMockConfigsLoad(t *testing.T) {
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	cfg := filepath.Join(root, "examples", "gotc.yaml")
	out := t.TempDir()
	testenv.Run(t, "", nil, spec, "mock", "-c", cfg, "-o", out, "--el-base", "rocky")
	macros := testenv.Run(t, "", nil, spec, "macros", "-c", cfg, "-o", "-")

	want := map[string]string{
		"gotc-fedora-43-x86_64.cfg": "fedora-43-x86_64.cfg",
		"gotc-fedora-44-x86_64.cfg": "fedora-44-x86_64.cfg",
		"gotc-epel-9-x86_64.cfg":    "rocky+epel-9-x86_64.cfg",
		"gotc-epel-10-x86_64.cfg":   "rocky+epel-10-x86_64.cfg",
	}
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	if len(files) != len(want) {
		t.Fatalf("wrote %v, want %d files", files, len(want))
	}
	for name, include := range want {
		path := filepath.Join(out, name)
		got := loadMockConfig(t, path)
		o := got.ConfigOpts
		if len(got.Include) != 1 || got.Include[0] != include {
			t.Errorf("%s includes %v, want %s", name, got.Include, include)
		}
		if o.Root != strings.TrimSuffix(name, ".cfg") {
			t.Errorf("%s: root %q", name, o.Root)
		}
		if o.RPMBuildNetworking == nil || *o.RPMBuildNetworking {
			t.Errorf("%s: rpmbuild_networking %v, want False", name, o.RPMBuildNetworking)
		}
		if o.Macros["%_buildhost"] != "localhost" || o.Macros["%source_date_epoch_from_changelog"] != "1" {
			t.Errorf("%s: macros %v", name, o.Macros)
		}
		if o.Files["usr/lib/rpm/macros.d/macros.gotc"] != macros {
			t.Errorf("%s: the macros file in the chroot differs from gotc-spec macros' output", name)
		}
		if len(got.DNFRepos) != 0 || o.DNFConf != "" {
			t.Errorf("%s: dnf.conf changed without --repo: %q", name, o.DNFConf)
		}
	}

	// --check: clean, then drift, then a missing file.
	testenv.Run(t, "", nil, spec, "mock", "-c", cfg, "-o", out, "--el-base", "rocky", "--check")
	res, err := testenv.Output("", nil, spec, "mock", "-c", cfg, "-o", out, "--check")
	if code := exitCode(err); code != 1 || !strings.Contains(res, "gotc-epel-9-x86_64.cfg: differs") {
		t.Errorf("another --el-base: exit %d, output %q", code, res)
	}
	os.Remove(filepath.Join(out, "gotc-fedora-43-x86_64.cfg"))
	res, err = testenv.Output("", nil, spec, "mock", "-c", cfg, "-o", out, "--el-base", "rocky", "--check")
	if code := exitCode(err); code != 1 || !strings.Contains(res, "missing") {
		t.Errorf("missing: exit %d, output %q", code, res)
	}
	if res, err := testenv.Output("", nil, spec, "mock", "-c", cfg, "-o", out, "--el-base", "debian"); exitCode(err) != 2 {
		t.Errorf("--el-base debian: exit %d, output %q", exitCode(err), res)
	}
}

// mockConfig evaluates a mock configuration with Python as mock does
// and returns what it set.
type mockConfig struct {
	Include    []string
	ConfigOpts struct {
		Root               string            `json:"root"`
		RPMBuildNetworking *bool             `json:"rpmbuild_networking"`
		Macros             map[string]string `json:"macros"`
		Files              map[string]string `json:"files"`
		DNFConf            string            `json:"dnf.conf"`
	} `json:"config_opts"`
	// DNFRepos are the sections of dnf.conf, parsed as mock parses them.
	DNFRepos map[string]map[string]string `json:"dnf_repos"`
}

func loadMockConfig(t *testing.T, path string) mockConfig {
	t.Helper()
	python := testenv.NeedTool(t, "python3")
	js := testenv.Run(t, "", nil, python, filepath.Join(testenv.RepoRoot(t), "tests", "testdata", "load-mock-config.py"), path)
	var got mockConfig
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, js)
	}
	return got
}

// TestMockRepos adds a createrepo_c directory and a Copr-style URL with
// --repo, and a key with --repo-gpgkey, and evaluates every
// configuration as mock does: each must add both repositories to
// dnf.conf, in order, the directory as file:/// and its absolute path,
// with the signature check on.
func TestMockRepos(t *testing.T) {
	testenv.NeedTool(t, "createrepo_c")
	spec := testenv.Command(t, "gotc-spec")
	root := testenv.RepoRoot(t)
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(repo, 0o755)
	testenv.Run(t, "", nil, "createrepo_c", "--quiet", repo)
	key := filepath.Join(repo, "RPM-GPG-KEY-gotc")
	os.WriteFile(key, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"), 0o644)
	const copr = "https://download.copr.fedorainfracloud.org/results/owner/gotc/fedora-$releasever-$basearch/"
	out := filepath.Join(dir, "cfg")
	// A relative directory, as users type it.
	res := testenv.Run(t, dir, nil, spec, "mock", "-c", filepath.Join(root, "examples", "gotc.yaml"), "-o", out,
		"--repo", "repo", "--repo", copr, "--repo-gpgkey", "repo/RPM-GPG-KEY-gotc")
	if strings.Contains(res, "gotc-spec:") {
		t.Errorf("warnings: %s", res)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.cfg"))
	if len(files) != 4 {
		t.Fatalf("wrote %v", files)
	}
	for _, f := range files {
		got := loadMockConfig(t, f)
		want := map[string]map[string]string{
			"gotc-repo-1": {"name": "gotc toolchain packages (gotc-repo-1)", "baseurl": "file://" + repo, "enabled": "1",
				"skip_if_unavailable": "False", "gpgcheck": "1", "gpgkey": "file://" + key},
			"gotc-repo-2": {"name": "gotc toolchain packages (gotc-repo-2)", "baseurl": copr, "enabled": "1",
				"skip_if_unavailable": "False", "gpgcheck": "1", "gpgkey": "file://" + key},
		}
		if fmt.Sprint(got.DNFRepos) != fmt.Sprint(want) {
			t.Errorf("%s: dnf.conf sections\n%v\nwant\n%v", filepath.Base(f), got.DNFRepos, want)
		}
		if i, j := strings.Index(got.ConfigOpts.DNFConf, "[gotc-repo-1]"), strings.Index(got.ConfigOpts.DNFConf, "[gotc-repo-2]"); i < 0 || j < i {
			t.Errorf("%s: repositories out of order:\n%s", filepath.Base(f), got.ConfigOpts.DNFConf)
		}
		if got.ConfigOpts.Files["usr/lib/rpm/macros.d/macros.gotc"] == "" {
			t.Errorf("%s: the repositories lost the macros file", filepath.Base(f))
		}
	}
}
