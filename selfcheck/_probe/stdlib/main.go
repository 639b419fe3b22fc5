// Command stdlib is a probe program of gotc-rpm selfcheck --probe: a
// good part of the standard library (encoding/json, compress/gzip,
// crypto/sha256, text/template, regexp, sort), compiled and linked but
// never run. net/http would cover more and double the probe's build from
// an empty cache; these packages already exercise the compiler's
// generics, reflection, inlining and escape analysis.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"text/template"
)

func main() {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := template.Must(template.New("t").Parse("{{.}}\n")).Execute(zw, "gotc"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	zw.Close()
	words := regexp.MustCompile(`\w+`).FindAllString("go toolchain probe", -1)
	sort.Strings(words)
	js, _ := json.Marshal(map[string]any{"words": words, "size": buf.Len()})
	fmt.Printf("%x %s\n", sha256.Sum256(buf.Bytes()), js)
}
