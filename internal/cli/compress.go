package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseCompress parses a --compress value, ALGO[:LEVEL]: zstd (1-22),
// xz (1-9) or gzip (1-9). A missing level is 0, the writer's default.
func ParseCompress(s string) (string, int, error) {
	algo, lvl, hasLevel := strings.Cut(s, ":")
	max := map[string]int{"zstd": 22, "xz": 9, "gzip": 9}[algo]
	if max == 0 {
		return "", 0, fmt.Errorf("--compress %q: algorithm must be zstd, xz or gzip", s)
	}
	if !hasLevel {
		return algo, 0, nil
	}
	n, err := strconv.Atoi(lvl)
	if err != nil || n < 1 || n > max {
		return "", 0, fmt.Errorf("--compress %q: level must be 1 to %d", s, max)
	}
	return algo, n, nil
}
