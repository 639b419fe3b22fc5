package suggest

import "testing"

func TestClosest(t *testing.T) {
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"source", []string{"sources", "goroot", "output"}, "sources"},
		{"biuld", []string{"build", "verify", "diff"}, "build"},
		{"toolchian", []string{"toolchains", "layout"}, ""}, // three edits
		{"toolchain", []string{"toolchains", "layout"}, "toolchains"},
		{"x", []string{"a", "b"}, "a"},        // tie: alphabetical
		{"x", []string{"b", "a"}, "a"},        // whatever the order
		{"frobnicate", []string{"build"}, ""}, // nothing near
		{"build", []string{"build"}, ""},      // the word itself is no hint
		{"", nil, ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, tt.candidates); got != tt.want {
			t.Errorf("Closest(%q, %q) = %q, want %q", tt.word, tt.candidates, got, tt.want)
		}
	}
}
