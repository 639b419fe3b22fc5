package rpmlintcfg

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/toolchain"
)

var update = flag.Bool("update", false, "rewrite the shipped configuration and the golden files")

func load(t *testing.T, path string) *toolchain.Config {
	t.Helper()
	c, _, err := toolchain.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// golden compares got with the file, or writes it under -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./rpmlintcfg -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what rpmlintcfg writes; review and run go test ./rpmlintcfg -update (make regen)", file)
	}
}

// TestShippedConfig keeps rpmlint/gotc-toolchain.toml equal to what
// ForConfig gives for gotc's defaults.
func TestShippedConfig(t *testing.T) {
	filters, err := ForConfig(toolchain.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := TOML(&buf, ShippedHeader, filters); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("..", "rpmlint", "gotc-toolchain.toml"), buf.Bytes())
}

// TestRCGolden keeps the rpmlintrc of each series of the shipped example
// and of the custom configuration reviewed as golden files.
func TestRCGolden(t *testing.T) {
	for _, name := range []string{"example", "custom"} {
		cfg := map[string]string{
			"example": filepath.Join("..", "examples", "gotc.yaml"),
			"custom":  filepath.Join("..", "specgen", "testdata", "custom.yaml"),
		}[name]
		for _, p := range load(t, cfg).Plans() {
			t.Run(name+"/"+p.Name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := RC(&buf, p, "gotc.yaml", ForPlan(p)); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", name+"."+RCFileName(p)), buf.Bytes())
			})
		}
	}
}

// findings are rpmlint 2.4 output lines for the example's go1.26.8
// packages: filtered names the check of the filter that must silence the
// line, "" a line no filter may silence (a defect, or another package's).
var findings = []struct {
	line     string
	filtered string
}{
	{"go-toolchain-1.26.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.26.8/bin/go", "statically-linked-binary"},
	{"go-toolchain-1.26.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.26.8/pkg/tool/linux_amd64/compile", "statically-linked-binary"},
	{"go-toolchain-1.26.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.26.8/src/cmd/other", ""},
	{"go-toolchain-1.26.x86_64: E: statically-linked-binary /usr/bin/go", ""},
	{"go-toolchain-1.26.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.26.8/pkg/tool/linux_amd64/sub/x", ""},
	{"go-toolchain-1.26.x86_64: W: unstripped-binary-or-object /usr/libexec/go-toolchain/go1.26.8/pkg/tool/linux_amd64/vet", "unstripped-binary-or-object"},
	{"go-toolchain-1.26.x86_64: W: position-independent-executable-suggested /usr/libexec/go-toolchain/go1.26.8/bin/gofmt", "position-independent-executable-suggested"},
	{"go-toolchain-1.26.x86_64: E: uncompressed-zip /usr/libexec/go-toolchain/go1.26.8/lib/time/zoneinfo.zip", "uncompressed-zip"},
	{"go-toolchain-1.26-tests.noarch: E: uncompressed-zip /usr/libexec/go-toolchain/go1.26.8/src/archive/zip/testdata/zip64.zip", "uncompressed-zip"},
	{"go-toolchain-1.26-tests.noarch: E: uncompressed-zip /usr/libexec/go-toolchain/go1.26.8/src/other/testdata/x.zip", ""},
	{"go-toolchain-1.26-tests.noarch: E: bad-crc-in-zip gophercolor16x16.png /usr/libexec/go-toolchain/go1.26.8/src/archive/zip/testdata/test-badbase.zip", "bad-crc-in-zip"},
	{"go-toolchain-1.26-tests.noarch: E: unable-to-read-zip /usr/libexec/go-toolchain/go1.26.8/src/archive/zip/testdata/test-baddirsz.zip: Bad magic number for central directory", "unable-to-read-zip"},
	{"go-toolchain-1.26-tests.noarch: E: arch-independent-package-contains-binary-or-object /usr/libexec/go-toolchain/go1.26.8/src/debug/elf/testdata/gcc-amd64-linux-exec", "arch-independent-package-contains-binary-or-object"},
	{"go-toolchain-1.26-src.noarch: E: arch-independent-package-contains-binary-or-object /usr/libexec/go-toolchain/go1.26.8/src/runtime/race/race_linux_arm64.syso", "arch-independent-package-contains-binary-or-object"},
	{"go-toolchain-1.26-docs.noarch: E: arch-independent-package-contains-binary-or-object /usr/libexec/go-toolchain/go1.26.8/misc/x.o", ""},
	{"go-toolchain-1.26-tests.noarch: E: zero-length /usr/libexec/go-toolchain/go1.26.8/src/os/testdata/dirfs/a", "zero-length"},
	{"go-toolchain-1.26-tests.noarch: E: zero-length /usr/libexec/go-toolchain/go1.26.8/test/typeparam/issue47740.out", "zero-length"},
	{"go-toolchain-1.26-src.noarch: E: zero-length /usr/libexec/go-toolchain/go1.26.8/src/fmt/print.go", ""},
	{"go-toolchain-1.26.x86_64: E: zero-length /usr/libexec/go-toolchain/go1.26.8/go.env", ""},
	{"go-toolchain-1.26-tests.noarch: W: hidden-file-or-dir /usr/libexec/go-toolchain/go1.26.8/src/embed/internal/embedtest/testdata/.hidden/.more", "hidden-file-or-dir"},
	{"go-toolchain-1.26-src.noarch: W: hidden-file-or-dir /usr/libexec/go-toolchain/go1.26.8/src/cmd/vendor/golang.org/x/telemetry/.dockerignore", "hidden-file-or-dir"},
	{"go-toolchain-1.26-src.noarch: W: hidden-file-or-dir /usr/libexec/go-toolchain/go1.26.8/src/fmt/.swp", ""},
	{"go-toolchain-1.26-src.noarch: E: version-control-internal-file /usr/libexec/go-toolchain/go1.26.8/src/cmd/vendor/golang.org/x/sys/unix/.gitignore", "version-control-internal-file"},
	{"go-toolchain-1.26-src.noarch: E: version-control-internal-file /usr/libexec/go-toolchain/go1.26.8/src/.gitignore", ""},
	{"go-toolchain-1.26-src.noarch: E: env-script-interpreter /usr/libexec/go-toolchain/go1.26.8/src/make.bash /usr/bin/env bash", "env-script-interpreter"},
	{"go-toolchain-1.26-src.noarch: E: env-script-interpreter /usr/libexec/go-toolchain/go1.26.8/src/syscall/mksyscall.pl /usr/bin/env perl", "env-script-interpreter"},
	{"go-toolchain-1.26.x86_64: E: env-script-interpreter /usr/libexec/go-toolchain/go1.26.8/lib/wasm/go_js_wasm_exec /usr/bin/env bash", "env-script-interpreter"},
	{"go-toolchain-1.26.x86_64: E: env-script-interpreter /usr/libexec/go-toolchain/go1.26.8/bin/script /usr/bin/env bash", ""},
	{"go-toolchain-1.26-src.noarch: E: non-executable-script /usr/libexec/go-toolchain/go1.26.8/src/cmd/vendor/golang.org/x/telemetry/npx 644 /bin/bash", "non-executable-script"},
	// A script that lost its mode (as from a module-cache toolchain)
	// is a defect the filters must not hide.
	{"go-toolchain-1.26-src.noarch: E: non-executable-script /usr/libexec/go-toolchain/go1.26.8/src/make.bash 644 /bin/bash", ""},
	{"go-toolchain-1.26.x86_64: E: non-executable-script /usr/libexec/go-toolchain/go1.26.8/lib/time/update.bash 644 /bin/bash", ""},
	{"go-toolchain-1.26-src.noarch: E: script-without-shebang /usr/libexec/go-toolchain/go1.26.8/src/cmd/compile/profile.sh", "script-without-shebang"},
	{"go-toolchain-1.26-src.noarch: E: script-without-shebang /usr/libexec/go-toolchain/go1.26.8/src/other.sh", ""},
	{"go-toolchain-1.26-docs.noarch: W: potential-bashisms /usr/libexec/go-toolchain/go1.26.8/misc/ios/clangwrap.sh", "potential-bashisms"},
	{"go-toolchain-1.26-src.noarch: W: devel-file-in-non-devel-package /usr/libexec/go-toolchain/go1.26.8/src/runtime/cgo/gcc_linux_amd64.c", "devel-file-in-non-devel-package"},
	{"go-toolchain-1.26.x86_64: W: devel-file-in-non-devel-package /usr/libexec/go-toolchain/go1.26.8/pkg/include/textflag.h", "devel-file-in-non-devel-package"},
	{"go-toolchain-1.26-tests.noarch: W: devel-file-in-non-devel-package /usr/libexec/go-toolchain/go1.26.8/src/go/internal/gcimporter/testdata/versions/test_go1.7_0.a", "devel-file-in-non-devel-package"},
	{"go-toolchain-1.26-src.noarch: W: devel-file-in-non-devel-package /usr/libexec/go-toolchain/go1.26.8/src/runtime/libfoo.so", ""},
	{"go-toolchain-1.26.x86_64: W: files-duplicate /usr/libexec/go-toolchain/go1.26.8/lib/fips140/v1.0.0.txt /usr/libexec/go-toolchain/go1.26.8/lib/fips140/certified.txt", "files-duplicate"},
	{"go-toolchain-1.26-src.noarch: W: files-duplicate /usr/libexec/go-toolchain/go1.26.8/src/vendor/golang.org/x/text/LICENSE /usr/libexec/go-toolchain/go1.26.8/src/cmd/vendor/golang.org/x/mod/LICENSE:/usr/libexec/go-toolchain/go1.26.8/src/cmd/vendor/golang.org/x/sync/LICENSE", "files-duplicate"},
	{"go-toolchain-1.26.x86_64: W: files-duplicate /usr/bin/go1.26 /usr/libexec/go-toolchain/go1.26.8/bin/go", ""},
	{"go-toolchain-1.26-src.noarch: E: files-duplicated-waste 3081994", "files-duplicated-waste"},
	{"go-toolchain-1.26.x86_64: E: files-duplicated-waste 3081994", ""},
	{"go-toolchain-1.26.x86_64: W: no-documentation", "no-documentation"},
	{"go-toolchain-1.26-tests.noarch: W: no-documentation", "no-documentation"},
	{"go-toolchain-1.26-docs.noarch: W: no-documentation", ""},
	{"go-toolchain-1.26-docs.noarch: W: requires-on-release go-toolchain-1.26 = 1.26.8-1", "requires-on-release"},
	{"go-toolchain-1.26.x86_64: W: requires-on-release go-toolchain-1.26-src = 1.26.8-1.fc44", "requires-on-release"},
	{"go-toolchain-1.26.x86_64: W: requires-on-release glibc = 2.42-1", ""},
	{"go-toolchain-1.26-src.noarch: E: no-dependency-on locales-src", "no-dependency-on"},
	{"go-toolchain-1.26-src.noarch: E: no-dependency-on perl-base", ""},
	{"go-toolchain-1.26.x86_64: W: no-manual-page-for-binary go", "no-manual-page-for-binary"},
	{"go-toolchain-1.26.x86_64: W: no-manual-page-for-binary gofmt1.26", "no-manual-page-for-binary"},
	{"go-toolchain-1.26.x86_64: W: no-manual-page-for-binary vet", ""},
	{"go-toolchain-1.26.x86_64: W: symlink-should-be-relative /usr/bin/go /etc/alternatives/go", "symlink-should-be-relative"},
	{"go-toolchain-1.26.x86_64: W: symlink-should-be-relative /usr/libexec/go-toolchain/current /etc/alternatives/go-toolchain-current", "symlink-should-be-relative"},
	{"go-toolchain-1.26.x86_64: W: symlink-should-be-relative /usr/bin/go1.26 /usr/libexec/go-toolchain/go1.26.8/bin/go", ""},
	{"go-toolchain-1.26.x86_64: W: postin-without-ghost-file-creation /etc/alternatives/go-toolchain-current", "postin-without-ghost-file-creation"},
	{"go-toolchain-1.26.x86_64: W: postin-without-ghost-file-creation /usr/bin/go", ""},
	{"go-toolchain-1.26.x86_64: E: alternative-link-missing /etc/alternatives/current", "alternative-link-missing"},
	{"go-toolchain-1.26.x86_64: E: alternative-link-missing /etc/alternatives/gofmt", ""},
	// Findings on other packages are never silenced.
	{"golang-bin.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.26.8/bin/go", ""},
	{"go-toolchain-1.26.src: E: no-signature", ""},
	{"go-toolchain-1.26.x86_64: E: no-signature", ""},
	{"go-toolchain-1.26.x86_64: E: update-alternatives-postun-call-missing go", ""},
	{"go-toolchain-1.26.x86_64: E: non-standard-executable-perm /usr/libexec/go-toolchain/go1.26.8/bin/go 4755", ""},
}

// silencer returns the check of the filter that matches line, "" when
// none does, and fails when more than one does.
func silencer(t *testing.T, filters []Filter, line string) string {
	t.Helper()
	var hit []string
	for _, f := range filters {
		if regexp.MustCompile(f.Regexp).MatchString(line) {
			hit = append(hit, f.Check)
		}
	}
	if len(hit) > 1 {
		t.Errorf("%q: matched by %v", line, hit)
	}
	if len(hit) == 0 {
		return ""
	}
	return hit[0]
}

// TestFiltersSilence checks every filter, from the plan and from the
// shipped configuration, against rpmlint's lines for the example's
// go1.26.8: each inherent finding silenced by its own filter, each other
// line kept; and the plan's filters of go1.27.3 keep all of go1.26.8's.
func TestFiltersSilence(t *testing.T) {
	plans := load(t, filepath.Join("..", "examples", "gotc.yaml")).Plans()
	shipped, err := ForConfig(toolchain.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for name, filters := range map[string][]Filter{"plan": ForPlan(plans[0]), "shipped": shipped} {
		t.Run(name, func(t *testing.T) {
			for _, tc := range findings {
				if got := silencer(t, filters, tc.line); got != tc.filtered {
					t.Errorf("%q: silenced by %q, want %q", tc.line, got, tc.filtered)
				}
			}
		})
	}
	other := ForPlan(plans[1])
	for _, tc := range findings {
		if got := silencer(t, other, tc.line); got != "" {
			t.Errorf("%s's filters silence %q of %s (%s)", plans[1].Name, tc.line, plans[0].Name, got)
		}
	}
	// The shipped filters serve any series of the default layout.
	for _, line := range []string{
		"go-toolchain-1.31.x86_64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.31rc1/bin/go",
		"go-toolchain-1.31-tests.noarch: E: zero-length /usr/libexec/go-toolchain/go1.31.0/src/os/testdata/dirfs/a",
		"go-toolchain-1.31.aarch64: E: statically-linked-binary /usr/libexec/go-toolchain/go1.31.0/pkg/tool/linux_arm64/link",
		"go-toolchain-1.31.x86_64: W: no-manual-page-for-binary go1.31",
	} {
		if silencer(t, shipped, line) == "" {
			t.Errorf("the shipped filters keep %q", line)
		}
	}
}

// TestForPlanFollowsConfig checks the filters follow the configuration:
// its layout, alternatives, commands and split.
func TestForPlanFollowsConfig(t *testing.T) {
	p := load(t, filepath.Join("..", "specgen", "testdata", "custom.yaml")).Plans()[0]
	checks := map[string]Filter{}
	for _, f := range ForPlan(p) {
		checks[f.Check] = f
	}
	for _, tc := range []struct {
		check, line string
		want        bool
	}{
		// /usr/local/bin is not where rpmlint asks for manual pages, and
		// there are no versioned commands.
		{"no-manual-page-for-binary", "", false},
		// The alternative golang and follower golang-gofmt have entries
		// named unlike their links' basenames.
		{"alternative-link-missing", "go-toolchain-1.27.x86_64: E: alternative-link-missing /etc/alternatives/go", true},
		{"alternative-link-missing", "go-toolchain-1.27.aarch64: E: alternative-link-missing /etc/alternatives/gofmt", true},
		{"alternative-link-missing", "go-toolchain-1.27.x86_64: E: alternative-link-missing /etc/alternatives/golang", false},
		// No subpackage suffix is shaped like a language code.
		{"no-dependency-on", "", false},
		// rpmlint takes -source for a development package: only the
		// testdata subpackage gets the devel-file finding.
		{"devel-file-in-non-devel-package", "go-toolchain-1.27-testdata.noarch: W: devel-file-in-non-devel-package /opt/go/golang-1.27/src/runtime/testdata/testprogcgo/a.c", true},
		{"devel-file-in-non-devel-package", "go-toolchain-1.27-source.noarch: W: devel-file-in-non-devel-package /opt/go/golang-1.27/src/runtime/cgo/gcc_linux.c", false},
		// misc/ is excluded.
		{"potential-bashisms", "", false},
		{"zero-length", "go-toolchain-1.27-testdata.noarch: E: zero-length /opt/go/golang-1.27/test/a.out", true},
		{"symlink-should-be-relative", "go-toolchain-1.27.ppc64le: W: symlink-should-be-relative /usr/local/bin/gofmt /etc/alternatives/golang-gofmt", true},
		{"statically-linked-binary", "go-toolchain-1.27.ppc64le: E: statically-linked-binary /opt/go/golang-1.27/pkg/tool/linux_ppc64le/link", true},
		{"statically-linked-binary", "go-toolchain-1.27.x86_64: E: statically-linked-binary /opt/go/golang-1.27/pkg/tool/linux_386/link", false},
		// The documentation (doc/*) goes to the main package.
		{"no-documentation", "go-toolchain-1.27-source.noarch: W: no-documentation", true},
		{"no-documentation", "go-toolchain-1.27.x86_64: W: no-documentation", false},
	} {
		f, ok := checks[tc.check]
		if tc.line == "" {
			if ok {
				t.Errorf("unexpected filter %s: %s", tc.check, f.Regexp)
			}
			continue
		}
		if !ok {
			t.Errorf("no filter for %s", tc.check)
			continue
		}
		if got := regexp.MustCompile(f.Regexp).MatchString(tc.line); got != tc.want {
			t.Errorf("%s filter %s on %q: %v, want %v", tc.check, f.Regexp, tc.line, got, tc.want)
		}
	}
}

// TestWriteRefuses checks a filter neither file format can hold is an
// error, not a broken file.
func TestWriteRefuses(t *testing.T) {
	p := load(t, filepath.Join("..", "examples", "gotc.yaml")).Plans()[0]
	for _, tc := range []struct {
		f      Filter
		format string
		want   string
	}{
		{Filter{Check: "x", Regexp: `a"b`}, "rc", `between " quotes`},
		{Filter{Check: "x", Regexp: `a'b`}, "toml", `between ' quotes`},
		{Filter{Check: "x", Regexp: "a\nb"}, "rc", "quotes"},
		{Filter{Check: "x", Regexp: `a(`}, "toml", "missing closing )"},
	} {
		var buf bytes.Buffer
		var err error
		if tc.format == "rc" {
			err = RC(&buf, p, "gotc.yaml", []Filter{tc.f})
		} else {
			err = TOML(&buf, "h", []Filter{tc.f})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: err %v, want %q", tc.format, tc.f.Regexp, err, tc.want)
		}
	}
}
