package man

import (
	"fmt"
	"regexp"
	"strings"
)

// Markdown renders a page from the Markdown of gotc's docs: the subset
// docs/config.md uses — "#" headings, paragraphs, "-" lists, fenced code
// blocks, pipe tables, `code`, **bold** and [links](target). The first
// heading becomes the page's NAME line (title, after the page name).
func Markdown(name, section, title string, md []byte) ([]byte, error) {
	var w writer
	w.header(name, section)
	w.section("NAME")
	w.line(escape(name) + ` \- ` + escape(title))
	lines := strings.Split(strings.ReplaceAll(string(md), "\r\n", "\n"), "\n")
	first := true
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "# "):
			if first {
				first = false
				w.section("DESCRIPTION")
				continue
			}
			w.section(strings.ToUpper(plain(l[2:])))
		case strings.HasPrefix(l, "## "):
			if first {
				w.section("DESCRIPTION")
				first = false
			}
			w.section(strings.ToUpper(plain(l[3:])))
		case strings.HasPrefix(l, "### "):
			w.line(".SS " + quote(plain(l[4:])))
		case strings.HasPrefix(l, "```"):
			w.line(".PP")
			w.line(".RS 4")
			w.line(".nf")
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				w.line(escape(lines[i]))
			}
			if i == len(lines) {
				return nil, fmt.Errorf("%s: unterminated code block", name)
			}
			w.line(".fi")
			w.line(".RE")
		case strings.HasPrefix(l, "|"):
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				rows = append(rows, lines[i])
			}
			i--
			if err := w.table(rows); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		case strings.HasPrefix(l, "- "), strings.HasPrefix(l, "* "):
			item := []string{l[2:]}
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" {
				i++
				item = append(item, strings.TrimSpace(lines[i]))
			}
			w.line(".IP \\(bu 2")
			w.line(inline(strings.Join(item, " ")))
		case strings.HasPrefix(l, "    "):
			w.line(".PP")
			w.line(".RS 4")
			w.line(".nf")
			for ; i < len(lines) && (strings.HasPrefix(lines[i], "    ") || strings.TrimSpace(lines[i]) == "" && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ")); i++ {
				w.line(escape(strings.TrimPrefix(lines[i], "    ")))
			}
			i--
			w.line(".fi")
			w.line(".RE")
		case strings.TrimSpace(l) == "":
		default:
			para := []string{l}
			for i+1 < len(lines) && isText(lines[i+1]) {
				i++
				para = append(para, lines[i])
			}
			w.line(".PP")
			w.line(inline(strings.Join(para, " ")))
		}
	}
	w.section("SEE ALSO")
	w.line(escape(seeAlso))
	return []byte(w.String()), nil
}

// isText says whether a line continues a paragraph.
func isText(l string) bool {
	if strings.TrimSpace(l) == "" {
		return false
	}
	for _, p := range []string{"#", "|", "```", "- ", "* ", "    "} {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	return true
}

// table sets a pipe table with tbl(1): a header row, a separator, rows.
func (w *writer) table(rows []string) error {
	if len(rows) < 2 || !regexp.MustCompile(`^\|[\s:|-]+\|$`).MatchString(strings.TrimSpace(rows[1])) {
		return fmt.Errorf("a table needs a header row and a separator row: %q", rows[0])
	}
	head := cells(rows[0])
	w.line(".PP")
	w.line(".ad l")
	w.line(".TS")
	w.line("allbox;")
	format := strings.TrimSpace(strings.Repeat("lb ", len(head)))
	w.line(format)
	body := strings.TrimSpace(strings.Repeat("lx ", len(head)))
	w.line(body + ".")
	w.line(strings.Join(mapStrings(head, tableCell), "\t"))
	for _, r := range rows[2:] {
		cs := cells(r)
		if len(cs) != len(head) {
			return fmt.Errorf("row of %d cells under a header of %d: %q", len(cs), len(head), r)
		}
		w.line(strings.Join(mapStrings(cs, tableCell), "\t"))
	}
	w.line(".TE")
	w.line(".ad")
	return nil
}

// tableCell puts a cell's text in a text block, so long cells wrap.
func tableCell(s string) string {
	return "T{\n" + inline(s) + "\nT}"
}

// cells splits a table row at its unescaped pipes (a "|" inside `code`
// stays).
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(strings.TrimSuffix(row, "|"), "|")
	var out []string
	var cur strings.Builder
	inCode := false
	for _, r := range row {
		switch {
		case r == '`':
			inCode = !inCode
			cur.WriteRune(r)
		case r == '|' && !inCode:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

var (
	linkRE = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	codeRE = regexp.MustCompile("`([^`]*)`")
	boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// plain is text with Markdown's inline marks removed.
func plain(s string) string {
	s = linkRE.ReplaceAllString(s, "$1")
	s = codeRE.ReplaceAllString(s, "$1")
	return boldRE.ReplaceAllString(s, "$1")
}

// inline sets a paragraph's inline marks: links as their text, `code`
// and **bold** in bold.
func inline(s string) string {
	s = linkRE.ReplaceAllString(s, "$1")
	var out strings.Builder
	last := 0
	for _, m := range codeRE.FindAllStringSubmatchIndex(s, -1) {
		out.WriteString(inlineBold(s[last:m[0]]))
		out.WriteString(`\fB` + breakable(escapeInline(s[m[2]:m[3]])) + `\fR`)
		last = m[1]
	}
	out.WriteString(inlineBold(s[last:]))
	text := out.String()
	if strings.HasPrefix(text, ".") || strings.HasPrefix(text, "'") {
		text = `\&` + text
	}
	return text
}

func inlineBold(s string) string {
	var out strings.Builder
	last := 0
	for _, m := range boldRE.FindAllStringSubmatchIndex(s, -1) {
		out.WriteString(escapeInline(s[last:m[0]]))
		out.WriteString(`\fB` + escapeInline(s[m[2]:m[3]]) + `\fR`)
		last = m[1]
	}
	out.WriteString(escapeInline(s[last:]))
	return out.String()
}

// breakable lets troff break a long code literal (a path, a file name)
// after its slashes and dots, where a narrow table column needs it.
func breakable(s string) string {
	return strings.NewReplacer("/", `/\:`, ".", `.\:`).Replace(s)
}

// escapeInline is escape without the line-start rule, for pieces of a
// line.
func escapeInline(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}
