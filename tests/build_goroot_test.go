package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// synthTree writes a small go1.26.8-shaped tree for fast CLI tests.
func synthTree(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	files := map[string]string{
		"VERSION":                      "go1.26.8\ntime 2026-08-28T16:20:06Z\n",
		"go.env":                       "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n",
		"bin/go":                       "#!/bin/sh\necho go version go1.26.8 linux/amd64\n",
		"bin/gofmt":                    "#!/bin/sh\n",
		"LICENSE":                      "license\n",
		"README.md":                    "readme\n",
		"src/runtime/runtime.go":       "package runtime\n",
		"src/runtime/runtime_test.go":  "package runtime\n",
		"src/net/http/testdata/x.txt":  "x\n",
		"src/vendor/modules.txt":       "# vendored\n",
		"doc/go_spec.html":             "<html>\n",
		"pkg/tool/linux_amd64/compile": "\x7fELF not really\n",
		"misc/chrome/x.js":             "//\n",
		"test/run.go":                  "package main\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "bin/") || strings.HasPrefix(name, "pkg/tool/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const synthConfig = `toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {file: go1.26.8.linux-amd64.tar.gz, sha256: "` + "7512438bec42613490e37dbcc7529b13698f3ea4e978e057e60bbafa03e95477" + `"}
    changelog:
      - {date: 2026-11-20, author: "A <a@example.org>", changes: [one]}
`

// TestBuildFromGOROOT builds a small synthetic tree with --goroot and
// checks the packages with real rpm: the build host, the split, the
// dependencies and the packaged go.env. The flag refusals and exit codes
// are scenarios in cmd/gotc-rpm/testdata/script/build.txtar.
func TestBuildFromGOROOT(t *testing.T) {
	rpmCmd := testenv.Command(t, "gotc-rpm")
	rpm := testenv.NeedTool(t, "rpm")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfg, []byte(synthConfig), 0o644)
	tree := synthTree(t)

	out := filepath.Join(dir, "good")
	res := testenv.Run(t, "", []string{"SOURCE_DATE_EPOCH=1763640000"}, rpmCmd, "build", "-c", cfg, "--goroot", tree, "-o", out, "--dist", ".fc43", "--compress", "gzip:6", "--build-host", "koji-builder-07.example.org")
	for _, want := range []string{"go-toolchain-1.26-1.26.8-1.fc43.x86_64.rpm", "go-toolchain-1.26-src-1.26.8-1.fc43.noarch.rpm", "go-toolchain-1.26-tests-1.26.8-1.fc43.noarch.rpm", "go-toolchain-1.26-docs-1.26.8-1.fc43.noarch.rpm"} {
		if !strings.Contains(res, want) {
			t.Errorf("build output lacks %s:\n%s", want, res)
		}
	}
	mainRPM := filepath.Join(out, "go-toolchain-1.26-1.26.8-1.fc43.x86_64.rpm")
	if got := testenv.Run(t, "", nil, rpm, "-qp", "--qf", "%{BUILDHOST}", mainRPM); got != "koji-builder-07.example.org" {
		t.Errorf("BUILDHOST %q, want the --build-host value", got)
	}
	if got := testenv.Run(t, "", nil, rpm, "-qp", "--requires", mainRPM); !strings.Contains(got, "go-toolchain-1.26-src = 1.26.8-1.fc43") {
		t.Errorf("main requires:\n%s", got)
	}
	list := testenv.Run(t, "", nil, rpm, "-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]", filepath.Join(out, "go-toolchain-1.26-tests-1.26.8-1.fc43.noarch.rpm"))
	for _, want := range []string{"/src/runtime/runtime_test.go ", "/src/net/http/testdata/x.txt ", "/test/run.go "} {
		if !strings.Contains(list, want) {
			t.Errorf("-tests lacks %s:\n%s", want, list)
		}
	}
	root := t.TempDir()
	testenv.Run(t, "", nil, "sh", "-c", `rpm2cpio "$0" | (cd "$1" && cpio -idm --quiet)`, mainRPM, root)
	env, err := os.ReadFile(filepath.Join(root, "usr/libexec/go-toolchain/go1.26.8/go.env"))
	if err != nil || !strings.Contains(string(env), "GOTOOLCHAIN=local\n") || strings.Contains(string(env), "auto") {
		t.Errorf("packaged go.env: %q %v", env, err)
	}
}
