package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/mockcfg"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

// mockOptions are the flags of gotc-spec mock.
type mockOptions struct {
	// Config is the configuration file.
	Config string
	// OutDir is where the configurations are written.
	OutDir string
	// Check compares instead of writing.
	Check bool
	// ELBase is the Enterprise Linux EPEL chroots build on.
	ELBase string
	// TemplateDir overrides the built-in templates.
	TemplateDir string
}

func (o *mockOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Config, "config", "c", toolchain.DefaultPath, "configuration file")
	fs.StringVarP(&o.OutDir, "output", "o", ".", "directory the mock configurations are written to")
	fs.BoolVar(&o.Check, "check", false, "write nothing; exit 1 if the files on disk differ")
	fs.StringVar(&o.ELBase, "el-base", "alma", "Enterprise Linux the EPEL chroots build on: alma, rocky, rhel or centos-stream")
	fs.StringVar(&o.TemplateDir, "template-dir", "", "directory with mock.tmpl and macros.tmpl to use instead of the built-in ones")
}

func runMock(args []string, stdout, stderr io.Writer) error {
	var o mockOptions
	flags := prog.NewFlagSet("mock")
	o.addFlags(flags)
	if err := parseFlags(flags, args, 0, "mock", stdout); err != nil {
		return err
	}
	cfg, err := cli.LoadConfig(o.Config, stderr)
	if err != nil {
		return err
	}
	sopt := specgen.Options{ConfigName: filepath.Base(o.Config)}
	mopt := mockcfg.Options{ConfigName: sopt.ConfigName, ELBase: o.ELBase}
	if o.TemplateDir != "" {
		for _, name := range []string{"mock.tmpl", "macros.tmpl"} {
			if _, err := os.Stat(filepath.Join(o.TemplateDir, name)); err != nil {
				return cli.Usage("--template-dir: %v", err)
			}
		}
		sopt.Templates = os.DirFS(o.TemplateDir)
		mopt.Templates = sopt.Templates
	}
	var macros bytes.Buffer
	if err := specgen.GenerateMacros(&macros, cfg, sopt); err != nil {
		return &cli.ExitError{Code: cli.ExitUsage, Err: err}
	}
	mopt.Macros = macros.Bytes()
	files, skipped, err := mockcfg.Generate(cfg, mopt)
	if err != nil {
		return &cli.ExitError{Code: cli.ExitUsage, Err: err}
	}
	for _, s := range skipped {
		fmt.Fprintf(stderr, "gotc-spec: mock: no stock mock chroot for %s on %s; skipped\n", s.Target, s.Arch)
	}
	if !o.Check {
		if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
			return fmt.Errorf("creating output directory: %w", err)
		}
	}
	var drift int
	for _, f := range files {
		drifted, err := emit(filepath.Join(o.OutDir, f.Name), f.Content, o.Config, o.Check, stdout)
		if err != nil {
			return err
		}
		if drifted {
			drift++
		}
	}
	if drift > 0 {
		return cli.Findings("%d mock configuration(s) out of date; run gotc-spec mock", drift)
	}
	return nil
}
