package srctree

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/tartest"
	"github.com/gotc-project/gotc/internal/testenv"
)

// extractTarball is the name every test tarball is written under.
const extractTarball = "go1.26.8.linux-amd64.tar.gz"

// reg, dir and sym are shorthands for entries.
var (
	reg = tartest.Reg
	dir = tartest.Dir
	sym = tartest.Sym
)

// extractBase is a valid start every hostile tarball builds on, so the
// refusal comes after something was unpacked.
var extractBase = []tartest.Entry{dir("go/"), reg("go/VERSION", "go1.26.8\n"), reg("go/src/x.go", "package x\n")}

// withBase returns extractBase followed by entries, as a .tar.gz.
func withBase(t testing.TB, entries ...tartest.Entry) []byte {
	t.Helper()
	return tartest.TarGz(t, append(slices.Clone(extractBase), entries...)...)
}

// extractCase is one tarball Extract must refuse.
type extractCase struct {
	name    string
	tarball []byte
	opt     ExtractOptions // SHA256 is the tarball's unless set
	kind    error
	entry   string // the entry the message must name, "" for none
	empty   bool   // the entry the message must name is ""
	want    string // in the message
}

// extractCases returns the refusal table; FuzzExtract seeds from it.
func extractCases(t testing.TB) []extractCase {
	t.Helper()
	valid := withBase(t)
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	// Words, so deflate codes them with Huffman tables a corruption
	// breaks (random bytes would be stored as they are).
	words := []string{"func", "package", "return", "if", "err", "nil", "x", "for", "range", "go", "\n", "\t"}
	var text strings.Builder
	for text.Len() < 256<<10 {
		text.WriteString(words[rng.IntN(len(words))])
		text.WriteByte(' ')
	}
	big := withBase(t, reg("go/big", text.String()), reg("go/after", "x"))
	corrupt := badBlock(t, text.String())
	badCRC := slices.Clone(valid)
	badCRC[len(badCRC)-8] ^= 0xff
	trailing := tartest.Gzip(t, append(tartest.Tar(t, tar.FormatUnknown, extractBase), make([]byte, 2<<20)...))
	long := "go/" + strings.Repeat("abcdefgh/", 455) + "z" // 4099 bytes
	const huge = 1 << 40

	return []extractCase{
		// The file itself.
		{name: "checksum mismatch", tarball: valid, opt: ExtractOptions{SHA256: strings.Repeat("ab", 32)}, kind: ErrChecksum, want: "checksum mismatch: SHA-256 is " + tartest.SHA256(valid) + ", want abab"},
		{name: "not gzip", tarball: []byte("this is no tarball\n"), kind: ErrCorrupt, want: "not a gzip-compressed tarball"},
		{name: "plain tar", tarball: tartest.Tar(t, tar.FormatUnknown, extractBase), kind: ErrCorrupt, want: "not a gzip-compressed tarball"},
		{name: "empty file", tarball: []byte{}, kind: ErrCorrupt, want: "not a gzip-compressed tarball (empty file)"},
		{name: "truncated in a body", tarball: big[:len(big)/2], kind: ErrCorrupt, entry: "go/big", want: "truncated tarball"},
		{name: "truncated gzip header", tarball: valid[:5], kind: ErrCorrupt, want: "truncated tarball"},
		{name: "truncated after an entry", tarball: tartest.Gzip(t, tartest.Tar(t, tar.FormatUnknown, extractBase)[:3*512]), kind: ErrCorrupt, entry: "go/VERSION", want: "truncated tarball: no end-of-archive marker after entry"},
		{name: "corrupt deflate block", tarball: corrupt, kind: ErrCorrupt, entry: "go/big", want: "corrupt gzip stream: flate: corrupt input"},
		{name: "corrupt gzip checksum", tarball: badCRC, kind: ErrCorrupt, want: "gzip: invalid checksum"},
		{name: "gzip of no tar", tarball: tartest.Gzip(t, bytes.Repeat([]byte("not a tar archive "), 100)), kind: ErrCorrupt, want: "corrupt tar archive"},
		{name: "data after the archive", tarball: trailing, kind: ErrHostile, want: "bytes of data after the end of the tar archive"},
		{name: "no go directory", tarball: tartest.TarGz(t), kind: ErrHostile, want: "no go/ directory in the tarball"},

		// Names.
		{name: "dotdot", tarball: withBase(t, reg("go/../etc/passwd", "x")), kind: ErrHostile, entry: "go/../etc/passwd", want: "path escapes the toolchain root"},
		{name: "dotdot staying inside", tarball: withBase(t, reg("go/src/../y", "x")), kind: ErrHostile, entry: "go/src/../y", want: "path escapes the toolchain root"},
		{name: "dotdot first", tarball: withBase(t, reg("../go/y", "x")), kind: ErrHostile, entry: "../go/y", want: "path escapes the toolchain root"},
		{name: "dotdot last", tarball: withBase(t, dir("go/src/..")), kind: ErrHostile, entry: "go/src/..", want: "path escapes the toolchain root"},
		{name: "absolute", tarball: withBase(t, reg("/etc/passwd", "x")), kind: ErrHostile, entry: "/etc/passwd", want: "absolute path"},
		{name: "absolute under go", tarball: withBase(t, reg("/go/y", "x")), kind: ErrHostile, entry: "/go/y", want: "absolute path"},
		{name: "other top directory", tarball: withBase(t, reg("goo/y", "x")), kind: ErrHostile, entry: "goo/y", want: "outside the go/ top directory"},
		{name: "file beside go", tarball: withBase(t, reg("VERSION", "x")), kind: ErrHostile, entry: "VERSION", want: "outside the go/ top directory"},
		{name: "dot directory", tarball: tartest.TarGz(t, dir("./"), dir("./go/")), kind: ErrHostile, entry: "./", want: "outside the go/ top directory"},
		{name: "go a file", tarball: tartest.TarGz(t, reg("go", "x")), kind: ErrHostile, entry: "go", want: "the top-level go entry must be a directory"},
		{name: "go a symlink", tarball: tartest.TarGz(t, sym("go", "/usr/lib/golang")), kind: ErrHostile, entry: "go", want: "the top-level go entry must be a directory"},
		{name: "empty name", tarball: withBase(t, reg("", "x")), kind: ErrHostile, empty: true, want: "empty name"},
		{name: "duplicate file", tarball: withBase(t, reg("go/VERSION", "go1.99\n")), kind: ErrHostile, entry: "go/VERSION", want: `duplicate entry for "go/VERSION"`},
		{name: "duplicate after cleaning", tarball: withBase(t, reg("go/./src//x.go", "x")), kind: ErrHostile, entry: "go/./src//x.go", want: `duplicate entry for "go/src/x.go"`},
		{name: "duplicate directory", tarball: withBase(t, dir("go")), kind: ErrHostile, entry: "go", want: `duplicate entry for "go"`},
		{name: "directory then file", tarball: withBase(t, dir("go/d/"), reg("go/d", "x")), kind: ErrHostile, entry: "go/d", want: `duplicate entry for "go/d"`},
		{name: "file over parent directory", tarball: withBase(t, reg("go/src", "x")), kind: ErrHostile, entry: "go/src", want: "already a directory of earlier entries"},
		{name: "file under file", tarball: withBase(t, reg("go/VERSION/y", "x")), kind: ErrHostile, entry: "go/VERSION/y", want: `parent "go/VERSION" is not a directory`},
		{name: "space", tarball: withBase(t, reg("go/a b", "x")), kind: ErrHostile, entry: "go/a b", want: "rpm file lists cannot represent"},
		{name: "tab", tarball: withBase(t, reg("go/a\tb", "x")), kind: ErrHostile, entry: "go/a\tb", want: "rpm file lists cannot represent"},
		{name: "newline", tarball: withBase(t, reg("go/a\nb", "x")), kind: ErrHostile, entry: "go/a\nb", want: "rpm file lists cannot represent"},
		{name: "control byte", tarball: withBase(t, reg("go/a\x01b", "x")), kind: ErrHostile, entry: "go/a\x01b", want: "rpm file lists cannot represent"},
		{name: "delete byte", tarball: withBase(t, reg("go/a\x7fb", "x")), kind: ErrHostile, entry: "go/a\x7fb", want: "rpm file lists cannot represent"},
		{name: "percent", tarball: withBase(t, reg("go/%{name}", "x")), kind: ErrHostile, entry: "go/%{name}", want: "rpm file lists cannot represent"},
		{name: "glob", tarball: withBase(t, reg("go/*", "x")), kind: ErrHostile, entry: "go/*", want: "rpm file lists cannot represent"},
		{name: "question mark", tarball: withBase(t, reg("go/a?", "x")), kind: ErrHostile, entry: "go/a?", want: "rpm file lists cannot represent"},
		{name: "brackets", tarball: withBase(t, reg("go/[a]", "x")), kind: ErrHostile, entry: "go/[a]", want: "rpm file lists cannot represent"},
		{name: "double quote", tarball: withBase(t, reg(`go/a"b`, "x")), kind: ErrHostile, entry: `go/a"b`, want: "rpm file lists cannot represent"},
		{name: "backslash", tarball: withBase(t, reg(`go/a\b`, "x")), kind: ErrHostile, entry: `go/a\b`, want: "rpm file lists cannot represent"},
		{name: "dollar", tarball: withBase(t, reg("go/$HOME", "x")), kind: ErrHostile, entry: "go/$HOME", want: "rpm file lists cannot represent"},
		{name: "backquote", tarball: withBase(t, reg("go/`id`", "x")), kind: ErrHostile, entry: "go/`id`", want: "rpm file lists cannot represent"},
		{name: "bad byte in a directory", tarball: withBase(t, reg("go/a b/c", "x")), kind: ErrHostile, entry: "go/a b/c", want: "rpm file lists cannot represent"},
		{name: "name too long", tarball: withBase(t, reg(long, "x")), kind: ErrHostile, entry: long, want: "name is longer than 4096 bytes"},

		// Symlinks.
		{name: "symlink up and out", tarball: withBase(t, sym("go/l", "../etc/passwd")), kind: ErrHostile, entry: "go/l", want: `symlink target "../etc/passwd" leaves the toolchain root`},
		{name: "symlink out from below", tarball: withBase(t, sym("go/src/l", "../../x")), kind: ErrHostile, entry: "go/src/l", want: "leaves the toolchain root"},
		{name: "symlink out and back", tarball: withBase(t, sym("go/l", "../go/VERSION")), kind: ErrHostile, entry: "go/l", want: "leaves the toolchain root"},
		{name: "symlink absolute", tarball: withBase(t, sym("go/l", "/etc/passwd")), kind: ErrHostile, entry: "go/l", want: `absolute symlink target "/etc/passwd"`},
		{name: "symlink empty", tarball: withBase(t, sym("go/l", "")), kind: ErrHostile, entry: "go/l", want: "empty symlink target"},
		{name: "symlink target too long", tarball: withBase(t, sym("go/l", strings.Repeat("a/", 2049))), kind: ErrHostile, entry: "go/l", want: "symlink target is longer than 4096 bytes"},
		{name: "symlink via symlink", tarball: withBase(t, sym("go/src/up", ".."), sym("go/y", "src/up/..")), kind: ErrHostile, entry: "go/y", want: `symlink target "src/up/.." leaves the toolchain root`},
		{name: "symlink via later symlink", tarball: withBase(t, sym("go/y", "src/up/../VERSION"), sym("go/src/up", "..")), kind: ErrHostile, entry: "go/y", want: "leaves the toolchain root"},
		{name: "symlink loop", tarball: withBase(t, sym("go/a", "b"), sym("go/b", "a/x")), kind: ErrHostile, entry: "go/b", want: "too many levels of symbolic links"},
		{name: "file through symlink", tarball: withBase(t, sym("go/lnk", "src"), reg("go/lnk/x", "x")), kind: ErrHostile, entry: "go/lnk/x", want: `path goes through symlink "go/lnk"`},
		{name: "file through dangling symlink", tarball: withBase(t, sym("go/lnk", "sub"), reg("go/lnk/x", "x")), kind: ErrHostile, entry: "go/lnk/x", want: `path goes through symlink "go/lnk"`},
		{name: "directory through symlink", tarball: withBase(t, sym("go/lnk", "src"), dir("go/lnk/d/")), kind: ErrHostile, entry: "go/lnk/d/", want: `path goes through symlink "go/lnk"`},
		{name: "symlink over symlink", tarball: withBase(t, sym("go/lnk", "src"), sym("go/lnk", "VERSION")), kind: ErrHostile, entry: "go/lnk", want: "duplicate entry"},

		// Other types.
		{name: "hard link", tarball: withBase(t, tartest.Entry{Name: "go/h", Type: tar.TypeLink, Link: "go/VERSION"}), kind: ErrHostile, entry: "go/h", want: `hard link to "go/VERSION" refused: upstream Go tarballs contain no hard links`},
		{name: "hard link outside", tarball: withBase(t, tartest.Entry{Name: "go/h", Type: tar.TypeLink, Link: "/etc/shadow"}), kind: ErrHostile, entry: "go/h", want: `hard link to "/etc/shadow" outside the toolchain root refused`},
		{name: "hard link up", tarball: withBase(t, tartest.Entry{Name: "go/h", Type: tar.TypeLink, Link: "go/../x"}), kind: ErrHostile, entry: "go/h", want: "outside the toolchain root"},
		{name: "character device", tarball: withBase(t, tartest.Entry{Name: "go/null", Type: tar.TypeChar}), kind: ErrHostile, entry: "go/null", want: "character device refused"},
		{name: "block device", tarball: withBase(t, tartest.Entry{Name: "go/sda", Type: tar.TypeBlock}), kind: ErrHostile, entry: "go/sda", want: "block device refused"},
		{name: "fifo", tarball: withBase(t, tartest.Entry{Name: "go/fifo", Type: tar.TypeFifo}), kind: ErrHostile, entry: "go/fifo", want: "FIFO refused"},
		{name: "contiguous file", tarball: withBase(t, tartest.Entry{Name: "go/c", Type: tar.TypeCont}), kind: ErrHostile, entry: "go/c", want: "entry type '7' refused"},
		{name: "unknown type", tarball: withBase(t, tartest.Entry{Name: "go/z", Type: 'Z'}), kind: ErrHostile, entry: "go/z", want: "entry type 'Z' refused"},
		{name: "pax global header", tarball: tartest.TarGz(t, tartest.Entry{Type: tar.TypeXGlobalHeader, Body: "made by git"}, dir("go/")), kind: ErrHostile, entry: "GlobalHead.0.0", want: "entry type 'g' refused"},

		// Modes.
		{name: "setuid", tarball: withBase(t, tartest.Entry{Name: "go/bin/su", Mode: 0o4755}), kind: ErrHostile, entry: "go/bin/su", want: "mode 4755 has the setuid bit set"},
		{name: "setgid directory", tarball: withBase(t, tartest.Entry{Name: "go/d/", Type: tar.TypeDir, Mode: 0o2755}), kind: ErrHostile, entry: "go/d/", want: "mode 2755 has the setgid bit set"},
		{name: "sticky directory", tarball: withBase(t, tartest.Entry{Name: "go/tmp/", Type: tar.TypeDir, Mode: 0o1777}), kind: ErrHostile, entry: "go/tmp/", want: "mode 1777 has the sticky bit set"},
		{name: "all special bits", tarball: withBase(t, tartest.Entry{Name: "go/x", Mode: 0o7755}), kind: ErrHostile, entry: "go/x", want: "setuid and setgid and sticky bits set"},

		// Limits.
		{name: "too many entries", tarball: tartest.TarGz(t, dir("go/"), reg("go/a", "x"), reg("go/b", "x"), reg("go/c", "x")), opt: ExtractOptions{MaxEntries: 3}, kind: ErrHostile, entry: "go/c", want: "more than 3 entries"},
		{name: "too many parent directories", tarball: tartest.TarGz(t, reg("go/a/b/c/d", "x")), opt: ExtractOptions{MaxEntries: 3}, kind: ErrHostile, entry: "go/a/b/c/d", want: "more than 3 files and directories"},
		{name: "too much data", tarball: withBase(t, reg("go/more", "12345678")), opt: ExtractOptions{MaxBytes: 20}, kind: ErrHostile, entry: "go/more", want: "file data exceeds the 20-byte limit (this entry declares 8 bytes)"},
		{name: "huge size claimed", tarball: withBase(t, tartest.Entry{Name: "go/huge", Size: huge}), kind: ErrHostile, entry: "go/huge", want: "file data exceeds the 4294967296-byte limit (this entry declares 1099511627776 bytes)"},
	}
}

// badBlock returns a .tar.gz holding go/big with body, whose deflate
// stream has a block of the reserved type in the middle of the body.
func badBlock(t testing.TB, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "go/big", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), ModTime: tartest.Time}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(tw, body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	if err := zw.Flush(); err != nil { // the next block starts on a byte
		t.Fatal(err)
	}
	at := b.Len()
	if _, err := io.WriteString(tw, body[len(body)/2:]); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	out[at] = 0b111 // BFINAL 1, BTYPE 11: reserved
	return out
}

// extractLayout writes tarball into a fresh directory beside an empty
// target directory and returns the tarball's path and the target.
func extractLayout(t testing.TB, tarball []byte) (tgz, out string) {
	t.Helper()
	tmp := t.TempDir()
	tgz = filepath.Join(tmp, extractTarball)
	out = filepath.Join(tmp, "out")
	if err := os.WriteFile(tgz, tarball, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return tgz, out
}

// checkNothingElse fails unless tgz's directory holds just the tarball
// and out, and out (Extract's temporary directory) is empty: the spool
// file is unlinked as soon as it is created.
func checkNothingElse(t testing.TB, tgz, out string) {
	t.Helper()
	names, err := os.ReadDir(filepath.Dir(tgz))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
	}
	if want := []string{extractTarball, "out"}; !slices.Equal(got, want) {
		t.Errorf("beside the temporary directory: %q, want %q", got, want)
	}
	left, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("temporary directory not left empty: %v", left)
	}
}

func TestExtractRefuses(t *testing.T) {
	for _, tc := range extractCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tgz, out := extractLayout(t, tc.tarball)
			opt := tc.opt
			if opt.SHA256 == "" {
				opt.SHA256 = tartest.SHA256(tc.tarball)
			}
			tree, err := Extract(tgz, out, opt)
			if err == nil {
				tree.Close()
				t.Fatal("Extract succeeded, want an error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, tgz+": ") || strings.Count(msg, extractTarball) != 1 {
				t.Errorf("error %q does not start with the tarball's path or names it again", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %q is not %v", msg, tc.kind)
			}
			for _, other := range []error{ErrChecksum, ErrHostile, ErrCorrupt} {
				if other != tc.kind && errors.Is(err, other) {
					t.Errorf("error %q is also %v", msg, other)
				}
			}
			var xe *ExtractError
			if !errors.As(err, &xe) {
				t.Fatalf("error %q is not an *ExtractError", msg)
			}
			if xe.Tarball != tgz {
				t.Errorf("Tarball = %q, want %q", xe.Tarball, tgz)
			}
			if q := quoteEntryName(tc.entry); tc.entry != "" || tc.empty {
				if !strings.Contains(msg, "entry "+q) {
					t.Errorf("error %q does not name entry %s", msg, q)
				}
				if xe.Index > 0 && xe.Entry != tc.entry {
					t.Errorf("Entry = %q, want %q", xe.Entry, tc.entry)
				}
			} else if xe.Index != 0 {
				t.Errorf("error %q names entry %d, want none", msg, xe.Index)
			}
			checkNothingElse(t, tgz, out)
		})
	}
}

func TestExtractUsage(t *testing.T) {
	valid := withBase(t)
	sum := tartest.SHA256(valid)
	tests := []struct {
		name  string
		setup func(t *testing.T, tgz, out string) (string, string) // returns the arguments
		opt   ExtractOptions
		want  string
		is    error
	}{
		{name: "no checksum", opt: ExtractOptions{}, want: "no expected SHA-256 given"},
		{name: "short checksum", opt: ExtractOptions{SHA256: sum[:63]}, want: "is not 64 hex digits"},
		{name: "checksum not hex", opt: ExtractOptions{SHA256: strings.Repeat("g", 64)}, want: "is not 64 hex digits"},
		{name: "no tarball", opt: ExtractOptions{SHA256: sum}, is: fs.ErrNotExist,
			setup: func(t *testing.T, tgz, out string) (string, string) { return tgz + ".missing", out }},
		{name: "tarball a directory", opt: ExtractOptions{SHA256: sum}, want: "not a regular file",
			setup: func(t *testing.T, tgz, out string) (string, string) { return out, out }},
		{name: "no temporary directory", opt: ExtractOptions{SHA256: sum}, want: "creating spool file", is: fs.ErrNotExist,
			setup: func(t *testing.T, tgz, out string) (string, string) { return tgz, filepath.Join(out, "missing") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tgz, out := extractLayout(t, valid)
			argTgz, argOut := tgz, out
			if tc.setup != nil {
				argTgz, argOut = tc.setup(t, tgz, out)
			}
			tree, err := Extract(argTgz, argOut, tc.opt)
			if err == nil {
				tree.Close()
				t.Fatal("Extract succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), argTgz+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q after the tarball's path", err, tc.want)
			}
			if n := strings.Count(err.Error(), filepath.Base(argTgz)); n != 1 {
				t.Errorf("error %q names the tarball %d times, want once", err, n)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			for _, kind := range []error{ErrChecksum, ErrHostile, ErrCorrupt} {
				if errors.Is(err, kind) {
					t.Errorf("error %q is %v; the tarball is not at fault", err, kind)
				}
			}
			checkNothingElse(t, tgz, out)
		})
	}
}

// TestCheckSHA256 checks the checksum test Extract starts with, as the
// source package builder uses it: the file's information when it
// matches, else an *ExtractError naming the file once.
func TestCheckSHA256(t *testing.T) {
	valid := withBase(t)
	sum := tartest.SHA256(valid)
	tests := []struct {
		name string
		path func(tgz string) string
		sum  string
		kind error // ErrChecksum, or nil for an error that is not the tarball's fault
		is   error
		want string // in the message; "" when it must succeed
	}{
		{name: "match", sum: sum},
		{name: "match, upper case", sum: strings.ToUpper(sum)},
		{name: "mismatch", sum: strings.Repeat("ab", 32), kind: ErrChecksum, want: "checksum mismatch: SHA-256 is " + sum + ", want " + strings.Repeat("ab", 32)},
		{name: "no checksum", want: "no expected SHA-256 given"},
		{name: "bad checksum", sum: "xyz", want: `expected SHA-256 "xyz" is not 64 hex digits`},
		{name: "missing", path: func(tgz string) string { return tgz + ".missing" }, sum: sum, is: fs.ErrNotExist, want: "open: no such file or directory"},
		{name: "directory", path: filepath.Dir, sum: sum, want: "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tgz, _ := extractLayout(t, valid)
			path := tgz
			if tc.path != nil {
				path = tc.path(tgz)
			}
			info, err := CheckSHA256(path, tc.sum)
			if tc.want == "" {
				if err != nil || info.Size() != int64(len(valid)) {
					t.Fatalf("CheckSHA256: %v, %v; want the file's information", info, err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckSHA256 succeeded, want an error")
			}
			msg := err.Error()
			var xe *ExtractError
			if !errors.As(err, &xe) || msg != path+": "+tc.want {
				t.Errorf("error %q, want an *ExtractError %q", msg, path+": "+tc.want)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) || tc.kind == nil && errors.Is(err, ErrChecksum) {
				t.Errorf("error %q: errors.Is(ErrChecksum) is wrong", msg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", msg, tc.is)
			}
		})
	}
}

// extractTree is the tree of TestExtract: a small toolchain.
func extractTree() []tartest.Entry {
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	longDir := "go/src/" + strings.Repeat("d", 120) + "/" + strings.Repeat("e", 120) + "/" + strings.Repeat("f", 120)
	return []tartest.Entry{
		{Name: "go/", Type: tar.TypeDir, MTime: t1},
		{Name: "go/VERSION", Body: "go1.26.8\ntime 2026-08-28T16:20:00Z\n", MTime: t1},
		{Name: "go/go.env", Body: "GOTOOLCHAIN=auto\n", Mode: 0o664},
		{Name: "go/bin/", Type: tar.TypeDir, Mode: 0o775},
		{Name: "go/bin/go", Body: "\x7fELF go", Mode: 0o775, MTime: t2},
		{Name: "go/pkg/tool/linux_amd64/compile", Body: "\x7fELF compile", Mode: 0o700},
		{Name: "go/src/x.go", Body: "package x\n", Mode: 0o600},
		{Name: "go/src/a/testdata/y", Body: "y\n", Mode: 0o444},
		{Name: "go/src/a/testdata/script.sh", Body: "#!/bin/sh\n", Mode: 0o744},
		{Name: "go/src/lnk", Type: tar.TypeSymlink, Link: "a/testdata/y"},
		{Name: "go/src/a/testdata/top", Type: tar.TypeSymlink, Link: "../../.."},
		{Name: "go/src/a/testdata/dangling", Type: tar.TypeSymlink, Link: "missing/../y"},
		{Name: "go/misc/z", Body: "z\n"},
		{Name: "go/misc/", Type: tar.TypeDir, MTime: t2},
		{Name: "go/src/./cmd//go/testdata/mod/rsc.io_!q!u!o!t!e_v1.5.2.txt", Body: "quote\n"},
		{Name: "go/src/a+b,c@d=e:f~g^h-i", Body: "odd\n"},
		{Name: longDir + "/long.go", Body: "package long\n"},
		{Name: "go/empty", Body: ""},
	}
}

// extractWant is what unpacking extractTree leaves: mode and body or
// link target by path.
func extractWant() map[string]string {
	longDir := "go/src/" + strings.Repeat("d", 120) + "/" + strings.Repeat("e", 120) + "/" + strings.Repeat("f", 120)
	want := map[string]string{
		"go":                              "drwxr-xr-x",
		"go/VERSION":                      "-rw-r--r-- go1.26.8\ntime 2026-08-28T16:20:00Z\n",
		"go/go.env":                       "-rw-r--r-- GOTOOLCHAIN=auto\n",
		"go/bin":                          "drwxr-xr-x",
		"go/bin/go":                       "-rwxr-xr-x \x7fELF go",
		"go/pkg":                          "drwxr-xr-x",
		"go/pkg/tool":                     "drwxr-xr-x",
		"go/pkg/tool/linux_amd64":         "drwxr-xr-x",
		"go/pkg/tool/linux_amd64/compile": "-rwxr-xr-x \x7fELF compile",
		"go/src":                          "drwxr-xr-x",
		"go/src/x.go":                     "-rw-r--r-- package x\n",
		"go/src/a":                        "drwxr-xr-x",
		"go/src/a/testdata":               "drwxr-xr-x",
		"go/src/a/testdata/y":             "-rw-r--r-- y\n",
		"go/src/a/testdata/script.sh":     "-rwxr-xr-x #!/bin/sh\n",
		"go/src/lnk":                      "L a/testdata/y",
		"go/src/a/testdata/top":           "L ../../..",
		"go/src/a/testdata/dangling":      "L missing/../y",
		"go/misc":                         "drwxr-xr-x",
		"go/misc/z":                       "-rw-r--r-- z\n",
		"go/src/cmd":                      "drwxr-xr-x",
		"go/src/cmd/go":                   "drwxr-xr-x",
		"go/src/cmd/go/testdata":          "drwxr-xr-x",
		"go/src/cmd/go/testdata/mod":      "drwxr-xr-x",
		"go/src/cmd/go/testdata/mod/rsc.io_!q!u!o!t!e_v1.5.2.txt": "-rw-r--r-- quote\n",
		"go/src/a+b,c@d=e:f~g^h-i":                                "-rw-r--r-- odd\n",
		longDir + "/long.go":                                      "-rw-r--r-- package long\n",
		"go/empty":                                                "-rw-r--r-- ",
	}
	for d := longDir; d != "go/src"; d = filepath.Dir(d) {
		want[d] = "drwxr-xr-x"
	}
	return want
}

// describeTree describes every entry of tree as extractWant does, by
// archive name.
func describeTree(t testing.TB, tree *Tree) map[string]string {
	t.Helper()
	got := map[string]string{}
	for i := range tree.entries {
		e := &tree.entries[i]
		name := path.Join("go", e.Rel)
		if _, dup := got[name]; dup {
			t.Errorf("%s: listed twice", name)
		}
		switch e.Mode & modeType {
		case ModeSymlink & modeType:
			got[name] = "L " + e.LinkTo
		case ModeDir & modeType:
			got[name] = (fs.FileMode(e.Mode&0o777) | fs.ModeDir).String()
		default:
			got[name] = fs.FileMode(e.Mode&0o777).String() + " " + string(readBody(t, tree, e))
		}
	}
	return got
}

// readBody reads regular file e of tree.
func readBody(t testing.TB, tree *Tree, e *Entry) []byte {
	t.Helper()
	rc, err := tree.Open(e)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != e.Size {
		t.Errorf("%s: body of %d bytes, size %d", e.Rel, len(b), e.Size)
	}
	return b
}

// materialize writes tree under dir/go, as tar would unpack it, through
// an os.Root: any entry leading outside dir makes it fail.
func materialize(t testing.TB, tree *Tree, dir string) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for i := range tree.entries {
		e := &tree.entries[i]
		name := path.Join("go", e.Rel)
		switch e.Mode & modeType {
		case ModeSymlink & modeType:
			err = root.Symlink(e.LinkTo, name)
		case ModeDir & modeType:
			err = root.Mkdir(name, 0o755)
		default:
			var f *os.File
			if f, err = root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fs.FileMode(e.Mode&0o777)); err == nil {
				_, err = f.Write(readBody(t, tree, e))
				f.Close()
			}
		}
		if err != nil {
			t.Fatalf("materializing %s: %v", name, err)
		}
	}
}

func TestExtract(t *testing.T) {
	for _, format := range []tar.Format{tar.FormatPAX, tar.FormatGNU} {
		t.Run(format.String(), func(t *testing.T) {
			entries := extractTree()
			tarball := tartest.Gzip(t, tartest.Tar(t, format, entries))
			tgz, out := extractLayout(t, tarball)
			tree, err := Extract(tgz, out, ExtractOptions{SHA256: tartest.SHA256(tarball), MaxEntries: 40, MaxBytes: 200})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			defer tree.Close()
			checkNothingElse(t, tgz, out)
			got, want := describeTree(t, tree), extractWant()
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s: got %q, want %q", p, got[p], w)
				}
			}
			for p, g := range got {
				if _, ok := want[p]; !ok {
					t.Errorf("%s: unexpected %q", p, g)
				}
			}
			mtimes := []struct {
				path string
				want time.Time
			}{
				{"go", entries[0].MTime},
				{"go/VERSION", entries[1].MTime},
				{"go/go.env", tartest.Time},
				{"go/bin", tartest.Time},
				{"go/bin/go", entries[4].MTime},
				{"go/misc", entries[13].MTime}, // listed after its file
				{"go/misc/z", tartest.Time},
				{"go/src/lnk", tartest.Time},
				{"go/pkg", time.Time{}}, // never listed: unknown
			}
			for _, m := range mtimes {
				e := tree.Lookup(relOf(m.path))
				if e == nil {
					t.Fatalf("%s: not in the tree", m.path)
				}
				if !e.MTime.Equal(m.want) {
					t.Errorf("%s: mtime %v, want %v", m.path, e.MTime, m.want)
				}
			}
		})
	}
}

// TestExtractLimitsExact checks the limits are inclusive: exactly
// MaxEntries entries and MaxBytes bytes are fine.
func TestExtractLimitsExact(t *testing.T) {
	tarball := tartest.TarGz(t, dir("go/"), reg("go/VERSION", "go1.26.8\n"), dir("go/src/"), reg("go/src/x.go", "package x\n")) // 4 entries, 19 bytes
	tgz, out := extractLayout(t, tarball)
	tree, err := Extract(tgz, out, ExtractOptions{SHA256: tartest.SHA256(tarball), MaxEntries: 4, MaxBytes: 19})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	tree.Close()
}

// TestExtractReal reads the upstream-shaped tarballs of the local Go
// toolchain and go1.27.3 (made once into the test cache) and checks the
// tree and every spooled body against the tarball.
func TestExtractReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads two 70 MB tarballs")
	}
	for _, tb := range testenv.Toolchains(t) {
		tgz := tb.Path
		t.Run(tb.File, func(t *testing.T) {
			out := t.TempDir()
			start := time.Now()
			tree, err := Extract(tgz, out, ExtractOptions{SHA256: tb.SHA256})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			defer tree.Close()
			t.Logf("read in %v", time.Since(start))
			version := tree.Lookup("VERSION")
			if version == nil {
				t.Fatal("no VERSION")
			}
			// go1.26.8.linux-amd64.tar.gz holds go1.26.8.
			if v, _, _ := strings.Cut(filepath.Base(tgz), ".linux"); !strings.HasPrefix(string(readBody(t, tree, version)), v+"\n") {
				t.Errorf("VERSION %q, want %s", readBody(t, tree, version), v)
			}
			var files, dirs, execs int
			var data int64
			for i := range tree.entries {
				e := &tree.entries[i]
				switch e.Mode {
				case ModeDir:
					dirs++
				case ModeExec:
					execs++
					fallthrough
				case ModeFile:
					files++
					data += e.Size
				default:
					t.Errorf("%s: unexpected mode %o", e.Rel, e.Mode)
				}
			}
			if files < 10000 || dirs < 1000 || execs < 10 {
				t.Errorf("%d files, %d directories, %d executables: too few for a toolchain", files, dirs, execs)
			}
			if e := tree.Lookup("bin/go"); e == nil || e.Mode != ModeExec {
				t.Errorf("bin/go: %+v", e)
			}
			if info, err := tree.spool.Stat(); err != nil || info.Size() != data {
				t.Errorf("spool file: %v, %v; want %d bytes", info, err, data)
			}
			checkSpoolBodies(t, tgz, tree)
			t.Logf("%d files (%d executable), %d directories", files, execs, dirs)
		})
	}
}

// checkSpoolBodies compares every regular file's body in tree with the
// tarball's, read again by archive/tar.
func checkSpoolBodies(t *testing.T, tgz string, tree *Tree) {
	f, err := os.Open(tgz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	checked := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		want, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		e := tree.Lookup(relOf(path.Clean(hdr.Name)))
		if e == nil {
			t.Fatalf("%s: not in the tree", hdr.Name)
		}
		if got := readBody(t, tree, e); !bytes.Equal(got, want) {
			t.Fatalf("%s: spooled body differs from the tarball's", hdr.Name)
		}
		checked++
	}
	t.Logf("%d bodies match the tarball", checked)
}

// FuzzExtract unpacks arbitrary input: a .tar.gz, or anything else
// gzip-compressed first. Extract must never panic, never write outside
// its directory, and leave it empty when it fails.
func FuzzExtract(f *testing.F) {
	f.Add(tartest.Gzip(f, tartest.Tar(f, tar.FormatPAX, extractTree())))
	f.Add(tartest.Tar(f, tar.FormatGNU, extractTree()))
	for _, tc := range extractCases(f) {
		if len(tc.tarball) > 16<<10 {
			continue // keep the corpus small
		}
		f.Add(tc.tarball)
		if zr, err := gzip.NewReader(bytes.NewReader(tc.tarball)); err == nil {
			if raw, err := io.ReadAll(io.LimitReader(zr, 16<<10)); len(raw) > 0 && (err == nil || errors.Is(err, io.ErrUnexpectedEOF)) {
				f.Add(raw)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			data = tartest.Gzip(t, data)
		}
		tgz, out := extractLayout(t, data)
		tree, err := Extract(tgz, out, ExtractOptions{SHA256: tartest.SHA256(data), MaxBytes: 1 << 20, MaxEntries: 256})
		checkNothingElse(t, tgz, out)
		if err != nil {
			var xe *ExtractError
			if !errors.As(err, &xe) || !strings.HasPrefix(err.Error(), tgz+": ") {
				t.Fatalf("error %q is not an *ExtractError naming the tarball", err)
			}
			return
		}
		defer tree.Close()
		if len(tree.entries) == 0 || tree.entries[0].Rel != "" || tree.entries[0].Mode != ModeDir {
			t.Fatalf("tree does not start with the go/ directory: %+v", tree.entries)
		}
		// Written out as tar would, through an os.Root, the tree must
		// stay inside go/.
		materialize(t, tree, out)
		root := filepath.Join(out, "go")
		goDir, err := filepath.EvalSymlinks(root)
		if err != nil {
			t.Fatal(err)
		}
		err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == out {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			if rel != "go" && !strings.HasPrefix(rel, "go/") {
				t.Errorf("%s: outside go/", rel)
			}
			mode := info.Mode()
			switch {
			case mode&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				if !insideGo(filepath.Join(filepath.Dir(rel), target)) || strings.HasPrefix(target, "/") {
					t.Errorf("%s: symlink to %q leaves go/", rel, target)
				}
				if real, err := filepath.EvalSymlinks(p); err == nil && real != goDir && !strings.HasPrefix(real, goDir+"/") {
					t.Errorf("%s: symlink to %q resolves to %s, outside go/", rel, target, real)
				}
			case mode.IsDir():
				if mode.Perm() != 0o755 || mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
					t.Errorf("%s: mode %v", rel, mode)
				}
			case mode.IsRegular():
				if p := mode.Perm(); p != 0o755 && p != 0o644 || mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
					t.Errorf("%s: mode %v", rel, mode)
				}
				if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink != 1 {
					t.Errorf("%s: %d links", rel, st.Nlink)
				}
			default:
				t.Errorf("%s: unexpected %v", rel, mode)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestExtractQuoteEntryName checks long names are cut short in messages.
func TestExtractQuoteEntryName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"go/x", `"go/x"`},
		{"", `""`},
		{"go/a\nb", `"go/a\nb"`},
		{strings.Repeat("a", 300), strconv.Quote(strings.Repeat("a", 200)) + "… (300 bytes)"},
	}
	for _, tc := range tests {
		if got := quoteEntryName(tc.name); got != tc.want {
			t.Errorf("quoteEntryName(%.20q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestExtractProgress checks the read progress: non-decreasing counts
// against the tarball's size, ending with all of it.
func TestExtractProgress(t *testing.T) {
	data := tartest.TarGz(t, append(slices.Clone(extractBase), reg("go/src/big.go", tartest.Noise(9, 12<<20)))...)
	path := filepath.Join(t.TempDir(), "go.tar.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var calls [][2]int64
	tree, err := Extract(path, t.TempDir(), ExtractOptions{SHA256: tartest.SHA256(data), Progress: func(read, total int64) { calls = append(calls, [2]int64{read, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	tree.Close()
	if len(calls) < 2 {
		t.Fatalf("%d progress calls for a %d-byte tarball", len(calls), len(data))
	}
	for i, c := range calls {
		if c[1] != int64(len(data)) || i > 0 && c[0] < calls[i-1][0] {
			t.Fatalf("call %d: %v after %v (size %d)", i, c, calls[max(i-1, 0)], len(data))
		}
	}
	if last := calls[len(calls)-1]; last[0] != int64(len(data)) {
		t.Errorf("last call %v, want all %d bytes read", last, len(data))
	}
}
