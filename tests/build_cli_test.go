package tests

import (
	"os"
	"path/filepath"
	"regexp"
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

// TestBuildCLI covers gotc-rpm build's flags, exit codes and what it
// leaves behind, on a small synthetic tree.
func TestBuildCLI(t *testing.T) {
	rpmCmd := testenv.Command(t, "gotc-rpm")
	rpm := testenv.NeedTool(t, "rpm")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfg, []byte(synthConfig), 0o644)
	tree := synthTree(t)
	wrongSum := filepath.Join(dir, "src")
	os.MkdirAll(wrongSum, 0o755)
	os.WriteFile(filepath.Join(wrongSum, "go1.26.8.linux-amd64.tar.gz"), []byte("not the tarball"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"neither sources nor goroot", []string{"build", "-c", cfg}, 2, `give exactly one of --sources DIR and --goroot DIR`},
		{"both", []string{"build", "-c", cfg, "--sources", dir, "--goroot", tree}, 2, `give exactly one`},
		{"bad compressor", []string{"build", "-c", cfg, "--goroot", tree, "--compress", "lz4"}, 2, `algorithm must be zstd, xz or gzip`},
		{"bad level", []string{"build", "-c", cfg, "--goroot", tree, "--compress", "zstd:99"}, 2, `level must be 1 to 22`},
		{"bad dist", []string{"build", "-c", cfg, "--goroot", tree, "--dist", "fc41"}, 2, `--dist "fc41" must start with "."`},
		{"unknown version", []string{"build", "-c", cfg, "--goroot", tree, "--version", "1.99"}, 2, `no toolchain "1.99"`},
		{"missing tarball", []string{"build", "-c", cfg, "--sources", filepath.Join(dir, "nope"), "-o", filepath.Join(dir, "out1")}, 2, `go1.26.8.linux-amd64.tar.gz`},
		{"checksum mismatch", []string{"build", "-c", cfg, "--sources", wrongSum, "-o", filepath.Join(dir, "out2")}, 2, `(?i)sha-?256`},
		{"unsupported arch", []string{"build", "-c", cfg, "--goroot", tree, "--arch", "sparc", "-o", filepath.Join(dir, "out3")}, 2, `unsupported arch "sparc"`},
		{"bad build host", []string{"build", "-c", cfg, "--goroot", tree, "--build-host", "two words", "-o", filepath.Join(dir, "out3")}, 2, `--build-host "two words" must be one word`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := testenv.Output("", nil, rpmCmd, tc.args...)
			if code := exitCode(err); code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if !regexp.MustCompile(tc.out).MatchString(out) {
				t.Errorf("output does not match %q:\n%s", tc.out, out)
			}
			if strings.Contains(out, "goroutine ") {
				t.Errorf("stack trace:\n%s", out)
			}
		})
	}
	for _, d := range []string{"out1", "out2", "out3"} {
		if entries, _ := os.ReadDir(filepath.Join(dir, d)); len(entries) != 0 {
			t.Errorf("%s: a failed build left %d entries", d, len(entries))
		}
	}

	// A good build from --goroot: the split, go.env, flags.
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
