// Package suggest finds the known word closest to a misspelt one, for
// "did you mean" hints in gotc's error messages (configuration keys,
// commands, flags).
package suggest

import "sort"

// maxDistance is the largest edit distance still offered as a hint: two
// typos, or a transposition, in a word.
const maxDistance = 2

// Closest returns the candidate nearest to word by edit distance, or ""
// when none is within two edits. Ties go to the alphabetically first, so
// the hint does not depend on the order of candidates.
func Closest(word string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestDist := "", maxDistance+1
	for _, c := range sorted {
		if c == word {
			continue
		}
		if d := distance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
