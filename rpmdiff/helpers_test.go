package rpmdiff

// Test helpers: the reference tools and rpmbuild. A missing tool fails
// the test: these tests mean nothing without real packages.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// run runs cmd in the C locale and UTC, plus the variables already in
// cmd.Env, and returns its stdout; a failure fails the test with stderr.
func run(t testing.TB, cmd *exec.Cmd) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(append(os.Environ(), "LC_ALL=C", "TZ=UTC"), cmd.Env...)
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// payloads maps the compressors the tests use to rpmbuild's
// _binary_payload setting.
var payloads = map[string]string{
	"zstd": "w19.zstdio",
	"xz":   "w6.xzdio",
}

// sharedDir holds packages built once per test process.
var sharedDir string

func TestMain(m *testing.M) {
	var err error
	if sharedDir, err = os.MkdirTemp("", "rpmdiff-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(sharedDir)
	os.Exit(code)
}

// rpmbuild builds spec with "rpmbuild -bb" in a fresh _topdir under dir,
// with the given payload compressor and SOURCE_DATE_EPOCH as the build
// time, and returns the one binary package it wrote.
func rpmbuild(t testing.TB, dir, spec, compressor string, sourceDateEpoch int64) string {
	t.Helper()
	payload, ok := payloads[compressor]
	if !ok {
		t.Fatalf("no rpmbuild setting for compressor %q", compressor)
	}
	dir, err := os.MkdirTemp(dir, "rpmbuild-")
	if err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "test.spec")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.NeedTool(t, "rpmbuild"), "-bb", "--quiet",
		"--define", "_topdir "+dir,
		"--define", "_binary_payload "+payload,
		"--define", "use_source_date_epoch_as_buildtime 1",
		specPath)
	cmd.Env = []string{fmt.Sprintf("SOURCE_DATE_EPOCH=%d", sourceDateEpoch)}
	run(t, cmd)
	rpms, err := filepath.Glob(filepath.Join(dir, "RPMS", "*", "*.rpm"))
	if err != nil || len(rpms) != 1 {
		t.Fatalf("rpmbuild wrote %v, want one package (%v)", rpms, err)
	}
	return rpms[0]
}
