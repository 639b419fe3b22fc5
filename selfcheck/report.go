package selfcheck

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/jsonout"
)

// WriteText writes the report: one line per toolchain, one per compile
// probe (toolchain, CGO_ENABLED, result), one per finding (level,
// toolchain or "-", path, message in aligned columns), the rpm database
// read, the probe's reference file, one line per check skipped, and a
// summary line.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 8, 2, ' ', 0)
	for _, t := range r.Toolchains {
		state := "not registered"
		if t.Registered {
			state = fmt.Sprintf("registered, priority %d", t.Priority)
		}
		if t.Selected {
			state += ", selected"
		}
		fmt.Fprintf(tw, "toolchain\t%s\t%s\t%s\n", t.Dir, t.GoVersion, state)
	}
	for _, p := range r.Probes {
		result := p.Result
		if p.Note != "" {
			result += ": " + p.Note
		}
		fmt.Fprintf(tw, "probe\t%s\tCGO_ENABLED=%d\t%s\n", p.Toolchain, cgoValue(p.CGO), result)
	}
	for _, f := range r.Findings {
		tc := f.Subject
		if tc == "" {
			tc = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Level, tc, f.Path, f.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.RPMDB != "" {
		fmt.Fprintf(bw, "rpm database %s\n", r.RPMDB)
	}
	if r.ProbeFile != "" {
		fmt.Fprintf(bw, "probe references %s\n", r.ProbeFile)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(bw, "not checked: %s\n", s)
	}
	mode := r.Mode
	if mode == "" {
		mode = "none"
	}
	fmt.Fprintf(bw, "%d toolchain(s) in %s, alternatives mode %s: %d error(s), %d warning(s)\n", len(r.Toolchains), r.Root, mode, r.Errors, r.Warnings)
	return bw.Flush()
}

// jsonReport and jsonFinding are the JSON form of a Report, documented
// in docs/gotc-rpm.md: the subject of a finding is its "toolchain".
type jsonReport struct {
	Root       string        `json:"root"`
	Mode       string        `json:"mode"`
	Toolchains []Toolchain   `json:"toolchains"`
	Findings   []jsonFinding `json:"findings"`
	RPMDB      string        `json:"rpmdb"`
	Probes     []Probe       `json:"probes"`
	ProbeFile  string        `json:"probe_file"`
	Skipped    []string      `json:"skipped"`
}

type jsonFinding struct {
	Level     findings.Level `json:"level"`
	Toolchain string         `json:"toolchain"`
	Path      string         `json:"path"`
	Message   string         `json:"message"`
}

// MarshalJSON encodes the report as {"root", "mode", "toolchains": [{"dir",
// "go_version", "registered", "priority", "selected"}...], "findings":
// [{"level", "toolchain", "path", "message"}...], "rpmdb", "probes":
// [{"toolchain", "cgo", "result", "note", "outputs": {PROGRAM: DIGEST}}...],
// "probe_file", "skipped": [...]}; the lists are [] and the maps {} when
// empty.
func (r Report) MarshalJSON() ([]byte, error) {
	out := jsonReport{Root: r.Root, Mode: r.Mode, Toolchains: r.Toolchains, Findings: make([]jsonFinding, len(r.Findings)), RPMDB: r.RPMDB,
		Probes: make([]Probe, len(r.Probes)), ProbeFile: r.ProbeFile, Skipped: r.Skipped}
	if out.Skipped == nil {
		out.Skipped = []string{}
	}
	for i, p := range r.Probes {
		if p.Outputs == nil {
			p.Outputs = map[string]string{}
		}
		out.Probes[i] = p
	}
	if out.Toolchains == nil {
		out.Toolchains = []Toolchain{}
	}
	for i, f := range r.Findings {
		out.Findings[i] = jsonFinding{Level: f.Level, Toolchain: f.Subject, Path: f.Path, Message: f.Message}
	}
	return jsonout.Marshal(out)
}

// WriteJSON writes the report as one JSON object (see MarshalJSON) with
// gotc's JSON settings (internal/jsonout).
func (r *Report) WriteJSON(w io.Writer) error { return jsonout.Write(w, r) }
