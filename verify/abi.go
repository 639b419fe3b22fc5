package verify

import (
	"errors"
	"io"

	"github.com/gotc-project/gotc/abi"
	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// elfInfo is what the abi check needs of one ELF file.
type elfInfo struct {
	path string
	// file is what the file needs of glibc, nil when err is set.
	file *abi.File
	// err is set when the file starts like ELF but cannot be analysed.
	err error
}

// maxELFInMemory is the largest ELF file analysed from memory; larger
// ones are spooled to a temporary file. A variable for the tests.
var maxELFInMemory int64 = abi.DefaultMaxInMemory

// wantELF reports whether the abi check needs the ELF file at path:
// only when there are targets, and not for testdata or the trees the
// dependency generators skip (foreign test objects live there).
func (v *verifier) wantELF(p *pkgInfo, path string) bool {
	return len(v.opt.Targets) > 0 && !skippedTree(p, path)
}

// skippedTree reports paths under a testdata directory or in a tree the
// plan keeps dependency generators out of.
func skippedTree(p *pkgInfo, path string) bool {
	if abi.DefaultSkip(path) {
		return true
	}
	return p.depExclude != nil && p.depExclude.MatchString(path)
}

// analyseELF reads the rest of an ELF body (whose first bytes are head)
// and finds the glibc versions it needs, with package abi.
func (v *verifier) analyseELF(path string, head []byte, body io.Reader, size int64) (elfInfo, error) {
	info := elfInfo{path: path}
	f, err := abi.AnalyzeStream(path, head, body, size, abi.SpoolOptions{MaxInMemory: maxELFInMemory, TempDir: v.opt.TempDir})
	var spool *abi.SpoolError
	switch {
	case errors.As(err, &spool):
		return info, &envError{spool}
	case abi.IsContentError(err):
		info.err = err
	case err != nil:
		return info, err // the payload's
	}
	info.file = f
	return info, nil
}

// envError is a failure of the machine verify runs on (a temporary file
// that cannot be written), not of the package: it ends the run.
type envError struct{ err error }

func (e *envError) Error() string { return e.err.Error() }
func (e *envError) Unwrap() error { return e.err }

// checkABI compares the glibc versions the package's ELF files need (and
// the glibc symbol versions it Requires) with every target's glibc.
func (v *verifier) checkABI(p *pkgInfo) {
	for _, e := range p.elf {
		if e.err != nil {
			v.add(p, findings.Warning, CheckABI, e.path, "ELF file cannot be analysed: %v", e.err)
		}
	}
	for _, t := range v.opt.Targets {
		for _, e := range p.elf {
			if e.file == nil {
				continue
			}
			verdict := abi.NewInput(e.path, []*abi.File{e.file}).Check(t)
			if verdict.Runs {
				continue
			}
			n := verdict.Missing[0]
			if n.Release == "" {
				v.add(p, findings.Error, CheckABI, e.path, "needs %s, which gotc cannot date, for %s", n.Version, t.Name)
				continue
			}
			sym := ""
			if e.file.Newest != nil && n == *e.file.Newest && len(e.file.Symbols) > 0 {
				sym = " (" + e.file.Symbols[0] + ")"
			}
			v.add(p, findings.Error, CheckABI, e.path, "needs %s%s, %s has %s", n.Version, sym, t.Name, t.Glibc)
		}
		for _, r := range p.pkg.Requires {
			_, version, ok := abi.ParseRequirement(r.Name)
			if !ok {
				continue
			}
			if rel, dated := abi.Release(version); dated && abi.Compare(rel, t.Glibc) > 0 {
				v.add(p, findings.Error, CheckABI, "", "Requires %s, %s has glibc %s", r.Name, t.Name, t.Glibc)
			}
		}
	}
}

// Targets parses target names as users write them (fedora-41, f41,
// epel-8, el8, rhel-9, rawhide ...); names of one release count once.
func Targets(names []string) ([]toolchain.Target, error) {
	var out []toolchain.Target
	seen := map[string]bool{}
	for _, n := range names {
		t, err := toolchain.ParseTarget(n)
		if err != nil {
			return nil, err
		}
		if seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		out = append(out, t)
	}
	return out, nil
}
