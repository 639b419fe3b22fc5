package doctor

import (
	"bufio"
	"fmt"
	"io"

	"github.com/gotc-project/gotc/internal/jsonout"
)

// WriteText prints the report for a person: which go runs and which the
// alternatives select, then each finding with its fix, then a summary.
func (r *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	describe := func(what string, c *Command, none string) {
		if c == nil {
			fmt.Fprintf(b, "%s: %s\n", what, none)
			return
		}
		fmt.Fprintf(b, "%s: %s", what, c.Path)
		if c.Resolved != c.Path {
			fmt.Fprintf(b, " -> %s", c.Resolved)
		}
		fmt.Fprintf(b, " (%s)\n", versionOr(c))
	}
	describe("go in PATH", r.Go, "none")
	describe("alternatives select", r.Selected, "none")
	for _, f := range r.Findings {
		fmt.Fprintln(b, f.Finding.String())
		if f.Fix != "" {
			fmt.Fprintf(b, "  fix: %s\n", f.Fix)
		}
	}
	fmt.Fprintf(b, "%d error(s), %d warning(s)\n", r.Errors, r.Warnings)
	return b.Flush()
}

// WriteJSON prints the report as JSON: {root, go, selected, findings:
// [{level, check, subject, path, message, fix}], errors, warnings}.
func (r *Report) WriteJSON(w io.Writer) error {
	return jsonout.Write(w, struct {
		Root     string    `json:"root"`
		Go       *Command  `json:"go"`
		Selected *Command  `json:"selected"`
		Findings []Finding `json:"findings"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
	}{r.Root, r.Go, r.Selected, r.Findings, r.Errors, r.Warnings})
}
