package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

// macrosOptions are the flags of gotc-spec macros.
type macrosOptions struct {
	// Config is the configuration file.
	Config string
	// Output is the macros file written, "-" for standard output.
	Output string
	// Check compares instead of writing.
	Check bool
	// TemplateDir overrides the built-in templates.
	TemplateDir string
}

func (o *macrosOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
	fs.StringVarP(&o.Output, "output", "o", specgen.MacrosFileName, "macros file to write, - for standard output")
	fs.BoolVar(&o.Check, "check", false, "write nothing; exit 1 if the file on disk differs")
	fs.StringVar(&o.TemplateDir, "template-dir", "", "directory with macros.tmpl to use instead of the built-in one")
}

func runMacros(args []string, stdout, stderr io.Writer) error {
	var o macrosOptions
	flags := prog.NewFlagSet("macros")
	o.addFlags(flags)
	if err := parseFlags(flags, args, 0, "macros", stdout); err != nil {
		return err
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	opt := specgen.Options{ConfigName: filepath.Base(o.Config)}
	if o.TemplateDir != "" {
		if _, err := os.Stat(filepath.Join(o.TemplateDir, "macros.tmpl")); err != nil {
			return cli.Usage("--template-dir: %v", err)
		}
		opt.Templates = os.DirFS(o.TemplateDir)
	}
	var buf bytes.Buffer
	if err := specgen.GenerateMacros(&buf, cfg, opt); err != nil {
		return &cli.ExitError{Code: cli.ExitUsage, Err: err}
	}
	if o.Check && o.Output == "-" {
		return cli.Usage("macros: --check needs -o FILE to compare with")
	}
	drifted, err := emit(o.Output, buf.Bytes(), o.Config, o.Check, stdout)
	if err != nil {
		return err
	}
	if drifted {
		return cli.Findings("%s is out of date; run gotc-spec macros", o.Output)
	}
	return nil
}
