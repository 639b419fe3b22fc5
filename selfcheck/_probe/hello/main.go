// Command hello is a probe program of gotc-rpm selfcheck --probe: the
// runtime, formatting, strings and sorting.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	sort.Strings(words)
	fmt.Fprintf(os.Stdout, "%s (%d words)\n", strings.Join(words, " "), len(words))
}
