package rpmwrite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// validate checks what rpmbuild would refuse in a preamble and what would
// make a header rpm cannot read back. It reports every problem.
func (m *Metadata) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	required := []struct{ field, value string }{
		{"Name", m.Name}, {"Version", m.Version}, {"Release", m.Release},
		{"Arch", m.Arch}, {"Summary", m.Summary}, {"License", m.License},
	}
	for _, r := range required {
		if r.value == "" {
			add("%s is empty", r.field)
		}
	}
	if m.Name != "" && !allBytes(m.Name, "-._+") {
		add("Name %q has characters other than letters, digits and -._+", m.Name)
	}
	for _, v := range []struct{ field, value string }{{"Version", m.Version}, {"Release", m.Release}} {
		if v.value != "" && !allBytes(v.value, "._+~^") {
			add("%s %q has characters other than letters, digits and ._+~^", v.field, v.value)
		}
	}
	if m.Arch != "" && !allBytes(m.Arch, "_") {
		add("Arch %q has characters other than letters, digits and _", m.Arch)
	}
	if m.OS != "" && !allBytes(m.OS, "_") {
		add("OS %q has characters other than letters, digits and _", m.OS)
	}
	if m.BuildTime < 0 || m.BuildTime > 0xffffffff {
		add("BuildTime %d does not fit the header's 32 bits", m.BuildTime)
	}

	strs := []string{m.Summary, m.Description, m.License, m.URL, m.Vendor, m.Packager,
		m.Group, m.Distribution, m.SourceRPM, m.BuildHost, m.Platform, m.OptFlags, m.RPMVersion}
	for _, s := range strs {
		if strings.ContainsRune(s, 0) {
			add("a text field contains NUL")
			break
		}
	}

	sets := []struct {
		kind string
		deps []Dependency
	}{
		{"Provides", m.Provides}, {"Requires", m.Requires}, {"Conflicts", m.Conflicts},
		{"Obsoletes", m.Obsoletes}, {"Recommends", m.Recommends}, {"Suggests", m.Suggests},
	}
	for _, s := range sets {
		for _, d := range s.deps {
			if err := d.validate(); err != nil {
				add("%s %q: %w", s.kind, d.Name, err)
			}
		}
	}

	for _, s := range scriptSlots(m) {
		if !s.script.present() {
			continue
		}
		prog := s.script.interpreter()
		if prog != luaInterpreter && (!strings.HasPrefix(prog, "/") || strings.ContainsAny(prog, " \t\n\x00")) {
			add("scriptlet interpreter %q is neither an absolute path nor <lua>", prog)
		}
		if strings.ContainsRune(s.script.Body, 0) {
			add("scriptlet for %s contains NUL", prog)
		}
	}

	for i, c := range m.Changelog {
		if c.Time < 0 || c.Time > 0xffffffff {
			add("changelog entry %d: time %d does not fit the header's 32 bits", i, c.Time)
		}
		if strings.ContainsRune(c.Author+c.Text, 0) {
			add("changelog entry %d contains NUL", i)
		}
	}
	return errors.Join(errs...)
}

func (d Dependency) validate() error {
	switch {
	case d.Name == "":
		return errors.New("empty name")
	case strings.ContainsRune(d.Name, 0):
		return errors.New("name contains NUL")
	case !strings.HasPrefix(d.Name, "(") && strings.ContainsAny(d.Name, " \t\n,"):
		return errors.New("name contains blanks or commas (only a rich dependency in parentheses may)")
	case strings.ContainsAny(d.Version, " \t\n,\x00"):
		return fmt.Errorf("version %q contains blanks or commas", d.Version)
	case d.Version != "" && d.Flags&rpmtag.SenseCompareMask == 0:
		return fmt.Errorf("version %q without a comparison in Flags", d.Version)
	case d.Version == "" && d.Flags&rpmtag.SenseCompareMask != 0:
		return errors.New("comparison in Flags without a version")
	}
	return nil
}

// allBytes reports whether s has only ASCII letters, digits and bytes from
// extra.
func allBytes(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}
