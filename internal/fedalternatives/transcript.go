package fedalternatives

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Step is one step of a recorded transcript (rpm6/alternatives in the
// shared recordings): a command, what it printed and its exit code,
// then `alternatives --display` of the group, the state file and the
// links as they were after it.
type Step struct {
	Command string
	Output  string // every line the command printed, each ending in "\n"
	Exit    int
	Display string // --display's output, the same way
	// DisplayExit is --display's exit code.
	DisplayExit int
	// State is the state file's content; Absent when there was none.
	State  string
	Absent bool
	// Links maps each listed link to its target, "" when absent.
	Links map[string]string
	// LinkOrder is the links in the transcript's order.
	LinkOrder []string
}

// ParseTranscript reads a transcript: each step is "=== COMMAND", its
// output and "exit N", then "--- alternatives --display NAME (exit and
// output)" with output and "exit N", then "--- STATE-FILE" with the
// file's lines (or "(absent)"), then "--- links" with "LINK -> TARGET"
// lines ("(absent)" for none), then an empty line.
func ParseTranscript(text string) ([]Step, error) {
	lines := strings.Split(text, "\n")
	var steps []Step
	i := 0
	fail := func(format string, a ...any) ([]Step, error) {
		return nil, fmt.Errorf("transcript line %d: %s", i+1, fmt.Sprintf(format, a...))
	}
	// until collects lines up to one starting with prefix.
	until := func(prefix string) ([]string, bool) {
		start := i
		for i < len(lines) && !strings.HasPrefix(lines[i], prefix) {
			i++
		}
		return lines[start:i], i < len(lines)
	}
	exitOf := func(block []string) (string, int, error) {
		if len(block) == 0 {
			return "", 0, fmt.Errorf("no exit line")
		}
		last := block[len(block)-1]
		n, err := strconv.Atoi(strings.TrimPrefix(last, "exit "))
		if !strings.HasPrefix(last, "exit ") || err != nil {
			return "", 0, fmt.Errorf("%q is not an exit line", last)
		}
		out := ""
		for _, l := range block[:len(block)-1] {
			out += l + "\n"
		}
		return out, n, nil
	}
	for i < len(lines) {
		if lines[i] == "" {
			i++
			continue
		}
		cmd, ok := strings.CutPrefix(lines[i], "=== ")
		if !ok {
			return fail("want a step (=== COMMAND), have %q", lines[i])
		}
		s := Step{Command: cmd, Links: map[string]string{}}
		i++
		block, ok := until("--- alternatives --display ")
		if !ok {
			return fail("step %q: no --display section", cmd)
		}
		var err error
		if s.Output, s.Exit, err = exitOf(block); err != nil {
			return fail("step %q: %v", cmd, err)
		}
		i++
		if block, ok = until("--- /"); !ok {
			return fail("step %q: no state file section", cmd)
		}
		if s.Display, s.DisplayExit, err = exitOf(block); err != nil {
			return fail("step %q: --display: %v", cmd, err)
		}
		i++
		if block, ok = until("--- links"); !ok {
			return fail("step %q: no links section", cmd)
		}
		if len(block) == 1 && block[0] == "(absent)" {
			s.Absent = true
		} else {
			for _, l := range block {
				s.State += l + "\n"
			}
		}
		i++
		for i < len(lines) && lines[i] != "" {
			link, target, ok := strings.Cut(lines[i], " -> ")
			if !ok {
				return fail("step %q: %q is not LINK -> TARGET", cmd, lines[i])
			}
			if target == "(absent)" {
				target = ""
			}
			s.Links[link] = target
			s.LinkOrder = append(s.LinkOrder, link)
			i++
		}
		steps = append(steps, s)
	}
	return steps, nil
}

// CheckRoot compares root with the recording after the step: the
// double's --display of the group (run in root), the state file and the
// links. It returns one line per difference.
func (s Step) CheckRoot(root, group string) []string {
	var diffs []string
	var out strings.Builder
	code := Main([]string{"--display", group}, Env{Root: root, Stdout: &out, Stderr: &out})
	if out.String() != s.Display || code != s.DisplayExit {
		diffs = append(diffs, fmt.Sprintf("--display %s exits %d and prints\n%s\nrecorded: exit %d and\n%s", group, code, out.String(), s.DisplayExit, s.Display))
	}
	state, err := os.ReadFile(filepath.Join(root, "var/lib/alternatives", group))
	switch {
	case s.Absent && !os.IsNotExist(err):
		diffs = append(diffs, fmt.Sprintf("state file is there (%v), recorded absent:\n%s", err, state))
	case !s.Absent && string(state) != s.State:
		diffs = append(diffs, fmt.Sprintf("state file (%v):\n%s\nrecorded:\n%s", err, state, s.State))
	}
	for _, link := range s.LinkOrder {
		if got, _ := os.Readlink(filepath.Join(root, link)); got != s.Links[link] {
			diffs = append(diffs, fmt.Sprintf("%s leads to %q, recorded %q", link, got, s.Links[link]))
		}
	}
	return diffs
}

// ReadTranscript reads the recorded transcript of the recordings folder
// rec (shared/rpm6): alternatives/transcript.txt.
func ReadTranscript(rec string) ([]Step, error) {
	data, err := os.ReadFile(filepath.Join(rec, "alternatives", "transcript.txt"))
	if err != nil {
		return nil, err
	}
	return ParseTranscript(string(data))
}
