package selfcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/gotelemetry"
	"github.com/gotc-project/gotc/internal/rootfs"
	"github.com/gotc-project/gotc/toolchain"
)

// maxSmallFile bounds what is read of VERSION, go.env and the
// alternatives state files.
const maxSmallFile = 1 << 20

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
	// RPMDB is the rpm database directory read, in the root; "" when
	// none was.
	RPMDB string
	// Skipped says which checks did not run, and why.
	Skipped []string
	// Probes are the compile probe's outcomes (Options.Probe), one per
	// toolchain and cgo setting, in the order of Toolchains.
	Probes []Probe
	// ProbeFile is the reference file the probe read and wrote; "" when
	// it did not run.
	ProbeFile string
	findings.Counts
}

// Options control a check.
type Options struct {
	// Root is the install root ("" or "/" for the running system).
	Root string
	// Run runs each toolchain's programs: go version, go env and each
	// tool's -V=full. In a root other than "/" it needs RunRoot too;
	// without it those checks are skipped (Report.Skipped says so).
	Run bool
	// RunRoot lets Run run the programs of a root other than "/",
	// confined to it (see the package documentation). Check fails with
	// a *ConfineError when this machine cannot confine them.
	RunRoot bool
	// RPM is this machine's rpm command, which reads a copy of the root's
	// rpm database; "" skips the checks against packages.
	RPM string
	// DBPath is the root's rpm database directory, a path in the root;
	// "" looks in DBPaths and at this machine's rpm's %_dbpath.
	DBPath string
	// Cache is a Go build cache (GOCACHE) to check: each toolchain
	// builds a fixed program with it and with an empty cache, and the
	// binaries must be equal. It needs Root "/" and Run. The check adds
	// the program's entries to the cache.
	Cache string
	// Probe runs the compile probe (see the package documentation) with
	// each toolchain. It needs Root "/" and Run.
	Probe bool
	// StateDir is where the probe keeps its reference file, ProbeFileName
	// (DefaultStateDir when "").
	StateDir string
	// ResetProbe makes the probe forget the recorded references and
	// record them anew, for each toolchain without errors.
	ResetProbe bool
	// TempDir holds the scratch files: the copy of the rpm database, the
	// empty build caches, the probe programs and the built programs
	// (os.TempDir() when "").
	TempDir string
}

// UsageError reports options that do not go together.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Check checks the toolchains of configuration c installed under
// opt.Root. The error is a *UsageError for options that do not go
// together, a *ConfineError when RunRoot cannot be honoured, or an
// unusable root or rpm database; problems of the root are findings.
func Check(c *toolchain.Config, opt Options) (*Report, error) {
	root := opt.Root
	if root == "" {
		root = "/"
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	host := root == "/"
	if opt.Cache != "" && (!host || !opt.Run) {
		return nil, &UsageError{"checking a build cache needs the running system's toolchains (root /) and running them"}
	}
	if (opt.Probe || opt.ResetProbe) && (!host || !opt.Run) {
		return nil, &UsageError{"the compile probe needs the running system's toolchains (root /) and running them"}
	}
	if opt.ResetProbe && !opt.Probe {
		return nil, &UsageError{"resetting the probe's references needs the probe"}
	}
	if opt.Cache != "" {
		if opt.Cache, err = filepath.Abs(opt.Cache); err != nil {
			return nil, err
		}
	}
	rfs, err := rootfs.Open(root)
	if err != nil {
		return nil, fmt.Errorf("opening the root: %w", err)
	}
	defer rfs.Close()
	tmp, err := os.MkdirTemp(opt.TempDir, "gotc-selfcheck-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	// No telemetry sidecar may outlive the check, writing into tmp.
	if err := gotelemetry.Off(tmp); err != nil {
		return nil, err
	}
	r := &Report{Root: root}
	ch := &checker{c: c, root: root, fs: rfs, report: r}
	ch.runs = opt.Run && (host || opt.RunRoot)
	ch.run = &runner{fs: rfs, confined: !host, home: tmp}
	switch {
	case !opt.Run:
	case !ch.runs:
		r.Skipped = append(r.Skipped, "the toolchains' programs were not run: they belong to "+root+", not to this system (selfcheck --run-root runs them, confined)")
	case !host:
		r.Skipped = append(r.Skipped, "go env GOROOT is not compared: a confined go command is given its GOROOT")
	}
	if err := ch.findToolchains(); err != nil {
		return nil, err
	}
	if opt.RPM != "" {
		if len(r.Toolchains) > 0 {
			if err := ch.checkRPM(opt.RPM, opt.DBPath, tmp); err != nil {
				return nil, err
			}
		}
	} else {
		r.Skipped = append(r.Skipped, "no rpm: nothing was verified against the packages")
	}
	for i := range r.Toolchains {
		if err := ch.checkToolchain(&r.Toolchains[i]); err != nil {
			return nil, err
		}
		if opt.Cache != "" {
			ch.checkCache(&r.Toolchains[i], path.Base(r.Toolchains[i].Dir), opt.Cache, tmp)
		}
	}
	ch.checkAlternatives()
	ch.checkVersionedCommands()
	if opt.Probe {
		if err := ch.probe(opt, tmp); err != nil {
			return nil, err
		}
	}
	r.Findings = findings.Sort(r.Findings, nil)
	r.Counts = findings.Count(r.Findings)
	return r, nil
}

// checker holds one check's state.
type checker struct {
	c      *toolchain.Config
	root   string
	fs     *rootfs.FS
	report *Report
	run    *runner
	runs   bool   // the toolchains' programs may run
	db     *rpmDB // nil without rpm or database
	// stateDir is the probe's state directory, absolute.
	stateDir string
}

func (ch *checker) add(l findings.Level, tc, p, format string, args ...any) {
	ch.report.Findings = append(ch.report.Findings, findings.Newf(l, "", tc, p, format, args...))
}

// findToolchains lists the directories under layout.root whose names
// layout.dir can produce.
func (ch *checker) findToolchains() error {
	pattern := strings.NewReplacer("{version}", "*", "{series}", "*").Replace(ch.c.Layout.Dir)
	_, entries, err := ch.fs.ReadDir(ch.c.Layout.Root)
	if errors.Is(err, fs.ErrNotExist) {
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

// checkToolchain checks one toolchain directory. The error is a
// *ConfineError.
func (ch *checker) checkToolchain(t *Toolchain) error {
	name := path.Base(t.Dir)
	data, err := ch.fs.ReadFile(t.Dir+"/VERSION", maxSmallFile)
	version, _, _ := strings.Cut(string(data), "\n")
	version = strings.TrimSpace(version)
	if err == nil && version == "" {
		err = errors.New("empty")
	}
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/VERSION", "unreadable: %v", err)
		return nil
	}
	t.GoVersion = version
	v, err := toolchain.ParseVersion(strings.TrimPrefix(version, "go"))
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/VERSION", "%q is not a Go release", version)
		return nil
	}
	want := strings.NewReplacer("{version}", v.String(), "{series}", v.Series()).Replace(ch.c.Layout.Dir)
	if want != name {
		ch.add(findings.Error, name, t.Dir, "holds %s, which belongs in %s", version, path.Join(ch.c.Layout.Root, want))
	}
	goOK := true
	for _, cmd := range []string{"bin/go", "bin/gofmt"} {
		info, err := ch.fs.Stat(t.Dir + "/" + cmd)
		switch {
		case err != nil:
			ch.add(findings.Error, name, t.Dir+"/"+cmd, "missing")
		case !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0:
			ch.add(findings.Error, name, t.Dir+"/"+cmd, "not an executable file (%v)", info.Mode())
		default:
			continue
		}
		goOK = goOK && cmd != "bin/go"
	}
	ch.checkGoEnv(t, name)
	if ch.runs && goOK {
		if err := ch.runGo(t, name); err != nil {
			return err
		}
	}
	ch.checkTools(t, name)
	return nil
}

// checkGoEnv checks go.env says the configured GOTOOLCHAIN (local unless
// go_env chooses path or local+path) and the other configured settings, read as the go command reads its GOROOT/go.env: lines whose
// first byte is not A-Z or that have no "=" are ignored, nothing is
// trimmed, and the first line for a key wins.
func (ch *checker) checkGoEnv(t *Toolchain, name string) {
	p := t.Dir + "/go.env"
	data, err := ch.fs.ReadFile(p, maxSmallFile)
	if err != nil {
		ch.add(findings.Error, name, p, "unreadable: %v", err)
		return
	}
	got := parseGoEnv(data)
	for _, kv := range ch.c.GoEnvSettings() {
		if v, ok := got[kv[0]]; !ok {
			ch.add(findings.Error, name, p, "no %s setting, want %s=%s", kv[0], kv[0], kv[1])
		} else if v != kv[1] {
			ch.add(findings.Error, name, p, "says %s=%s, want %s", kv[0], v, kv[1])
		}
	}
}

// parseGoEnv reads a GOROOT/go.env file the way the go command does.
func parseGoEnv(data []byte) map[string]string {
	got := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || line[0] < 'A' || line[0] > 'Z' {
			continue
		}
		if _, seen := got[k]; !seen {
			got[k] = v
		}
	}
	return got
}

// goEnv is what the toolchain's programs get on top of runner.baseEnv: a
// confined go command cannot find its own root (there is no /proc in
// the chroot), so it is given it.
func (ch *checker) goEnv(t *Toolchain) []string {
	if ch.run.confined {
		return []string{"GOROOT=" + t.Dir}
	}
	return nil
}

// runGo runs the toolchain's go command: it must report the version in
// VERSION, its own root as GOROOT (not compared when confined, where it
// is given) and the configured GOTOOLCHAIN. The error is a *ConfineError.
func (ch *checker) runGo(t *Toolchain, name string) error {
	goCmd := t.Dir + "/bin/go"
	env := ch.goEnv(t)
	out, err := ch.run.output(goCmd, "", env, runTimeout, "version")
	var ce *ConfineError
	if errors.As(err, &ce) {
		return err
	}
	if err != nil {
		ch.add(findings.Error, name, goCmd, "go version failed: %v", err)
		return nil
	}
	if f := strings.Fields(out); len(f) < 3 || f[2] != t.GoVersion {
		ch.add(findings.Error, name, goCmd, "go version printed %q, but VERSION says %s", strings.TrimSpace(out), t.GoVersion)
	}
	out, err = ch.run.output(goCmd, "", env, runTimeout, "env", "GOROOT", "GOTOOLCHAIN")
	if err != nil {
		ch.add(findings.Error, name, goCmd, "go env failed: %v", err)
		return nil
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		ch.add(findings.Error, name, goCmd, "go env printed %q", out)
		return nil
	}
	if want, err := ch.fs.Resolve(t.Dir, true); !ch.run.confined && err == nil && filepath.Clean(lines[0]) != ch.fs.Host(want) {
		ch.add(findings.Error, name, goCmd, "go env GOROOT is %s, want %s", lines[0], ch.fs.Host(want))
	}
	if want := ch.c.GoToolchain(); lines[1] != want {
		why := ""
		if !slices.Contains(toolchain.NoDownloadGoToolchains, lines[1]) {
			why = ": this toolchain may download another one"
		}
		ch.add(findings.Error, name, goCmd, "go env GOTOOLCHAIN is %s, want the configured %s%s", lines[1], want, why)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
