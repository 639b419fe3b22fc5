package rpmdiff

import (
	"bufio"
	"io"

	"github.com/gotc-project/gotc/internal/jsonout"
)

// WriteText writes one line per difference (see Difference.String).
// Nothing is written when there are none.
func WriteText(w io.Writer, diffs []Difference) error {
	bw := bufio.NewWriter(w)
	for _, d := range diffs {
		bw.WriteString(d.String())
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteJSON writes the differences as one JSON array of objects with the
// keys kind, name, field, a and b, indented by two spaces and followed by
// a newline; "[]" when there are none. The same differences always give
// the same bytes.
func WriteJSON(w io.Writer, diffs []Difference) error {
	if diffs == nil {
		diffs = []Difference{}
	}
	return jsonout.Write(w, diffs)
}
