// Package doctor checks a user's shell environment against the Go
// toolchains installed on a machine: which go PATH runs and whether
// something shadows the toolchain alternatives selects, a GOROOT that
// points at a removed toolchain or at another one than the go that runs,
// GOTOOLCHAIN set in the environment or with "go env -w", and a GOBIN
// (or GOPATH/bin) that go install fills but PATH lacks. Every finding
// carries the command that fixes it.
//
// The environment is given (a map, the process's own in gotc-rpm
// doctor), and every path in it is looked up inside a root through
// internal/rootfs, so a container image or another user's tree is read
// as that system would see it and nothing outside the root is followed.
// Nothing is run.
package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/rootfs"
	"github.com/gotc-project/gotc/toolchain"
)

// Check ids.
const (
	CheckPath        = "path"        // which go PATH resolves to
	CheckShadow      = "shadow"      // a go ahead of the selected toolchain
	CheckGOROOT      = "goroot"      // GOROOT removed, or another toolchain's
	CheckGOTOOLCHAIN = "gotoolchain" // GOTOOLCHAIN overrides
	CheckGOBIN       = "gobin"       // go install's directory not in PATH
)

// Checks lists the check ids in the order they run.
var Checks = []string{CheckPath, CheckShadow, CheckGOROOT, CheckGOTOOLCHAIN, CheckGOBIN}

// Options say what to check.
type Options struct {
	// Root is the file system the environment's paths are in ("/").
	Root string
	// Env is the shell environment: PATH, HOME, GOROOT, GOTOOLCHAIN,
	// GOPATH, GOBIN, GOENV, XDG_CONFIG_HOME.
	Env map[string]string
	// Config gives the layout, the alternatives link and the GOTOOLCHAIN
	// mode the toolchains were packaged with; gotc's defaults when nil.
	Config *toolchain.Config
}

// Command is a go command found in PATH.
type Command struct {
	// Path is the file in a PATH directory: /usr/local/go/bin/go.
	Path string `json:"path"`
	// Resolved is where its symlinks lead, inside the root.
	Resolved string `json:"resolved"`
	// GOROOT is the toolchain it belongs to: Resolved's ../..; "" when
	// it is not in a bin directory of a Go tree.
	GOROOT string `json:"goroot"`
	// Version is the toolchain's VERSION ("go1.26.8"), "" when unknown.
	Version string `json:"version"`
}

// Finding is one problem and the shell command that fixes it.
type Finding struct {
	findings.Finding
	// Fix is what to run (or put in the shell's profile).
	Fix string `json:"fix"`
}

// Report is what Check found.
type Report struct {
	Root string `json:"root"`
	// Go is the go command PATH resolves to, nil for none.
	Go *Command `json:"go"`
	// Selected is the go command the alternatives link leads to, nil
	// when no toolchain is selected.
	Selected *Command `json:"selected"`
	// Findings are sorted by check, then path.
	Findings []Finding `json:"findings"`
	findings.Counts
}

// Check examines the environment in opt against the root.
func Check(opt Options) (*Report, error) {
	cfg := opt.Config
	if cfg == nil {
		cfg = toolchain.Defaults()
	}
	root := opt.Root
	if root == "" {
		root = "/"
	}
	fsys, err := rootfs.Open(root)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, err)
	}
	defer fsys.Close()
	d := &doctor{fs: fsys, cfg: cfg, env: opt.Env, rep: &Report{Root: root, Findings: []Finding{}}}
	d.checkPath()
	d.checkGOROOT()
	d.checkGOTOOLCHAIN()
	d.checkGOBIN()
	sortFindings(d.rep.Findings)
	for _, f := range d.rep.Findings {
		switch f.Level {
		case findings.Error:
			d.rep.Errors++
		case findings.Warning:
			d.rep.Warnings++
		}
	}
	return d.rep, nil
}

type doctor struct {
	fs  *rootfs.FS
	cfg *toolchain.Config
	env map[string]string
	rep *Report
}

func (d *doctor) add(l findings.Level, check, p, fix, format string, args ...any) {
	d.rep.Findings = append(d.rep.Findings, Finding{Finding: findings.Newf(l, check, "", p, format, args...), Fix: fix})
}

// pathDirs are PATH's directories, as the shell searches them: an empty
// entry is the current directory, which doctor cannot know and skips.
func (d *doctor) pathDirs() []string {
	var dirs []string
	for _, dir := range strings.Split(d.env["PATH"], ":") {
		if dir != "" && path.IsAbs(dir) {
			dirs = append(dirs, path.Clean(dir))
		}
	}
	return dirs
}

// command describes the go command at p, nil when there is none: p must
// lead to an executable regular file.
func (d *doctor) command(p string) *Command {
	resolved, err := d.fs.Resolve(p, true)
	if err != nil {
		return nil
	}
	fi, err := d.fs.Lstat(resolved)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return nil
	}
	c := &Command{Path: p, Resolved: resolved}
	if path.Base(path.Dir(resolved)) == "bin" {
		c.GOROOT = path.Dir(path.Dir(resolved))
		c.Version = d.version(c.GOROOT)
	}
	return c
}

// version is the first line of a Go tree's VERSION file, "" without one.
func (d *doctor) version(goroot string) string {
	data, err := d.fs.ReadFile(path.Join(goroot, "VERSION"), 4096)
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first)
}

// checkPath finds the go PATH runs and the one alternatives selects, and
// reports a go that shadows the selected one.
func (d *doctor) checkPath() {
	link := d.cfg.Alternatives.Link
	d.rep.Selected = d.command(link)
	dirs := d.pathDirs()
	first := -1
	for i, dir := range dirs {
		if c := d.command(path.Join(dir, "go")); c != nil {
			d.rep.Go, first = c, i
			break
		}
	}
	sel := d.rep.Selected
	switch {
	case d.rep.Go == nil && sel != nil:
		d.add(findings.Error, CheckPath, "", "export PATH="+withDirBefore(dirs, path.Dir(link), len(dirs)),
			"no go in PATH; %s leads to %s (%s)", link, sel.GOROOT, sel.Version)
	case d.rep.Go == nil:
		d.add(findings.Error, CheckPath, link, installFix(d.cfg),
			"no go in PATH and no toolchain selected: %s leads nowhere", link)
	case sel == nil:
		if d.rep.Go.Resolved == "" || !d.underRoot(d.rep.Go.Resolved) {
			d.add(findings.Warning, CheckPath, link, installFix(d.cfg),
				"go in PATH is %s (%s); no packaged toolchain is selected (%s leads nowhere)", d.rep.Go.Path, versionOr(d.rep.Go), link)
		}
	case d.rep.Go.Resolved != sel.Resolved:
		d.add(findings.Error, CheckShadow, d.rep.Go.Path, "export PATH="+withDirBefore(dirs, path.Dir(link), first),
			"go in PATH is %s (%s, %s), ahead of %s, the toolchain alternatives select (%s)",
			d.rep.Go.Path, versionOr(d.rep.Go), shadowKind(d.rep.Go, d.env["HOME"]), link, versionOr(sel))
	}
}

// underRoot says whether a resolved path is in the packaged toolchains'
// directory.
func (d *doctor) underRoot(p string) bool {
	return strings.HasPrefix(p, strings.TrimSuffix(d.cfg.Layout.Root, "/")+"/")
}

// shadowKind names where a shadowing go comes from, for the message.
func shadowKind(c *Command, home string) string {
	switch {
	case c.GOROOT == "/usr/local/go":
		return "an upstream tarball unpacked into /usr/local/go"
	case home != "" && strings.HasPrefix(c.GOROOT, path.Join(home, "sdk")+"/"):
		return "an SDK golang.org/dl downloaded into ~/sdk"
	case home != "" && path.Dir(c.Path) == path.Join(home, "go", "bin"):
		return "a go command go install put in ~/go/bin"
	case c.GOROOT == "":
		return "not part of a Go tree"
	}
	return "the toolchain in " + c.GOROOT
}

func versionOr(c *Command) string {
	if c.Version == "" {
		return "version unknown"
	}
	return c.Version
}

// installFix is the command that installs a toolchain: the newest
// configured series, or with no configuration the way to find one.
func installFix(c *toolchain.Config) string {
	plans := c.Plans()
	if len(plans) == 0 {
		return "dnf install go-toolchain-SERIES (dnf list 'go-toolchain-*' lists them)"
	}
	return "dnf install " + plans[len(plans)-1].Name
}

// withDirBefore is PATH with dir moved (or added) before index i.
func withDirBefore(dirs []string, dir string, i int) string {
	var out []string
	for j, d := range dirs {
		if j == i {
			out = append(out, dir)
		}
		if d != dir {
			out = append(out, d)
		}
	}
	if i >= len(dirs) {
		out = append(out, dir)
	}
	return strings.Join(out, ":")
}

// checkGOROOT reports a GOROOT that is gone, or that is another
// toolchain's than the go that runs. A packaged go finds its own root;
// GOROOT only pins it to one that a patch upgrade removes.
func (d *doctor) checkGOROOT() {
	goroot, ok := d.env["GOROOT"]
	if !ok || goroot == "" {
		return
	}
	clean := path.Clean(goroot)
	fi, err := d.fs.Stat(clean)
	running := d.rep.Go
	switch {
	case err != nil || !fi.IsDir() || d.version(clean) == "":
		why := "it is gone"
		if err == nil {
			why = "it holds no Go toolchain (no VERSION)"
		}
		d.add(findings.Error, CheckGOROOT, clean, "unset GOROOT", "GOROOT=%s, but %s: the go command cannot find its standard library", goroot, why)
	case running != nil && running.GOROOT != "" && !d.sameDir(clean, running.GOROOT):
		d.add(findings.Error, CheckGOROOT, clean, "unset GOROOT", "GOROOT=%s (%s), but the go in PATH is %s's (%s): it builds with the other toolchain's library", goroot, d.version(clean), running.GOROOT, versionOr(running))
	case d.underRoot(clean):
		d.add(findings.Warning, CheckGOROOT, clean, "unset GOROOT", "GOROOT=%s pins %s: the packaged go finds its root itself, and the next patch upgrade removes this one", goroot, d.version(clean))
	}
}

func (d *doctor) sameDir(a, b string) bool {
	ra, err1 := d.fs.Resolve(a, true)
	rb, err2 := d.fs.Resolve(b, true)
	return err1 == nil && err2 == nil && ra == rb
}

// checkGOTOOLCHAIN reports GOTOOLCHAIN set in the environment or in the
// go env -w file to another value than the packaged go.env's.
func (d *doctor) checkGOTOOLCHAIN() {
	want := d.cfg.GoToolchain()
	if v, ok := d.env["GOTOOLCHAIN"]; ok && v != "" && v != want {
		d.goToolchainFinding(v, "the environment", "", "unset GOTOOLCHAIN")
	}
	file := d.goEnvFile()
	if file == "" {
		return
	}
	data, err := d.fs.ReadFile(file, 1<<20)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			d.add(findings.Warning, CheckGOTOOLCHAIN, file, "", "the go env -w file cannot be read: %v", err)
		}
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.TrimSpace(k) == "GOTOOLCHAIN" && strings.TrimSpace(v) != want {
			d.goToolchainFinding(strings.TrimSpace(v), "go env -w", file, "go env -u GOTOOLCHAIN")
		}
	}
}

func (d *doctor) goToolchainFinding(v, where, file, fix string) {
	want := d.cfg.GoToolchain()
	if slices.Contains(toolchain.NoDownloadGoToolchains, v) {
		d.add(findings.Warning, CheckGOTOOLCHAIN, file, fix, "GOTOOLCHAIN=%s from %s overrides the packaged go.env's %s", v, where, want)
		return
	}
	d.add(findings.Error, CheckGOTOOLCHAIN, file, fix, "GOTOOLCHAIN=%s from %s overrides the packaged go.env's %s: the go command may download and run a toolchain no package provides", v, where, want)
}

// goEnvFile is where go env -w writes, as cmd/go finds it: $GOENV, else
// $XDG_CONFIG_HOME/go/env, else $HOME/.config/go/env; "" when GOENV is
// off or nothing says where.
func (d *doctor) goEnvFile() string {
	if v, ok := d.env["GOENV"]; ok {
		if v == "off" || v == "" {
			return ""
		}
		return v
	}
	if x := d.env["XDG_CONFIG_HOME"]; x != "" && path.IsAbs(x) {
		return path.Join(x, "go", "env")
	}
	if h := d.env["HOME"]; h != "" && path.IsAbs(h) {
		return path.Join(h, ".config", "go", "env")
	}
	return ""
}

// checkGOBIN reports the directory go install writes commands to when it
// exists but PATH lacks it: GOBIN, else the first GOPATH entry's bin,
// else ~/go/bin.
func (d *doctor) checkGOBIN() {
	dir, from := d.env["GOBIN"], "GOBIN"
	if dir == "" {
		gopath := d.env["GOPATH"]
		first, _, _ := strings.Cut(gopath, ":")
		if first == "" && d.env["HOME"] != "" {
			first = path.Join(d.env["HOME"], "go")
		}
		if first == "" || !path.IsAbs(first) {
			return
		}
		dir, from = path.Join(first, "bin"), "GOPATH/bin"
	}
	dir = path.Clean(dir)
	if fi, err := d.fs.Stat(dir); err != nil || !fi.IsDir() {
		return
	}
	if slices.Contains(d.pathDirs(), dir) {
		return
	}
	d.add(findings.Warning, CheckGOBIN, dir, "export PATH=$PATH:"+dir, "go install puts commands in %s (%s), which is not in PATH", dir, from)
}

// sortFindings orders findings by check, then path and message.
func sortFindings(fs []Finding) {
	rank := map[string]int{}
	for i, c := range Checks {
		rank[c] = i
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if r := rank[a.Check] - rank[b.Check]; r != 0 {
			return r
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}
