package verify

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gotc-project/gotc/elfdeps"
	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/toolchain"
)

// elfInfo is what the abi check needs of one ELF file.
type elfInfo struct {
	path string
	// glibc is the highest glibc symbol version the file needs (GLIBC_2.34,
	// "" for none), symbol one imported symbol of that version.
	glibc, symbol string
	// err is set when the file starts like ELF but is malformed.
	err error
}

// maxELFInMemory is the largest ELF file analysed from memory; larger
// ones are spooled to a temporary file. A variable for the tests.
var maxELFInMemory int64 = 8 << 20

// wantELF reports whether the abi check needs the ELF file at path:
// only when there are targets, and not for testdata or the trees the
// dependency generators skip (foreign test objects live there).
func (v *verifier) wantELF(p *pkgInfo, path string) bool {
	return len(v.opt.Targets) > 0 && !skippedTree(p, path)
}

// skippedTree reports paths under a testdata directory or in a tree the
// plan keeps dependency generators out of.
func skippedTree(p *pkgInfo, path string) bool {
	if strings.Contains(path, "/testdata/") {
		return true
	}
	return p.depExclude != nil && p.depExclude.MatchString(path)
}

// analyseELF reads the rest of an ELF body (whose first bytes are head)
// into memory or a temporary file and finds the GLIBC versions it needs.
func (v *verifier) analyseELF(p *pkgInfo, path string, head []byte, body io.Reader, size int64) (elfInfo, error) {
	info := elfInfo{path: path}
	var ra io.ReaderAt
	if size <= maxELFInMemory {
		b := make([]byte, len(head), size)
		copy(b, head)
		buf := bytes.NewBuffer(b)
		if _, err := io.Copy(buf, body); err != nil {
			return info, err
		}
		ra = bytes.NewReader(buf.Bytes())
	} else {
		f, err := os.CreateTemp(v.opt.TempDir, "gotc-verify-elf-")
		if err != nil {
			return info, &envError{fmt.Errorf("spooling %s: %w", path, err)}
		}
		defer func() { f.Close(); os.Remove(f.Name()) }()
		w := &spoolWriter{f: f}
		if _, err := w.Write(head); err != nil {
			return info, &envError{fmt.Errorf("spooling %s: %w", path, err)}
		}
		if _, err := io.Copy(w, body); err != nil {
			if w.err != nil {
				return info, &envError{fmt.Errorf("spooling %s: %w", path, w.err)}
			}
			return info, err // the payload's
		}
		ra = f
	}
	info.glibc, info.symbol, info.err = glibcNeed(ra, size)
	return info, nil
}

// spoolWriter remembers its own write errors, to tell them from the
// payload's read errors.
type spoolWriter struct {
	f   *os.File
	err error
}

func (w *spoolWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		w.err = err
	}
	return n, err
}

// envError is a failure of the machine verify runs on (a temporary file
// that cannot be written), not of the package: it ends the run.
type envError struct{ err error }

func (e *envError) Error() string { return e.err.Error() }
func (e *envError) Unwrap() error { return e.err }

// glibcNeed returns the highest glibc symbol version an ELF object
// needs — from the Requires rpmbuild's elfdeps derives from it, computed
// by gotc/elfdeps as the native builder does — and an imported symbol
// bound to it. GLIBC_ABI_DT_RELR, which glibc 2.36 introduced, counts as
// 2.36. The file is analysed as executable so that a program's needs
// count whatever its mode. A malformed file yields what elfdeps read
// before the defect, and the error.
func glibcNeed(ra io.ReaderAt, size int64) (version, symbol string, err error) {
	d, err := elfdeps.Analyze(ra, size, true)
	version = elfdeps.RequiredGlibc(d)
	for _, r := range d.Requires {
		if strings.Contains(r, "(GLIBC_ABI_DT_RELR)") && (version == "" || compareGlibc(glibcNumber(version), "2.36") < 0) {
			version = "GLIBC_ABI_DT_RELR"
		}
	}
	if version == "" {
		return "", "", err
	}
	if f, ferr := elf.NewFile(ra); ferr == nil {
		if syms, serr := f.ImportedSymbols(); serr == nil {
			var names []string
			for _, s := range syms {
				if s.Version == version {
					names = append(names, s.Name)
				}
			}
			sort.Strings(names)
			if len(names) > 0 {
				symbol = names[0]
			}
		}
		f.Close()
	}
	return version, symbol, err
}

// glibcNumber is the glibc release that defines a symbol version:
// GLIBC_2.34 → 2.34, GLIBC_ABI_DT_RELR → 2.36.
func glibcNumber(version string) string {
	if version == "GLIBC_ABI_DT_RELR" {
		return "2.36"
	}
	return strings.TrimPrefix(version, "GLIBC_")
}

// compareGlibc compares dotted glibc versions numerically.
func compareGlibc(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// glibcRequireRE matches the requirements rpmbuild's ELF generator
// writes for versioned glibc symbols: libc.so.6(GLIBC_2.34)(64bit).
var glibcRequireRE = regexp.MustCompile(`^(?:libc|libm|libpthread|libdl|librt|libresolv|libutil|ld-linux[^(]*)\.so[^(]*\(GLIBC_([0-9.]+)\)`)

// checkABI compares the GLIBC versions the package's ELF files need (and
// the glibc symbol versions it Requires) with every target's glibc.
func (v *verifier) checkABI(p *pkgInfo) {
	for _, t := range v.opt.Targets {
		for _, e := range p.elf {
			if e.err != nil {
				v.add(p, findings.Warning, CheckABI, e.path, "ELF file cannot be fully analysed: %v", e.err)
			}
			if e.glibc != "" && compareGlibc(glibcNumber(e.glibc), t.Glibc) > 0 {
				sym := ""
				if e.symbol != "" {
					sym = " (" + e.symbol + ")"
				}
				v.add(p, findings.Error, CheckABI, e.path, "needs %s%s, %s has %s", e.glibc, sym, t.Name, t.Glibc)
			}
		}
		for _, r := range p.pkg.Requires {
			m := glibcRequireRE.FindStringSubmatch(r.Name)
			if m != nil && compareGlibc(m[1], t.Glibc) > 0 {
				v.add(p, findings.Error, CheckABI, "", "Requires %s, %s has glibc %s", r.Name, t.Name, t.Glibc)
			}
		}
	}
}

// Targets parses target names (fedora-41, epel-8, rawhide).
func Targets(names []string) ([]toolchain.Target, error) {
	var out []toolchain.Target
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		t, err := toolchain.ParseTarget(n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
