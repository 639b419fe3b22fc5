package clitest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
)

// CheckDocs fails the test when the program's help or its reference page
// (docs/gotc-rpm.md) has drifted from its verbs: a verb without a section
// in doc.go or a "## verb" section in the page, a flag missing from the
// verb's help or from its section of the page, or a flag the page's flag
// table lists that the verb does not have.
func CheckDocs(t *testing.T, p *cli.Program, page string) {
	t.Helper()
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	sections := markdownSections(string(data))
	documented := map[string]bool{}
	for _, s := range p.Contents().Sections {
		documented[s.Verb] = true
	}
	for _, v := range p.Verbs {
		help := p.Help(v.Name)
		if !documented[v.Name] {
			t.Errorf("%s %s: no section in doc.go", p.Name, v.Name)
		}
		section, ok := sections[v.Name]
		if !ok {
			t.Errorf("%s %s: no \"## %s\" section in %s", p.Name, v.Name, v.Name, page)
		}
		rows := tableRows(section)
		have := map[string]bool{}
		for _, f := range p.Flags(v.Name) {
			have[f.Name] = true
			for _, form := range flagForms(f) {
				if !strings.Contains(help, form) {
					t.Errorf("%s %s: %s missing from the help", p.Name, v.Name, form)
				}
			}
			row, found := rows[f.Name]
			switch {
			case ok && !found:
				t.Errorf("%s %s: --%s missing from the flag table of its section of %s", p.Name, v.Name, f.Name, page)
			case found && f.Shorthand != "" && !strings.Contains(row, "`-"+f.Shorthand+"`"):
				t.Errorf("%s %s: %s's row for --%s does not give -%s", p.Name, v.Name, page, f.Name, f.Shorthand)
			}
		}
		for name := range rows {
			if !have[name] {
				t.Errorf("%s %s: %s documents --%s, which the verb does not have", p.Name, v.Name, page, name)
			}
		}
	}
}

// flagForms is how a flag is written: --name, and -x for a shorthand.
func flagForms(f *pflag.Flag) []string {
	forms := []string{"--" + f.Name}
	if f.Shorthand != "" {
		forms = append(forms, "-"+f.Shorthand)
	}
	return forms
}

// markdownSections maps each "## name" heading's first word to the text
// up to the next heading of that level.
func markdownSections(doc string) map[string]string {
	out := map[string]string{}
	var name string
	var body []string
	flush := func() {
		if name != "" {
			out[name] = strings.Join(body, "\n")
		}
	}
	for _, l := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(l, "## "); ok {
			flush()
			name, body = strings.Fields(rest + " ")[0], nil
			continue
		}
		body = append(body, l)
	}
	flush()
	return out
}

var tableFlagRE = regexp.MustCompile("`--([a-z0-9-]+)")

// tableRows maps the long flags named in the first cell of a section's
// flag table rows ("| `-c`, `--config FILE` | ...") to that cell.
func tableRows(section string) map[string]string {
	rows := map[string]string{}
	for _, l := range strings.Split(section, "\n") {
		if !strings.HasPrefix(l, "| `-") {
			continue
		}
		cell := strings.SplitN(l, "|", 3)[1]
		for _, m := range tableFlagRE.FindAllStringSubmatch(cell, -1) {
			rows[m[1]] = cell
		}
	}
	return rows
}
