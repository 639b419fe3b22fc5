package fedalternatives

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newRoot is a root with the directories Fedora's alternatives needs
// and the files of toolchains a (priority 10) and b (priority 20).
func newRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"etc/alternatives", "var/lib", "usr/bin", "opt/a", "opt/b"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	for _, f := range []string{"opt/a/go", "opt/a/gofmt", "opt/b/go", "opt/b/gofmt"} {
		os.WriteFile(filepath.Join(root, f), []byte("#!/bin/sh\n"), 0o755)
	}
	return root
}

func install(name string, prio string, extra ...string) []string {
	return append([]string{"--install", "/usr/bin/go", "go", "/opt/" + name + "/go", prio,
		"--follower", "/usr/bin/gofmt", "gofmt", "/opt/" + name + "/gofmt"}, extra...)
}

func link(root, p string) string {
	l, _ := os.Readlink(filepath.Join(root, p))
	return l
}

func state(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "var/lib/alternatives/go"))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}

func mustRun(t *testing.T, root string, args ...string) string {
	t.Helper()
	code, out := run(root, args...)
	if code != 0 {
		t.Fatalf("alternatives %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// TestCommandLine: usage on standard output and exit 2 for what
// alternatives.c's main refuses, and its other early exits.
func TestCommandLine(t *testing.T) {
	root := newRoot(t)
	usage := "alternatives version " + Version + " - Copyright (C) 2001 Red Hat, Inc.\n"
	cases := []struct {
		name string
		args []string
		code int
		out  string // a prefix of what it prints
	}{
		{"nothing", nil, 2, usage},
		{"help", []string{"--help"}, 0, usage},
		{"version", []string{"--version"}, 0, "alternatives version " + Version + "\n"},
		{"two modes", []string{"--auto", "go", "--display", "go"}, 2, usage},
		{"name that is a path", []string{"--display", "/usr/bin/go"}, 2, usage},
		{"install without priority", []string{"--install", "/usr/bin/go", "go", "/opt/a/go"}, 2, usage},
		{"install with a word priority", []string{"--install", "/usr/bin/go", "go", "/opt/a/go", "ten"}, 2, usage},
		{"install with a relative path", []string{"--install", "/usr/bin/go", "go", "opt/a/go", "10"}, 2, usage},
		{"follower alone", []string{"--follower", "/usr/bin/gofmt", "gofmt", "/opt/a/gofmt"}, 2, usage},
		{"family with @", install("a", "10", "--family", "a@b"), 2, "--family can't contain the symbol '@'\n" + usage},
		{"unknown option", []string{"--frobnicate"}, 2, usage},
		{"missing admindir", []string{"--admindir", "/nonexistent", "--display", "go"}, 2, "admindir /nonexistent invalid\n"},
		{"missing altdir", []string{"--altdir", "/nonexistent", "--display", "go"}, 2, "altdir /nonexistent invalid\n"},
		{"options only: usage after the checks", []string{"--verbose"}, 2, usage},
		{"display of no group", []string{"--display", "go"}, 2, ""},
		{"set on no group", []string{"--set", "go", "/opt/a/go"}, 2, "cannot access /var/lib/alternatives/go: No such file or directory\n"},
		{"remove from no group", []string{"--remove", "go", "/opt/a/go"}, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := run(root, tc.args...)
			if code != tc.code || !strings.HasPrefix(out, tc.out) || tc.out == "" && out != "" {
				t.Errorf("exit %d, printed\n%s\nwant exit %d and\n%s", code, out, tc.code, tc.out)
			}
		})
	}
	if st, err := os.Stat(filepath.Join(root, "var/lib/alternatives")); err != nil || !st.IsDir() {
		t.Errorf("the default admin directory was not made: %v", err)
	}
}

// TestGroup walks one group through what alternatives.c does with it.
func TestGroup(t *testing.T) {
	root := newRoot(t)
	mustRun(t, root, install("a", "10")...)
	mustRun(t, root, install("b", "20")...)
	if l := link(root, "etc/alternatives/go"); l != "/opt/b/go" {
		t.Fatalf("auto mode selects %q, want the higher priority", l)
	}
	if l := link(root, "usr/bin/gofmt"); l != "/etc/alternatives/gofmt" {
		t.Fatalf("/usr/bin/gofmt leads to %q", l)
	}

	// The same priority does not displace the best one.
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/c/go", "20")
	if l := link(root, "etc/alternatives/go"); l != "/opt/b/go" {
		t.Errorf("a tie took the link: %q", l)
	}
	// c has no gofmt: the state records an empty follower line for it.
	if want := "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/opt/a/go\n10\n/opt/a/gofmt\n/opt/b/go\n20\n/opt/b/gofmt\n/opt/c/go\n20\n\n"; state(root) != want {
		t.Errorf("state\n%s\nwant\n%s", state(root), want)
	}
	out := mustRun(t, root, "--display", "go")
	if !strings.Contains(out, "/opt/c/go - priority 20\n follower gofmt: (null)\n") {
		t.Errorf("--display:\n%s", out)
	}
	mustRun(t, root, "--remove", "go", "/opt/c/go")

	// Another primary link is refused.
	if code, out := run(root, "--install", "/usr/local/bin/go", "go", "/opt/a/go", "5"); code != 2 || out != "the primary link for go must be /usr/bin/go\n" {
		t.Errorf("another primary link: exit %d %q", code, out)
	}
	// An unknown target.
	if code, out := run(root, "--set", "go", "/opt/z/go"); code != 2 || out != "/opt/z/go has not been configured as an alternative for go\n" {
		t.Errorf("--set of an unknown target: exit %d %q", code, out)
	}

	// A link changed by hand turns the group to manual mode.
	os.Remove(filepath.Join(root, "etc/alternatives/go"))
	os.Symlink("/opt/a/go", filepath.Join(root, "etc/alternatives/go"))
	if out := mustRun(t, root, "--verbose", "--display", "go"); !strings.Contains(out, "link changed -- setting mode to manual\n") || !strings.Contains(out, "go - status is manual.\n") {
		t.Errorf("--display after the link changed:\n%s", out)
	}
	mustRun(t, root, "--auto", "go")
	if l := link(root, "etc/alternatives/go"); l != "/opt/b/go" || !strings.HasPrefix(state(root), "auto\n") {
		t.Errorf("--auto: link %q, state\n%s", l, state(root))
	}

	// --set makes it manual; an --install of a better one keeps the link.
	mustRun(t, root, "--set", "go", "/opt/a/go")
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/c/go", "30")
	if l := link(root, "etc/alternatives/go"); l != "/opt/a/go" || !strings.HasPrefix(state(root), "manual\n") {
		t.Errorf("manual mode after a better install: link %q, state\n%s", l, state(root))
	}
	// Removing another one keeps the manual choice; removing the chosen
	// one goes back to auto mode and the best left.
	mustRun(t, root, "--remove", "go", "/opt/c/go")
	if l := link(root, "etc/alternatives/go"); l != "/opt/a/go" || !strings.HasPrefix(state(root), "manual\n") {
		t.Errorf("after removing another: link %q, state\n%s", l, state(root))
	}
	mustRun(t, root, "--remove", "go", "/opt/a/go")
	if l := link(root, "etc/alternatives/go"); l != "/opt/b/go" || !strings.HasPrefix(state(root), "auto\n") {
		t.Errorf("after removing the chosen one: link %q, state\n%s", l, state(root))
	}

	// The last one: links and state file go.
	mustRun(t, root, "--remove", "go", "/opt/b/go")
	for _, p := range []string{"usr/bin/go", "usr/bin/gofmt", "etc/alternatives/go", "etc/alternatives/gofmt", "var/lib/alternatives/go"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s is left after the last --remove", p)
		}
	}
}

// TestFamily: removing the chosen alternative in manual mode keeps the
// group manual on the best one of the same family.
func TestFamily(t *testing.T) {
	root := newRoot(t)
	mustRun(t, root, install("a", "10", "--family", "f")...)
	mustRun(t, root, install("b", "20")...)
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/c/go", "5", "--family", "f")
	mustRun(t, root, "--set", "go", "f") // the family's best: a
	if l := link(root, "etc/alternatives/go"); l != "/opt/a/go" {
		t.Fatalf("--set of a family selects %q", l)
	}
	mustRun(t, root, "--remove", "go", "/opt/a/go")
	if l := link(root, "etc/alternatives/go"); l != "/opt/c/go" || !strings.HasPrefix(state(root), "manual\n") {
		t.Errorf("after removing the chosen one of the family: link %q, state\n%s", l, state(root))
	}
	if !strings.Contains(state(root), "/opt/c/go\n@f@5\n") {
		t.Errorf("state without the family:\n%s", state(root))
	}
}

// TestLinks: what makeLinks and removeLinks leave alone.
func TestLinks(t *testing.T) {
	root := newRoot(t)
	os.WriteFile(filepath.Join(root, "usr/bin/gofmt"), []byte("a file\n"), 0o755)
	code, out := run(root, install("a", "10")...)
	if code != 0 || out != "failed to link /usr/bin/gofmt -> /etc/alternatives/gofmt: /usr/bin/gofmt exists and it is not a symlink\n" {
		t.Errorf("a file in the way: exit %d %q", code, out)
	}
	if l := link(root, "etc/alternatives/gofmt"); l != "/opt/a/gofmt" {
		t.Errorf("/etc/alternatives/gofmt leads to %q", l)
	}
	// --keep-missing: the last --remove leaves the links.
	mustRun(t, root, "--keep-missing", "--remove", "go", "/opt/a/go")
	if l := link(root, "etc/alternatives/go"); l != "/opt/a/go" {
		t.Errorf("--keep-missing removed the link: %q", l)
	}
	if _, err := os.Stat(filepath.Join(root, "var/lib/alternatives/go")); !os.IsNotExist(err) {
		t.Errorf("--keep-missing kept the state file: %v", err)
	}
	// --test writes the state to standard output and changes nothing.
	os.Remove(filepath.Join(root, "usr/bin/gofmt"))
	out = mustRun(t, root, "--test", "--install", "/usr/bin/go", "go", "/opt/b/go", "20")
	if !strings.HasPrefix(out, "auto\n/usr/bin/go\n\n/opt/b/go\n20\nwould link /usr/bin/go -> /etc/alternatives/go\nwould link /etc/alternatives/go -> /opt/b/go\n") {
		t.Errorf("--test printed\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(root, "var/lib/alternatives/go")); !os.IsNotExist(err) {
		t.Errorf("--test wrote the state file: %v", err)
	}
}

// TestFollowers: --add-follower and --remove-follower, and followers
// sorted by link when a group gains one.
func TestFollowers(t *testing.T) {
	root := newRoot(t)
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/a/go", "10", "--follower", "/usr/bin/zz", "zz", "/opt/a/zz")
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/b/go", "20", "--follower", "/usr/bin/aa", "aa", "/opt/b/aa")
	want := "auto\n/usr/bin/go\naa\n/usr/bin/aa\nzz\n/usr/bin/zz\n\n/opt/a/go\n10\n\n/opt/a/zz\n/opt/b/go\n20\n/opt/b/aa\n\n"
	if state(root) != want {
		t.Errorf("state\n%q\nwant\n%q", state(root), want)
	}
	if l := link(root, "usr/bin/zz"); l != "" {
		t.Errorf("b has no zz, but /usr/bin/zz leads to %q", l)
	}
	mustRun(t, root, "--add-follower", "go", "/opt/b/go", "/usr/bin/zz", "zz", "/opt/b/zz")
	if l := link(root, "etc/alternatives/zz"); l != "/opt/b/zz" {
		t.Errorf("--add-follower: /etc/alternatives/zz leads to %q", l)
	}
	mustRun(t, root, "--remove-follower", "go", "/opt/b/go", "aa")
	if l := link(root, "usr/bin/aa"); l != "" || strings.Contains(state(root), "aa") {
		t.Errorf("--remove-follower: /usr/bin/aa leads to %q, state\n%s", l, state(root))
	}
	if code, out := run(root, "--remove-follower", "go", "/opt/b/go", "nn"); code != 2 || out != "nn has not been configured as an follower alternative for go (/opt/b/go)\n" {
		t.Errorf("unknown follower: exit %d %q", code, out)
	}
}

// TestListAndConfig: --list of every group, and the --config menu.
func TestListAndConfig(t *testing.T) {
	root := newRoot(t)
	mustRun(t, root, install("a", "10", "--family", "fa")...)
	mustRun(t, root, install("b", "20")...)
	mustRun(t, root, "--install", "/usr/bin/vi", "vi", "/opt/a/gofmt", "1")
	if out := mustRun(t, root, "--list"); out != "go\tauto  \t/opt/b/go\nvi\tauto  \t/opt/a/gofmt\n" {
		t.Errorf("--list:\n%q", out)
	}
	var out strings.Builder
	code := Main([]string{"--config", "go"}, Env{Root: root, Stdin: strings.NewReader("7\n1\n"), Stdout: &out, Stderr: &out})
	// 7 is out of range, and alternatives.c has already taken it as the
	// current selection: the menu comes again without a '+'.
	menu := func(current string) string {
		return "\nThere are 2 programs which provide 'go'.\n\n  Selection    Command\n-----------------------------------------------\n" +
			"   1           fa (/opt/a/go)\n*" + current + " 2           /opt/b/go\n\nEnter to keep the current selection[+], or type selection number: "
	}
	if want := menu("+") + menu(" "); code != 0 || out.String() != want {
		t.Errorf("--config: exit %d\n%q\nwant\n%q", code, out.String(), want)
	}
	if l := link(root, "etc/alternatives/go"); l != "/opt/a/go" || !strings.HasPrefix(state(root), "manual\n") {
		t.Errorf("--config chose %q, state\n%s", l, state(root))
	}
	code, got := run(root, "--config", "go")
	if code != 2 || !strings.HasSuffix(got, "\nerror reading choice\n") {
		t.Errorf("--config without input: exit %d %q", code, got)
	}
}

// TestBrokenStates: state files alternatives.c refuses, and the ones it
// would crash on.
func TestBrokenStates(t *testing.T) {
	for name, tc := range map[string]struct{ state, want string }{
		"bad mode":        {"automatic\n/usr/bin/go\n\n/opt/a/go\n10\n", "bad mode on line 1 of /var/lib/alternatives/go\n"},
		"no alternatives": {"auto\n/usr/bin/go\n\n", "/var/lib/alternatives/go registers no alternative (alternatives.c would crash here)\n"},
		"no link":         {"auto\n/usr/bin/go\n\n/opt/a/go\n10\n", "failed to read link /usr/bin/go: No such file or directory\n"},
	} {
		t.Run(name, func(t *testing.T) {
			root := newRoot(t)
			os.MkdirAll(filepath.Join(root, "var/lib/alternatives"), 0o755)
			os.WriteFile(filepath.Join(root, "var/lib/alternatives/go"), []byte(tc.state), 0o644)
			if code, out := run(root, "--display", "go"); code != 2 || out != tc.want {
				t.Errorf("exit %d %q, want 2 %q", code, out, tc.want)
			}
		})
	}
	// --install goes on when the link is missing: it registers and links.
	root := newRoot(t)
	os.MkdirAll(filepath.Join(root, "var/lib/alternatives"), 0o755)
	os.WriteFile(filepath.Join(root, "var/lib/alternatives/go"), []byte("auto\n/usr/bin/go\n\n/opt/a/go\n10\n"), 0o644)
	mustRun(t, root, "--install", "/usr/bin/go", "go", "/opt/b/go", "20")
	if l := link(root, "etc/alternatives/go"); l != "/opt/b/go" {
		t.Errorf("--install over a missing link: /etc/alternatives/go leads to %q", l)
	}
}

// TestInRoot: symlinks on the way are followed inside the root, as
// after a chroot.
func TestInRoot(t *testing.T) {
	root := newRoot(t)
	os.Rename(filepath.Join(root, "etc/alternatives"), filepath.Join(root, "etc/alt-real"))
	os.Symlink("/etc/alt-real", filepath.Join(root, "etc/alternatives"))
	mustRun(t, root, install("a", "10")...)
	if l := link(root, "etc/alt-real/go"); l != "/opt/a/go" {
		t.Errorf("/etc/alternatives/go through an absolute link to /etc/alt-real: %q", l)
	}
}
