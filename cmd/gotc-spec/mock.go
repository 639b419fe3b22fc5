package main

import (
	"bytes"
	"fmt"
	"os"
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
	// Repos are the --repo URLs and directories, as given; repos the
	// URLs Validate made of them.
	Repos []string
	repos []mockcfg.Repo
	// RepoGPGKey is --repo-gpgkey as given; repoGPGKey its URL.
	RepoGPGKey string
	repoGPGKey string
}

func (o *mockOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, toolchain.DefaultPath, "configuration `FILE`")
	o.Gen.AddFlags(fs, ".", "write the mock configurations into `DIR`", false, "mock.tmpl", "macros.tmpl")
	fs.StringVar(&o.ELBase, "el-base", "alma", "the Enterprise Linux the EPEL chroots build on, `BASE`: "+strings.Join(mockcfg.ELBases, ", "))
	if err := fs.SetAnnotation("el-base", cli.ValuesAnnotation, mockcfg.ELBases); err != nil {
		panic(err)
	}
	fs.StringArrayVar(&o.Repos, "repo", nil, "add the package repository at `URL|DIR` (http(s)://, file:///, or a createrepo_c directory) to every chroot; repeatable")
	fs.StringVar(&o.RepoGPGKey, "repo-gpgkey", "", "check the --repo packages' signatures against the key at `URL|FILE` (default: not checked)")
}

func (o *mockOptions) Validate() error {
	if !slices.Contains(mockcfg.ELBases, o.ELBase) {
		return cli.Usage("--el-base %q: not one of %s", o.ELBase, strings.Join(mockcfg.ELBases, ", "))
	}
	o.repos = nil
	for _, r := range o.Repos {
		u, err := localURL(r, true)
		if err != nil {
			return cli.Usage("--repo %s: %v", r, err)
		}
		o.repos = append(o.repos, mockcfg.Repo{URL: u})
	}
	o.repoGPGKey = ""
	if o.RepoGPGKey != "" {
		if len(o.Repos) == 0 {
			return cli.Usage("--repo-gpgkey needs --repo")
		}
		u, err := localURL(o.RepoGPGKey, false)
		if err != nil {
			return cli.Usage("--repo-gpgkey %s: %v", o.RepoGPGKey, err)
		}
		o.repoGPGKey = u
	}
	return o.Gen.Validate()
}

// localURL turns a --repo or --repo-gpgkey argument into the URL the
// configuration names: a URL is checked as it is; anything else is a
// path on this machine, made absolute and file:///. A repository
// directory must hold createrepo_c's repodata/repomd.xml; a key must be
// a regular file.
func localURL(arg string, repo bool) (string, error) {
	if strings.Contains(arg, "://") {
		return arg, mockcfg.CheckURL(arg)
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	switch {
	case repo && !info.IsDir():
		return "", fmt.Errorf("not a directory")
	case repo:
		if _, err := os.Stat(filepath.Join(abs, "repodata", "repomd.xml")); err != nil {
			return "", fmt.Errorf("not a package repository (no repodata/repomd.xml; run createrepo_c on it)")
		}
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("not a regular file")
	}
	u := "file://" + filepath.ToSlash(abs)
	return u, mockcfg.CheckURL(u)
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
		Repos: o.repos, RepoGPGKey: o.repoGPGKey,
	})
	if err != nil {
		return cli.Unusable(err)
	}
	if keyOutsideRepos(o.repoGPGKey, o.repos) {
		fmt.Fprintf(env.Stderr, "gotc-spec: mock: %s is in no --repo directory: mock's bootstrap chroot, where dnf runs, will not see it; keep the key in the repository directory or serve it over https\n", o.RepoGPGKey)
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

// keyOutsideRepos says a file:/// key lies in none of the file:///
// repositories, the only host paths mock bind-mounts into its bootstrap
// chroot.
func keyOutsideRepos(key string, repos []mockcfg.Repo) bool {
	p, ok := strings.CutPrefix(key, "file://")
	if !ok {
		return false
	}
	for _, r := range repos {
		if dir, ok := strings.CutPrefix(r.URL, "file://"); ok && strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/") {
			return false
		}
	}
	return true
}
