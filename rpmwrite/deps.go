package rpmwrite

import (
	"sort"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// isaSuffix maps an architecture to the %{_isa} suffix rpmbuild appends to
// the package name for the arch-specific self-Provides. noarch has none.
var isaSuffix = map[string]string{
	"x86_64":  "(x86-64)",
	"i386":    "(x86-32)",
	"i486":    "(x86-32)",
	"i586":    "(x86-32)",
	"i686":    "(x86-32)",
	"aarch64": "(aarch-64)",
	"ppc64le": "(ppc-64)",
	"ppc64":   "(ppc-64)",
	"s390x":   "(s390-64)",
	"riscv64": "(riscv-64)",
	"armv7hl": "(arm-32)",
}

// scriptSlot ties a Metadata scriptlet to its header tags and to the sense
// bit its interpreter Requires carries.
type scriptSlot struct {
	script  Script
	bodyTag uint32
	progTag uint32
	sense   uint32
}

func scriptSlots(m *Metadata) []scriptSlot {
	return []scriptSlot{
		{m.PreIn, rpmtag.PreIn, rpmtag.PreInProg, rpmtag.SenseScriptPre},
		{m.PostIn, rpmtag.PostIn, rpmtag.PostInProg, rpmtag.SenseScriptPost},
		{m.PreUn, rpmtag.PreUn, rpmtag.PreUnProg, rpmtag.SenseScriptPreun},
		{m.PostUn, rpmtag.PostUn, rpmtag.PostUnProg, rpmtag.SenseScriptPostun},
		{m.PreTrans, rpmtag.PreTrans, rpmtag.PreTransProg, rpmtag.SensePretrans},
		{m.PostTrans, rpmtag.PostTrans, rpmtag.PostTransProg, rpmtag.SensePosttrans},
	}
}

// present reports whether the scriptlet exists at all.
func (s Script) present() bool { return s.Body != "" || s.Interpreter != "" }

// interpreter is the scriptlet's program, "/bin/sh" unless set.
func (s Script) interpreter() string {
	if s.Interpreter == "" {
		return "/bin/sh"
	}
	return s.Interpreter
}

// luaInterpreter names rpm's embedded Lua interpreter.
const luaInterpreter = "<lua>"

// rpmlib returns the rpmlib() requirement for feature, as rpmlibNeedsFeature
// in rpmbuild writes it.
func rpmlib(feature, version string) Dependency {
	return Dependency{
		Name:    "rpmlib(" + feature + ")",
		Flags:   rpmtag.SenseRPMLib | rpmtag.SenseLess | rpmtag.SenseEqual,
		Version: version,
	}
}

// selfProvides is what rpmbuild provides for the package itself.
func selfProvides(m *Metadata) []Dependency {
	evr := m.evr()
	ds := []Dependency{{Name: m.Name, Flags: rpmtag.SenseEqual, Version: evr}}
	if isa, ok := isaSuffix[m.Arch]; ok {
		ds = append(ds, Dependency{Name: m.Name + isa, Flags: rpmtag.SenseEqual, Version: evr})
	}
	return ds
}

// requires is the package's complete Requires: the caller's, the
// scriptlet interpreters', and the rpmlib() features the package uses.
// A v6 package needs no CompressedFileNames, FileDigests or
// PayloadFilesHavePrefix (every rpm that reads v6 has them), and always
// LargeFiles (its file sizes are LONGFILESIZES), as rpmbuild 6 writes it.
func requires(m *Metadata, c compression, largeFiles, v6 bool) []Dependency {
	ds := append([]Dependency(nil), m.Requires...)
	lua := false
	for _, s := range scriptSlots(m) {
		if !s.script.present() {
			continue
		}
		prog := s.script.interpreter()
		if prog == luaInterpreter {
			lua = true
			continue
		}
		ds = append(ds, Dependency{Name: prog, Flags: rpmtag.SenseInterp | s.sense})
	}
	if lua {
		ds = append(ds, rpmlib("BuiltinLuaScripts", "4.2.2-1"))
	}
	if !v6 {
		ds = append(ds,
			rpmlib("CompressedFileNames", "3.0.4-1"),
			rpmlib("FileDigests", "4.6.0-1"),
		)
		if m.Source == nil {
			ds = append(ds, rpmlib("PayloadFilesHavePrefix", "4.0-1"))
		}
	}
	if c.feature != "" {
		ds = append(ds, rpmlib(c.feature, c.featureVersion))
	}
	if largeFiles {
		ds = append(ds, rpmlib("LargeFiles", "4.12.0-1"))
	}
	var tilde, caret, rich bool
	check := func(v string) {
		tilde = tilde || strings.Contains(v, "~")
		caret = caret || strings.Contains(v, "^")
	}
	check(m.Version)
	check(m.Release)
	for _, set := range m.depSets() {
		for _, d := range set {
			check(d.Version)
			rich = rich || strings.HasPrefix(d.Name, "(")
		}
	}
	if tilde {
		ds = append(ds, rpmlib("TildeInVersions", "4.10.0-1"))
	}
	if caret {
		ds = append(ds, rpmlib("CaretInVersions", "4.15.0-1"))
	}
	if rich {
		ds = append(ds, rpmlib("RichDependencies", "4.12.0-1"))
	}
	return ds
}

// normalizeDeps drops exact duplicates (same name, version and flags) and
// sorts the rest the way rpmbuild orders a dependency set: by name, then
// version, both compared bytewise, then by flags.
func normalizeDeps(ds []Dependency) []Dependency {
	out := append([]Dependency(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool { return depLess(out[i], out[j]) })
	n := 0
	for i, d := range out {
		if i > 0 && d == out[n-1] {
			continue
		}
		out[n] = d
		n++
	}
	return out[:n]
}

func depLess(a, b Dependency) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Version != b.Version {
		return a.Version < b.Version
	}
	return a.Flags < b.Flags
}

// putDeps writes a dependency set into its three parallel tags. An empty
// set writes nothing, as rpmbuild does.
func (h *header) putDeps(nameTag, versionTag, flagsTag uint32, ds []Dependency) {
	h.putDepsAsGiven(nameTag, versionTag, flagsTag, normalizeDeps(ds))
}

// putDepsAsGiven writes a dependency list in the order given, as
// rpmbuild -bs writes a source package's Provides (one per package the
// spec builds, in spec order).
func (h *header) putDepsAsGiven(nameTag, versionTag, flagsTag uint32, ds []Dependency) {
	if len(ds) == 0 {
		return
	}
	names := make([]string, len(ds))
	versions := make([]string, len(ds))
	flags := make([]uint32, len(ds))
	for i, d := range ds {
		names[i], versions[i], flags[i] = d.Name, d.Version, d.Flags
	}
	h.putStrings(nameTag, names)
	h.putStrings(versionTag, versions)
	h.putUint32s(flagsTag, flags...)
}
