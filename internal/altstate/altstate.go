// Package altstate reads and writes an alternatives group's state file
// (/var/lib/alternatives/NAME) the way Fedora's alternatives
// (fedora-sysv/chkconfig, alternatives.c, readConfig and writeState)
// does:
//
//	auto|manual
//	LINK                  the leader's generic name
//	FOLLOWER-NAME         } once per follower
//	FOLLOWER-LINK         }
//	                      an empty line
//	PATH                  } once per alternative
//	[@FAMILY@]PRIORITY[ INITSCRIPT]
//	FOLLOWER-PATH         } once per follower, empty when it has none
//
// and nothing but empty lines after an empty line that ends the
// alternatives. Every line loses its leading white space, the priority
// is read as C's strtol(…, 0) reads it (0x… hexadecimal, 0… octal) into
// a C int, and the file ends at its first NUL byte, as in alternatives.c.
// Debian's update-alternatives writes a subset of this format to
// /var/lib/dpkg/alternatives/NAME (no family, no initscript, a decimal
// priority), which Parse reads too.
package altstate

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Mode is a group's mode.
type Mode string

// Modes.
const (
	Auto   Mode = "auto"
	Manual Mode = "manual"
)

// State is one group's state file.
type State struct {
	Mode Mode
	// Link is the leader's generic name (/usr/bin/go).
	Link string
	// Followers are the group's followers in file order.
	Followers []Follower
	// Alternatives are the registered alternatives in file order.
	Alternatives []Alternative
}

// Follower is a follower's name and generic name.
type Follower struct {
	Name, Link string
}

// Alternative is one registered alternative.
type Alternative struct {
	// Path is what the leader's link leads to when it is selected.
	Path     string
	Priority int32
	// Family and Initscript are "" when the alternative has none.
	Family, Initscript string
	// Followers has one path per State.Followers, "" for none.
	Followers []string
}

// Error is a state file alternatives.c refuses. Lines are the messages
// it prints, one line each, naming the file as it was given to Parse.
type Error struct {
	Lines []string
}

func (e *Error) Error() string { return strings.Join(e.Lines, "; ") }

// Best is the index of the first alternative with the highest priority,
// the one auto mode selects; 0 when there is none.
func (s *State) Best() int {
	best := 0
	for i, a := range s.Alternatives {
		if a.Priority > s.Alternatives[best].Priority {
			best = i
		}
	}
	return best
}

// lines hands out a file's lines as alternatives.c's parseLine does:
// the line up to the next newline, without leading white space, and
// ok false at the end of the data.
type lines struct {
	data []byte
}

func (l *lines) next() (string, bool) {
	if len(l.data) == 0 {
		return "", false
	}
	var line []byte
	if i := bytes.IndexByte(l.data, '\n'); i >= 0 {
		line, l.data = l.data[:i], l.data[i+1:]
	} else {
		line, l.data = l.data, nil
	}
	return string(bytes.TrimLeft(line, " \t\n\v\f\r")), true
}

// Parse reads a state file; name is the path its messages give.
func Parse(data []byte, name string) (*State, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		data = data[:i] // C strings end there
	}
	fail := func(msgs ...string) (*State, error) { return nil, &Error{Lines: msgs} }
	l := &lines{data: data}
	line, ok := l.next()
	if !ok {
		return fail(name + " empty!")
	}
	s := &State{}
	switch line {
	case "auto":
		s.Mode = Auto
	case "manual":
		s.Mode = Manual
	default:
		return fail("bad mode on line 1 of " + name)
	}
	line, ok = l.next()
	if !ok || !strings.HasPrefix(line, "/") {
		return fail("bad primary link in " + name)
	}
	s.Link = NormalizePath(line)
	line, ok = l.next()
	for ok && line != "" {
		if strings.HasPrefix(line, "/") {
			return fail(fmt.Sprintf("path %s unexpected in %s", line, name))
		}
		title := line
		line, ok = l.next()
		if !ok {
			return fail(fmt.Sprintf("missing path for follower (null) in %s", name))
		}
		if line == "" {
			return fail(fmt.Sprintf("missing path for follower  in %s", name))
		}
		s.Followers = append(s.Followers, Follower{Name: title, Link: NormalizePath(line)})
		line, ok = l.next()
	}
	if !ok {
		return fail("unexpected end of file in " + name)
	}
	line, ok = l.next()
	for ok && line != "" {
		if !strings.HasPrefix(line, "/") {
			return fail("path to alternate expected in "+name, fmt.Sprintf("unexpected line in %s: %s", name, line))
		}
		a := Alternative{Path: line}
		// alternatives.c crashes on a missing priority line; here it is
		// not a number, printed as glibc prints a NULL string.
		prio, more := l.next()
		shown := prio
		if !more {
			shown = "(null)"
		}
		rest := prio
		if strings.HasPrefix(rest, "@") {
			fam, after, found := strings.Cut(rest[1:], "@")
			if !found || fam == "" {
				return fail("closing '@' missing or the family is empty in "+name, fmt.Sprintf("unexpected line in %s: %s", name, shown))
			}
			// alternatives.c has cut the line at the closing '@' by now.
			a.Family, rest, shown = fam, after, "@"+fam
		}
		n, tail, read := Strtol(rest)
		if !read {
			return fail("numeric priority expected in "+name, fmt.Sprintf("unexpected line in %s: %s", name, shown))
		}
		a.Priority = n
		a.Initscript = strings.TrimLeft(tail, " \t\n\v\f\r")
		for range s.Followers {
			path, more := l.next()
			if more && path != "" && !strings.HasPrefix(path, "/") {
				return fail("follower path expected in "+name, fmt.Sprintf("unexpected line in %s: %s", name, path))
			}
			a.Followers = append(a.Followers, path)
		}
		s.Alternatives = append(s.Alternatives, a)
		line, ok = l.next()
	}
	for ok {
		line, ok = l.next()
		if ok && line != "" {
			return fail(fmt.Sprintf("unexpected line in %s: %s", name, line))
		}
	}
	return s, nil
}

// Format is the state file writeState writes: Mode, Link and the
// followers of the first alternative's follower list, then every
// alternative.
func (s *State) Format() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%s\n", s.Mode, s.Link)
	for _, f := range s.Followers {
		fmt.Fprintf(&b, "%s\n%s\n", f.Name, f.Link)
	}
	b.WriteString("\n")
	for _, a := range s.Alternatives {
		b.WriteString(a.Path + "\n")
		if a.Family != "" {
			fmt.Fprintf(&b, "@%s@", a.Family)
		}
		fmt.Fprintf(&b, "%d", a.Priority)
		if a.Initscript != "" {
			b.WriteString(" " + a.Initscript)
		}
		b.WriteString("\n")
		for _, f := range a.Followers {
			b.WriteString(f + "\n")
		}
	}
	return b.Bytes()
}

// NormalizePath collapses runs of slashes, as alternatives.c's
// normalize_path does ("//a///b/" becomes "/a/b/").
func NormalizePath(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// Strtol reads a number the way C's strtol(s, &end, 0) does, converted
// to a C int as alternatives.c assigns it: leading white space, a sign,
// then 0x/0X hexadecimal, 0 octal or decimal digits; a value beyond a
// long is clamped as strtol clamps it, and then keeps its low 32 bits.
// It returns the number, what follows it, and false when no digits were
// read.
func Strtol(s string) (int32, string, bool) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && digit(s[i+2], 16) {
		base, i = 16, i+2
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && digit(s[i], base) {
		d, _ := strconv.ParseUint(s[i:i+1], int(base), 8)
		if v > (math.MaxUint64-d)/base {
			over = true
		} else {
			v = v*base + d
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	var l int64
	switch {
	case !neg && (over || v > math.MaxInt64):
		l = math.MaxInt64
	case neg && (over || v > 1<<63):
		l = math.MinInt64
	case neg:
		l = -int64(v)
	default:
		l = int64(v)
	}
	return int32(l), s[i:], true
}

func digit(c byte, base uint64) bool {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c-'0') < base
	case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		return base == 16
	}
	return false
}
