package verify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/gotc-project/gotc/sigcheck"
	"github.com/gotc-project/gotc/toolchain"
)

// Level is how bad a finding is.
type Level string

// Levels, as rpmlint names them.
const (
	Error   Level = "error"
	Warning Level = "warning"
)

// Check ids.
const (
	CheckIntegrity    = "integrity"
	CheckStructure    = "structure"
	CheckFiles        = "files"
	CheckAlternatives = "alternatives"
	CheckCoinstall    = "coinstall"
	CheckABI          = "abi"
	CheckDeps         = "deps"
	CheckLint         = "lint"
	CheckSource       = "source"
)

// Checks lists the check ids in the order they run.
var Checks = []string{CheckIntegrity, CheckSignature, CheckStructure, CheckFiles, CheckAlternatives, CheckCoinstall, CheckABI, CheckDeps, CheckLint, CheckSource}

// Finding is one problem found in a package.
type Finding struct {
	Level Level `json:"level"`
	// Check is the check id that found it.
	Check string `json:"check"`
	// Package is the NEVRA of the package (name-[epoch:]version-release.arch).
	Package string `json:"package"`
	// Path is the file the finding is about, "" when none.
	Path string `json:"path"`
	// Message is one line saying what is wrong.
	Message string `json:"message"`
}

// String formats the finding as the text output prints it:
// "error  integrity  NEVRA  /path: message".
func (f Finding) String() string {
	if f.Path == "" {
		return fmt.Sprintf("%s  %s  %s: %s", f.Level, f.Check, f.Package, f.Message)
	}
	return fmt.Sprintf("%s  %s  %s  %s: %s", f.Level, f.Check, f.Package, f.Path, f.Message)
}

// Report is the result of verifying a set of packages.
type Report struct {
	Findings []Finding `json:"findings"`
	// Packages is the number of packages verified.
	Packages int `json:"packages"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// WriteText writes one line per finding and a summary line.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Findings {
		fmt.Fprintln(bw, f.String())
	}
	fmt.Fprintf(bw, "%d %s verified: %d %s, %d %s\n",
		r.Packages, plural(r.Packages, "package", "packages"),
		r.Errors, plural(r.Errors, "error", "errors"),
		r.Warnings, plural(r.Warnings, "warning", "warnings"))
	return bw.Flush()
}

// WriteJSON writes the report as one JSON object, indented by two spaces:
// {"findings": [...], "packages": N, "errors": N, "warnings": N}. The same
// report always gives the same bytes; findings is [] when empty.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Options control a verification.
type Options struct {
	// Config is the configuration the packages were built from. When nil,
	// packages named go-toolchain-X.Y[-SUFFIX] are checked against the
	// plan of a minimal configuration for their version (gotc's default
	// layout, split and alternatives), and the priority is not checked.
	Config *toolchain.Config
	// Sources is the directory holding the tarballs Config names. When
	// set (it needs Config), the files check compares each package with
	// the exact list rpmbuild.Expected derives from the tarball,
	// contents included, instead of applying the plan's rules. Each
	// tarball is checked against its sha256 and read with
	// rpmbuild.Extract, once per toolchain and arch.
	Sources string
	// Targets are the distributions the abi check checks against; none
	// skips it. A target whose rpm enforces signatures
	// (EnforcesSignatures) makes the signature check require one.
	Targets []toolchain.Target
	// Keyring, when set, holds the public keys the signature check
	// verifies every header signature with.
	Keyring *sigcheck.Keyring
	// TempDir is where tarballs are unpacked and large ELF files spooled
	// (os.TempDir() when empty).
	TempDir string
	// MaxPerCheck caps the findings reported per package and check; the
	// rest are counted in one closing finding. 0 means 50, negative no cap.
	MaxPerCheck int
}

// InputError reports a file that cannot be verified at all: unreadable,
// not an RPM, a header that does not parse, a truncated file, or sources
// that cannot be unpacked.
type InputError struct {
	File string
	Err  error
}

func (e *InputError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Files verifies the RPM files at paths, one at a time and then together
// (coinstall), and returns the findings sorted by package, check, path
// and message. The error is an *InputError for unusable input, or an
// environment failure; findings are never errors.
func Files(paths []string, opt Options) (*Report, error) {
	if opt.Sources != "" && opt.Config == nil {
		return nil, fmt.Errorf("verifying against sources needs the configuration that names them")
	}
	v := &verifier{opt: opt, inferred: map[string]*toolchain.Config{}}
	if v.opt.MaxPerCheck == 0 {
		v.opt.MaxPerCheck = 50
	}
	defer v.cleanup()
	for _, path := range paths {
		p, err := v.read(path)
		if err != nil {
			return nil, err
		}
		v.pkgs = append(v.pkgs, p)
	}
	for _, p := range v.pkgs {
		if p.pkg.Source {
			v.checkSource(p)
			continue
		}
		if err := v.checkFiles(p); err != nil {
			return nil, err
		}
		v.checkAlternatives(p)
		v.checkABI(p)
		v.checkDeps(p)
		v.checkLint(p)
	}
	v.checkCoinstall()
	return v.report(), nil
}

// verifier holds the packages read and the findings so far.
type verifier struct {
	opt      Options
	pkgs     []*pkgInfo
	findings []Finding
	// counts and dropped implement MaxPerCheck, keyed by package+check.
	counts  map[string]int
	dropped map[string]*Finding
	// inferred caches the minimal configurations built per version.
	inferred map[string]*toolchain.Config
	// trees caches unpacked tarballs by plan name and arch.
	trees    map[string]*tree
	cleanups []func()
}

func (v *verifier) cleanup() {
	for i := len(v.cleanups) - 1; i >= 0; i-- {
		v.cleanups[i]()
	}
}

// add records a finding against package p.
func (v *verifier) add(p *pkgInfo, level Level, check, path, format string, args ...any) {
	f := Finding{Level: level, Check: check, Package: p.nevra, Path: path, Message: fmt.Sprintf(format, args...)}
	if v.opt.MaxPerCheck > 0 {
		if v.counts == nil {
			v.counts, v.dropped = map[string]int{}, map[string]*Finding{}
		}
		key := p.nevra + "\x00" + check
		v.counts[key]++
		if v.counts[key] > v.opt.MaxPerCheck {
			d := v.dropped[key]
			if d == nil {
				d = &Finding{Level: Warning, Check: check, Package: p.nevra}
				v.dropped[key] = d
			}
			if level == Error {
				d.Level = Error
			}
			return
		}
	}
	v.findings = append(v.findings, f)
}

func (v *verifier) report() *Report {
	out := append([]Finding(nil), v.findings...)
	for key, d := range v.dropped {
		f := *d
		f.Message = fmt.Sprintf("%d more %s findings not shown", v.counts[key]-v.opt.MaxPerCheck, f.Check)
		f.Path = "\uffff" // sorts last within its package and check; cleared below
		out = append(out, f)
	}
	order := map[string]int{}
	for i, c := range Checks {
		order[c] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Check != b.Check {
			return order[a.Check] < order[b.Check]
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Level != b.Level {
			return a.Level == Error
		}
		return a.Message < b.Message
	})
	r := &Report{Packages: len(v.pkgs)}
	for i := range out {
		if out[i].Path == "\uffff" {
			out[i].Path = ""
		}
		// The same problem seen twice (e.g. by two targets) is one finding.
		if i > 0 && out[i] == out[i-1] {
			continue
		}
		r.Findings = append(r.Findings, out[i])
		if out[i].Level == Error {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
	return r
}
