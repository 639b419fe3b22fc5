package fileclass

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// describe is libmagic's description and MIME type of a non-ELF file
// from its first bytes, for the kinds this package knows.
func describe(b []byte) (desc, mime string) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) && len(b) >= 29 && string(b[12:16]) == "IHDR":
		return describePNG(b), "image/png"
	case (bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))) && len(b) >= 10:
		return fmt.Sprintf("GIF image data, version %s, %d x %d", b[3:6],
			binary.LittleEndian.Uint16(b[6:]), binary.LittleEndian.Uint16(b[8:])), "image/gif"
	case bytes.HasPrefix(b, []byte("!<arch>\n")):
		return "current ar archive", "application/x-archive"
	case len(b) >= 512 && string(b[257:265]) == "ustar\x0000":
		return "POSIX tar archive", "application/x-tar"
	case len(b) >= 512 && string(b[257:265]) == "ustar  \x00":
		return "POSIX tar archive (GNU)", "application/x-tar"
	}
	enc, ok := textEncoding(b)
	if !ok {
		return "data", "application/octet-stream"
	}
	if d, m, ok := isJSON(b); ok {
		return d, m
	}
	quals := textQualifiers(b, enc)
	if interp, m, raw := script(b); interp != "" {
		if raw {
			return interp, m
		}
		return interp + ", " + enc + " text executable" + quals, m
	}
	if lang, m := language(b); lang != "" {
		return lang + ", " + enc + " text" + quals, m
	}
	return enc + " text" + quals, "text/plain"
}

func describePNG(b []byte) string {
	w, h := binary.BigEndian.Uint32(b[16:]), binary.BigEndian.Uint32(b[20:])
	depth, color, interlace := b[24], b[25], b[28]
	kind := map[byte]string{0: "-bit grayscale", 2: "-bit/color RGB", 3: "-bit colormap", 4: "-bit gray+alpha", 6: "-bit/color RGBA"}[color]
	il := "non-interlaced"
	if interlace != 0 {
		il = "interlaced"
	}
	return fmt.Sprintf("PNG image data, %d x %d, %d%s, %s", w, h, depth, kind, il)
}

// textClass is libmagic's text_chars class of a byte: t (text in any
// encoding), i (ISO-8859 text), x (non-ISO extended ASCII), f (not
// text).
func textClass(c byte) byte {
	switch {
	case c == 7 || c == 8 || c == 9 || c == 10 || c == 12 || c == 13 || c == 27:
		return 't'
	case c >= 0x20 && c < 0x7f:
		return 't'
	case c >= 0xa0:
		return 'i'
	case c >= 0x80:
		return 'x'
	}
	return 'f'
}

// textEncoding is libmagic's name of the encoding of text b ("ASCII",
// "Unicode text, UTF-8", ...), false for binary data.
func textEncoding(b []byte) (string, bool) {
	ascii, iso, ext := true, true, true
	for _, c := range b {
		switch textClass(c) {
		case 'f':
			ascii, iso, ext = false, false, false
		case 'i':
			ascii = false
		case 'x':
			ascii, iso = false, false
		}
	}
	switch {
	case ascii:
		return "ASCII", true
	case looksUTF8(b):
		if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			return "Unicode text, UTF-8 (with BOM)", true
		}
		return "Unicode text, UTF-8", true
	case iso:
		return "ISO-8859", true
	case ext:
		return "Non-ISO extended-ASCII", true
	}
	return "", false
}

// looksUTF8 reports whether b is UTF-8 text: valid sequences (the last
// may be cut by the read limit), no control characters libmagic does not
// call text.
func looksUTF8(b []byte) bool {
	for len(b) > 0 {
		if b[0] < 0x80 {
			if textClass(b[0]) != 't' {
				return false
			}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		b = b[n:]
	}
	return true
}

// maxLineLen is libmagic's MAXLINELEN: longer lines are "very long".
const maxLineLen = 300

// textQualifiers is what libmagic appends to a text description: long
// lines, line terminators, escape sequences, overstriking.
func textQualifiers(b []byte, enc string) string {
	var crlf, cr, lf, longest, cur int
	escapes, overstrike := false, false
	utf := strings.Contains(enc, "UTF-8")
	for i := 0; i < len(b); {
		c := b[i]
		n := 1
		if utf && c >= 0x80 {
			_, n = utf8.DecodeRune(b[i:])
		}
		switch {
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			crlf++
			n = 2
			cur = 0
		case c == '\r':
			cr++
			cur = 0
		case c == '\n':
			lf++
			cur = 0
		default:
			cur++
			longest = max(longest, cur)
			if c == 27 {
				escapes = true
			}
			if c == 8 && i > 0 && i+1 < len(b) {
				overstrike = true
			}
		}
		i += n
	}
	var q strings.Builder
	if longest > maxLineLen {
		fmt.Fprintf(&q, ", with very long lines (%d)", longest)
	}
	switch {
	case crlf == 0 && cr == 0 && lf == 0:
		q.WriteString(", with no line terminators")
	case crlf > 0 || cr > 0:
		var kinds []string
		if crlf > 0 {
			kinds = append(kinds, "CRLF")
		}
		if cr > 0 {
			kinds = append(kinds, "CR")
		}
		if lf > 0 {
			kinds = append(kinds, "LF")
		}
		q.WriteString(", with " + strings.Join(kinds, ", ") + " line terminators")
	}
	if escapes {
		q.WriteString(", with escape sequences")
	}
	if overstrike {
		q.WriteString(", with overstriking")
	}
	return q.String()
}

// isJSON is libmagic's JSON test: the whole file one JSON object or
// array, or one per line.
func isJSON(b []byte) (string, string, bool) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return "", "", false
	}
	if json.Valid(t) {
		return "JSON text data", "application/json", true
	}
	lines := bytes.Split(t, []byte("\n"))
	if len(lines) < 2 {
		return "", "", false
	}
	for _, l := range lines {
		if l = bytes.TrimSpace(l); len(l) == 0 || l[0] != '{' || !json.Valid(l) {
			return "", "", false
		}
	}
	return "New Line Delimited JSON text data", "application/x-ndjson", true
}

// script is libmagic's name and MIME type for a script by its #! line;
// raw reports a description libmagic prints without the encoding.
func script(b []byte) (desc, mime string, raw bool) {
	if !bytes.HasPrefix(b, []byte("#!")) {
		return "", "", false
	}
	line, _, _ := bytes.Cut(b[2:], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "", "", false
	}
	prog := path.Base(fields[0])
	if prog == "env" && len(fields) > 1 {
		prog = path.Base(fields[1])
	}
	switch {
	case prog == "sh":
		return "POSIX shell script", "text/x-shellscript", false
	case prog == "bash":
		return "Bourne-Again shell script", "text/x-shellscript", false
	case prog == "zsh":
		return "Paul Falstad's zsh script", "text/x-shellscript", false
	case prog == "ksh":
		return "Korn shell script", "text/x-shellscript", false
	case prog == "rc":
		return "Plan 9 rc shell script", "text/plain", false
	case prog == "perl":
		return "Perl script text executable", "text/x-perl", true
	case strings.HasPrefix(prog, "python"):
		return "Python script", "text/x-script.python", false
	}
	return "", "", false
}

// cRules are libmagic's c-lang rules: a word searched for in the first
// 8 KiB and the regular expression that must then match there.
var cRules = []struct {
	word string
	re   *regexp.Regexp
}{
	{"#include", regexp.MustCompile(`(?m)^#include`)},
	{"pragma", regexp.MustCompile(`(?m)^#[[:space:]]*pragma`)},
	{"endif", regexp.MustCompile(`(?ms)^#[[:space:]]*(if|ifn)def.*^#[[:space:]]*endif$`)},
	{"char", regexp.MustCompile(`(?m)^[[:space:]]*char( \*|\*)(.+)(=.*)?;[[:space:]]*$`)},
	{"double", regexp.MustCompile(`(?m)^[[:space:]]*double( \*|\*)(.+)(=.*)?;[[:space:]]*$`)},
	{"extern", regexp.MustCompile(`(?m)^[[:space:]]*extern[[:space:]]+`)},
	{"float", regexp.MustCompile(`(?m)^[[:space:]]*float( \*|\*)(.+)(=.*)?;[[:space:]]*$`)},
	{"struct", regexp.MustCompile(`(?m)^struct[[:space:]]+`)},
	{"union", regexp.MustCompile(`(?m)^union[[:space:]]+`)},
}

var cBlockAfterMain = regexp.MustCompile(`\)[[:space:]]*\{`)

// cppRules are libmagic's C++ rules, stronger than the C ones.
var cppRules = []struct {
	word string
	re   *regexp.Regexp
}{
	{"namespace", regexp.MustCompile(`(?m)^namespace[[:space:]]+[_[:alpha:]]{1,20}[[:space:]]*\{`)},
	{"using", regexp.MustCompile(`(?m)^using[[:space:]]+(namespace )?std(::)?[[:alpha:]]*[[:space:]]*;`)},
	{"template", regexp.MustCompile(`(?m)^[[:space:]]*template[[:space:]]*<.*>[[:space:]]*$`)},
	{"virtual", regexp.MustCompile(`(?m)^[[:space:]]*virtual[[:space:]]+.*[};][[:space:]]*$`)},
	{"class", regexp.MustCompile(`(?ms)^[[:space:]]*class[[:space:]]+[[:digit:][:alpha:]:_]+[[:space:]]*\{.*\}(;)?$`)},
	{"public", regexp.MustCompile(`(?m)^[[:space:]]*public:`)},
	{"private", regexp.MustCompile(`(?m)^[[:space:]]*private:`)},
	{"protected", regexp.MustCompile(`(?m)^[[:space:]]*protected:`)},
}

// language is what libmagic's C and HTML rules call text b, if anything.
func language(b []byte) (string, string) {
	head := b[:min(len(b), 8192)]
	lower := bytes.ToLower(b[:min(len(b), 4096)])
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<title"} {
		if bytes.Contains(lower, []byte(tag)) {
			return "HTML document", "text/html"
		}
	}
	for _, r := range cppRules {
		if bytes.Contains(head, []byte(r.word)) && r.re.Match(head) {
			return "C++ source", "text/x-c++"
		}
	}
	for _, r := range cRules {
		if bytes.Contains(head, []byte(r.word)) && r.re.Match(head) {
			return "C source", "text/x-c"
		}
	}
	if i := bytes.Index(head, []byte("main(")); i >= 0 {
		rest := b[i+5:]
		if bytes.Contains(rest[:min(len(rest), 64)], []byte("String")) {
			return "Java source", "text/x-java"
		}
		if cBlockAfterMain.Match(rest[:min(len(rest), 8192)]) {
			return "C source", "text/x-c"
		}
	}
	return "", ""
}
