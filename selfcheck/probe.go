package selfcheck

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/internal/jsonout"
)

// DefaultStateDir is where the compile probe keeps its references when
// Options.StateDir is "": the state directory of gotc-selfcheck.service
// (StateDirectory=gotc).
const DefaultStateDir = "/var/lib/gotc"

// ProbeFileName is the reference file's name in the state directory.
const ProbeFileName = "probe.json"

// Results of the compile probe for one toolchain and cgo setting
// (Probe.Result).
const (
	// ProbeRecorded: there was no reference for this key; this run's
	// output is recorded.
	ProbeRecorded = "recorded"
	// ProbeMatches: the output is the reference's.
	ProbeMatches = "matches"
	// ProbeDiffers: the output is not the reference's (a finding each).
	ProbeDiffers = "differs"
	// ProbeFailed: the probe programs did not build (a finding).
	ProbeFailed = "failed"
	// ProbeNotRecorded: no reference for this key, and none recorded,
	// because the toolchain has errors.
	ProbeNotRecorded = "not recorded"
)

// Probe is the outcome of the compile probe for one toolchain and cgo
// setting.
type Probe struct {
	// Toolchain is the toolchain directory.
	Toolchain string `json:"toolchain"`
	// CGO says the programs were built with CGO_ENABLED=1.
	CGO bool `json:"cgo"`
	// Result is one of ProbeRecorded, ProbeMatches, ProbeDiffers,
	// ProbeFailed, ProbeNotRecorded.
	Result string `json:"result"`
	// Note says why it was recorded (or not); "" when there is nothing to
	// say.
	Note string `json:"note"`
	// Outputs are the SHA-256 digests ("sha256:HEX") of the programs
	// built, by program name; empty when they did not build.
	Outputs map[string]string `json:"outputs"`
}

// probeFormat names the reference file's format; a file of another
// format is refused (and re-seeded with Options.ResetProbe).
const probeFormat = "gotc-probe/1"

// probeSet holds the probe programs: package main directories, each
// built into a program of its name. Its go.mod is probeGoMod (a go.mod
// in the directory would make it another module, which go:embed cannot
// reach). The directory starts with "_", so that the go command leaves
// it out of gotc's own ./... .
//
//go:embed _probe
var probeSet embed.FS

// probeGoMod is the probe module's go.mod: Go 1.21, the oldest release
// gotc packages, so that every toolchain builds it with GOTOOLCHAIN=local.
const probeGoMod = "module gotc.invalid/probe\n\ngo 1.21\n"

// probeGoFlags are the GOFLAGS of every probe build.
const probeGoFlags = "-trimpath -buildvcs=false"

// probePrograms are the programs built with cgo off and on.
var probePrograms = map[bool][]string{false: {"generics", "hello", "stdlib"}, true: {"cgo"}}

// probeDigest is the digest of what the probe builds and how: its
// format, flags, programs, go.mod and every file of the set. It is part
// of each reference's key, so a gotc whose probe set changed records
// anew instead of reporting a change.
var probeDigest = sync.OnceValues(func() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nGOFLAGS=%s\npure=%v\ncgo=%v\n%d\n%s", probeFormat, probeGoFlags, probePrograms[false], probePrograms[true], len(probeGoMod), probeGoMod)
	err := fs.WalkDir(probeSet, "_probe", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := probeSet.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\n%d\n", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("the probe programs: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
})

// writeProbeModule writes the probe module into a new directory under
// tmp and returns it.
func writeProbeModule(tmp string) (string, error) {
	dir, err := os.MkdirTemp(tmp, "probe-src-")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(probeGoMod), 0o644); err != nil {
		return "", err
	}
	sub, err := fs.Sub(probeSet, "_probe")
	if err != nil {
		return "", err
	}
	return dir, os.CopyFS(dir, sub)
}

// probeFile is the reference file, $STATE_DIR/probe.json: written
// whole, atomically, mode 0644, as indented JSON with the references
// sorted by toolchain and cgo setting and every map's keys sorted, so
// that the same references always make the same bytes.
type probeFile struct {
	Format     string      `json:"format"`
	References []reference `json:"references"`
}

// reference is what one toolchain built with one cgo setting when it was
// recorded. Key says what the output is expected to depend on: the same
// key must give the same output. Tools is evidence, not key: the digests
// of the toolchain's own files the output depends on most, compared only
// to say why an output changed.
type reference struct {
	Toolchain string            `json:"toolchain"`
	CGO       bool              `json:"cgo"`
	Key       probeKey          `json:"key"`
	Tools     map[string]string `json:"tools"`
	Outputs   map[string]string `json:"outputs"`
}

// probeKey is what a probe's output is expected to depend on, besides
// the toolchain's files themselves.
type probeKey struct {
	// GoVersion is the toolchain's VERSION.
	GoVersion string `json:"go_version"`
	// GOOS and GOARCH are what its go env says.
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	// Packages are the name-version-release.arch of the packages owning
	// the toolchain directory, sorted; empty without an rpm database. An
	// upgrade or rebuild of the packages records anew; a reinstall of the
	// same packages must give the same output.
	Packages []string `json:"packages"`
	// Probe is probeDigest.
	Probe string `json:"probe"`
	// CC and LD are the C compiler (go env CC) and the linker it runs
	// (CC -print-prog-name=ld), for cgo only.
	CC *program `json:"cc,omitempty"`
	LD *program `json:"ld,omitempty"`
}

// program identifies a program of the C toolchain by its path and what
// its --version prints.
type program struct {
	Path string `json:"path"`
	// Version is the first line of --version; Digest the SHA-256 of the
	// whole output.
	Version string `json:"version"`
	Digest  string `json:"digest"`
}

// maxProbeFile bounds the reference file read.
const maxProbeFile = 4 << 20

// readProbeFile reads the reference file: its bytes (nil when there is
// none) and, unless raw, its references, strictly.
func readProbeFile(file string, raw bool) ([]byte, *probeFile, error) {
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return nil, &probeFile{Format: probeFormat}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxProbeFile+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxProbeFile {
		return nil, nil, fmt.Errorf("larger than %d bytes", maxProbeFile)
	}
	if raw {
		return data, &probeFile{Format: probeFormat}, nil
	}
	pf, err := parseProbeFile(data)
	return data, pf, err
}

// parseProbeFile decodes a reference file: one JSON object of
// probeFile's fields and no others, of format probeFormat, each
// toolchain and cgo setting once.
func parseProbeFile(data []byte) (*probeFile, error) {
	var pf probeFile
	if err := decodeStrict(data, &pf); err != nil {
		return nil, err
	}
	if pf.Format != probeFormat {
		return nil, fmt.Errorf("format %q, want %q", pf.Format, probeFormat)
	}
	seen := map[string]bool{}
	for _, r := range pf.References {
		slot := fmt.Sprintf("%s cgo=%v", r.Toolchain, r.CGO)
		switch {
		case !path.IsAbs(r.Toolchain):
			return nil, fmt.Errorf("a reference for toolchain %q, not an absolute path", r.Toolchain)
		case seen[slot]:
			return nil, fmt.Errorf("two references for %s", slot)
		case len(r.Outputs) == 0:
			return nil, fmt.Errorf("the reference for %s has no outputs", slot)
		}
		seen[slot] = true
	}
	return &pf, nil
}

// decodeStrict decodes one JSON value into v: unknown fields and
// anything after the value are errors.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// encode returns the file's bytes (see probeFile).
func (pf *probeFile) encode() ([]byte, error) {
	slices.SortFunc(pf.References, func(a, b reference) int {
		if c := strings.Compare(a.Toolchain, b.Toolchain); c != 0 {
			return c
		}
		return boolCompare(a.CGO, b.CGO)
	})
	if pf.References == nil {
		pf.References = []reference{}
	}
	for i := range pf.References {
		if pf.References[i].Key.Packages == nil {
			pf.References[i].Key.Packages = []string{}
		}
	}
	var b bytes.Buffer
	err := jsonout.Write(&b, pf)
	return b.Bytes(), err
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// keyChanges names what differs between two keys; none when they are
// equal. The packages count only when both keys know them: a run
// without rpm (--no-rpm, no database) compares with a reference a run
// with rpm recorded, and the other way round, rather than replacing it.
func keyChanges(old, cur probeKey) []string {
	var out []string
	add := func(differs bool, what string) {
		if differs {
			out = append(out, what)
		}
	}
	add(old.GoVersion != cur.GoVersion, "the Go version")
	add(old.GOOS != cur.GOOS || old.GOARCH != cur.GOARCH, "GOOS/GOARCH")
	add(len(old.Packages) > 0 && len(cur.Packages) > 0 && !slices.Equal(old.Packages, cur.Packages), "the toolchain's packages")
	add(old.Probe != cur.Probe, "the probe programs")
	add(!programEqual(old.CC, cur.CC), "the C compiler")
	add(!programEqual(old.LD, cur.LD), "the linker")
	return out
}

func programEqual(a, b *program) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// probe runs the compile probe with every toolchain (Options.Probe) and
// records the references that are new in the state directory. The
// error is an unusable reference file or state directory.
func (ch *checker) probe(opt Options, tmp string) error {
	dir := opt.StateDir
	if dir == "" {
		dir = DefaultStateDir
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	ch.stateDir = dir
	file := filepath.Join(dir, ProbeFileName)
	ch.report.ProbeFile = file
	oldData, old, err := readProbeFile(file, opt.ResetProbe)
	if err != nil {
		return fmt.Errorf("reading the probe references %s: %w (%s records them anew)", file, err, ch.resetCommand())
	}
	digest, err := probeDigest()
	if err != nil {
		return err
	}
	src, err := writeProbeModule(tmp)
	if err != nil {
		return fmt.Errorf("writing the probe programs: %w", err)
	}
	next := &probeFile{Format: probeFormat}
	for i := range ch.report.Toolchains {
		next.References = append(next.References, ch.probeToolchain(&ch.report.Toolchains[i], src, tmp, digest, old)...)
	}
	data, err := next.encode()
	if err != nil {
		return err
	}
	if bytes.Equal(data, oldData) || oldData == nil && len(next.References) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("recording the probe references: %w", err)
	}
	if err := atomicfile.Write(file, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return fmt.Errorf("recording the probe references: %w", err)
	}
	return nil
}

// resetCommand is the command line that records the references anew.
func (ch *checker) resetCommand() string {
	cmd := "gotc-rpm selfcheck --probe --reset"
	if ch.stateDir != DefaultStateDir {
		cmd += " --state-dir " + ch.stateDir
	}
	return cmd
}

// lookup returns the reference of a toolchain and cgo setting.
func (pf *probeFile) lookup(dir string, cgo bool) *reference {
	for i := range pf.References {
		if pf.References[i].Toolchain == dir && pf.References[i].CGO == cgo {
			return &pf.References[i]
		}
	}
	return nil
}

// probeToolchain builds the probe programs with one toolchain, with cgo
// off, and on when a C compiler is found, compares them with the
// references in old and returns the references to keep for it: the old
// ones where they still hold or nothing new may be recorded, the new
// ones where the key changed.
func (ch *checker) probeToolchain(t *Toolchain, src, tmp, digest string, old *probeFile) []reference {
	name := path.Base(t.Dir)
	var keep []reference
	keepOld := func(cgo bool) {
		if r := old.lookup(t.Dir, cgo); r != nil {
			keep = append(keep, *r)
		}
	}
	info, err := ch.fs.Stat(t.Dir + "/bin/go")
	if t.GoVersion == "" || err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
		ch.report.Skipped = append(ch.report.Skipped, fmt.Sprintf("the compile probe did not run with %s: it has no readable VERSION or no go command", name))
		keepOld(false)
		keepOld(true)
		return keep
	}
	clean := ch.filesClean(t) // before the probe's own findings
	scratch, err := os.MkdirTemp(tmp, "probe-")
	if err != nil {
		ch.add(findings.Error, name, t.Dir, "cannot run the compile probe: %v", err)
		keepOld(false)
		keepOld(true)
		return keep
	}
	defer os.RemoveAll(scratch)
	out, err := ch.run.output(t.Dir+"/bin/go", src, ch.goEnv(t), runTimeout, "env", "GOOS", "GOARCH", "CC")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if err == nil && len(lines) != 3 {
		err = fmt.Errorf("it printed %q", out)
	}
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "go env GOOS GOARCH CC failed, the compile probe did not run: %v", err)
		keepOld(false)
		keepOld(true)
		return keep
	}
	goos, goarch := lines[0], lines[1]
	tools := ch.toolDigests(t, goos, goarch)
	base := probeKey{GoVersion: t.GoVersion, GOOS: goos, GOARCH: goarch, Probe: digest}
	if ch.db != nil {
		for _, p := range ch.db.owners(t.Dir) {
			base.Packages = append(base.Packages, p.nvra)
		}
	}
	gocache := filepath.Join(scratch, "cache") // fresh, shared by the two builds of this run
	for _, cgo := range []bool{false, true} {
		key := base
		if cgo {
			cc, ld, why := ch.cToolchain(lines[2])
			if cc == nil {
				ch.report.Skipped = append(ch.report.Skipped, fmt.Sprintf("the cgo probe did not run with %s: %s", name, why))
				keepOld(true)
				continue
			}
			key.CC, key.LD = cc, ld
		}
		p := Probe{Toolchain: t.Dir, CGO: cgo}
		outs, err := ch.buildProbe(t, src, scratch, gocache, cgo)
		oldRef := old.lookup(t.Dir, cgo)
		switch {
		case err != nil:
			p.Result = ProbeFailed
			fix := "fix: " + ch.toolchainFix(t)
			if oldRef != nil {
				if changed := changedTools(oldRef.Tools, tools); len(changed) > 0 {
					fix = ch.toolsCause(t, changed)
				}
			}
			ch.add(findings.Error, name, t.Dir, "the probe programs do not build with CGO_ENABLED=%d: %v; %s", cgoValue(cgo), err, fix)
			keepOld(cgo)
		case oldRef != nil && len(keyChanges(oldRef.Key, key)) == 0:
			p.Outputs = outs
			p.Result = ProbeMatches
			for _, prog := range probePrograms[cgo] {
				if outs[prog] != oldRef.Outputs[prog] {
					p.Result = ProbeDiffers
					ch.add(findings.Error, name, t.Dir, "the compiler's output changed: the probe program %s (CGO_ENABLED=%d) builds into %s, the reference recorded in %s says %s: %s",
						prog, cgoValue(cgo), outs[prog], ch.report.ProbeFile, orNone(oldRef.Outputs[prog]), ch.probeCause(t, oldRef.Tools, tools, clean, cgo))
				}
			}
			ref := *oldRef
			if p.Result == ProbeMatches && len(ref.Key.Packages) == 0 && len(key.Packages) > 0 {
				ref.Key.Packages = key.Packages // known now, and the output is the same
			}
			keep = append(keep, ref)
		case !ch.filesClean(t):
			p.Outputs = outs
			p.Result = ProbeNotRecorded
			p.Note = "the toolchain has errors: fix them, and the next run records its output"
			keepOld(cgo)
		default:
			p.Outputs = outs
			p.Result = ProbeRecorded
			p.Note = "no reference yet"
			if oldRef != nil {
				p.Note = "recorded anew: " + joinAnd(keyChanges(oldRef.Key, key)) + " changed"
			}
			keep = append(keep, reference{Toolchain: t.Dir, CGO: cgo, Key: key, Tools: tools, Outputs: outs})
		}
		ch.report.Probes = append(ch.report.Probes, p)
	}
	return keep
}

// filesClean says no error has been found so far in the toolchain
// directory's own files (its go.env, VERSION, commands and tools, what
// its go command reports, with rpm every file against its package and
// leftovers): a reference may be recorded from it. Errors about the
// alternatives and the versioned commands, outside the directory, do
// not say the toolchain builds wrong.
func (ch *checker) filesClean(t *Toolchain) bool {
	for _, f := range ch.report.Findings {
		if f.Level == findings.Error && (f.Path == t.Dir || strings.HasPrefix(f.Path, t.Dir+"/")) {
			return false
		}
	}
	return true
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func cgoValue(cgo bool) int {
	if cgo {
		return 1
	}
	return 0
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// buildProbe builds the probe programs of a cgo setting into a new
// directory under scratch and returns their digests.
func (ch *checker) buildProbe(t *Toolchain, src, scratch, gocache string, cgo bool) (map[string]string, error) {
	out, err := os.MkdirTemp(scratch, "out-")
	if err != nil {
		return nil, err
	}
	args := []string{"-o", out + string(filepath.Separator)}
	for _, prog := range probePrograms[cgo] {
		args = append(args, "./"+prog)
	}
	env := []string{fmt.Sprintf("CGO_ENABLED=%d", cgoValue(cgo)), "GOFLAGS=" + probeGoFlags}
	if err := ch.goBuild(t, src, scratch, gocache, env, args...); err != nil {
		return nil, err
	}
	outs := map[string]string{}
	for _, prog := range probePrograms[cgo] {
		d, err := fileDigest(filepath.Join(out, prog))
		if err != nil {
			return nil, fmt.Errorf("the built %s: %w", prog, err)
		}
		outs[prog] = d
	}
	return outs, nil
}

// fileDigest is "sha256:HEX" of a host file.
func fileDigest(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// probeTools are the toolchain's files, relative to it, that a probe's
// output depends on most: what the go command reads first, the go
// command, and the tools it runs to compile, assemble, run cgo and link.
func probeTools(goos, goarch string) []string {
	dir := "pkg/tool/" + goos + "_" + goarch + "/"
	return []string{"VERSION", "go.env", "bin/go", dir + "asm", dir + "cgo", dir + "compile", dir + "link"}
}

// toolDigests are the digests of probeTools, "missing" for one that
// cannot be read.
func (ch *checker) toolDigests(t *Toolchain, goos, goarch string) map[string]string {
	out := map[string]string{}
	for _, rel := range probeTools(goos, goarch) {
		out[rel] = "missing"
		f, err := ch.fs.Open(t.Dir + "/" + rel)
		if err != nil {
			continue
		}
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			out[rel] = "sha256:" + hex.EncodeToString(h.Sum(nil))
		}
		f.Close()
	}
	return out
}

// cPath are the directories a C compiler and linker are looked up in:
// the PATH the toolchain's go command runs with.
var cPath = []string{"/usr/bin", "/bin"}

// cToolchain identifies the C compiler go env CC names and the linker it
// runs; nil and why when there is no C compiler.
func (ch *checker) cToolchain(goEnvCC string) (cc, ld *program, why string) {
	f := strings.Fields(goEnvCC)
	if len(f) == 0 {
		return nil, nil, "go env CC is empty"
	}
	ccPath := ch.lookPath(f[0])
	if ccPath == "" {
		return nil, nil, fmt.Sprintf("no C compiler: go env CC says %q, not found in %s", goEnvCC, strings.Join(cPath, ":"))
	}
	cc, err := ch.identify(ccPath, f[1:]...)
	if err != nil {
		return nil, nil, fmt.Sprintf("the C compiler %s does not run: %v", ccPath, err)
	}
	out, err := ch.run.output(ccPath, "", nil, runTimeout, append(f[1:], "-print-prog-name=ld")...)
	if p := ch.lookPath(strings.TrimSpace(out)); err == nil && p != "" {
		ld, _ = ch.identify(p)
	}
	return cc, ld, ""
}

// lookPath finds a command as the go command would with cPath: an
// absolute path as it is, a name in each directory of cPath; "" when
// it is not an executable file.
func (ch *checker) lookPath(name string) string {
	cands := []string{name}
	if !path.IsAbs(name) {
		if name == "" || strings.Contains(name, "/") {
			return ""
		}
		cands = nil
		for _, d := range cPath {
			cands = append(cands, d+"/"+name)
		}
	}
	for _, c := range cands {
		if info, err := ch.fs.Stat(c); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return c
		}
	}
	return ""
}

// identify runs prog --version.
func (ch *checker) identify(prog string, args ...string) (*program, error) {
	out, err := ch.run.output(prog, "", nil, runTimeout, append(args, "--version")...)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(out))
	return &program{Path: prog, Version: firstLine(out), Digest: "sha256:" + hex.EncodeToString(sum[:])}, nil
}

// probeCause says why a probe's output may have changed, with the fix:
// the tools that changed since the reference was recorded (old) say it
// best; otherwise what the rpm database says of the toolchain's files.
func (ch *checker) probeCause(t *Toolchain, old, cur map[string]string, clean, cgo bool) string {
	changed := changedTools(old, cur)
	reset := ch.resetCommand()
	switch {
	case len(changed) > 0:
		return ch.toolsCause(t, changed)
	case ch.db != nil && !clean:
		return "its files differ from its packages (the other findings); fix: " + ch.toolchainFix(t)
	case ch.db != nil && cgo:
		return "its files verify against its packages and its tools are as recorded, so the C compiler, the linker or the C library changed (an update of gcc, binutils or glibc that keeps what gcc and ld --version print); fix: after such an update, " + reset + " records the new output"
	case ch.db != nil:
		return "its files verify against its packages and its tools are as recorded, so the reference file itself changed; fix: " + reset + " records it anew"
	case cgo:
		return "its tools are as recorded; without an rpm database its other files are not verified; fix: " + ch.toolchainFix(t) + "; if its files are intact, the C compiler, the linker or the C library changed: after an update of gcc, binutils or glibc, " + reset + " records the new output"
	}
	return "its tools are as recorded; without an rpm database its other files are not verified; fix: " + ch.toolchainFix(t) + "; if its files are intact, the reference file itself changed: " + reset + " records it anew"
}

// changedTools lists, sorted, the tools (probeTools) whose digests
// differ between a reference's and this run's.
func changedTools(old, cur map[string]string) []string {
	var changed []string
	for rel, d := range cur {
		if old[rel] != d {
			changed = append(changed, rel)
		}
	}
	slices.Sort(changed)
	return changed
}

// toolsCause says which tools changed since the reference was recorded,
// with the fix: reinstall the packages that own them.
func (ch *checker) toolsCause(t *Toolchain, changed []string) string {
	var paths []string
	for _, rel := range changed {
		paths = append(paths, t.Dir+"/"+rel)
	}
	return fmt.Sprintf("its %s changed since the reference was recorded; fix: %s", joinAnd(changed), ch.reinstallFixAll(paths))
}

// toolchainFix is the fix for a toolchain whose files are not what its
// packages installed: reinstall them.
func (ch *checker) toolchainFix(t *Toolchain) string {
	if ch.db != nil {
		var names []string
		for _, p := range ch.db.owners(t.Dir) {
			names = append(names, p.name)
		}
		if len(names) > 0 {
			slices.Sort(names)
			return "dnf reinstall " + strings.Join(slices.Compact(names), " ")
		}
	}
	return "reinstall the toolchain's packages (dnf reinstall)"
}

// reinstallFixAll is reinstallFix for several files: one dnf reinstall
// of every package owning one of them.
func (ch *checker) reinstallFixAll(paths []string) string {
	if ch.db == nil {
		return ch.reinstallFix(paths[0])
	}
	var names []string
	for _, p := range paths {
		names = append(names, ch.db.ownerNames(p)...)
	}
	if len(names) == 0 {
		return ch.reinstallFix(paths[0])
	}
	slices.Sort(names)
	return "dnf reinstall " + strings.Join(slices.Compact(names), " ")
}
