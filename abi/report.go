package abi

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/internal/jsonout"
)

// WriteJSON writes r as indented JSON: HTML characters are not
// escaped, and every list is sorted, so equal reports give equal bytes.
func (r *Report) WriteJSON(w io.Writer) error {
	return jsonout.Write(w, r)
}

// WriteText writes r for people: the root's glibc, then for
// every input what it is, the glibc it needs and why, the oldest known
// targets it runs on and each verdict asked for.
func (r *Report) WriteText(w io.Writer) error {
	p := &printer{w: w}
	if r.Root != "" {
		if len(r.RootGlibc) == 0 {
			p.f("root %s: no glibc read (nothing needed it, or none found)\n", r.Root)
		}
		for _, g := range r.RootGlibc {
			p.f("root %s: glibc %s (%s, %s)\n", r.Root, g.Release, g.Machine, g.Path)
		}
	}
	for _, in := range r.Inputs {
		writeInput(p, r, in)
	}
	return p.err
}

// printer remembers the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func writeInput(p *printer, r *Report, in *Input) {
	single := in.Package == ""
	if single {
		f := in.Files[0]
		p.f("%s: %s\n", in.Path, describe(f))
	} else {
		static := 0
		for _, f := range in.Files {
			if f.Error == "" && f.Kind.Static() {
				static++
			}
		}
		p.f("%s: package %s, %s", in.Path, in.Package, plural(len(in.Files), "ELF file"))
		if len(in.Files) > 0 {
			p.f(" (%d statically linked)", static)
		}
		if len(in.Skipped) > 0 {
			p.f(", %s under testdata left out", plural(len(in.Skipped), "file"))
		}
		p.f("\n")
	}
	switch {
	case in.Newest != nil:
		where := ""
		if in.NewestFile != "" {
			where = " in " + in.NewestFile
		}
		p.f("  needs glibc %s: %s %s%s%s\n", in.Newest.Release, in.Newest.Library, in.Newest.Version, where, symbols(in.Symbols))
	case in.Static:
		p.f("  statically linked: needs no glibc at run time\n")
	case len(in.Files) == 0:
		p.f("  no ELF files\n")
	default:
		p.f("  needs no versioned glibc symbol\n")
	}
	for _, n := range in.Undated {
		p.f("  needs %s %s, which gotc cannot date\n", n.Library, n.Version)
	}
	if lines := versionLines(in.Needs); len(lines) > 0 {
		p.f("  glibc versions: %s\n", strings.Join(lines, "; "))
	}
	if len(in.Oldest) > 0 {
		p.f("  oldest known targets it runs on: %s\n", strings.Join(in.Oldest, ", "))
	} else {
		p.f("  runs on no target gotc knows\n")
	}
	for _, v := range in.Targets {
		p.f("  %s (glibc %s): %s\n", v.Target, v.Glibc, verdictText(v, in))
	}
	if in.Root != nil {
		g := ""
		if in.Root.Glibc != "" {
			g = " (glibc " + in.Root.Glibc + ")"
		}
		p.f("  root %s%s: %s\n", r.Root, g, verdictText(*in.Root, in))
	}
	if !single && len(in.Files) > 0 {
		p.f("  files:\n")
		for _, f := range in.Files {
			line := describe(f)
			if f.Newest != nil {
				line += ", needs " + f.Newest.Version
			}
			p.f("    %s: %s\n", f.Path, line)
		}
	}
}

// describe is one line about an ELF file.
func describe(f *File) string {
	if f.Error != "" {
		return "cannot be analysed: " + f.Error
	}
	s := string(f.Kind) + ", " + f.Machine
	if f.Interpreter != "" && !f.Kind.Static() {
		s += ", interpreter " + f.Interpreter
	}
	return s
}

// versionLines lists the needs by library: "libc.so.6 GLIBC_2.2.5
// GLIBC_2.34 (weak)".
func versionLines(needs []Need) []string {
	var lines []string
	for i := 0; i < len(needs); {
		lib := needs[i].Library
		parts := []string{lib}
		for ; i < len(needs) && needs[i].Library == lib; i++ {
			v := needs[i].Version
			if needs[i].Weak {
				v += " (weak)"
			}
			parts = append(parts, v)
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return lines
}

// verdictText says "runs" or why not.
func verdictText(v Verdict, in *Input) string {
	var s string
	if v.Runs {
		s = "runs"
	} else {
		s = "does not run"
		if len(v.Missing) > 0 {
			var names []string
			for _, n := range v.Missing {
				if !slices.Contains(names, n.Version) {
					names = append(names, n.Version)
				}
			}
			s += ": needs " + strings.Join(names, ", ")
			if in.Newest != nil && v.Missing[0] == *in.Newest {
				s += symbols(in.Symbols)
			}
		}
	}
	if v.Note != "" {
		s += " (" + v.Note + ")"
	}
	return s
}

// symbols is " (a, b, c and 4 more)" for a symbol list, "" for none.
func symbols(syms []string) string {
	if len(syms) == 0 {
		return ""
	}
	const show = 3
	if len(syms) <= show {
		return " (" + strings.Join(syms, ", ") + ")"
	}
	return fmt.Sprintf(" (%s and %d more)", strings.Join(syms[:show], ", "), len(syms)-show)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
