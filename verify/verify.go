package verify

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/jsonout"
	"github.com/gotc-project/gotc/sigcheck"
	"github.com/gotc-project/gotc/toolchain"
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

// Report is the result of verifying a set of packages. Each finding's
// Subject is the NEVRA of its package
// (name-[epoch:]version-release.arch) and its Check one of Checks.
type Report struct {
	Findings []findings.Finding
	// Packages is the number of packages verified.
	Packages int
	findings.Counts
}

// WriteText writes one line per finding ("error  integrity  NEVRA
// /path: message", see findings.Finding.String) and a summary line.
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

// jsonReport and jsonFinding are the JSON form of a Report, documented
// in docs/gotc-rpm.md: the subject of a finding is its "package".
type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Packages int           `json:"packages"`
	Errors   int           `json:"errors"`
	Warnings int           `json:"warnings"`
}

type jsonFinding struct {
	Level   findings.Level `json:"level"`
	Check   string         `json:"check"`
	Package string         `json:"package"`
	Path    string         `json:"path"`
	Message string         `json:"message"`
}

// MarshalJSON encodes the report as {"findings": [{"level", "check",
// "package", "path", "message"}...], "packages": N, "errors": N,
// "warnings": N}; findings is [] when empty.
func (r Report) MarshalJSON() ([]byte, error) {
	out := jsonReport{Findings: make([]jsonFinding, len(r.Findings)), Packages: r.Packages, Errors: r.Errors, Warnings: r.Warnings}
	for i, f := range r.Findings {
		out.Findings[i] = jsonFinding{Level: f.Level, Check: f.Check, Package: f.Subject, Path: f.Path, Message: f.Message}
	}
	return jsonout.Marshal(out)
}

// WriteJSON writes the report as one JSON object (see MarshalJSON) with
// gotc's JSON settings (internal/jsonout). The same report always gives
// the same bytes.
func (r *Report) WriteJSON(w io.Writer) error { return jsonout.Write(w, r) }

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
	// the exact list filelist.Of derives from the tarball, contents
	// included, instead of applying the plan's rules. Each tarball is
	// checked against its sha256 and read with srctree.Extract, once per
	// toolchain and arch.
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

// Error returns "FILE: what is wrong". An error that names the file
// already, as a tarball's *srctree.ExtractError does, is not prefixed
// again.
func (e *InputError) Error() string {
	msg := e.Err.Error()
	if strings.HasPrefix(msg, e.File+": ") {
		return msg
	}
	return e.File + ": " + msg
}

// Unwrap returns the error.
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
	opt   Options
	pkgs  []*pkgInfo
	found []findings.Finding
	// counts and dropped implement MaxPerCheck, keyed by package+check.
	counts  map[string]int
	dropped map[string]*findings.Finding
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
func (v *verifier) add(p *pkgInfo, level findings.Level, check, path, format string, args ...any) {
	f := findings.Newf(level, check, p.nevra, path, format, args...)
	if v.opt.MaxPerCheck > 0 {
		if v.counts == nil {
			v.counts, v.dropped = map[string]int{}, map[string]*findings.Finding{}
		}
		key := p.nevra + "\x00" + check
		v.counts[key]++
		if v.counts[key] > v.opt.MaxPerCheck {
			d := v.dropped[key]
			if d == nil {
				d = &findings.Finding{Level: findings.Warning, Check: check, Subject: p.nevra}
				v.dropped[key] = d
			}
			if level == findings.Error {
				d.Level = findings.Error
			}
			return
		}
	}
	v.found = append(v.found, f)
}

func (v *verifier) report() *Report {
	out := append([]findings.Finding(nil), v.found...)
	for key, d := range v.dropped {
		f := *d
		f.Message = fmt.Sprintf("%d more %s findings not shown", v.counts[key]-v.opt.MaxPerCheck, f.Check)
		f.Path = "\uffff" // sorts last within its package and check; cleared below
		out = append(out, f)
	}
	out = findings.Sort(out, Checks)
	for i := range out {
		if out[i].Path == "\uffff" {
			out[i].Path = ""
		}
	}
	return &Report{Findings: out, Packages: len(v.pkgs), Counts: findings.Count(out)}
}
