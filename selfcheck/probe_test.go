package selfcheck

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/rootfs"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/internal/testroot"
	"github.com/gotc-project/gotc/toolchain"
)

// TestProbeSet pins the probe programs: every directory of the set is a
// program built with one cgo setting, each once, and the digest is
// stable.
func TestProbeSet(t *testing.T) {
	entries, err := fs.ReadDir(probeSet, "_probe")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("_probe/%s: not a program directory", e.Name())
			continue
		}
		dirs = append(dirs, e.Name())
		if _, err := fs.Stat(probeSet, "_probe/"+e.Name()+"/main.go"); err != nil {
			t.Errorf("_probe/%s: %v", e.Name(), err)
		}
	}
	listed := slices.Concat(probePrograms[false], probePrograms[true])
	slices.Sort(listed)
	if !slices.Equal(dirs, listed) {
		t.Errorf("the set holds %v, the builds list %v", dirs, listed)
	}
	d1, err := probeDigest()
	if err != nil || !strings.HasPrefix(d1, "sha256:") || len(d1) != len("sha256:")+64 {
		t.Fatalf("probeDigest = %q, %v", d1, err)
	}
	src, err := writeProbeModule(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(listed, "go.mod") {
		if p != "go.mod" {
			p += "/main.go"
		}
		if _, err := os.Stat(filepath.Join(src, p)); err != nil {
			t.Errorf("the written module: %v", err)
		}
	}
}

// TestParseProbeFile: a reference file is read strictly, and one that
// cannot be used is an error, never a reference.
func TestParseProbeFile(t *testing.T) {
	ref := `{"toolchain": "/usr/libexec/go-toolchain/go1.26.8", "cgo": false, "key": {"go_version": "go1.26.8", "goos": "linux", "goarch": "amd64", "packages": [], "probe": "sha256:00"}, "tools": {}, "outputs": {"hello": "sha256:01"}}`
	tests := []struct {
		name, data, err string
	}{
		{"valid", `{"format": "gotc-probe/1", "references": [` + ref + `]}`, ""},
		{"empty", `{"format": "gotc-probe/1", "references": []}`, ""},
		{"other format", `{"format": "gotc-probe/2", "references": []}`, `format "gotc-probe/2", want "gotc-probe/1"`},
		{"unknown field", `{"format": "gotc-probe/1", "references": [], "extra": 1}`, `unknown field "extra"`},
		{"data after", `{"format": "gotc-probe/1", "references": []} {}`, "data after the JSON object"},
		{"not JSON", `format: gotc-probe/1`, "invalid character"},
		{"truncated", `{"format": "gotc-probe/1", "references": [` + ref[:40], "unexpected EOF"},
		{"twice", `{"format": "gotc-probe/1", "references": [` + ref + `,` + ref + `]}`, "two references for /usr/libexec/go-toolchain/go1.26.8 cgo=false"},
		{"relative", `{"format": "gotc-probe/1", "references": [` + strings.Replace(ref, `"/usr/libexec/`, `"usr/libexec/`, 1) + `]}`, "not an absolute path"},
		{"no outputs", `{"format": "gotc-probe/1", "references": [` + strings.Replace(ref, `{"hello": "sha256:01"}`, `{}`, 1) + `]}`, "has no outputs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pf, err := parseProbeFile([]byte(tc.data))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one saying %q", err, tc.err)
			case tc.err != "" && pf != nil:
				t.Fatalf("a reference file from bad data: %+v", pf)
			}
		})
	}
}

// TestProbeFileDeterministic: the same references make the same bytes,
// whatever order they come in, and read back as they were.
func TestProbeFileDeterministic(t *testing.T) {
	refs := []reference{
		{Toolchain: "/t/go1.27.3", CGO: true, Key: probeKey{GoVersion: "go1.27.3", CC: &program{Path: "/usr/bin/gcc", Version: "gcc 12", Digest: "sha256:cc"}}, Tools: map[string]string{"bin/go": "sha256:b", "VERSION": "sha256:a"}, Outputs: map[string]string{"cgo": "sha256:1"}},
		{Toolchain: "/t/go1.26.8", Key: probeKey{GoVersion: "go1.26.8", Packages: []string{"b-1-1.noarch", "a-1-1.x86_64"}}, Outputs: map[string]string{"stdlib": "sha256:3", "hello": "sha256:2"}},
		{Toolchain: "/t/go1.27.3", Key: probeKey{GoVersion: "go1.27.3"}, Outputs: map[string]string{"hello": "sha256:4"}},
	}
	var first []byte
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}} {
		pf := &probeFile{Format: probeFormat}
		for _, i := range order {
			pf.References = append(pf.References, refs[i])
		}
		data, err := pf.encode()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = data
		} else if !bytes.Equal(first, data) {
			t.Fatalf("order %v:\n%s\nfirst:\n%s", order, data, first)
		}
	}
	back, err := parseProbeFile(first)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.encode()
	if !bytes.Equal(again, first) {
		t.Errorf("read back and written:\n%s\nwas:\n%s", again, first)
	}
	if back.References[0].Toolchain != "/t/go1.26.8" || back.References[1].CGO || !back.References[2].CGO {
		t.Errorf("order %+v", back.References)
	}
}

// TestKeyChanges names what differs between two keys.
func TestKeyChanges(t *testing.T) {
	gcc := &program{Path: "/usr/bin/gcc", Version: "gcc (Debian 12.2.0-14) 12.2.0", Digest: "sha256:1"}
	base := probeKey{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64", Packages: []string{"go-toolchain-1.26-1.26.8-1.x86_64"}, Probe: "sha256:p", CC: gcc}
	tests := []struct {
		name string
		edit func(k *probeKey)
		want string
	}{
		{"same", func(k *probeKey) {}, ""},
		{"same C compiler, another pointer", func(k *probeKey) { c := *gcc; k.CC = &c }, ""},
		{"upgrade", func(k *probeKey) { k.Packages = []string{"go-toolchain-1.26-1.26.8-2.x86_64"} }, "the toolchain's packages"},
		{"another package", func(k *probeKey) { k.Packages = append(k.Packages, "go-toolchain-1.26-src-1.26.8-1.noarch") }, "the toolchain's packages"},
		{"packages not known (no rpm)", func(k *probeKey) { k.Packages = nil }, ""},
		{"gcc upgrade", func(k *probeKey) { c := *gcc; c.Digest = "sha256:2"; k.CC = &c }, "the C compiler"},
		{"no linker before", func(k *probeKey) { k.LD = &program{Path: "/usr/bin/ld"} }, "the linker"},
		{"new probe and arch", func(k *probeKey) { k.Probe = "sha256:q"; k.GOARCH = "arm64" }, "GOOS/GOARCH, the probe programs"},
		{"version", func(k *probeKey) { k.GoVersion = "go1.26.9" }, "the Go version"},
	}
	for _, tc := range tests {
		k := base
		tc.edit(&k)
		if got := strings.Join(keyChanges(base, k), ", "); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := joinAnd([]string{"a", "b", "c"}); got != "a, b and c" {
		t.Errorf("joinAnd = %q", got)
	}
}

// TestProbeNeedsTheRunningSystem: the probe builds with the running
// system's toolchains only; --reset needs it.
func TestProbeNeedsTheRunningSystem(t *testing.T) {
	root, _, _ := fakeRoot(t)
	for _, opt := range []Options{
		{Root: root, Run: true, RunRoot: true, Probe: true},
		{Root: "/", Probe: true},
		{Root: "/", Run: true, ResetProbe: true},
	} {
		_, err := Check(toolchain.Defaults(), opt)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%+v: error %v, want a usage error", opt, err)
		}
	}
}

// TestProbeUnusableReferences: a reference file that cannot be read is
// not a finding but an unusable input, with the way out; --reset does
// not read it.
func TestProbeUnusableReferences(t *testing.T) {
	state := t.TempDir()
	cfg := toolchain.Defaults()
	cfg.Layout.Root = t.TempDir() // no toolchains: nothing is built
	writeFile(t, filepath.Join(state, ProbeFileName), `{"format": "gotc-probe/1", "references": [`, 0o644)
	_, err := Check(cfg, Options{Root: "/", Run: true, Probe: true, StateDir: state})
	if err == nil || !strings.Contains(err.Error(), "reading the probe references "+filepath.Join(state, ProbeFileName)) || !strings.Contains(err.Error(), "gotc-rpm selfcheck --probe --reset --state-dir "+state+" records them anew") {
		t.Fatalf("error %v", err)
	}
	rep, err := Check(cfg, Options{Root: "/", Run: true, Probe: true, ResetProbe: true, StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(state, ProbeFileName))
	if err != nil || string(data) != "{\n  \"format\": \"gotc-probe/1\",\n  \"references\": []\n}\n" || rep.ProbeFile != filepath.Join(state, ProbeFileName) {
		t.Errorf("after --reset: %q, %v", data, err)
	}
	// A state directory that is a file is unusable too.
	writeFile(t, filepath.Join(state, "file"), "", 0o644)
	_, err = Check(cfg, Options{Root: "/", Run: true, Probe: true, StateDir: filepath.Join(state, "file")})
	if err == nil || !strings.Contains(err.Error(), "reading the probe references") || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a state directory that is a file: %v", err)
	}
}

// probeToolchains lays out toolchains as gotc installs them, on the running
// system: each release's whole GOROOT (hard links) under a scratch
// toolchains directory, with the go.env gotc packages.
func probeToolchains(t *testing.T, rs ...release) *toolchain.Config {
	t.Helper()
	tools := t.TempDir()
	for _, r := range rs {
		linkTree(t, r.goroot, filepath.Join(tools, r.version))
		writeFile(t, filepath.Join(tools, r.version, "go.env"), "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=local\n", 0o644)
	}
	cfg := toolchain.Defaults()
	cfg.Layout.Root = tools
	return cfg
}

// mustCheck runs Check, failing the test on an error.
func mustCheck(t *testing.T, cfg *toolchain.Config, opt Options) *Report {
	t.Helper()
	rep, err := Check(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// probeFindings are the errors of the probe's own checks in a report.
func probeFindings(rep *Report) []string {
	var out []string
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Message, "the compiler's output changed") || strings.HasPrefix(f.Message, "the probe programs do not build") {
			out = append(out, f.Message)
		}
	}
	return out
}

// results lists the probes of a report as "go1.26.8 cgo=false recorded".
func results(rep *Report) []string {
	var out []string
	for _, p := range rep.Probes {
		out = append(out, path.Base(p.Toolchain)+" cgo="+map[bool]string{false: "false", true: "true"}[p.CGO]+" "+p.Result)
	}
	return out
}

func readReferences(t *testing.T, state string) ([]byte, *probeFile) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(state, ProbeFileName))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parseProbeFile(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, pf
}

// writeReferences writes the reference file as an admin editing it
// would.
func writeReferences(t *testing.T, state string, pf *probeFile) {
	t.Helper()
	data, err := pf.encode()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(state, ProbeFileName), string(data), 0o644)
}

// TestProbeReleases runs the compile probe with both real toolchains on
// the running system, without rpm, cgo with this machine's gcc. The
// first run records a reference for each toolchain and cgo setting:
// what the toolchain's tools and the C compiler really are, and each
// release's own output; the second run matches them and leaves the file
// as it was. Then one toolchain is removed (its references go with it)
// and the other's recorded output altered: the finding says the output
// changed, old and new, and names the fix, --reset, which records the
// output again.
func TestProbeReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the probe programs six times with a fresh build cache")
	}
	gcc := testenv.NeedTool(t, "gcc")
	older, newer := releases(t)
	cfg := probeToolchains(t, older, newer)
	state := t.TempDir()
	opt := Options{Root: "/", Run: true, Probe: true, StateDir: state}

	rep := mustCheck(t, cfg, opt)
	want := []string{older.version + " cgo=false recorded", older.version + " cgo=true recorded", newer.version + " cgo=false recorded", newer.version + " cgo=true recorded"}
	if got := results(rep); !slices.Equal(got, want) || len(probeFindings(rep)) != 0 {
		t.Fatalf("first run: %v, want %v; findings:\n%s", got, want, describe(rep.Findings))
	}
	_, pf := readReferences(t, state)
	info, err := os.Stat(filepath.Join(state, ProbeFileName))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("the reference file: %v, %v", info.Mode(), err)
	}
	ccVersion := strings.SplitN(testenv.Run(t, "", nil, gcc, "--version"), "\n", 2)[0]
	for i, r := range pf.References {
		rel := []release{older, older, newer, newer}[i]
		if r.Toolchain != filepath.Join(cfg.Layout.Root, rel.version) || r.CGO != (i%2 == 1) || r.Key.GoVersion != rel.version || r.Key.GOOS+"_"+r.Key.GOARCH != strings.TrimPrefix(toolDir, "pkg/tool/") || len(r.Key.Packages) != 0 {
			t.Errorf("reference %d: %+v", i, r)
		}
		for rel2, d := range r.Tools {
			if want, err := fileDigest(filepath.Join(rel.goroot, rel2)); rel2 != "go.env" && (err != nil || d != want) {
				t.Errorf("reference %d: %s is %s, the file's digest %s (%v)", i, rel2, d, want, err)
			}
		}
		if r.CGO && (r.Key.CC == nil || r.Key.CC.Path != gcc || r.Key.CC.Version != ccVersion || r.Key.LD == nil || !strings.Contains(r.Key.LD.Version, "ld")) {
			t.Errorf("reference %d: C compiler %+v, linker %+v; want %s, %q", i, r.Key.CC, r.Key.LD, gcc, ccVersion)
		}
		if len(r.Outputs) != len(probePrograms[r.CGO]) {
			t.Errorf("reference %d: outputs %v", i, r.Outputs)
		}
	}
	if pf.References[0].Outputs["hello"] == pf.References[2].Outputs["hello"] {
		t.Errorf("both releases build hello into %s", pf.References[0].Outputs["hello"])
	}

	rep = mustCheck(t, cfg, opt)
	want = []string{older.version + " cgo=false matches", older.version + " cgo=true matches", newer.version + " cgo=false matches", newer.version + " cgo=true matches"}
	if got := results(rep); !slices.Equal(got, want) || len(probeFindings(rep)) != 0 {
		t.Fatalf("second run: %v, want %v; findings:\n%s", got, want, describe(rep.Findings))
	}
	if again, err := os.Stat(filepath.Join(state, ProbeFileName)); err != nil || !os.SameFile(info, again) || !again.ModTime().Equal(info.ModTime()) {
		t.Errorf("the second run rewrote the reference file")
	}

	// One toolchain gone; the other's recorded output of hello altered.
	if err := os.RemoveAll(filepath.Join(cfg.Layout.Root, older.version)); err != nil {
		t.Fatal(err)
	}
	pf.References = pf.References[2:]
	recorded := pf.References[0].Outputs["hello"]
	pf.References[0].Outputs["hello"] = "sha256:" + strings.Repeat("0", 64)
	writeReferences(t, state, pf)
	rep = mustCheck(t, cfg, opt)
	fs := probeFindings(rep)
	dir := filepath.Join(cfg.Layout.Root, newer.version)
	wantMsg := "the compiler's output changed: the probe program hello (CGO_ENABLED=0) builds into " + recorded + ", the reference recorded in " + filepath.Join(state, ProbeFileName) + " says sha256:" + strings.Repeat("0", 64) +
		": its tools are as recorded; without an rpm database its other files are not verified; fix: reinstall the toolchain's packages (dnf reinstall); if its files are intact, the reference file itself changed: gotc-rpm selfcheck --probe --reset --state-dir " + state + " records it anew"
	if len(fs) != 1 || fs[0] != wantMsg || rep.Errors == 0 {
		t.Fatalf("an altered reference:\n%s\nwant:\n  %s", describe(rep.Findings), wantMsg)
	}
	if got := results(rep); !slices.Equal(got, []string{newer.version + " cgo=false differs", newer.version + " cgo=true matches"}) {
		t.Errorf("results %v", got)
	}
	_, after := readReferences(t, state)
	if len(after.References) != 2 || after.References[0].Toolchain != dir || after.References[0].Outputs["hello"] != "sha256:"+strings.Repeat("0", 64) {
		t.Errorf("a run that differs changed the references: %+v", after.References)
	}

	// The fix.
	opt.ResetProbe = true
	rep = mustCheck(t, cfg, opt)
	if got := results(rep); !slices.Equal(got, []string{newer.version + " cgo=false recorded", newer.version + " cgo=true recorded"}) || len(probeFindings(rep)) != 0 {
		t.Fatalf("--reset: %v; findings:\n%s", got, describe(rep.Findings))
	}
	if _, pf := readReferences(t, state); pf.References[0].Outputs["hello"] != recorded || len(pf.References) != 2 {
		t.Errorf("--reset recorded %+v", pf.References)
	}
}

// relocatedInstall installs packages with real rpm into the running
// system's root, every path relocated under dir (--badreloc: gotc's
// packages are not relocatable) and the database at dir/db, scriptlets
// not run. Each path of the packages is checked to be relocated before,
// and each path of the database to be under dir after. It returns a
// function applying the fix "dnf reinstall" the way that keeps the
// relocations: rpm --reinstall does not (rpm 4.18 puts the files at
// their packaged paths), so the packages are erased, then installed
// again.
func relocatedInstall(t *testing.T, dir string, rpms ...string) (tools, dbpath string, reinstall func()) {
	t.Helper()
	rpm := testenv.NeedTool(t, "rpm")
	tools, dbpath = filepath.Join(dir, "tools"), filepath.Join(dir, "db")
	moves := [][2]string{{"/usr/libexec/go-toolchain", tools}, {"/usr/bin", filepath.Join(dir, "bin")}, {"/etc/alternatives", filepath.Join(dir, "alternatives")}}
	common := []string{"--root", "/", "--dbpath", dbpath, "--nodeps", "--nosignature", "--noscripts"}
	install := append(slices.Clone(common), "--badreloc")
	for _, m := range moves {
		install = append(install, "--relocate", m[0]+"="+m[1])
	}
	var names []string
	for _, p := range rpms {
		names = append(names, strings.TrimSpace(testenv.Run(t, "", nil, rpm, "-qp", "--qf", "%{NAME}", p)))
		for _, f := range strings.Fields(testenv.Run(t, "", nil, rpm, "-qp", "--qf", `[%{FILENAMES}\n]`, p)) {
			if !slices.ContainsFunc(moves, func(m [2]string) bool { return f == m[0] || strings.HasPrefix(f, m[0]+"/") }) {
				t.Fatalf("%s holds %s, which would not be relocated", p, f)
			}
		}
	}
	inDir := func() {
		t.Helper()
		for _, f := range strings.Fields(testenv.Run(t, "", nil, rpm, "--dbpath", dbpath, "-qa", "--qf", `[%{FILENAMES}\n]`)) {
			if !strings.HasPrefix(f, dir+"/") {
				t.Fatalf("the database lists %s, outside %s", f, dir)
			}
		}
	}
	testenv.Run(t, "", nil, rpm, append(append(slices.Clone(install), "-i"), rpms...)...)
	inDir()
	return tools, dbpath, func() {
		t.Helper()
		inDir()
		testenv.Run(t, "", nil, rpm, append(append(slices.Clone(common), "-e"), names...)...)
		testenv.Run(t, "", nil, rpm, append(append(slices.Clone(install), "-i"), rpms...)...)
		inDir()
	}
}

// TestProbeRPM runs the compile probe with this machine's toolchain as
// gotc packages it, installed with real rpm (relocated, see
// relocatedInstall), checked with the rpm database: the key holds the
// packages (a run without rpm still compares with it), and each
// finding's fix is what the database says. Three
// kinds of damage, each fixed as its finding says and gone after:
//
//   - a standard library source altered (fmt): rpm -V names the file,
//     the probe says every program's output changed and that the files
//     differ from the packages; fix: dnf reinstall of the packages;
//   - go1.27.3's compile copied over the toolchain's (the stale-tools
//     check sees it too): the programs no longer build; the same fix;
//   - the recorded cgo output altered: the files verify, so the probe
//     says the C compiler or the reference changed; fix: --reset.
func TestProbeRPM(t *testing.T) {
	if testing.Short() {
		t.Skip("installs a real toolchain with rpm and builds the probe programs five times")
	}
	testenv.NeedTool(t, "gcc")
	b := testroot.Packages(t)
	series := "go-toolchain-" + strings.TrimPrefix(b.Tarball.GoVersion[:strings.LastIndex(b.Tarball.GoVersion, ".")], "go")
	pkgs := []string{b.RPMs[series], b.RPMs[series+"-src"]}
	tools, dbpath, reinstall := relocatedInstall(t, t.TempDir(), pkgs...)
	cfg, _, err := toolchain.Load(b.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Layout.Root = tools
	dir := filepath.Join(tools, b.Tarball.GoVersion)
	state := t.TempDir()
	opt := Options{Root: "/", Run: true, Probe: true, StateDir: state, RPM: testenv.NeedTool(t, "rpm"), DBPath: dbpath}
	// inDir are the errors about the toolchain's own files.
	inDir := func(rep *Report) []string {
		var out []string
		for _, f := range rep.Findings {
			if f.Level == "error" && strings.HasPrefix(f.Path, dir+"/") || f.Path == dir {
				out = append(out, f.Path+": "+f.Message)
			}
		}
		return out
	}
	v := b.Tarball.GoVersion
	rep := mustCheck(t, cfg, opt)
	if got := results(rep); !slices.Equal(got, []string{v + " cgo=false recorded", v + " cgo=true recorded"}) || len(inDir(rep)) != 0 || rep.RPMDB != dbpath {
		t.Fatalf("first run: %v; findings:\n%s", got, describe(rep.Findings))
	}
	_, pf := readReferences(t, state)
	nvras := strings.Fields(testenv.Run(t, "", nil, "rpm", "--dbpath", dbpath, "-qa", "--qf", `%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n`))
	slices.Sort(nvras)
	if !slices.Equal(pf.References[0].Key.Packages, nvras) || !slices.Equal(pf.References[1].Key.Packages, nvras) {
		t.Errorf("the key's packages %v, the database has %v", pf.References[0].Key.Packages, nvras)
	}
	// A run without rpm compares with the references a run with rpm
	// recorded (the packages are not known to it), and keeps them.
	before, _ := readReferences(t, state)
	noRPM := opt
	noRPM.RPM, noRPM.DBPath = "", ""
	if got := results(mustCheck(t, cfg, noRPM)); !slices.Equal(got, []string{v + " cgo=false matches", v + " cgo=true matches"}) {
		t.Fatalf("without rpm: %v", got)
	}
	if after, _ := readReferences(t, state); !bytes.Equal(after, before) {
		t.Errorf("a run without rpm changed the references:\n%s", after)
	}
	wantFix := "fix: dnf reinstall " + series + " " + series + "-src"
	matches := []string{v + " cgo=false matches", v + " cgo=true matches"}
	fixed := func(what string) {
		t.Helper()
		reinstall()
		rep := mustCheck(t, cfg, opt)
		if got := results(rep); !slices.Equal(got, matches) || len(inDir(rep)) != 0 {
			t.Fatalf("after reinstalling for %s: %v; findings:\n%s", what, got, describe(rep.Findings))
		}
	}

	// A source of the standard library altered.
	print := filepath.Join(dir, "src/fmt/print.go")
	src, err := os.ReadFile(print)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, print, strings.Replace(string(src), `percentBangString = "%!"`, `percentBangString = "%?"`, 1), 0o644)
	rep = mustCheck(t, cfg, opt)
	var verified, changed int
	for _, f := range rep.Findings {
		if f.Path == print && strings.Contains(f.Message, "changed since "+series+"-src was installed") {
			verified++
		}
		if strings.HasPrefix(f.Message, "the compiler's output changed") && strings.HasSuffix(f.Message, ": its files differ from its packages (the other findings); "+wantFix) {
			changed++
		}
	}
	if verified != 1 || changed != len(probePrograms[false])+len(probePrograms[true]) {
		t.Fatalf("an altered fmt: %d rpm finding(s), %d probe finding(s):\n%s", verified, changed, describe(rep.Findings))
	}
	fixed("the altered fmt")

	// The compile of the other release.
	compile := filepath.Join(dir, toolDir, "compile")
	copyFile(t, filepath.Join(testenv.Toolchains(t)[1].GOROOT, toolDir, "compile"), compile, 0o755)
	rep = mustCheck(t, cfg, opt)
	var failed int
	for _, f := range probeFindings(rep) {
		if strings.HasPrefix(f, "the probe programs do not build with CGO_ENABLED=") && strings.Contains(f, `version "`+testenv.Toolchains(t)[1].GoVersion+`" does not match`) && strings.HasSuffix(f, "; its "+toolDir+"/compile changed since the reference was recorded; fix: dnf reinstall "+series) {
			failed++
		}
	}
	if failed != 2 || !slices.Equal(results(rep), []string{v + " cgo=false failed", v + " cgo=true failed"}) {
		t.Fatalf("another release's compile: %v\n%s", results(rep), describe(rep.Findings))
	}
	fixed("another release's compile")

	// The recorded cgo output altered.
	_, pf = readReferences(t, state)
	recorded := pf.References[1].Outputs["cgo"]
	pf.References[1].Outputs["cgo"] = "sha256:" + strings.Repeat("1", 64)
	writeReferences(t, state, pf)
	rep = mustCheck(t, cfg, opt)
	reset := "gotc-rpm selfcheck --probe --reset --state-dir " + state
	wantMsg := "the compiler's output changed: the probe program cgo (CGO_ENABLED=1) builds into " + recorded + ", the reference recorded in " + filepath.Join(state, ProbeFileName) + " says sha256:" + strings.Repeat("1", 64) +
		": its files verify against its packages and its tools are as recorded, so the C compiler, the linker or the C library changed (an update of gcc, binutils or glibc that keeps what gcc and ld --version print); fix: after such an update, " + reset + " records the new output"
	if fs := probeFindings(rep); len(fs) != 1 || fs[0] != wantMsg {
		t.Fatalf("an altered cgo reference:\n%s\nwant:\n  %s", describe(rep.Findings), wantMsg)
	}
	opt.ResetProbe = true
	rep = mustCheck(t, cfg, opt)
	if got := results(rep); !slices.Equal(got, []string{v + " cgo=false recorded", v + " cgo=true recorded"}) || len(inDir(rep)) != 0 {
		t.Fatalf("--reset: %v\n%s", got, describe(rep.Findings))
	}
	if _, pf := readReferences(t, state); pf.References[1].Outputs["cgo"] != recorded {
		t.Errorf("--reset recorded %s, want %s", pf.References[1].Outputs["cgo"], recorded)
	}
}

// TestCToolchain identifies the C compiler go env CC names, as the cgo
// probe keys on it, with this machine's gcc and ld; a CC that is not
// installed skips the cgo probe, and says why.
func TestCToolchain(t *testing.T) {
	gcc := testenv.NeedTool(t, "gcc")
	rfs, err := rootfs.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer rfs.Close()
	ch := &checker{fs: rfs, run: &runner{fs: rfs, home: t.TempDir()}}
	cc, ld, why := ch.cToolchain("gcc -m64")
	version := strings.SplitN(testenv.Run(t, "", nil, gcc, "--version"), "\n", 2)[0]
	ldPath := strings.TrimSpace(testenv.Run(t, "", nil, gcc, "-print-prog-name=ld"))
	if !filepath.IsAbs(ldPath) {
		ldPath = testenv.NeedTool(t, ldPath)
	}
	if cc == nil || cc.Path != gcc || cc.Version != version || !strings.HasPrefix(cc.Digest, "sha256:") || why != "" {
		t.Errorf("gcc: %+v %q, want %s %q", cc, why, gcc, version)
	}
	if ld == nil || ld.Path != ldPath || !strings.Contains(ld.Version, "ld") {
		t.Errorf("ld: %+v, want %s", ld, ldPath)
	}
	for cc, want := range map[string]string{
		"gotc-no-such-cc": `no C compiler: go env CC says "gotc-no-such-cc", not found in /usr/bin:/bin`,
		"/nonexistent/cc": `no C compiler: go env CC says "/nonexistent/cc", not found in /usr/bin:/bin`,
		"bin/gcc":         `no C compiler: go env CC says "bin/gcc", not found in /usr/bin:/bin`,
		"":                "go env CC is empty",
	} {
		if c, l, why := ch.cToolchain(cc); c != nil || l != nil || why != want {
			t.Errorf("CC=%q: %+v %+v %q, want %q", cc, c, l, why, want)
		}
	}
}
