package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/gotc-project/gotc/internal/atomicfile"
)

// emit writes content to path atomically and says so on stdout, or with
// check compares it with the file on disk instead and reports whether it
// differs (or is missing). Path "-" writes to stdout.
func emit(path string, content []byte, source string, check bool, stdout io.Writer) (drift bool, err error) {
	if path == "-" {
		if check {
			return false, fmt.Errorf("--check needs a file to compare, not -")
		}
		_, err := stdout.Write(content)
		return false, err
	}
	if check {
		old, err := os.ReadFile(path)
		switch {
		case err != nil && !os.IsNotExist(err):
			return false, fmt.Errorf("reading %s: %w", path, err)
		case err != nil:
			fmt.Fprintf(stdout, "%s: missing\n", path)
			return true, nil
		case !bytes.Equal(old, content):
			fmt.Fprintf(stdout, "%s: differs from %s\n", path, source)
			return true, nil
		}
		return false, nil
	}
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(content)
		return err
	})
	if err != nil {
		return false, err
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return false, nil
}
