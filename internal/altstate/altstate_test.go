package altstate_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/altstate"
	"github.com/gotc-project/gotc/internal/fedalternatives"
	"github.com/gotc-project/gotc/internal/testenv"
)

const name = "/var/lib/alternatives/go"

// TestRecorded parses every state file Fedora's alternatives wrote in
// the recorded transcript, and the one it left after the last erase,
// and writes each back byte for byte.
func TestRecorded(t *testing.T) {
	rec := testenv.Recordings(t)
	steps, err := fedalternatives.ReadTranscript(rec)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for i, s := range steps {
		files[s.Command] = s.State
		if s.Absent {
			t.Fatalf("step %d recorded no state file", i+1)
		}
	}
	left, err := os.ReadFile(filepath.Join(rec, "alternatives", "state-after-erase-all"))
	if err != nil {
		t.Fatal(err)
	}
	files["state-after-erase-all"] = string(left)
	for what, text := range files {
		st, err := altstate.Parse([]byte(text), name)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if got := string(st.Format()); got != text {
			t.Errorf("%s: written back as\n%s\nrecorded\n%s", what, got, text)
		}
	}
	st, _ := altstate.Parse(left, name)
	want := &altstate.State{
		Mode: altstate.Auto, Link: "/usr/bin/go",
		Followers: []altstate.Follower{{"gofmt", "/usr/bin/gofmt"}, {"go-toolchain-current", "/usr/libexec/go-toolchain/current"}},
		Alternatives: []altstate.Alternative{{Path: "/usr/libexec/go-toolchain/go1.27.98/bin/go", Priority: 12798,
			Followers: []string{"/usr/libexec/go-toolchain/go1.27.98/bin/gofmt", "/usr/libexec/go-toolchain/go1.27.98"}}},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("state-after-erase-all parsed as %+v, want %+v", st, want)
	}
}

// TestParse holds one case per rule of alternatives.c's readConfig:
// the messages it prints for what it refuses, and what it makes of what
// it takes.
func TestParse(t *testing.T) {
	const head = "auto\n/usr/bin/go\n"
	const fol = "gofmt\n/usr/bin/gofmt\n"
	cases := []struct {
		name, in string
		err      string // the messages joined by "; ", or
		want     *altstate.State
	}{
		{"empty", "", name + " empty!", nil},
		{"bad mode", "automatic\n", "bad mode on line 1 of " + name, nil},
		{"mode with a carriage return", "auto\r\n/usr/bin/go\n", "bad mode on line 1 of " + name, nil},
		{"no link", "auto\n", "bad primary link in " + name, nil},
		{"relative link", "auto\ngo\n", "bad primary link in " + name, nil},
		{"no empty line", head, "unexpected end of file in " + name, nil},
		{"path for a follower name", head + "/x\n", "path /x unexpected in " + name, nil},
		{"follower without link at the end", head + "gofmt\n", "missing path for follower (null) in " + name, nil},
		{"follower without link", head + "gofmt\n\n", "missing path for follower  in " + name, nil},
		{"relative alternative", head + "\nx\n", "path to alternate expected in " + name + "; unexpected line in " + name + ": x", nil},
		{"word priority", head + "\n/a\nhigh\n", "numeric priority expected in " + name + "; unexpected line in " + name + ": high", nil},
		{"missing priority", head + "\n/a", "numeric priority expected in " + name + "; unexpected line in " + name + ": (null)", nil},
		{"unclosed family", head + "\n/a\n@fam5\n", "closing '@' missing or the family is empty in " + name + "; unexpected line in " + name + ": @fam5", nil},
		{"empty family", head + "\n/a\n@@5\n", "closing '@' missing or the family is empty in " + name + "; unexpected line in " + name + ": @@5", nil},
		{"family without priority", head + "\n/a\n@fam@x\n", "numeric priority expected in " + name + "; unexpected line in " + name + ": @fam", nil},
		{"relative follower path", head + fol + "\n/a\n5\nrel\n", "follower path expected in " + name + "; unexpected line in " + name + ": rel", nil},
		{"line after the end", head + "\n/a\n5\n\n\ngarbage\n", "unexpected line in " + name + ": garbage", nil},
		{"white space, slashes, hexadecimal, initscript",
			"  manual\n//usr//bin/go\n\t" + fol + "\n/a\n 0x10 svc \n/a/gofmt\n\n\n", "",
			&altstate.State{Mode: altstate.Manual, Link: "/usr/bin/go", Followers: []altstate.Follower{{"gofmt", "/usr/bin/gofmt"}},
				Alternatives: []altstate.Alternative{{Path: "/a", Priority: 16, Initscript: "svc ", Followers: []string{"/a/gofmt"}}}}},
		{"family, octal, negative", head + "\n/a\n@f@010\n/b\n-5\n", "",
			&altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go",
				Alternatives: []altstate.Alternative{{Path: "/a", Priority: 8, Family: "f"}, {Path: "/b", Priority: -5}}}},
		{"followers cut short by the end", head + fol + "\n/a\n5", "",
			&altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go", Followers: []altstate.Follower{{"gofmt", "/usr/bin/gofmt"}},
				Alternatives: []altstate.Alternative{{Path: "/a", Priority: 5, Followers: []string{""}}}}},
		{"no alternative", head + "\n", "", &altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go"}},
		{"a NUL ends the file", head + "\n/a\n5\n\x00junk\n", "",
			&altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go", Alternatives: []altstate.Alternative{{Path: "/a", Priority: 5}}}},
		{"priority beyond an int keeps its low 32 bits", head + "\n/a\n99999999999\n", "",
			&altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go", Alternatives: []altstate.Alternative{{Path: "/a", Priority: 1215752191}}}},
		{"priority beyond a long is clamped, then cut", head + "\n/a\n9223372036854775808\n", "",
			&altstate.State{Mode: altstate.Auto, Link: "/usr/bin/go", Alternatives: []altstate.Alternative{{Path: "/a", Priority: -1}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := altstate.Parse([]byte(tc.in), name)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(st, tc.want) {
				t.Errorf("parsed as %+v, want %+v", st, tc.want)
			}
		})
	}
}

func TestStrtol(t *testing.T) {
	cases := []struct {
		in   string
		n    int32
		tail string
		ok   bool
	}{
		{"12698", 12698, "", true},
		{"  +7 x", 7, " x", true},
		{"0x1F", 31, "", true},
		{"0xg", 0, "xg", true},
		{"017", 15, "", true},
		{"09", 0, "9", true},
		{"-2147483649", 2147483647, "", true},
		{"", 0, "", false},
		{" ", 0, " ", false},
		{"-", 0, "-", false},
		{"x1", 0, "x1", false},
	}
	for _, tc := range cases {
		n, tail, ok := altstate.Strtol(tc.in)
		if n != tc.n || tail != tc.tail || ok != tc.ok {
			t.Errorf("Strtol(%q) = %d %q %v, want %d %q %v", tc.in, n, tail, ok, tc.n, tc.tail, tc.ok)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{"//abcd///efgh/": "/abcd/efgh/", "/usr/bin/go": "/usr/bin/go", "a//b": "a/b", "": ""} {
		if got := altstate.NormalizePath(in); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: Parse never panics, and what it accepts it writes back in
// a form it reads again as the same state.
func FuzzParse(f *testing.F) {
	f.Add([]byte("auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/usr/libexec/go-toolchain/go1.26.8/bin/go\n12608\n/usr/libexec/go-toolchain/go1.26.8/bin/gofmt\n"))
	f.Add([]byte("  manual\n//usr//bin/go\n\tgofmt\n/usr/bin/gofmt\n\n/a\n 0x10 svc \n\n\n"))
	f.Add([]byte("auto\n/usr/bin/go\n\n/a\n@f@010\n/b\n-5\n"))
	f.Add([]byte("auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/a\n5"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := altstate.Parse(data, name)
		if err != nil {
			if e, ok := err.(*altstate.Error); !ok || len(e.Lines) == 0 || strings.Contains(strings.Join(e.Lines, ""), "\n") {
				t.Fatalf("error %#v is not one or two message lines", err)
			}
			return
		}
		for _, a := range st.Alternatives {
			if len(a.Followers) != len(st.Followers) {
				t.Fatalf("alternative %q has %d follower paths for %d followers", a.Path, len(a.Followers), len(st.Followers))
			}
		}
		again, err := altstate.Parse(st.Format(), name)
		if err != nil || !reflect.DeepEqual(again, st) {
			t.Fatalf("%+v written as\n%q\nread back as %+v, %v", st, st.Format(), again, err)
		}
	})
}
