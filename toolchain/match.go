package toolchain

import (
	"fmt"
	"strings"
)

// Patterns in gotc.yaml (split rules, doc/license marks, exclusions) are
// shell case patterns matched against toolchain-relative paths such as
// "src/net/http/testdata/x.txt": "*" matches any run of characters
// including "/", "?" one character, "[...]" a class ("[!...]" negated).
// The generated spec evaluates them with the shell's own case statement
// and the native builder with Match, so both split a tree identically.
// Validation restricts patterns to characters that mean the same in both
// places.

// patternChars are the characters a pattern may contain besides letters
// and digits. Quotes, spaces, "$", "%", "\\", "|", "(" and ")" would mean
// something else to the shell or to rpm's macro expander.
const patternChars = "*?[]!-_./+,@=:~^"

// checkPattern reports why p cannot be used as a pattern, or nil.
func checkPattern(p string) error {
	if p == "" {
		return fmt.Errorf("empty pattern")
	}
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "./") {
		return fmt.Errorf("pattern %q must be relative to the toolchain root (no leading \"/\" or \"./\")", p)
	}
	depth := 0
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(patternChars, r):
			if r == '[' {
				depth++
			} else if r == ']' && depth > 0 {
				depth--
			}
		default:
			return fmt.Errorf("pattern %q: character %q is not allowed (letters, digits and %s only)", p, r, patternChars)
		}
	}
	if depth != 0 {
		return fmt.Errorf("pattern %q: unclosed \"[\"", p)
	}
	return nil
}

// Match reports whether name matches the shell case pattern.
func Match(pattern, name string) bool {
	px, nx := 0, 0
	nextPx, nextNx := -1, -1
	for px < len(pattern) || nx < len(name) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				nextPx, nextNx = px, nx+1
				px++
				continue
			case '?':
				if nx < len(name) {
					px++
					nx++
					continue
				}
			case '[':
				if nx < len(name) {
					if ok, width := matchClass(pattern[px:], name[nx]); width > 0 {
						if ok {
							px += width
							nx++
							continue
						}
					} else if name[nx] == '[' { // no closing "]": a literal "["
						px++
						nx++
						continue
					}
				}
			default:
				if nx < len(name) && name[nx] == c {
					px++
					nx++
					continue
				}
			}
		}
		if nextNx > 0 && nextNx <= len(name) {
			px, nx = nextPx, nextNx
			continue
		}
		return false
	}
	return true
}

// matchClass matches c against the bracket expression at the start of p
// and returns the expression's width; width 0 means p has no closing "]".
func matchClass(p string, c byte) (matched bool, width int) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	start := i
	for ; i < len(p); i++ {
		if p[i] == ']' && i > start {
			return matched != negate, i + 1
		}
		lo := p[i]
		hi := lo
		if i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']' {
			hi = p[i+2]
			i += 2
		}
		if lo <= c && c <= hi {
			matched = true
		}
	}
	return false, 0
}

// matchAny reports whether name matches any of the patterns.
func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if Match(p, name) {
			return true
		}
	}
	return false
}
