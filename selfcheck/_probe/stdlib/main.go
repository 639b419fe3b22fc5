// Command stdlib is a probe program of gotc-rpm selfcheck --probe: a
// large part of the standard library (net/http, encoding/json,
// compress/gzip, crypto, text/template), compiled and linked but never
// run, so it needs no network.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"text/template"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := template.Must(template.New("t").Parse("{{.}}\n")).Execute(zw, "gotc"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	zw.Close()
	srv := &http.Server{Addr: "127.0.0.1:0", Handler: mux}
	fmt.Printf("%x %s %s\n", sha256.Sum256(buf.Bytes()), http.StatusText(http.StatusTeapot), srv.Addr)
}
