package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/cli"
)

// diffSpec is a small package for the diff tests; %s is its Summary.
const diffSpec = `
Name: dd
Version: 1.0
Release: 1
Summary: %s
License: MIT
BuildArch: noarch

%%description
gotc-rpm diff test package.

%%install
mkdir -p %%{buildroot}/usr/share/dd
echo data > %%{buildroot}/usr/share/dd/data.txt

%%files
/usr/share/dd/data.txt
`

// diffBuildRPM builds diffSpec with the given summary by real rpmbuild,
// with payload setting payload and build time epoch, and returns the
// package. A missing rpmbuild fails the test.
func diffBuildRPM(t *testing.T, summary, payload string, epoch int) string {
	t.Helper()
	rpmbuild, err := exec.LookPath("rpmbuild")
	if err != nil {
		t.Fatalf("rpmbuild is required: %v", err)
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "dd.spec")
	if err := os.WriteFile(spec, fmt.Appendf(nil, diffSpec, summary), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rpmbuild, "-bb", "--quiet",
		"--define", "_topdir "+dir,
		"--define", "_binary_payload "+payload,
		"--define", "use_source_date_epoch_as_buildtime 1", spec)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC", fmt.Sprintf("SOURCE_DATE_EPOCH=%d", epoch))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	rpms, err := filepath.Glob(filepath.Join(dir, "RPMS", "*", "*.rpm"))
	if err != nil || len(rpms) != 1 {
		t.Fatalf("rpmbuild wrote %v, want one package (%v)", rpms, err)
	}
	return rpms[0]
}

// TestDiffRPMBuild compares packages real rpmbuild made with other
// compressors, build times and summaries; the usage errors and
// refusals are scenarios in testdata/script/diff.txtar.
func TestDiffRPMBuild(t *testing.T) {
	a := diffBuildRPM(t, "one", "w6.xzdio", 1700000000)
	b := diffBuildRPM(t, "one", "w19.zstdio", 1800000000) // same content
	c := diffBuildRPM(t, "two", "w19.zstdio", 1700000000) // another summary

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string // exact, unless contains is set
		contains []string
		stderr   string // substring of the one-line error report
	}{
		{"equal", []string{a, b}, 0, "", nil, ""},
		{"equal json", []string{"--json", a, b}, 0, "[]\n", nil, ""},
		{"strict", []string{"--strict", a, b}, 1, "", []string{
			"buildtime: 1700000000 → 1800000000\n",
			"payloadcompressor: xz → zstd\n",
			"requires: only in B: rpmlib(PayloadIsZstd) <= 5.4.18-1 [rpmlib]\n",
		}, "differences"},
		{"summary", []string{a, c}, 1, "summary: one → two\n", nil, "gotc-rpm: diff: 1 difference"},
		{"summary json", []string{a, "--json", c}, 1,
			"[\n  {\n    \"kind\": \"tag\",\n    \"name\": \"summary\",\n    \"field\": \"\",\n    \"a\": \"one\",\n    \"b\": \"two\"\n  }\n]\n",
			nil, "1 difference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr, report bytes.Buffer
			err := run(append([]string{"diff"}, tt.args...), &stdout, &stderr)
			code := cli.Report(&report, "gotc-rpm", err)
			if code != tt.code {
				t.Errorf("exit %d, want %d (err %v)\nstdout:\n%s", code, tt.code, err, stdout.String())
			}
			if tt.contains == nil && stdout.String() != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.stdout)
			}
			for _, s := range tt.contains {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			msg := report.String()
			if tt.stderr == "" {
				if msg != "" {
					t.Errorf("error report %q, want none", msg)
				}
			} else if !strings.Contains(msg, tt.stderr) || strings.Count(msg, "\n") != 1 {
				t.Errorf("error report %q, want one line containing %q", msg, tt.stderr)
			}
		})
	}
}
