package tests

import (
	"encoding/json"
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
	python := testenv.NeedTool(t, "python3")
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
		js := testenv.Run(t, "", nil, python, filepath.Join(root, "tests", "testdata", "load-mock-config.py"), path)
		var got struct {
			Include    []string
			ConfigOpts struct {
				Root               string            `json:"root"`
				RPMBuildNetworking *bool             `json:"rpmbuild_networking"`
				Macros             map[string]string `json:"macros"`
				Files              map[string]string `json:"files"`
			} `json:"config_opts"`
		}
		if err := json.Unmarshal([]byte(js), &got); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, js)
		}
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
