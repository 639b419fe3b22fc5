package abi

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/toolchain"
)

func target(t *testing.T, name string) toolchain.Target {
	t.Helper()
	tg, err := toolchain.ParseTarget(name)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestTargets checks the verdicts for targets and the oldest known
// targets of real files, and of needs no compiler here produces (a
// GLIBC_2.40, an undated marker, a weak need).
func TestTargets(t *testing.T) {
	synth := func(needs ...Need) *File {
		return &File{Path: "synth", Kind: DynamicExecutable, Machine: "x86-64", Needs: sortNeeds(needs), Newest: newest(sortNeeds(needs))}
	}
	need := func(lib, version string) Need {
		r, _ := Release(version)
		return Need{Library: lib, Version: version, Release: r}
	}
	weak := need("libc.so.6", "GLIBC_2.40")
	weak.Weak = true
	type verdict struct {
		target string
		runs   bool
		note   string // in the note
	}
	cases := []struct {
		name     string
		file     *File
		oldest   []string
		verdicts []verdict
	}{
		{"pthread", analyzeFile(t, built(t, "pthread")), []string{"fedora-38", "epel-9"},
			[]verdict{{"el8", false, ""}, {"rhel-9", true, ""}, {"centos-stream-10", true, ""}, {"f43", true, ""}}},
		{"old-library", analyzeFile(t, built(t, "libold.so")), []string{"fedora-38", "epel-8"},
			[]verdict{{"almalinux-8", true, ""}}},
		{"static", analyzeFile(t, built(t, "static")), []string{"fedora-38", "epel-8"},
			[]verdict{{"el8", true, "statically linked"}}},
		{"go-command", analyzeFile(t, goroot(t)+"/bin/go"), []string{"fedora-38", "epel-8"},
			[]verdict{{"rocky-8", true, "statically linked"}}},
		{"host-libc", analyzeFile(t, hostLibc(t)), []string{"fedora-38", "epel-10"},
			[]verdict{{"el9", false, "RHEL 9.7 and later define GLIBC_2.35 by backport"}, {"el10", true, ""}}},
		{"glibc-2.40", synth(need("libc.so.6", "GLIBC_2.2.5"), need("libc.so.6", "GLIBC_2.40")), []string{"fedora-41"},
			[]verdict{{"el10", false, "RHEL 10.2 and later define GLIBC_2.40"}, {"fedora-40", false, ""}, {"fedora-41", true, ""}}},
		{"glibc-2.45", synth(need("libc.so.6", "GLIBC_2.45")), []string{},
			[]verdict{{"rawhide", false, ""}}},
		{"undated-marker", synth(need("libc.so.6", "GLIBC_2.17"), need("libc.so.6", "GLIBC_ABI_DT_X86_64_PLT")), []string{},
			[]verdict{{"fedora-45", false, "gotc cannot date GLIBC_ABI_DT_X86_64_PLT"}}},
		{"dt-relr", synth(need("libc.so.6", "GLIBC_2.17"), need("libc.so.6", "GLIBC_ABI_DT_RELR")), []string{"fedora-38", "epel-10"},
			[]verdict{{"el9", false, ""}, {"fedora-38", true, ""}}},
		{"weak-and-private", synth(need("libc.so.6", "GLIBC_2.17"), weak, need("libc.so.6", "GLIBC_PRIVATE")), []string{"fedora-38", "epel-8"},
			[]verdict{{"el8", true, ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := NewInput(c.name, []*File{c.file})
			if !reflect.DeepEqual(in.Oldest, c.oldest) {
				t.Errorf("oldest %q, want %q", in.Oldest, c.oldest)
			}
			for _, w := range c.verdicts {
				v := in.Check(target(t, w.target))
				if v.Runs != w.runs || !strings.Contains(v.Note, w.note) {
					t.Errorf("%s: %+v, want runs %v and a note with %q", w.target, v, w.runs, w.note)
				}
				if v.Runs != (len(v.Missing) == 0) {
					t.Errorf("%s: runs %v with missing %v", w.target, v.Runs, v.Missing)
				}
			}
		})
	}
}

// TestRootVerdicts checks files against crafted roots that have
// Enterprise Linux 8's and 9's glibc, against this machine and against a
// root without glibc.
func TestRootVerdicts(t *testing.T) {
	el8 := tree(t, "usr/lib64/libc.so.6=@"+fakeLibc(t, "2.28"), "lib64->usr/lib64")
	el9 := tree(t, "usr/lib64/libc.so.6=@"+fakeLibc(t, "2.34"))
	empty := tree(t, "usr/lib64")
	cases := []struct {
		root    string
		file    string
		runs    bool
		missing string // the first missing version
		note    string
	}{
		{el8, "pthread", false, "GLIBC_2.34", ""},
		{el8, "cgo", false, "GLIBC_2.34", ""},
		{el8, "libold.so", true, "", ""},
		{el8, "static", true, "", "statically linked"},
		{el9, "pthread", true, "", ""},
		{el9, "math", true, "", ""},
		{"/", "pthread", true, "", ""},
		{empty, "pthread", false, "", "no libc.so.6 for x86-64"},
		{empty, "static-pie", true, "", "statically linked"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r, err := OpenRoot(c.root)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			in := NewInput(c.file, []*File{analyzeFile(t, built(t, c.file))})
			v, err := in.CheckRoot(r)
			if err != nil {
				t.Fatal(err)
			}
			first := ""
			if len(v.Missing) > 0 {
				first = v.Missing[0].Version
			}
			if v.Runs != c.runs || first != c.missing || !strings.Contains(v.Note, c.note) {
				t.Errorf("%s on %s: %+v; want runs %v, missing %q, note %q", c.file, c.root, v, c.runs, c.missing, c.note)
			}
		})
	}
	// The dynamic linker checks the names libc.so.6 defines: Debian's
	// libm.so.6 needs libc.so.6's GLIBC_ABI_DT_RELR, which the fake EL9
	// glibc does not define although it is "2.34 or newer" elsewhere.
	r, _ := OpenRoot(el9)
	defer r.Close()
	in := NewInput("libm", []*File{analyzeFile(t, strings.Replace(hostLibc(t), "libc.so.6", "libm.so.6", 1))})
	if v, _ := in.CheckRoot(r); v.Runs || len(v.Missing) == 0 || v.Missing[0].Version != "GLIBC_ABI_DT_RELR" {
		t.Errorf("host libm on the EL9 root: %+v, want GLIBC_ABI_DT_RELR missing", v)
	}
}
