package elfdeps

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Sentinel errors for errors.Is.
var (
	// ErrMalformed: the input starts with the ELF magic but a structure in
	// it is broken. The Deps returned with it are what elfdeps prints.
	ErrMalformed = errors.New("malformed elf file")
	// ErrTooLarge: the file would make elfdeps loop or print far more than
	// any real file does; no Deps are returned.
	ErrTooLarge = errors.New("elf dependency data exceeds limit")
)

// Deps are the automatic Requires and Provides rpmbuild's elfdeps derives
// from one file, as the lines elfdeps prints, in its order and with its
// duplicates: for example "libc.so.6(GLIBC_2.34)(64bit)",
// "libc.so.6()(64bit)", "rtld(GNU_HASH)", "libfoo.so.1()(64bit)".
type Deps struct {
	Requires, Provides []string
}

// Sorted returns the dependencies the way rpmbuild stores them: rpmbuild
// splits the generator output at spaces, tabs and newlines, and its
// dependency sets are sorted by byte value without duplicates. Empty
// lists are nil. (elfdeps output never holds whitespace unless a soname
// does; rpmbuild would read a token after it that starts with '<', '=' or
// '>' as a version comparison, which Sorted does not model.)
func (d Deps) Sorted() Deps {
	return Deps{Requires: sortedUnique(d.Requires), Provides: sortedUnique(d.Provides)}
}

func sortedUnique(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.FieldsFunc(l, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r'
		})...)
	}
	sort.Strings(out)
	w := 0
	for i, s := range out {
		if i == 0 || s != out[w-1] {
			out[w] = s
			w++
		}
	}
	if w == 0 {
		return nil
	}
	return out[:w]
}

// Analyze reads the ELF file from r (size bytes) and returns what
// "/usr/lib/rpm/elfdeps -R" and "-P" print for it. executable tells
// whether the file has any execute permission bit (elfdeps takes it from
// fstat). If r has a method Name() string, as *os.File does, the part of
// the name after the last '/' is the file name elfdeps falls back to for a
// shared library without DT_SONAME; use AnalyzeNamed to give it
// explicitly. A non-ELF input returns empty Deps and no error; for a
// malformed ELF file see the package documentation.
func Analyze(r io.ReaderAt, size int64, executable bool) (Deps, error) {
	name := ""
	if n, ok := r.(interface{ Name() string }); ok {
		name = n.Name()
	}
	return AnalyzeNamed(name, r, size, executable)
}

// AnalyzeNamed is Analyze with the file name given: name is the path
// elfdeps would be given (only the part after the last '/' is used, for
// the soname fallback of shared libraries without DT_SONAME; with "" that
// fallback yields nothing).
func AnalyzeNamed(name string, r io.ReaderAt, size int64, executable bool) (Deps, error) {
	if size < 0 {
		return Deps{}, fmt.Errorf("elfdeps: negative size %d", size)
	}
	a := &analyzer{
		r:      r,
		size:   uint64(size),
		budget: min(uint64(size), math.MaxInt64)*2 + readSlack,
		name:   name,
		isExec: executable,
	}
	if err := a.run(); err != nil {
		return Deps{}, err
	}
	return a.deps, a.bad
}

// Limits on what a hostile file can make Analyze do. Real files stay far
// below: libc.so.6 has about a hundred version definitions.
const (
	readSlack = 1 << 20  // bytes read beyond twice the file size
	maxSteps  = 1 << 20  // version-table loop iterations
	maxLines  = 1 << 20  // dependencies
	maxBytes  = 64 << 20 // bytes of dependencies
)
