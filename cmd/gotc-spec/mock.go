package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/cli"
	"github.com/gotc-project/gotc/mockcfg"
	"github.com/gotc-project/gotc/specgen"
	"github.com/gotc-project/gotc/toolchain"
)

var mockVerb = cli.Verb{
	Name:    "mock",
	Summary: "write mock configurations for the configured targets",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &mockOptions{} },
}

// mockOptions are the flags of gotc-spec mock.
type mockOptions struct {
	Config cli.ConfigFlag
	Gen    cli.GenerateFlags
	// ELBase is the Enterprise Linux the EPEL chroots build on.
	ELBase string
}

func (o *mockOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
	o.Gen.AddFlags(fs, ".", "write the mock configurations into `DIR`", false, "mock.tmpl", "macros.tmpl")
	fs.StringVar(&o.ELBase, "el-base", "alma", "the Enterprise Linux the EPEL chroots build on, `BASE`: "+strings.Join(mockcfg.ELBases, ", "))
	if err := fs.SetAnnotation("el-base", cli.ValuesAnnotation, mockcfg.ELBases); err != nil {
		panic(err)
	}
}

func (o *mockOptions) Validate() error {
	if !slices.Contains(mockcfg.ELBases, o.ELBase) {
		return cli.Usage("--el-base %q: not one of %s", o.ELBase, strings.Join(mockcfg.ELBases, ", "))
	}
	return o.Gen.Validate()
}

func (o *mockOptions) Run(env *cli.Env, _ []string) error {
	cfg, err := o.Config.Load(env.Stderr)
	if err != nil {
		return err
	}
	sopt := specgen.Options{ConfigName: filepath.Base(o.Config.Path), Templates: o.Gen.Templates()}
	var macros bytes.Buffer
	if err := specgen.GenerateMacros(&macros, cfg, sopt); err != nil {
		return cli.Unusable(err)
	}
	files, skipped, err := mockcfg.Generate(cfg, mockcfg.Options{
		ConfigName: sopt.ConfigName, ELBase: o.ELBase, Templates: sopt.Templates, Macros: macros.Bytes(),
	})
	if err != nil {
		return cli.Unusable(err)
	}
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "gotc-spec: mock: no stock mock chroot for %s on %s; skipped\n", s.Target, s.Arch)
	}
	out := make([]cli.File, len(files))
	for i, f := range files {
		out[i] = cli.File{Name: f.Name, Content: f.Content}
	}
	return o.Gen.EmitFiles(env, o.Config.Path, out, "mock configuration(s) out of date; run gotc-spec mock")
}
