// Package jsonout is the one JSON encoding setting of gotc's
// machine-readable outputs (inspect, diff, verify, selfcheck): two-space
// indent, a closing newline, and no HTML escaping, so a path with & < >
// prints as it is.
package jsonout

import (
	"bytes"
	"encoding/json"
	"io"
)

// Write encodes v to w as indented JSON followed by a newline.
func Write(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Marshal encodes v as compact JSON without HTML escaping: for
// MarshalJSON methods whose output Write then indents (the encoder keeps
// a Marshaler's escapes as they are).
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
