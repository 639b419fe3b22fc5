package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/internal/sde"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

// genOptions are the flags of gotc-spec gen.
type genOptions struct {
	// Config is the configuration file.
	Config string
	// OutDir is where the specs are written.
	OutDir string
	// Check compares instead of writing.
	Check bool
	// TemplateDir overrides the built-in templates.
	TemplateDir string
}

func (o *genOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
	fs.StringVarP(&o.OutDir, "output", "o", ".", "directory the specs are written to")
	fs.BoolVar(&o.Check, "check", false, "write nothing; exit 1 if the specs on disk differ")
	fs.StringVar(&o.TemplateDir, "template-dir", "", "directory with spec.tmpl to use instead of the built-in one")
}

func runGen(args []string, stdout, stderr io.Writer) error {
	var o genOptions
	flags := prog.NewFlagSet("gen")
	o.addFlags(flags)
	if err := parseFlags(flags, args, 0, "gen", stdout); err != nil {
		return err
	}
	epoch, err := sde.Parse(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return cli.Usage("%v", err)
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	opt := specgen.Options{ConfigName: filepath.Base(o.Config), SourceDateEpoch: epoch}
	if o.TemplateDir != "" {
		if _, err := os.Stat(filepath.Join(o.TemplateDir, "spec.tmpl")); err != nil {
			return cli.Usage("--template-dir: %v", err)
		}
		opt.Templates = os.DirFS(o.TemplateDir)
	}
	if !o.Check {
		if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
			return fmt.Errorf("creating output directory: %w", err)
		}
	}
	var drift []string
	for _, p := range cfg.Plans() {
		var buf bytes.Buffer
		if err := specgen.Generate(&buf, p, opt); err != nil {
			return err
		}
		path := filepath.Join(o.OutDir, specgen.FileName(p))
		drifted, err := emit(path, buf.Bytes(), o.Config, o.Check, stdout)
		if err != nil {
			return err
		}
		if drifted {
			drift = append(drift, path)
		}
	}
	if len(drift) > 0 {
		return cli.Findings("%d spec(s) out of date; run gotc-spec gen", len(drift))
	}
	return nil
}
