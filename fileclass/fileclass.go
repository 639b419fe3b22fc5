// Package fileclass tells, in pure Go, what rpmbuild's file classifier
// (rpmfc, build/rpmfc.c) records about a regular file: its FILECOLORS
// entry, its FILECLASS description (v4 packages) and its MIME type (v6
// packages). rpmbuild asks libmagic for the last two; this package
// reproduces libmagic's (file 5.44's) verdicts for the kinds of files that
// matter in a Go toolchain — ELF objects and executables, scripts with an
// interpreter line, plain text in its encodings and line-ending variants,
// C sources by libmagic's c-lang rules, PNG and GIF images, empty files,
// and "data" — and leaves everything else (certificates, archives, JPEG,
// the many programming-language heuristics of libmagic's text rules) as
// plain text or data. How often it agrees with rpmbuild on real Go
// toolchains is measured by the tests and in docs/fileclass.md.
//
// No maintained pure-Go library reproduces libmagic's descriptions:
// github.com/gabriel-vasile/mimetype detects MIME types by content but
// names every ELF file application/x-elf (libmagic tells executables,
// PIE executables, shared objects and relocatables apart) and adds
// charset parameters, so it would not raise the share on a toolchain,
// whose files are ELF and text; this package uses the standard library
// (debug/elf, unicode/utf8) only.
package fileclass

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Result is what rpmbuild records about one regular file.
type Result struct {
	// Class is the FILECLASS description rpmbuild 4.18 records: the
	// libmagic description when rpmfc keeps it (it matches one of rpmfc's
	// tokens, such as " text", "ELF 64-bit", " script", "empty"), else
	// "".
	Class string
	// MIME is the MIME type rpmbuild 6 records in a v6 package:
	// libmagic's MAGIC_MIME_TYPE, or the fixed type rpm 6 gives some
	// file name extensions without asking libmagic (.c, .h, .html, .png,
	// .svg, .pm, .la, .pc).
	MIME string
	// Color is the FILECOLORS entry: for an executable ELF file 2 when it
	// is 64-bit and 1 when it is 32-bit (0 for BPF objects), for
	// everything else 0. rpmbuild colours executable regular files only.
	Color uint32
}

// readMax is how much of a file libmagic looks at (file 5.44's
// FILE_BYTES_MAX) for text and magic tests.
const readMax = 1 << 20

// Regular classifies the regular file called name (its path; only the
// extension matters), of mode (st_mode, for the executable bits) and
// size bytes, whose content r holds.
func Regular(name string, mode uint32, r io.ReaderAt, size int64) (Result, error) {
	if size == 0 {
		return Result{Class: "empty", MIME: "inode/x-empty"}, nil
	}
	n := min(size, readMax)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, 0); err != nil && err != io.EOF {
		return Result{}, fmt.Errorf("reading %s: %w", name, err)
	}
	var res Result
	desc, mime := "", ""
	if bytes.HasPrefix(buf, []byte("\x7fELF")) {
		e, err := describeELF(r, size)
		if err == nil {
			desc, mime = e.desc, e.mime
			if mode&0o111 != 0 {
				res.Color = e.color
			}
		}
	}
	if desc == "" {
		desc, mime = describe(buf)
	}
	if d, ok := rpm418Extension(name); ok {
		desc = d
	}
	res.Class = rpmfcKeep(desc)
	res.MIME = mime
	if m, ok := rpm6Extension(name); ok {
		res.MIME = m
	}
	return res, nil
}

// rpmfcTokens are the substrings that make rpmfc keep a libmagic
// description as FILECLASS (rpmfc's rpmfcTokens with RPMFC_INCLUDE).
var rpmfcTokens = []string{
	"directory", "ELF 32-bit", "ELF 64-bit", "troff or preprocessor input", "GNU Info",
	"perl ", "Perl5 module source text", "python ", "libtool library ", "pkgconfig ",
	"Objective caml ", "Mono/.Net assembly", "current ar archive", "Zip archive data",
	"tar archive", "cpio archive", "RPM v3", "RPM v4", " image", " font", " Font",
	" commands", " script", "empty", "HTML", "SGML", "XML", " source", "GLS_BINARY_LSB_FIRST",
	" DB ", " text",
}

// rpmfcKeep is desc when rpmfc records it as FILECLASS, else "".
func rpmfcKeep(desc string) string {
	for _, tok := range rpmfcTokens {
		if strings.Contains(desc, tok) {
			return desc
		}
	}
	return ""
}

// rpm418Extension is the description rpmbuild 4.18 gives some file name
// extensions without asking libmagic (rpmfc's skipped_extensions); the
// C ones ("C Code", "C Header") match none of rpmfc's tokens, so .c and
// .h files have no FILECLASS (seen on real toolchains).
func rpm418Extension(name string) (string, bool) {
	for _, e := range []struct{ ext, desc string }{
		{".pm", "Perl5 module source text"}, {".c", "C Code"}, {".h", "C Header"},
		{".la", "libtool library file"}, {".pc", "pkgconfig file"},
	} {
		if strings.HasSuffix(name, e.ext) {
			return e.desc, true
		}
	}
	return "", false
}

// rpm6Extension is the MIME type rpm 6 records for some file name
// extensions without asking libmagic (rpmfc's skipped_extensions).
func rpm6Extension(name string) (string, bool) {
	for _, e := range []struct{ ext, mime string }{
		{".pm", "text/plain"}, {".c", "text/x-c"}, {".h", "text/x-c"}, {".la", "text/plain"},
		{".pc", "text/plain"}, {".html", "text/html"}, {".png", "image/png"}, {".svg", "image/svg+xml"},
	} {
		if strings.HasSuffix(name, e.ext) {
			return e.mime, true
		}
	}
	return "", false
}
