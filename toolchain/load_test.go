package toolchain

import (
	"errors"
	"strings"
	"testing"
)

const sha1 = "8a8c0e5ff64d9137eda6a7b5bb9fef49694877d2a9f6a6b1b15f731bef3795f9"
const sha2 = "1b5c4b0d6a4e1e0c1f7f1c4b8b5f0c3e2d1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c"

// minimal is the configuration the issue pins as the smallest legal file.
const minimal = `toolchains:
  - version: "1.26.8"
    sources:
      x86_64: {file: go1.26.8.linux-amd64.tar.gz, sha256: "` + sha1 + `"}
  - version: "1.27.3"
    sources:
      x86_64: {file: go1.27.3.linux-amd64.tar.gz, sha256: "` + sha2 + `"}
`

func TestMinimalConfigDefaults(t *testing.T) {
	c, warns, err := Parse("gotc.yaml", []byte(minimal))
	if err != nil {
		t.Fatalf("minimal config refused: %v", err)
	}
	if len(warns) != 2 {
		t.Errorf("want a no-changelog warning per toolchain, got %v", warns)
	}
	plans := c.Plans()
	got := []string{plans[0].Name, plans[0].RPMVersion, plans[0].GOROOT, plans[0].EVR(), plans[1].Name}
	want := []string{"go-toolchain-1.26", "1.26.8", "/usr/libexec/go-toolchain/go1.26.8", "1.26.8-1", "go-toolchain-1.27"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("derived names: got %q, want %q", got, want)
	}
	a := plans[0].Alternative
	if a.Name != "go" || a.Link != "/usr/bin/go" || a.Path != "/usr/libexec/go-toolchain/go1.26.8/bin/go" || a.Priority != 12608 {
		t.Errorf("alternative: %+v", a)
	}
	if plans[1].Alternative.Priority != 12703 {
		t.Errorf("1.27.3 priority = %d, want 12703", plans[1].Alternative.Priority)
	}
	var followers []string
	for _, f := range a.Followers {
		followers = append(followers, f.Name+" "+f.Link+" "+f.Path)
	}
	wantF := []string{
		"gofmt /usr/bin/gofmt /usr/libexec/go-toolchain/go1.26.8/bin/gofmt",
		"go-toolchain-current /usr/libexec/go-toolchain/current /usr/libexec/go-toolchain/go1.26.8",
	}
	if strings.Join(followers, "\n") != strings.Join(wantF, "\n") {
		t.Errorf("followers:\n%s\nwant:\n%s", strings.Join(followers, "\n"), strings.Join(wantF, "\n"))
	}
}

// TestGoToolchainChoices: go_env may set GOTOOLCHAIN to a value with
// which the go command never downloads; it is what go.env says.
func TestGoToolchainChoices(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"", "local"},
		{"go_env: {GOTOOLCHAIN: local}\n", "local"},
		{"go_env: {GOTOOLCHAIN: path}\n", "path"},
		{"go_env: {GOTOOLCHAIN: local+path, GOPROXY: \"off\"}\n", "local+path"},
	} {
		c, _, err := Parse("gotc.yaml", []byte(tc.yaml+minimal))
		if err != nil {
			t.Fatalf("%q refused: %v", tc.yaml, err)
		}
		p := c.Plans()[0]
		if p.GoToolchain() != tc.want {
			t.Errorf("%q: GoToolchain() = %q, want %q", tc.yaml, p.GoToolchain(), tc.want)
		}
		env := string(p.RewriteGoEnv([]byte("GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n")))
		if !strings.Contains(env, "\nGOTOOLCHAIN="+tc.want+"\n") || strings.Contains(env, "auto") {
			t.Errorf("%q: go.env\n%s", tc.yaml, env)
		}
	}
}

// TestBadConfigs feeds one defect per case; each must be refused with a
// file:line:col message naming it.
func TestBadConfigs(t *testing.T) {
	src := func(tc string) string { return tc }
	tests := []struct {
		name string
		yaml string
		want string // substring of the error, including the position
	}{
		{"empty file", "", "gotc.yaml: empty configuration"},
		{"syntax error", "toolchains: [\n", "gotc.yaml:1:1: invalid YAML"},
		{"tab indentation", "toolchains:\n\t- version: 1\n", "gotc.yaml:2:1: invalid YAML: a tab character: YAML indents with spaces only"},
		{"tab after indentation", "toolchains:\n  -\tversion: 1\n", "gotc.yaml:2:4: invalid YAML: a tab character"},
		{"unknown top key", "toolchain: []\n", `gotc.yaml:1:1: unknown key "toolchain" in top level (did you mean "toolchains"?)`},
		{"unknown nested key", "toolchains:\n  - version: \"1.26.8\"\n    relase: 2\n", `gotc.yaml:3:5: unknown key "relase" in toolchains[0] (did you mean "release"?)`},
		{"wrong type list", "toolchains: {a: 1}\n", "gotc.yaml:1:13: toolchains: want a list, got a mapping"},
		{"wrong type int", "toolchains:\n  - version: \"1.26.8\"\n    release: one\n", `gotc.yaml:3:14: toolchains[0].release: want an integer, got string "one"`},
		{"wrong type bool", "layout: {versioned_commands: 3}\ntoolchains: []\n", "gotc.yaml:1:30: layout.versioned_commands: want true or false, got integer 3"},
		{"duplicate key", "toolchains: []\ntoolchains: []\n", `gotc.yaml:2:1: top level: duplicate key "toolchains"`},
		{"no toolchains", "toolchains: []\n", "gotc.yaml:1:13: toolchains: at least one toolchain is required"},
		{"url naming another file", "toolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {file: go.tar.gz, url: \"https://example.org/dl/other.tar.gz\", sha256: \"" + sha1 + "\"}\n",
			`gotc.yaml:4:38: toolchains[0].sources.x86_64.url: "https://example.org/dl/other.tar.gz" ends in "other.tar.gz", not the file name "go.tar.gz": rpmbuild would look for other.tar.gz`},
		{"two-part version", tcYAML(`"1.26"`, sha1), `gotc.yaml:2:14: toolchains[0].version: version "1.26": write the full release`},
		{"unquoted float version", tcYAML(`1.26`, sha1), `toolchains[0].version: version "1.26": write the full release`},
		{"go prefix", tcYAML(`"go1.26.8"`, sha1), `gotc.yaml:2:14: toolchains[0].version: version "go1.26.8": drop the "go" prefix`},
		{"rc with patch", tcYAML(`"1.26.8rc1"`, sha1), `version "1.26.8rc1": pre-releases have no patch number`},
		{"dash", tcYAML(`"1.26.8-1"`, sha1), `version "1.26.8-1": a dash is not allowed`},
		{"bad sha256", tcYAML(`"1.26.8"`, "abc"), `gotc.yaml:4:53: toolchains[0].sources.x86_64.sha256: "abc" is not a SHA-256`},
		{"uppercase sha256", tcYAML(`"1.26.8"`, strings.ToUpper(sha1)), "toolchains[0].sources.x86_64.sha256: write the sha256 in lowercase hex"},
		{"unknown arch", "toolchains:\n  - version: \"1.26.8\"\n    sources:\n      amd64: {sha256: \"" + sha1 + "\"}\n", `gotc.yaml:4:7: toolchains[0].sources.amd64: unknown arch "amd64"`},
		{"no sources", "toolchains:\n  - version: \"1.26.8\"\n", "gotc.yaml:2:5: toolchains[0].sources: at least one arch"},
		{"duplicate version", twoTC(`"1.26.8"`, `"1.26.8"`, ""), `gotc.yaml:4:14: toolchains[1].version: version 1.26.8 is listed twice`},
		{"same series", twoTC(`"1.26.8"`, `"1.26.9"`, ""), `toolchains[1].version: series 1.26 is listed twice`},
		{"priority collision", twoTC(`"1.26.8"`, `"1.27.3"`, "    priority: 12608\n"), `gotc.yaml:7:15: toolchains[1].priority: priority 12608 collides with toolchains[0]`},
		{"root outside /", "layout: {root: usr/libexec/go}\n" + src(tcYAML(`"1.26.8"`, sha1)), `gotc.yaml:1:16: layout.root: "usr/libexec/go" must be an absolute path`},
		{"root with ..", "layout: {root: /usr/../../etc}\n" + tcYAML(`"1.26.8"`, sha1), `layout.root: "/usr/../../etc" must be a clean path inside /`},
		{"link outside /", "alternatives: {link: ../bin/go}\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:22: alternatives.link: "../bin/go" must be an absolute path`},
		{"follower escapes root", "alternatives:\n  followers:\n    - {name: x, link: /usr/bin/x, target: ../../etc/passwd}\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:3:43: alternatives.followers[0].target: "../../etc/passwd" must be a clean path relative to the toolchain root`},
		{"follower target with shell text", "alternatives:\n  followers:\n    - {name: x, link: /usr/bin/x, target: \"bin/x;reboot\"}\n" + tcYAML(`"1.26.8"`, sha1), `alternatives.followers[0].target: "bin/x;reboot": only letters, digits and /_.+- are allowed`},
		{"target with a NUL byte", "alternatives: {target: \"bin/go\\0\"}\n" + tcYAML(`"1.26.8"`, sha1), `alternatives.target: "bin/go\x00": only letters`},
		{"exclude src/vendor", "exclude: [src/vendor]\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:11: exclude[0]: pattern "src/vendor" would remove src/vendor`},
		{"exclude vendored tree", "exclude: [\"src/cmd/vendor/*\"]\n" + tcYAML(`"1.26.8"`, sha1), `exclude[0]: pattern "src/cmd/vendor/*" would remove src/cmd/vendor/golang.org/x/mod/module/module.go`},
		{"exclude everything", "exclude: [\"*\"]\n" + tcYAML(`"1.26.8"`, sha1), `exclude[0]: pattern "*" would remove bin/go`},
		{"bad pattern char", "exclude: [\"src/$(rm)\"]\n" + tcYAML(`"1.26.8"`, sha1), `exclude[0]: pattern "src/$(rm)": character '$' is not allowed`},
		{"absolute pattern", "doc_files: [/doc]\n" + tcYAML(`"1.26.8"`, sha1), `doc_files[0]: pattern "/doc" must be relative`},
		{"subpackage takes bin/go", "subpackages:\n  - {name: bin, match: [\"bin/*\"]}\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:2:25: subpackages[0].match[0]: pattern "bin/*" moves bin/go or go.env out of the main package`},
		{"subpackage named main", "subpackages:\n  - {name: main, match: [x]}\n" + tcYAML(`"1.26.8"`, sha1), `subpackages[0].name: "main" is reserved`},
		{"subpackage without match", "subpackages:\n  - {name: extra}\n" + tcYAML(`"1.26.8"`, sha1), `subpackages[0].match: a subpackage needs at least one pattern`},
		{"GOTOOLCHAIN auto", "go_env: {GOTOOLCHAIN: auto}\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:23: go_env.GOTOOLCHAIN: GOTOOLCHAIN=auto downloads a newer toolchain`},
		{"GOTOOLCHAIN local+auto", "go_env: {GOTOOLCHAIN: local+auto}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: GOTOOLCHAIN=local+auto downloads a newer toolchain`},
		{"GOTOOLCHAIN name+auto", "go_env: {GOTOOLCHAIN: go1.27.3+auto}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: GOTOOLCHAIN=go1.27.3+auto downloads a newer toolchain`},
		{"GOTOOLCHAIN name", "go_env: {GOTOOLCHAIN: go1.27.3}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: GOTOOLCHAIN=go1.27.3 runs go1.27.3, found in PATH or else downloaded`},
		{"GOTOOLCHAIN name+path", "go_env: {GOTOOLCHAIN: go1.27.3+path}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: GOTOOLCHAIN=go1.27.3+path never downloads, but makes every packaged toolchain older than go1.27.3 run go1.27.3`},
		{"GOTOOLCHAIN other suffix", "go_env: {GOTOOLCHAIN: local+never}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: "local+never" is not a GOTOOLCHAIN value the go command accepts`},
		{"GOTOOLCHAIN not a toolchain", "go_env: {GOTOOLCHAIN: bash}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: "bash" is not a GOTOOLCHAIN value`},
		{"GOTOOLCHAIN empty", "go_env: {GOTOOLCHAIN: \"\"}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOTOOLCHAIN: "" is not a GOTOOLCHAIN value`},
		{"go_env GOTELEMETRY", "go_env: {GOTELEMETRY: \"off\"}\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:10: go_env.GOTELEMETRY: GOTELEMETRY is not read from go.env: the go command reads the telemetry mode only from the user's own configuration (go telemetry off)`},
		{"go_env GODEBUG", "go_env: {GODEBUG: \"x=1\"}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GODEBUG: GODEBUG is not read from go.env: the go command reads it only from the process environment`},
		{"go_env shell value", "go_env: {GOPROXY: \"a'b\"}\n" + tcYAML(`"1.26.8"`, sha1), `go_env.GOPROXY: "a'b": only letters`},
		{"unknown target", "targets: [fedora-7]\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:11: targets[0]: unknown target "fedora-7"`},
		{"target alias twice", "targets: [el9, fc43, rhel-9]\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:22: targets[2]: target "rhel-9" is epel-9, listed already as "el9"`},
		{"target twice", "targets: [el9, el9]\n" + tcYAML(`"1.26.8"`, sha1), `targets[1]: target "el9" is listed twice`},
		{"bad dependency", "requires: [\"foo >= \"]\n" + tcYAML(`"1.26.8"`, sha1), `requires[0]: "foo >= " is not a dependency`},
		{"dir without version", "layout: {dir: go}\n" + tcYAML(`"1.26.8"`, sha1), `layout.dir: "go" must contain {version} or {series}`},
		{"bad changelog date", tcYAML(`"1.26.8"`, sha1) + "    changelog:\n      - {date: 2026-13-01, changes: [x]}\n", `gotc.yaml:6:16: toolchains[0].changelog[0].date: "2026-13-01" is not a YYYY-MM-DD date`},
		{"changelog without changes", tcYAML(`"1.26.8"`, sha1) + "    changelog:\n      - {date: 2026-11-01}\n", `toolchains[0].changelog[0].changes: an entry needs at least one change line`},
		{"bad packager", "packager: bob\n" + tcYAML(`"1.26.8"`, sha1), `gotc.yaml:1:11: packager: "bob" must look like "Name <email>"`},
		{"negative release", tcYAML(`"1.26.8"`, sha1) + "    release: -1\n", `toolchains[0].release: must be a positive integer, got -1`},
		{"alias", "a: &x 1\n", `unknown key "a"`},
		{"two documents", tcYAML(`"1.26.8"`, sha1) + "---\nx: 1\n", "more than one YAML document"},
		{"huge integer", tcYAML(`"1.26.8"`, sha1) + "    release: 99999999999999999999\n", "toolchains[0].release: want an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse("gotc.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted; want error containing %q", tc.want)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

// TestAllErrorsReported checks that validation does not stop at the first
// problem.
func TestAllErrorsReported(t *testing.T) {
	y := "packager: bob\nlayout: {root: relative}\ntoolchains:\n  - version: \"1.26\"\n    sources:\n      x86_64: {sha256: nothex}\n"
	_, _, err := Parse("gotc.yaml", []byte(y))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 4 {
		t.Fatalf("want 4 problems, got %v", err)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Pos.Line < ps[i-1].Pos.Line {
			t.Errorf("problems not in file order: %v", ps)
		}
	}
}

func tcYAML(version, sha string) string {
	return "toolchains:\n  - version: " + version + "\n    sources:\n      x86_64: {file: go.linux-amd64.tar.gz, sha256: \"" + sha + "\"}\n"
}

func twoTC(v1, v2, extra string) string {
	return "toolchains:\n  - version: " + v1 + "\n    sources: {x86_64: {sha256: \"" + sha1 + "\"}}\n" +
		"  - version: " + v2 + "\n    sources: {x86_64: {sha256: \"" + sha2 + "\"}}\n" + "    release: 1\n" + extra
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(tcYAML(`"1.27rc1"`, sha1)))
	f.Add([]byte("exclude: [\"src/[a-\"]\n" + tcYAML(`"1.26.8"`, sha1)))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Parse("fuzz.yaml", data)
		if err != nil {
			if strings.Contains(err.Error(), "goroutine ") {
				t.Fatalf("error carries a stack trace: %v", err)
			}
			return
		}
		for _, p := range c.Plans() {
			p.Scriptlets()
			p.Classify("src/x/testdata/y", false)
			p.RewriteGoEnv([]byte("GOTOOLCHAIN=auto\n"))
		}
	})
}

// TestSubpackageTextDefaults: a rule without a summary or description
// gets both, and the description is longer than the summary, as
// rpmlint's description-shorter-than-summary wants, after expansion.
func TestSubpackageTextDefaults(t *testing.T) {
	for _, tc := range []struct{ name, rule, summary, description string }{
		{"neither", "{name: extra, match: [x]}", "Go 1.26.8 extra files",
			"Go 1.26.8 extra files, packaged apart from the main Go 1.26.8 package."},
		{"summary only", `{name: extra, summary: "Go {version} standard library and command sources", match: [x]}`,
			"Go 1.26.8 standard library and command sources",
			"Go 1.26.8 standard library and command sources, packaged apart from the main Go\n1.26.8 package."},
		{"both", `{name: extra, summary: "S {series}", description: "D {version}.", match: [x]}`, "S 1.26", "D 1.26.8."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := Parse("gotc.yaml", []byte("subpackages:\n  - "+tc.rule+"\n"+minimal))
			if err != nil {
				t.Fatal(err)
			}
			pkg := c.Plans()[0].Packages[1]
			if pkg.Summary != tc.summary || pkg.Description != tc.description {
				t.Errorf("summary %q, description %q; want %q, %q", pkg.Summary, pkg.Description, tc.summary, tc.description)
			}
		})
	}
}
