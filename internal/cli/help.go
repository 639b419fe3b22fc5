package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// DocText turns the source of a command's doc.go into text: the package
// comment without the comment markers and the package clause. Lines
// indented with a tab are literal blocks, as in Go doc comments.
func DocText(src string) string {
	start := strings.Index(src, "/*\n")
	end := strings.Index(src, "*/")
	if start < 0 || end < start {
		return src
	}
	return src[start+3 : end]
}

// Doc is a program's help text cut into its parts.
type Doc struct {
	// Intro is what comes before the first verb's section.
	Intro string
	// Sections are the verbs' sections, in the order of doc.go.
	Sections []Section
	// ExitStatus is the "Exit status:" section and what follows it.
	ExitStatus string
}

// A Section is one verb's part of the help.
type Section struct {
	Verb string
	// Synopsis is the section's first line: "gotc-rpm diff [--strict] A.rpm B.rpm".
	Synopsis string
	// Prose is the rest of the section, without surrounding blank lines.
	Prose string
}

// Contents cuts the program's help text into its introduction, one section
// per verb and the exit status.
func (p *Program) Contents() Doc {
	var d Doc
	var cur *Section
	var body []string
	flush := func() {
		if cur != nil {
			cur.Prose = strings.Trim(strings.Join(body, "\n"), "\n")
			d.Sections = append(d.Sections, *cur)
		}
		cur, body = nil, nil
	}
	lines := strings.Split(DocText(p.Doc), "\n")
	var intro []string
	for i, l := range lines {
		if strings.HasPrefix(l, "Exit status:") {
			flush()
			d.ExitStatus = strings.Trim(strings.Join(lines[i:], "\n"), "\n")
			break
		}
		if verb := p.sectionVerb(l); verb != "" {
			flush()
			cur = &Section{Verb: verb, Synopsis: l}
			continue
		}
		if cur != nil {
			body = append(body, l)
		} else {
			intro = append(intro, l)
		}
	}
	flush()
	d.Intro = strings.Trim(strings.Join(intro, "\n"), "\n")
	return d
}

// sectionVerb returns the verb whose section line l starts, or "".
func (p *Program) sectionVerb(l string) string {
	for _, v := range p.AllVerbs() {
		head := p.Name + " " + v.Name
		if l == head || strings.HasPrefix(l, head+" ") {
			return v.Name
		}
	}
	return ""
}

// Section returns verb's section of the help; a verb doc.go does not
// describe (help, version) gets one made from its summary.
func (p *Program) Section(verb string) Section {
	for _, s := range p.Contents().Sections {
		if s.Verb == verb {
			return s
		}
	}
	v, _ := p.Verb(verb)
	syn := p.Name + " " + v.Name
	if v.Args.Max != 0 {
		syn += " [" + strings.ToUpper(v.Args.Name) + "]"
	}
	return Section{Verb: verb, Synopsis: syn, Prose: capitalize(v.Summary) + "."}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Usage is the whole program's help: the introduction, the command list
// made from the verbs, and the exit status.
func (p *Program) Usage() string {
	d := p.Contents()
	var b strings.Builder
	b.WriteString(d.Intro + "\n\nCommands:\n\n")
	for _, v := range p.AllVerbs() {
		fmt.Fprintf(&b, "\t%-10s %s\n", v.Name, v.Summary)
	}
	fmt.Fprintf(&b, "\nRun \"%s help COMMAND\" (or %s COMMAND -h) for a command's flags.\n", p.Name, p.Name)
	if d.ExitStatus != "" {
		b.WriteString("\n" + d.ExitStatus + "\n")
	}
	return b.String()
}

// Help is one verb's help: its section of doc.go and its flags as the
// flag set lists them, so no flag can be missing.
func (p *Program) Help(verb string) string {
	s := p.Section(verb)
	var b strings.Builder
	b.WriteString("Usage: " + s.Synopsis + "\n\n" + s.Prose + "\n")
	if flags := p.FlagUsages(verb); flags != "" {
		b.WriteString("\nFlags:\n\n" + flags)
	}
	return b.String()
}

// FlagUsages lists verb's flags, -h/--help last: each flag's spellings
// and value placeholder, then its usage and default, wrapped at 80
// columns.
func (p *Program) FlagUsages(verb string) string {
	flags := p.Flags(verb)
	if len(flags) == 0 {
		return ""
	}
	type row struct{ head, text string }
	var rows []row
	width := 0
	for _, f := range flags {
		r := row{FlagHead(f), FlagText(f)}
		rows = append(rows, r)
		width = max(width, len(r.head))
	}
	rows = append(rows, row{"-h, --help", "print this help"})
	var b strings.Builder
	for _, r := range rows {
		head := r.head
		if !strings.HasPrefix(head, "-") || strings.HasPrefix(head, "--") {
			head = "    " + head // line long flags up after "-x, "
		}
		b.WriteString(wrap("  "+fmt.Sprintf("%-*s", width+4, head)+"  ", r.text, 80))
	}
	return b.String()
}

// FlagHead is how a flag is written: "-c, --config FILE", "--json".
func FlagHead(f *pflag.Flag) string {
	varname, _ := pflag.UnquoteUsage(f)
	head := "--" + f.Name
	if f.Shorthand != "" {
		head = "-" + f.Shorthand + ", " + head
	}
	if varname != "" && f.Value.Type() != "bool" {
		head += " " + varname
	}
	return head
}

// FlagText is a flag's usage with its default, if it has one worth
// saying: "configuration FILE (default "gotc.yaml")".
func FlagText(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "false", "0", "[]":
		return usage
	}
	if f.Value.Type() == "string" {
		return usage + fmt.Sprintf(" (default %q)", f.DefValue)
	}
	return usage + " (default " + f.DefValue + ")"
}

// wrap writes text after prefix, wrapped at width columns with later
// lines indented to prefix's width.
func wrap(prefix, text string, width int) string {
	indent := strings.Repeat(" ", len(prefix))
	var b strings.Builder
	line := prefix
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent
		}
		if len(line) > len(indent) || line != indent && !strings.HasSuffix(line, " ") {
			line += " "
		}
		line += w
	}
	return b.String() + strings.TrimRight(line, " ") + "\n"
}

// Flags returns verb's flags in the order the verb registers them.
func (p *Program) Flags(verb string) []*pflag.Flag {
	v, ok := p.Verb(verb)
	if !ok {
		return nil
	}
	fs, _ := p.FlagSet(v)
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) { flags = append(flags, f) })
	return flags
}
