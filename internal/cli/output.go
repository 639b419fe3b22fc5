package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gotc-project/gotc/internal/atomicfile"
)

// MakeOutputDir creates the output directory dir (and missing parents);
// undo removes what it created while still empty, for a verb that fails
// (atomicfile.MkdirAll).
func MakeOutputDir(dir string) (undo func(), err error) {
	undo, err = atomicfile.MkdirAll(dir, 0o755)
	if err != nil {
		return func() {}, Unusable(fmt.Errorf("creating output directory: %w", err))
	}
	return undo, nil
}

// Emit writes content to path atomically and says so on stdout, or with
// --check compares it with the file on disk and reports whether it
// differs or is missing. Path "-" writes to stdout. source names what the
// content was made from, for the drift message.
func (g *GenerateFlags) Emit(path string, content []byte, source string, stdout io.Writer) (drift bool, err error) {
	if path == "-" {
		_, err := stdout.Write(content)
		return false, err
	}
	if g.Check {
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stdout, "%s: missing\n", path)
			return true, nil
		case err != nil:
			return false, Unusable(fmt.Errorf("reading %s: %w", path, err))
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
		return false, Unusable(err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return false, nil
}

// A File is one generated file: its name in the output directory and its
// content.
type File struct {
	Name    string
	Content []byte
}

// EmitFiles writes files into the -o directory, creating it first (and
// removing it again when the run fails before anything is in it), or with
// --check compares each with the file on disk. When any differs it returns
// findings (exit 1): the count and stale, "spec(s) out of date; run
// gotc-spec gen".
func (g *GenerateFlags) EmitFiles(env *Env, source string, files []File, stale string) (err error) {
	if !g.Check {
		undo, err := MakeOutputDir(g.Output)
		if err != nil {
			return Unusable(err)
		}
		defer func() {
			if err != nil && Code(err) != ExitFindings {
				undo()
			}
		}()
	}
	drift := 0
	for _, f := range files {
		drifted, err := g.Emit(filepath.Join(g.Output, f.Name), f.Content, source, env.Stdout)
		if err != nil {
			return err
		}
		if drifted {
			drift++
		}
	}
	if drift > 0 {
		return Findings("%d %s", drift, stale)
	}
	return nil
}
