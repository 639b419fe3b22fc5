package rpmdiff

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gotc-project/gotc/rpmread"
)

// baseSpec is the package every test starts from. It sets each file's
// mtime to SOURCE_DATE_EPOCH so two builds with different epochs differ
// in mtimes too.
const baseSpec = `
Name: dt
Version: 1.0
Release: 1
Summary: rpmdiff test package
License: MIT
BuildArch: noarch
Requires: foo >= 1.2
Provides: dt-cap = 1

%description
rpmdiff test package.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/dt %{buildroot}/etc
printf '#!/bin/sh\necho dt\n' > %{buildroot}/usr/bin/dt
chmod 0755 %{buildroot}/usr/bin/dt
echo data > %{buildroot}/usr/share/dt/data.txt
echo gone > %{buildroot}/usr/share/dt/gone.txt
ln -s data.txt %{buildroot}/usr/share/dt/link
echo conf > %{buildroot}/etc/dt.conf
find %{buildroot} -exec touch -h -d @$SOURCE_DATE_EPOCH {} +

%post
echo post "$1"

%files
/usr/bin/dt
%dir /usr/share/dt
/usr/share/dt/data.txt
/usr/share/dt/gone.txt
/usr/share/dt/link
/etc/dt.conf
`

// Build times of the packages under test: A is always built at epochA
// with xz, B at epochB with zstd, so every comparison also checks that
// compression and build time are ignored.
const (
	epochA = 1700000000
	epochB = 1800000000
)

var (
	baseOnce sync.Once
	baseXZ   string // baseSpec, xz, epochA
	baseZstd string // baseSpec, zstd, epochB
)

func basePackages(t *testing.T) (xz, zstd string) {
	t.Helper()
	baseOnce.Do(func() {
		baseXZ = rpmbuild(t, sharedDir, baseSpec, "xz", epochA)
		baseZstd = rpmbuild(t, sharedDir, baseSpec, "zstd", epochB)
	})
	if baseXZ == "" || baseZstd == "" {
		t.Fatal("base packages were not built")
	}
	return baseXZ, baseZstd
}

func open(t *testing.T, path string) *rpmread.Reader {
	t.Helper()
	r, err := rpmread.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// editSpec replaces the one occurrence of old in spec with new.
func editSpec(t *testing.T, spec, old, new string) string {
	t.Helper()
	if n := strings.Count(spec, old); n != 1 {
		t.Fatalf("spec edit: %q occurs %d times, want 1", old, n)
	}
	return strings.Replace(spec, old, new, 1)
}

// matches reports whether got is want, where "*" in want's A or B
// matches any present value.
func matches(want, got Difference) bool {
	val := func(w, g string) bool { return w == g || (w == "*" && g != "") }
	return want.Kind == got.Kind && want.Name == got.Name && want.Field == got.Field &&
		val(want.A, got.A) && val(want.B, got.B)
}

// sameDiffs reports whether got holds exactly the differences of want,
// in order.
func sameDiffs(want, got []Difference) bool {
	return slices.EqualFunc(want, got, matches)
}

func mirror(diffs []Difference) []Difference {
	out := make([]Difference, len(diffs))
	for i, d := range diffs {
		d.A, d.B = d.B, d.A
		out[i] = d
	}
	return out
}

func lines(diffs []Difference) string {
	var b bytes.Buffer
	if err := WriteText(&b, diffs); err != nil {
		panic(err)
	}
	return b.String()
}

// TestRebuildEqual: the same spec built with another compressor and
// another SOURCE_DATE_EPOCH is equal by default and different in strict
// mode, in at least the build facts the default ignores.
func TestRebuildEqual(t *testing.T) {
	xz, zstd := basePackages(t)
	a, b := open(t, xz), open(t, zstd)
	if d := Compare(a, b, Options{}); len(d) != 0 {
		t.Errorf("default comparison found differences:\n%s", lines(d))
	}
	strict := Compare(a, b, Options{Strict: true})
	for _, want := range []Difference{
		{KindTag, "buildtime", "", "1700000000", "1800000000"},
		{KindTag, "payloadcompressor", "", "xz", "zstd"},
		{KindTag, "payloadflags", "", "6", "19"},
		{KindTag, "payloaddigest", "", "*", "*"},
		{KindSignature, "sha256", "", "*", "*"},
		{KindDependency, "requires", "", "rpmlib(PayloadIsXz) <= 5.2-1 [rpmlib]", ""},
		{KindDependency, "requires", "", "", "rpmlib(PayloadIsZstd) <= 5.4.18-1 [rpmlib]"},
		{KindFile, "/usr/share/dt/data.txt", "mtime", "1700000000", "1800000000"},
		{KindFile, "/usr/share/dt/link", "mtime", "1700000000", "1800000000"},
	} {
		if !slices.ContainsFunc(strict, func(d Difference) bool { return matches(want, d) }) {
			t.Errorf("strict comparison lacks %v; it found:\n%s", want, lines(strict))
		}
	}
	// Nothing the default ignores is left out of strict mode: every
	// ignored tag the packages have differs here, so it must be listed.
	for _, n := range DefaultIgnored {
		va, oka := a.Package.Tag(n)
		vb, okb := b.Package.Tag(n)
		if oka != okb || (oka && renderValue(va) != renderValue(vb)) {
			if !slices.ContainsFunc(strict, func(d Difference) bool { return d.Name == mainTagName(n) }) {
				t.Errorf("strict comparison lacks tag %s", mainTagName(n))
			}
		}
	}
}

// TestSelfEqual: a package equals itself, even in strict mode.
func TestSelfEqual(t *testing.T) {
	xz, _ := basePackages(t)
	for _, opt := range []Options{{}, {Strict: true}} {
		if d := Compare(open(t, xz), open(t, xz), opt); len(d) != 0 {
			t.Errorf("%+v: a package differs from itself:\n%s", opt, lines(d))
		}
	}
}

// TestSeededDifferences builds variants of baseSpec, each with one
// change, and checks that the comparison with the base package finds
// exactly the expected differences, and their mirror image the other way
// round. "*" stands for any value.
func TestSeededDifferences(t *testing.T) {
	type edit struct{ old, new string }
	tests := []struct {
		name  string
		edits []edit
		want  []Difference
		// strict are differences Options.Strict must find besides want.
		strict []Difference
	}{
		{"file removed",
			[]edit{{"echo gone > %{buildroot}/usr/share/dt/gone.txt\n", ""}, {"\n/usr/share/dt/gone.txt\n", "\n"}},
			[]Difference{{KindTag, "size", "", "*", "*"}, {KindFile, "/usr/share/dt/gone.txt", "", "-rw-r--r-- root root 5", ""}}, nil},
		{"file added",
			[]edit{{"echo conf >", "echo new > %{buildroot}/usr/share/dt/new.txt\necho conf >"}, {"\n/etc/dt.conf\n", "\n/etc/dt.conf\n/usr/share/dt/new.txt\n"}},
			[]Difference{{KindTag, "size", "", "*", "*"}, {KindFile, "/usr/share/dt/new.txt", "", "", "-rw-r--r-- root root 4"}}, nil},
		{"mode",
			[]edit{{"\n/usr/share/dt/data.txt\n", "\n%attr(0600,-,-) /usr/share/dt/data.txt\n"}},
			[]Difference{{KindFile, "/usr/share/dt/data.txt", "mode", "0100644", "0100600"}}, nil},
		{"content",
			[]edit{{"echo data >", "echo changed >"}},
			[]Difference{
				{KindTag, "size", "", "*", "*"},
				{KindFile, "/usr/share/dt/data.txt", "size", "5", "8"},
				{KindFile, "/usr/share/dt/data.txt", "digest", "*", "*"},
			}, nil},
		{"symlink target",
			[]edit{{"ln -s data.txt", "ln -s ../dt.conf"}},
			[]Difference{
				{KindTag, "size", "", "*", "*"},
				{KindFile, "/usr/share/dt/link", "size", "8", "10"},
				{KindFile, "/usr/share/dt/link", "link", "data.txt", "../dt.conf"},
			}, nil},
		{"hardlink",
			[]edit{{"echo conf >", "ln %{buildroot}/usr/share/dt/data.txt %{buildroot}/usr/share/dt/hard\necho conf >"}, {"\n/etc/dt.conf\n", "\n/etc/dt.conf\n/usr/share/dt/hard\n"}},
			[]Difference{
				// SIZE counts a hardlink set once; other rpmlib()
				// requirements than PayloadIs... count.
				{KindDependency, "requires", "", "", "rpmlib(PartialHardlinkSets) <= 4.0.4-1 [rpmlib]"},
				{KindFile, "/usr/share/dt/data.txt", "hardlinks", "none", "/usr/share/dt/data.txt, /usr/share/dt/hard"},
				{KindFile, "/usr/share/dt/hard", "", "", "-rw-r--r-- root root 5"},
			}, nil},
		{"config",
			[]edit{{"\n/etc/dt.conf\n", "\n%config(noreplace) /etc/dt.conf\n"}},
			[]Difference{
				// rpmbuild adds config(N) = EVR for packages with %config files.
				{KindDependency, "requires", "", "", "config(dt) = 1.0-1 [config]"},
				{KindDependency, "provides", "", "", "config(dt) = 1.0-1 [config]"},
				{KindFile, "/etc/dt.conf", "flags", "none", "config,noreplace"},
			}, nil},
		{"requires",
			[]edit{{"Requires: foo >= 1.2", "Requires: foo >= 2.0"}},
			[]Difference{
				{KindDependency, "requires", "", "foo >= 1.2", ""},
				{KindDependency, "requires", "", "", "foo >= 2.0"},
			}, nil},
		{"provides added",
			[]edit{{"Provides: dt-cap = 1\n", "Provides: dt-cap = 1\nProvides: dt-extra\n"}},
			[]Difference{{KindDependency, "provides", "", "", "dt-extra"}}, nil},
		{"post script",
			[]edit{{`echo post "$1"`, `echo changed "$1"`}},
			[]Difference{{KindScript, "post", "body", `echo post "$1"`, `echo changed "$1"`}}, nil},
		{"summary",
			[]edit{{"Summary: rpmdiff test package", "Summary: another summary"}},
			[]Difference{{KindTag, "summary", "", "rpmdiff test package", "another summary"}}, nil},
		{"release",
			[]edit{{"Release: 1", "Release: 2"}},
			[]Difference{
				{KindTag, "release", "", "1", "2"},
				{KindTag, "sourcerpm", "", "dt-1.0-1.src.rpm", "dt-1.0-2.src.rpm"},
				{KindDependency, "provides", "", "dt = 1.0-1", ""},
				{KindDependency, "provides", "", "", "dt = 1.0-2"},
			},
			[]Difference{{KindLead, "name", "", "dt-1.0-1", "dt-1.0-2"}}},
	}
	xz, _ := basePackages(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := baseSpec
			for _, e := range tt.edits {
				spec = editSpec(t, spec, e.old, e.new)
			}
			a, b := open(t, xz), open(t, rpmbuild(t, t.TempDir(), spec, "zstd", epochB))
			got := Compare(a, b, Options{})
			if !sameDiffs(tt.want, got) {
				t.Errorf("got:\n%swant:\n%s", lines(got), lines(tt.want))
			}
			if back := Compare(b, a, Options{}); !slices.Equal(back, mirror(got)) {
				t.Errorf("B against A is not the mirror image:\n%s", lines(back))
			}
			strict := Compare(a, b, Options{Strict: true})
			for _, want := range append(tt.want, tt.strict...) {
				if !slices.ContainsFunc(strict, func(d Difference) bool { return matches(want, d) }) {
					t.Errorf("strict comparison lacks %v; it found:\n%s", want, lines(strict))
				}
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		d    Difference
		want string
	}{
		{"tag", Difference{KindTag, "summary", "", "old", "new"}, "summary: old → new"},
		{"tag only in B", Difference{KindTag, "url", "", "", "https://x"}, "url: only in B: https://x"},
		{"empty string", Difference{KindTag, "url", "", `""`, ""}, `url: only in A: ""`},
		{"array element", Difference{KindTag, "changelogtext", "[1]", "a", "b"}, "changelogtext: [1] a → b"},
		{"file field", Difference{KindFile, "/usr/bin/x", "mode", "0100755", "0100644"}, "file /usr/bin/x: mode 0100755 → 0100644"},
		{"file only in A", Difference{KindFile, "/usr/bin/x", "", "-rwxr-xr-x root root 3", ""}, "file /usr/bin/x: only in A: -rwxr-xr-x root root 3"},
		{"dependency", Difference{KindDependency, "requires", "", "libc.so.6()(64bit)", ""}, "requires: only in A: libc.so.6()(64bit)"},
		{"script", Difference{KindScript, "post", "body", `"a\nb"`, "c"}, `script post: body "a\nb" → c`},
		{"signature", Difference{KindSignature, "sha256", "", "ab", "cd"}, "signature sha256: ab → cd"},
		{"lead", Difference{KindLead, "name", "", "x-1-1", "x-1-2"}, "lead name: x-1-1 → x-1-2"},
		{"field absent", Difference{KindFile, "/x", "caps", "", "cap_net_raw=ep"}, "file /x: caps (absent) → cap_net_raw=ep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteText(&b, []Difference{tt.d}); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want+"\n" {
				t.Errorf("got %q, want %q", got, tt.want+"\n")
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name  string
		diffs []Difference
		want  string
	}{
		{"none", nil, "[]\n"},
		{"one", []Difference{{KindFile, "/a<b>", "mode", "0100755", "0100644"}},
			"[\n  {\n    \"kind\": \"file\",\n    \"name\": \"/a<b>\",\n    \"field\": \"mode\",\n    \"a\": \"0100755\",\n    \"b\": \"0100644\"\n  }\n]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, tt.diffs); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
			var back []Difference
			if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back) != len(tt.diffs) {
				t.Errorf("does not read back: %v %v", back, err)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"", `""`},
		{" lead", `" lead"`},
		{"two\nlines", `"two\nlines"`},
		{`"quoted"`, `"\"quoted\""`},
		{"a → b", `"a → b"`},
		{"tab\there", `"tab\there"`},
		{"ünïcode", "ünïcode"},
		{"bad\xffutf8", `"bad\xffutf8"`},
	} {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRenderDep(t *testing.T) {
	for _, tt := range []struct {
		d    rpmread.Dependency
		want string
	}{
		{rpmread.Dependency{Name: "foo"}, "foo"},
		{rpmread.Dependency{Name: "foo", Flags: 0xc, Version: "1.2"}, "foo >= 1.2"},
		{rpmread.Dependency{Name: "/bin/sh", Flags: 1<<8 | 1<<10}, "/bin/sh [interp,post]"},
		{rpmread.Dependency{Name: "rpmlib(X)", Flags: 1<<24 | 0xa, Version: "4.0-1"}, "rpmlib(X) <= 4.0-1 [rpmlib]"},
		{rpmread.Dependency{Name: "odd", Flags: 0x8}, "odd [EQ]"},
		{rpmread.Dependency{Name: "odd", Version: "1"}, "odd 1"},
	} {
		if got := renderDep(tt.d); got != tt.want {
			t.Errorf("renderDep(%+v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestFormat4Against6 compares the same spec built by rpmbuild 6 in
// format 4 and format 6 (shared/rpm6): by default only what the format
// changes in content shows — RPMFORMAT and SOURCENEVR, and the rpmlib()
// requirements each format needs; its payload digests, sizes, LONG* tags
// and MIME types do not. With --strict the files' MIME types show (rpm 6
// records them in format 6 only), as do LONGSIZE and LONGFILESIZES.
func TestFormat4Against6(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "rpm6", "packages")
	a, b := open(t, filepath.Join(dir, "fixture-v4.rpm")), open(t, filepath.Join(dir, "fixture-v6.rpm"))
	want := `rpmformat: only in B: 6
sourcenevr: only in B: fixture-1:2.1-3
requires: only in A: rpmlib(CompressedFileNames) <= 3.0.4-1 [rpmlib]
requires: only in A: rpmlib(FileDigests) <= 4.6.0-1 [rpmlib]
requires: only in B: rpmlib(LargeFiles) <= 4.12.0-1 [rpmlib]
requires: only in A: rpmlib(PayloadFilesHavePrefix) <= 4.0-1 [rpmlib]
`
	if got := lines(Compare(a, b, Options{})); got != want {
		t.Errorf("default:\n%s\nwant:\n%s", got, want)
	}
	strict := lines(Compare(a, b, Options{Strict: true}))
	for _, w := range []string{
		"file /usr/libexec/fixture/hello: mime (absent) → application/x-pie-executable\n",
		"longsize: only in B: 15893\n",
		"longfilesizes: only in B:",
		"payloadsha3_256: only in B:",
		"signature sha3_256: only in B:",
	} {
		if !strings.Contains(strict, w) {
			t.Errorf("--strict lacks %q:\n%s", w, strict)
		}
	}
}
