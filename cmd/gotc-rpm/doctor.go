package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/doctor"
	"github.com/gotc-project/gotc/internal/cli"
)

var doctorVerb = cli.Verb{
	Name:    "doctor",
	Summary: "check a shell's environment against the installed toolchains",
	Args:    cli.NoArgs,
	New:     func() cli.Options { return &doctorOptions{} },
}

// doctorOptions are the flags of gotc-rpm doctor.
type doctorOptions struct {
	Config cli.ConfigFlag
	Root   cli.RootFlag
	// EnvFile holds the environment to check instead of this process's.
	EnvFile string
	JSON    cli.JSONFlag
}

func (o *doctorOptions) AddFlags(fs *pflag.FlagSet) {
	o.Config.AddFlags(fs, "", installedConfigUsage)
	o.Root.AddFlags(fs, "the file system `DIR` the environment's paths are in")
	fs.StringVar(&o.EnvFile, "env-file", "", "check the environment in `FILE` (KEY=VALUE lines, as env prints them) instead of this shell's")
	o.JSON.AddFlags(fs, "print a JSON report instead of text")
}

// envKeys are the variables doctor reads.
var envKeys = []string{"PATH", "HOME", "GOROOT", "GOTOOLCHAIN", "GOPATH", "GOBIN", "GOENV", "XDG_CONFIG_HOME"}

func (o *doctorOptions) Run(env *cli.Env, _ []string) error {
	if err := o.Root.Check(); err != nil {
		return err
	}
	cfg, err := o.Config.LoadOrDefaults(env.Stderr)
	if err != nil {
		return err
	}
	vars := map[string]string{}
	if o.EnvFile != "" {
		if vars, err = readEnvFile(o.EnvFile); err != nil {
			return cli.Unusable(err)
		}
	} else {
		for _, k := range envKeys {
			if v := env.Getenv(k); v != "" {
				vars[k] = v
			}
		}
	}
	rep, err := doctor.Check(doctor.Options{Root: o.Root.Dir, Env: vars, Config: cfg})
	if err != nil {
		return cli.Unusable(err)
	}
	if err := o.JSON.Write(env.Stdout, rep); err != nil {
		return err
	}
	return cli.ErrorsFound(rep.Counts)
}

// maxEnvFile bounds --env-file: an environment is a few kilobytes.
const maxEnvFile = 1 << 20

// readEnvFile reads KEY=VALUE lines (env's output, or a profile's
// "export KEY=VALUE" lines; # comments and blank lines skipped). A value
// in matching quotes loses them.
func readEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	if len(data) > maxEnvFile {
		return nil, fmt.Errorf("--env-file %s: larger than %d bytes: not an environment", path, maxEnvFile)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxEnvFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("--env-file %s:%d: not KEY=VALUE: %q", path, n, line)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--env-file %s: %w", path, err)
	}
	return vars, nil
}
