package specgen

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gotc-project/gotc/toolchain"
)

// The parts below are shell and file-list text the spec and the macros
// file (macros.gotc) both carry; one function writes each, so a
// hand-written spec using the macros gets the generated spec's text.

// InstallLinks is the %install shell that creates, under %{buildroot},
// the main package's ghost entries (the alternatives links and their
// /etc/alternatives entries) and its versioned commands.
func InstallLinks(p *toolchain.Plan) string {
	dirs := map[string]bool{}
	for _, g := range p.Ghosts {
		dirs[path.Dir(g.Path)] = true
	}
	for _, l := range p.Links {
		dirs[path.Dir(l.Path)] = true
	}
	sorted := make([]string, 0, len(dirs))
	for dir := range dirs {
		sorted = append(sorted, dir)
	}
	sort.Strings(sorted)
	var lines []string
	for _, dir := range sorted {
		lines = append(lines, "mkdir -p %{buildroot}"+dir)
	}
	for _, g := range p.Ghosts {
		if g.LinkTo != "" {
			lines = append(lines, fmt.Sprintf("ln -s %s %%{buildroot}%s", g.LinkTo, g.Path))
		} else {
			lines = append(lines, "touch %{buildroot}"+g.Path)
		}
	}
	for _, l := range p.Links {
		lines = append(lines, fmt.Sprintf("ln -s %s %%{buildroot}%s", l.Target, l.Path))
	}
	return strings.Join(lines, "\n")
}

// SharedDirs is the %files lines of the directories every package of
// the toolchain owns (toolchain.Plan.SharedDirs); goroot is how the spec
// names the toolchain root ("%{goroot}").
func SharedDirs(p *toolchain.Plan, goroot string) string {
	lines := make([]string, len(p.SharedDirs))
	for i, d := range p.SharedDirs {
		if d == p.GOROOT {
			d = goroot
		}
		lines[i] = "%dir " + d
	}
	return strings.Join(lines, "\n")
}

// MainFiles is the main package's %files lines besides its file list:
// the shared directories, the ghosts and the versioned commands. goroot
// is how the spec names the toolchain root ("%{goroot}").
func MainFiles(p *toolchain.Plan, goroot string) string {
	lines := []string{SharedDirs(p, goroot)}
	for _, g := range p.Ghosts {
		lines = append(lines, "%ghost "+g.Path)
	}
	for _, l := range p.Links {
		lines = append(lines, l.Path)
	}
	return strings.Join(lines, "\n")
}

// Check is the %check shell: the packaged go command must run, report
// the plan's version and keep go.env's GOTOOLCHAIN. goroot is where the
// built toolchain is ("%{buildroot}%{goroot}"), goarch how the spec
// names GOARCH ("%{goarch}"). GO111MODULE=off keeps a go.mod or go.work
// above the build directory from making GOTOOLCHAIN=path switch to
// another toolchain (cmd/go reads them only in module mode).
func Check(p *toolchain.Plan, goroot, goarch string) string {
	return `# The packaged go command must run, report this version and keep
# GOTOOLCHAIN=` + p.GoToolchain() + ` from go.env.
unset GOROOT GOPATH GOFLAGS GOTOOLCHAIN
export GOENV=off GO111MODULE=off HOME="$PWD"
v=$(` + goroot + `/bin/go version)
test "$v" = "go version go` + p.Text.Version + ` linux/` + goarch + `" || { echo "bin/go version printed: $v" >&2; exit 1; }
t=$(` + goroot + `/bin/go env GOTOOLCHAIN)
test "$t" = ` + p.GoToolchain() + ` || { echo "go env GOTOOLCHAIN printed: $t" >&2; exit 1; }`
}
