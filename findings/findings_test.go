package findings

import (
	"reflect"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		f    Finding
		want string
	}{
		{Finding{Level: Error, Check: "files", Subject: "go-toolchain-1.26-1.26.8-1.x86_64", Path: "/usr/bin/go", Message: "missing"}, "error  files  go-toolchain-1.26-1.26.8-1.x86_64  /usr/bin/go: missing"},
		{Finding{Level: Warning, Check: "lint", Subject: "p-1-1.noarch", Message: "no payload digest"}, "warning  lint  p-1-1.noarch: no payload digest"},
		{Finding{Level: Error, Subject: "go1.26.8", Path: "/x", Message: "m"}, "error  go1.26.8  /x: m"},
		{Finding{Level: Error, Message: "m"}, "error: m"},
	}
	for _, tc := range tests {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	fs := []Finding{{Level: Error}, {Level: Warning}, {Level: Error}, {Level: "info"}}
	if got := Count(fs); got != (Counts{Errors: 2, Warnings: 1}) {
		t.Errorf("Count = %+v", got)
	}
	if got := Count(nil); got != (Counts{}) {
		t.Errorf("Count(nil) = %+v", got)
	}
}

func TestSort(t *testing.T) {
	f := func(l Level, check, subject, path, msg string) Finding {
		return Finding{Level: l, Check: check, Subject: subject, Path: path, Message: msg}
	}
	in := []Finding{
		f(Warning, "lint", "b", "/x", "w"),
		f(Error, "zeta", "a", "", "unlisted check sorts after the listed ones"),
		f(Error, "alpha", "a", "", "unlisted checks sort by name"),
		f(Warning, "files", "a", "/p", "warning after error"),
		f(Error, "files", "a", "/p", "z"),
		f(Error, "files", "a", "/p", "a"),
		f(Error, "integrity", "a", "/z", "listed order, not name order"),
		f(Error, "files", "a", "/p", "a"), // duplicate
		f(Error, "", "", "", "no subject first"),
	}
	want := []Finding{
		f(Error, "", "", "", "no subject first"),
		f(Error, "integrity", "a", "/z", "listed order, not name order"),
		f(Error, "files", "a", "/p", "a"),
		f(Error, "files", "a", "/p", "z"),
		f(Warning, "files", "a", "/p", "warning after error"),
		f(Error, "alpha", "a", "", "unlisted checks sort by name"),
		f(Error, "zeta", "a", "", "unlisted check sorts after the listed ones"),
		f(Warning, "lint", "b", "/x", "w"),
	}
	if got := Sort(in, []string{"integrity", "files", "lint"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Sort:\n%v\nwant:\n%v", got, want)
	}
	if got := Sort(nil, nil); len(got) != 0 {
		t.Errorf("Sort(nil) = %v", got)
	}
}
