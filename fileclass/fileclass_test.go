package fileclass

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// libmagic runs file(1) with rpmfc's flags on path: the description and
// the MIME type.
func libmagic(t *testing.T, path string) (desc, mime string) {
	t.Helper()
	run := func(extra ...string) string {
		out, err := exec.Command("file", append([]string{"-z", "-e", "tokens", "-b"}, append(extra, path)...)...).Output()
		if err != nil {
			t.Fatalf("file %s: %v", path, err)
		}
		return strings.TrimSpace(string(out))
	}
	return run(), run("--mime-type")
}

// pngHeader is a PNG signature and IHDR chunk.
func pngHeader(w, h uint32, depth, color, interlace byte) string {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	for _, v := range []uint32{w, h} {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	b = append(b, depth, color, 0, 0, interlace, 0, 0, 0, 0)
	return string(b)
}

// TestMatchesLibmagic classifies files of the kinds a Go toolchain holds
// and compares with what libmagic (file 5.44, rpmbuild 4.18's) says,
// through rpmfc's FILECLASS filter: text in several encodings and line
// endings, C-like and Go sources, scripts, JSON, images, archives, data,
// and ELF files gcc and the Go linker make.
func TestMatchesLibmagic(t *testing.T) {
	testenv.NeedTools(t, "file", "gcc")
	dir := t.TempDir()
	long := strings.Repeat("x", 400)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("compressed text\n"))
	zw.Close()
	cases := map[string]string{
		"ascii":          "hello\nworld\n",
		"utf8":           "grüße\n",
		"bom":            "\xef\xbb\xbfbom text\n",
		"latin1":         "caf\xe9\n",
		"crlf":           "a\r\nb\r\n",
		"mixed-eol":      "a\r\nb\nc\r\n",
		"cr":             "a\rb\r",
		"noeol":          "no terminator",
		"longline":       long + "\nshort\n",
		"escape":         "\x1b[1mbold\x1b[0m\n",
		"overstrike":     "b\bbold\n",
		"c-include":      "#include <stdio.h>\nint x;\n",
		"c-define":       "#define X 1\n",
		"c-struct":       "struct s {\n\tint a;\n};\n",
		"c-ifdef":        "#ifdef X\nint a;\n#endif\n",
		"go-main":        "package main\n\nfunc main() {\n}\n",
		"go-plain":       "package x\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
		"java-main":      "// x\npublic static void main(String[] args) {\n}\n",
		"cpp-class":      "class A {\n  int x;\n};\n",
		"sh":             "#!/bin/sh\necho hi\n",
		"bash":           "#!/bin/bash\necho hi\n",
		"env-bash":       "#!/usr/bin/env bash\necho hi\n",
		"perl":           "#!/usr/bin/perl\nprint 1;\n",
		"python":         "#!/usr/bin/env python3\nprint(1)\n",
		"rc":             "#!/bin/rc\necho hi\n",
		"json":           `{"a": [1, 2, {"b": null}]}` + "\n",
		"ndjson":         "{\"a\":1}\n{\"b\":2}\n",
		"html":           "<!DOCTYPE html>\n<html><body>x</body></html>\n",
		"png":            pngHeader(32, 16, 8, 6, 0) + "IDAT",
		"png-gray":       pngHeader(232, 232, 8, 0, 1) + "IDAT",
		"gif":            "GIF89a\x96\x00\x67\x00\x00\x00\x00",
		"ar":             "!<arch>\nfoo/            0           0     0     644     4         `\nabc\n",
		"data":           "\x00\x01\x02\x03binary\xff\xfe",
		"gzip-text.data": gz.String(),
	}
	for name, content := range cases {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// ELF files: a PIE and a static executable, a shared object and a
	// relocatable object from gcc, and this test binary from the Go
	// linker.
	src := filepath.Join(dir, "hello.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint f(void) { return 1; }\nint main(void) { puts(\"hi\"); return f(); }\n"), 0o644)
	for _, args := range map[string][]string{
		"elf-pie":      {"-o", "elf-pie", "hello.c"},
		"elf-nopie":    {"-no-pie", "-o", "elf-nopie", "hello.c"},
		"elf-stripped": {"-s", "-o", "elf-stripped", "hello.c"},
		"elf-debug":    {"-g", "-o", "elf-debug", "hello.c"},
		"elf-so":       {"-shared", "-fPIC", "-o", "elf-so", "hello.c"},
		"elf-obj":      {"-c", "-o", "elf-obj", "hello.c"},
	} {
		cmd := exec.Command("gcc", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, out)
		}
	}
	if exe, err := os.Executable(); err == nil {
		b, _ := os.ReadFile(exe)
		os.WriteFile(filepath.Join(dir, "elf-go"), b, 0o755)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == "hello.c" {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			p := filepath.Join(dir, e.Name())
			desc, mime := libmagic(t, p)
			got, err := classifyPath(p, 0o755)
			if err != nil {
				t.Fatal(err)
			}
			if want := rpmfcKeep(desc); got.Class != want && !strings.HasSuffix(e.Name(), ".data") {
				t.Errorf("class %q, libmagic %q", got.Class, want)
			}
			if got.MIME != mime && !strings.HasSuffix(e.Name(), ".data") {
				t.Errorf("MIME %q, libmagic %q", got.MIME, mime)
			}
			wantColor := uint32(0)
			if strings.HasPrefix(e.Name(), "elf-") {
				wantColor = 2
			}
			if got.Color != wantColor {
				t.Errorf("color %d, want %d", got.Color, wantColor)
			}
		})
	}
}

// TestRecordedFixture classifies the recorded fixture's files and
// compares with what rpmbuild 6 recorded (oracles/fixture-v4.filecolor:
// FILECOLORS and FILECLASS; fixture-v6.filecolor: the MIME types).
func TestRecordedFixture(t *testing.T) {
	rec := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6")
	hello, err := os.ReadFile(filepath.Join(rec, "packages", "hello.bin"))
	if err != nil {
		t.Fatalf("the rpm 6 recordings are required: %v", err)
	}
	files := map[string]struct {
		body string
		mode uint32
	}{
		"/etc/fixture/fixture.conf":           {"key=value\n", 0o100644},
		"/usr/libexec/fixture/empty":          {"", 0o100644},
		"/usr/libexec/fixture/hello":          {string(hello), 0o100755},
		"/usr/libexec/fixture/run.sh":         {"#!/bin/sh\n", 0o100755},
		"/usr/share/doc/fixture/README":       {"docs\n", 0o100644},
		"/usr/share/licenses/fixture/LICENSE": {"MIT\n", 0o100644},
	}
	oracle := func(name string) map[string][]string {
		f, err := os.Open(filepath.Join(rec, "oracles", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m := map[string][]string{}
		s := bufio.NewScanner(f)
		for s.Scan() {
			// path, color, then the class (which may hold spaces) and
			// the MIME type (which holds none), either empty.
			path, rest, _ := strings.Cut(s.Text(), " ")
			color, rest, _ := strings.Cut(rest, " ")
			i := strings.LastIndexByte(rest, ' ')
			m[path] = []string{color, rest[:i], rest[i+1:]}
		}
		return m
	}
	v4, v6 := oracle("fixture-v4.filecolor"), oracle("fixture-v6.filecolor")
	for path, f := range files {
		got, err := Regular(path, f.mode, strings.NewReader(f.body), int64(len(f.body)))
		if err != nil {
			t.Fatal(err)
		}
		if w := v4[path]; got.Class != w[1] || strings.TrimSpace(w[0]) != string(rune('0'+got.Color)) {
			t.Errorf("%s: class %q color %d, rpmbuild 6 (v4) %q %s", path, got.Class, got.Color, w[1], w[0])
		}
		// rpm 6 stores no MIME type for an empty file's... it does:
		// inode/x-empty, as Regular.
		if w := v6[path]; got.MIME != w[2] {
			t.Errorf("%s: MIME %q, rpmbuild 6 %q", path, got.MIME, w[2])
		}
	}
}

// TestNotExecutableELF checks that only executable ELF files are
// coloured, as rpmbuild colours them.
func TestNotExecutableELF(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode  uint32
		color uint32
	}{{0o100755, 2}, {0o100700, 2}, {0o100644, 0}} {
		got, err := Regular("x", c.mode, bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if got.Color != c.color || !strings.HasPrefix(got.Class, "ELF 64-bit LSB") {
			t.Errorf("mode %#o: color %d class %q, want color %d", c.mode, got.Color, got.Class, c.color)
		}
	}
}

// FuzzRegular feeds Regular arbitrary content: never a panic.
func FuzzRegular(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"), uint32(0o755))
	f.Add([]byte("#!/bin/sh\n"), uint32(0o755))
	f.Add([]byte(pngHeader(1, 1, 8, 2, 0)), uint32(0o644))
	f.Add([]byte("{\"a\":1}\n"), uint32(0o644))
	f.Fuzz(func(t *testing.T, b []byte, mode uint32) {
		Regular("f", mode, bytes.NewReader(b), int64(len(b)))
	})
}
