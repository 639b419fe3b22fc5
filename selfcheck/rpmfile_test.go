package selfcheck

import "testing"

// fileLines are lines of queryFormat as rpm 4.18 prints them, and broken
// ones.
var fileLines = []struct {
	line string
	ok   bool
	want installedFile
}{
	{"go-toolchain-1.26-1.26.8-1.x86_64\tgo-toolchain-1.26\t8\t/usr/libexec/go-toolchain/go1.26.8/go.env\t0\t1\t4294967295\t33188\t98\t1763640000\tab12\troot\troot\t\t0", true,
		installedFile{path: "/usr/libexec/go-toolchain/go1.26.8/go.env", flags: 1, verify: 0xffffffff, mode: 0o100644, size: 98, mtime: 1763640000, digest: "ab12", user: "root", group: "root"}},
	{"p-1-1.noarch\tp\t(none)\t/usr/bin/x\t255\t64\t4294967295\t41471\t5\t1\t\troot\troot\t/etc/alternatives/x\t0", true,
		installedFile{path: "/usr/bin/x", state: -1, flags: 64, verify: 0xffffffff, mode: 0o120777, size: 5, mtime: 1, user: "root", group: "root", link: "/etc/alternatives/x"}},
	{"p-1-1.noarch\tp\t8\t/a\tb\t0\t0\t0\t0\t0\t\troot\troot\t\t0", false, installedFile{}},
	{"p-1-1.noarch\tp\t8\t/a with\ttab\t0\t0\t0\t0\t0\t0\t\troot\troot\t\t0", false, installedFile{}},
	{"", false, installedFile{}},
}

func TestParseFileLine(t *testing.T) {
	for _, tc := range fileLines {
		p, f, err := parseFileLine(tc.line)
		if (err == nil) != tc.ok || err == nil && f != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.line, f, err, tc.want)
		}
		if err == nil && (p.nvra == "" || p.name == "" || p.digestAlgo == 0) {
			t.Errorf("%q: package %+v", tc.line, p)
		}
	}
}

// FuzzParseFileLine: any line gives a file or an error, never a panic.
func FuzzParseFileLine(f *testing.F) {
	for _, tc := range fileLines {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		parseFileLine(line)
	})
}
