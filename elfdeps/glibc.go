package elfdeps

import (
	"strconv"
	"strings"
)

// RequiredGlibc returns the highest numeric GLIBC_x.y[.z] version named by
// d's Requires, for example "GLIBC_2.34", comparing versions numerically
// (GLIBC_2.10 is above GLIBC_2.9). Non-numeric versions such as
// GLIBC_PRIVATE or GLIBC_ABI_DT_RELR are ignored. It returns "" if there
// is none.
func RequiredGlibc(d Deps) string {
	var best string
	var bestParts []int
	for _, req := range d.Requires {
		for rest := req; ; {
			i := strings.Index(rest, "(GLIBC_")
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				break
			}
			v := rest[:end]
			parts, ok := glibcParts(strings.TrimPrefix(v, "GLIBC_"))
			if ok && (best == "" || compareParts(parts, bestParts) > 0) {
				best, bestParts = v, parts
			}
		}
	}
	return best
}

// glibcParts parses "2.34" or "2.2.5" into its numeric components.
func glibcParts(s string) ([]int, bool) {
	fields := strings.Split(s, ".")
	if len(fields) < 2 {
		return nil, false
	}
	parts := make([]int, len(fields))
	for i, f := range fields {
		if f == "" || strings.TrimLeft(f, "0123456789") != "" {
			return nil, false
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, false
		}
		parts[i] = n
	}
	return parts, true
}

func compareParts(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
