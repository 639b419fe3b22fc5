// Package findings is the model of what gotc's checkers report: verify
// (about built packages) and selfcheck (about installed toolchains) both
// return findings of this type, counted and sorted the same way. How a
// report is printed stays with the checker that makes it.
package findings

import (
	"fmt"
	"sort"
	"strings"
)

// Level is how bad a finding is, named as rpmlint names its levels.
type Level string

// Levels.
const (
	// Error is a problem that makes the checked thing wrong: the command
	// exits 1.
	Error Level = "error"
	// Warning is a problem worth a look that does not fail the check.
	Warning Level = "warning"
)

// Finding is one problem.
type Finding struct {
	Level Level `json:"level"`
	// Check is the id of the check that found it ("integrity",
	// "alternatives", ...); "" when the checker has no check ids.
	Check string `json:"check"`
	// Subject is what the finding is about as a whole: a package's NEVRA
	// for verify, a toolchain directory's name for selfcheck; "" for the
	// whole set.
	Subject string `json:"subject"`
	// Path is the file the finding is about, "" when none.
	Path string `json:"path"`
	// Message is one line saying what is wrong.
	Message string `json:"message"`
}

// String formats the finding on one line: level, check, subject and
// path (those that are not empty) two spaces apart, then ": message".
func (f Finding) String() string {
	parts := []string{string(f.Level)}
	for _, s := range []string{f.Check, f.Subject, f.Path} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "  ") + ": " + f.Message
}

// Newf makes a finding with a formatted message.
func Newf(l Level, check, subject, path, format string, args ...any) Finding {
	return Finding{Level: l, Check: check, Subject: subject, Path: path, Message: fmt.Sprintf(format, args...)}
}

// Counts is how many findings there are at each level.
type Counts struct {
	Errors   int
	Warnings int
}

// Count counts fs by level.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Level {
		case Error:
			c.Errors++
		case Warning:
			c.Warnings++
		}
	}
	return c
}

// Sort sorts fs by subject, then check in the order of checks (ids not
// listed sort after those listed, by name), path, level (errors first)
// and message, and drops exact duplicates: the same problem seen twice is
// one finding. It returns the sorted slice, which shares fs's storage.
func Sort(fs []Finding, checks []string) []Finding {
	order := make(map[string]int, len(checks))
	for i, c := range checks {
		order[c] = i
	}
	rank := func(c string) int {
		if i, ok := order[c]; ok {
			return i
		}
		return len(checks)
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if ra, rb := rank(a.Check), rank(b.Check); ra != rb {
			return ra < rb
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Level != b.Level {
			return a.Level == Error
		}
		return a.Message < b.Message
	})
	out := fs[:0]
	for _, f := range fs {
		if len(out) > 0 && f == out[len(out)-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}
