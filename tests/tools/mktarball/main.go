// Command mktarball writes upstream-shaped Go tarballs of installed
// toolchains, for the demo and the benchmark:
//
//	mktarball -o DIR GOROOT...
//
// It prints "FILE SHA256" for each tarball and skips a tarball that
// already exists with a matching ".sha256" file next to it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/internal/gotarball"
)

func main() {
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mktarball:", err)
		os.Exit(2)
	}
}

func run(out string, roots []string) error {
	if len(roots) == 0 {
		return fmt.Errorf("usage: mktarball -o DIR GOROOT")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, root := range roots {
		info, err := gotarball.ReadInfo(root)
		if err != nil {
			return err
		}
		path := filepath.Join(out, gotarball.FileName(info.GoVersion, runtime.GOARCH))
		if sum, err := os.ReadFile(path + ".sha256"); err == nil {
			if _, statErr := os.Stat(path); statErr == nil {
				fmt.Printf("%s %s\n", filepath.Base(path), strings.TrimSpace(string(sum)))
				continue
			}
		}
		var sum string
		err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
			sum, err = gotarball.Write(w, root)
			return err
		})
		if err != nil {
			return err
		}
		if err := os.WriteFile(path+".sha256", []byte(sum+"\n"), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s %s\n", filepath.Base(path), sum)
	}
	return nil
}
