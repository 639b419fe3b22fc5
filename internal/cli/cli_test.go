package cli

import (
	"bytes"
	"errors"
	"testing"
)

func TestArgsCheck(t *testing.T) {
	tests := []struct {
		args Args
		n    int
		want string // "" for no error
	}{
		{NoArgs, 0, ""},
		{NoArgs, 1, `unexpected argument "a0"`},
		{AtLeast(1, "RPM file"), 0, "no RPM files given"},
		{AtLeast(1, "RPM file"), 3, ""},
		{AtLeast(2, "RPM file"), 1, "want at least 2 RPM files, got 1"},
		{Exactly(2, "RPM file"), 2, ""},
		{Exactly(2, "RPM file"), 0, "want 2 RPM files, got 0"},
		{Exactly(2, "RPM file"), 3, "want 2 RPM files, got 3"},
		{Exactly(1, "file"), 2, "want 1 file, got 2"},
		{Args{Max: 1, Name: "command"}, 1, ""},
		{Args{Max: 1, Name: "command"}, 2, "want at most 1 command, got 2"},
	}
	for _, tt := range tests {
		var args []string
		for i := 0; i < tt.n; i++ {
			args = append(args, "a"+string(rune('0'+i)))
		}
		err := tt.args.Check(args)
		got := ""
		if err != nil {
			got = err.Error()
			if Code(err) != ExitUsage {
				t.Errorf("%+v with %d: exit %d, want 2", tt.args, tt.n, Code(err))
			}
		}
		if got != tt.want {
			t.Errorf("%+v with %d: %q, want %q", tt.args, tt.n, got, tt.want)
		}
	}
}

func TestReportOneLine(t *testing.T) {
	var buf bytes.Buffer
	code := Report(&buf, "gotc-rpm", Findings("two\nlines"))
	if code != ExitFindings || buf.String() != "gotc-rpm: two\\nlines\n" {
		t.Errorf("exit %d, %q", code, buf.String())
	}
	buf.Reset()
	if code := Report(&buf, "gotc-rpm", errors.New("plain")); code != ExitUsage || buf.String() != "gotc-rpm: plain\n" {
		t.Errorf("exit %d, %q", code, buf.String())
	}
	buf.Reset()
	if code := Report(&buf, "gotc-rpm", ErrHelp); code != ExitOK || buf.Len() != 0 {
		t.Errorf("help: exit %d, %q", code, buf.String())
	}
}
