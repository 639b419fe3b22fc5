// Package selfcheck checks the Go toolchains installed on a system (or
// in an install root) the way gotc packages them: every toolchain
// directory under layout.root is whole (VERSION, bin/go, bin/gofmt), its
// go.env keeps GOTOOLCHAIN=local and the configured settings, its go
// command runs and reports its own version and root; every toolchain is
// registered with update-alternatives and nothing registered is gone;
// /usr/bin/go, its followers and the versioned commands lead to one
// installed toolchain, the best one when the group is in auto mode.
//
// It reads the alternatives state from the administrative files Fedora
// (/var/lib/alternatives) and Debian (/var/lib/dpkg/alternatives) keep,
// so it needs neither rpm nor root.
package selfcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// Toolchain is one installed toolchain.
type Toolchain struct {
	// Dir is the toolchain root inside the checked root.
	Dir string `json:"dir"`
	// GoVersion is what its VERSION says ("go1.26.8"); "" when unreadable.
	GoVersion string `json:"go_version"`
	// Registered says update-alternatives knows it, with Priority.
	Registered bool `json:"registered"`
	Priority   int  `json:"priority"`
	// Selected says /usr/bin/go leads to it.
	Selected bool `json:"selected"`
}

// Report is the outcome of a check. Each finding's Subject is the
// toolchain directory's name ("go1.26.8"), or "" for the alternatives
// group as a whole; its Path is the path inside the root it is about.
type Report struct {
	Root       string
	Mode       string // the group's mode: auto, manual, or "" when unregistered
	Toolchains []Toolchain
	Findings   []findings.Finding
	findings.Counts
}

// Options control a check.
type Options struct {
	// Root is the install root ("" or "/" for the running system).
	Root string
	// Run runs each toolchain's go command (go version, go env).
	Run bool
	// RPM is the rpm command that verifies the packages owning the
	// toolchains (rpm -V) with the root's database; "" skips it.
	RPM string
}

// Check checks the toolchains of configuration c installed under
// opt.Root.
func Check(c *toolchain.Config, opt Options) (*Report, error) {
	root := opt.Root
	if root == "" {
		root = "/"
	}
	r := &Report{Root: root}
	ch := &checker{c: c, root: root, report: r, run: opt.Run}
	if err := ch.findToolchains(); err != nil {
		return nil, err
	}
	for i := range r.Toolchains {
		ch.checkToolchain(&r.Toolchains[i])
	}
	ch.checkAlternatives()
	ch.checkVersionedCommands()
	if opt.RPM != "" {
		ch.checkRPM(opt.RPM)
	}
	r.Findings = findings.Sort(r.Findings, nil)
	r.Counts = findings.Count(r.Findings)
	return r, nil
}

// checker holds one check's state.
type checker struct {
	c      *toolchain.Config
	root   string
	report *Report
	run    bool
}

func (ch *checker) add(l findings.Level, tc, p, format string, args ...any) {
	ch.report.Findings = append(ch.report.Findings, findings.Newf(l, "", tc, p, format, args...))
}

// host is where path p of the checked root is on this machine.
func (ch *checker) host(p string) string { return filepath.Join(ch.root, filepath.FromSlash(p)) }

// findToolchains lists the directories under layout.root whose names
// layout.dir can produce.
func (ch *checker) findToolchains() error {
	pattern := strings.NewReplacer("{version}", "*", "{series}", "*").Replace(ch.c.Layout.Dir)
	entries, err := os.ReadDir(ch.host(ch.c.Layout.Root))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", ch.c.Layout.Root, err)
	}
	for _, e := range entries {
		if ok, _ := path.Match(pattern, e.Name()); !ok || e.Type()&os.ModeSymlink != 0 {
			continue
		}
		dir := path.Join(ch.c.Layout.Root, e.Name())
		if !e.IsDir() {
			ch.add(findings.Error, e.Name(), dir, "not a directory")
			continue
		}
		ch.report.Toolchains = append(ch.report.Toolchains, Toolchain{Dir: dir})
	}
	return nil
}

// checkToolchain checks one toolchain directory.
func (ch *checker) checkToolchain(t *Toolchain) {
	name := path.Base(t.Dir)
	version, err := readFirstLine(ch.host(t.Dir + "/VERSION"))
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/VERSION", "unreadable: %v", err)
		return
	}
	t.GoVersion = version
	v, err := toolchain.ParseVersion(strings.TrimPrefix(version, "go"))
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/VERSION", "%q is not a Go release", version)
		return
	}
	want := strings.NewReplacer("{version}", v.String(), "{series}", v.Series()).Replace(ch.c.Layout.Dir)
	if want != name {
		ch.add(findings.Error, name, t.Dir, "holds %s, which belongs in %s", version, path.Join(ch.c.Layout.Root, want))
	}
	for _, cmd := range []string{"bin/go", "bin/gofmt"} {
		info, err := os.Stat(ch.host(t.Dir + "/" + cmd))
		switch {
		case err != nil:
			ch.add(findings.Error, name, t.Dir+"/"+cmd, "missing")
		case !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0:
			ch.add(findings.Error, name, t.Dir+"/"+cmd, "not an executable file (%v)", info.Mode())
		}
	}
	ch.checkGoEnv(t, name)
	if ch.run {
		ch.runGo(t, name)
	}
}

// checkGoEnv checks go.env says GOTOOLCHAIN=local and the configured
// settings; the go command takes the last line for a key.
func (ch *checker) checkGoEnv(t *Toolchain, name string) {
	p := t.Dir + "/go.env"
	data, err := os.ReadFile(ch.host(p))
	if err != nil {
		ch.add(findings.Error, name, p, "unreadable: %v", err)
		return
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			got[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, kv := range ch.c.GoEnvSettings() {
		if v, ok := got[kv[0]]; !ok {
			ch.add(findings.Error, name, p, "no %s setting, want %s=%s", kv[0], kv[0], kv[1])
		} else if v != kv[1] {
			ch.add(findings.Error, name, p, "says %s=%s, want %s", kv[0], v, kv[1])
		}
	}
}

// runGo runs the toolchain's go command: it must report the version in
// VERSION, its own root as GOROOT and GOTOOLCHAIN=local.
func (ch *checker) runGo(t *Toolchain, name string) {
	goCmd := ch.host(t.Dir + "/bin/go")
	if _, err := os.Stat(goCmd); err != nil {
		return // reported as missing
	}
	env := []string{"HOME=" + os.TempDir(), "GOENV=off", "PATH=/usr/bin:/bin", "GOFLAGS=", "GOTOOLCHAIN=", "GOROOT="}
	out, err := command(goCmd, env, "version")
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go version failed: %v", err)
		return
	}
	if f := strings.Fields(out); len(f) < 3 || f[2] != t.GoVersion {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go version printed %q, but VERSION says %s", strings.TrimSpace(out), t.GoVersion)
	}
	out, err = command(goCmd, env, "env", "GOROOT", "GOTOOLCHAIN")
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go env failed: %v", err)
		return
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go env printed %q", out)
		return
	}
	if want := ch.host(t.Dir); filepath.Clean(lines[0]) != want {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go env GOROOT is %s, want %s", lines[0], want)
	}
	if lines[1] != "local" {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go env GOTOOLCHAIN is %s: this toolchain may download another one", lines[1])
	}
}

// command runs name with args in a clean environment and returns its
// standard output.
func command(name string, env []string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Dir = os.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, firstLine(msg))
		}
		return "", err
	}
	return string(out), nil
}

// readFirstLine reads the first line of a small file.
func readFirstLine(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if sc.Scan() {
		return strings.TrimSpace(sc.Text()), nil
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("empty")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
