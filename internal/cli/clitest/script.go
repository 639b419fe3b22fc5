// Package clitest runs command-line scenarios of a cli.Program in
// process, as txtar scripts, and checks that a program's help and docs
// describe every flag.
//
// A script is a txtar archive (golang.org/x/tools/txtar). Its comment is
// the script, one command per line; its files are written into a fresh
// directory the script runs in. Lines:
//
//	# a comment
//	PROG ARGS...          run the program (its name, gotc-rpm); must exit 0
//	! PROG ARGS...        run it; must fail, and the next line says how:
//	exit N                the exact exit code of the last run
//	stdout REGEXP         the last run's stdout matches (multi-line mode)
//	! stdout REGEXP       it does not
//	stderr REGEXP         likewise for stderr
//	! stderr REGEXP
//	grep REGEXP FILE      the file matches; "! grep" that it does not
//	env KEY=VALUE         set an environment variable for later runs
//	exists PATH...        the files exist; "! exists" that they do not
//	cd DIR                run later commands in DIR
//	symlink TARGET LINK   make LINK a symlink to TARGET
//	cp SRC DST            copy a file
//	truncate PATH SIZE    cut a file to SIZE bytes (negative: that many fewer)
//	replace PATH OLD NEW  overwrite the first OLD in a file with NEW, of OLD's length
//	corrupt PATH OFFSET   flip the bits of the byte at OFFSET (negative: from the end)
//
// Arguments are split at spaces; single quotes keep spaces and are
// removed. $WORK is the script's directory; output is matched with that
// directory written as $WORK (so a pattern says \$WORK). Every run is also checked for what no run
// may print: a panic or goroutine dump, or an error report of more than
// one line.
package clitest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/gotc-project/gotc/internal/cli"
)

// Run runs every script that pattern matches (a filepath.Glob pattern,
// relative to the test's directory) as a subtest.
func Run(t *testing.T, p *cli.Program, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts match %s (%v)", pattern, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			for _, f := range ar.Files {
				path := filepath.Join(work, f.Name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				mode := os.FileMode(0o644)
				if bytes.HasPrefix(f.Data, []byte("#!")) {
					mode = 0o755
				}
				if err := os.WriteFile(path, f.Data, mode); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(work)
			s := &script{t: t, p: p, file: file, work: work, env: map[string]string{}}
			s.run(string(ar.Comment))
		})
	}
}

// script is one script's state while it runs.
type script struct {
	t      *testing.T
	p      *cli.Program
	file   string
	work   string
	env    map[string]string
	line   int
	ran    bool // a program run happened
	code   int
	stdout string
	stderr string
	// wantExit is set after a "!" run until an exit line checks it.
	wantExit bool
}

func (s *script) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("%s:%d: %s", s.file, s.line, fmt.Sprintf(format, args...))
}

func (s *script) errorf(format string, args ...any) {
	s.t.Helper()
	s.t.Errorf("%s:%d: %s", s.file, s.line, fmt.Sprintf(format, args...))
}

func (s *script) run(text string) {
	for i, raw := range strings.Split(text, "\n") {
		s.line = i + 1
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		neg := false
		if rest, ok := strings.CutPrefix(line, "! "); ok {
			neg, line = true, rest
		}
		args := s.split(line)
		if s.wantExit && args[0] != "exit" {
			s.fatalf("a failing run must be followed by \"exit N\"")
		}
		s.do(neg, args[0], args[1:])
	}
	if s.wantExit {
		s.fatalf("a failing run must be followed by \"exit N\"")
	}
}

// split cuts a line into words, honouring single quotes, and expands
// $WORK.
func (s *script) split(line string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted = !quoted
			inWord = true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		s.fatalf("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	// Patterns match output, where the directory is written $WORK
	// already; everything else names files.
	if len(words) > 0 && words[0] != "stdout" && words[0] != "stderr" {
		for i, w := range words {
			words[i] = strings.ReplaceAll(w, "$WORK", s.work)
		}
	}
	return words
}

func (s *script) do(neg bool, cmd string, args []string) {
	s.t.Helper()
	switch cmd {
	case s.p.Name:
		s.exec(neg, args)
	case "exit":
		if len(args) != 1 {
			s.fatalf("usage: exit N")
		}
		want, err := strconv.Atoi(args[0])
		if err != nil || neg {
			s.fatalf("usage: exit N")
		}
		s.wantExit = false
		if s.code != want {
			s.errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", s.code, want, s.stdout, s.stderr)
		}
	case "stdout", "stderr":
		if !s.ran {
			s.fatalf("%s before any run", cmd)
		}
		if len(args) != 1 {
			s.fatalf("usage: %s REGEXP", cmd)
		}
		re, err := regexp.Compile("(?m)" + args[0])
		if err != nil {
			s.fatalf("%v", err)
		}
		out := s.stdout
		if cmd == "stderr" {
			out = s.stderr
		}
		if re.MatchString(out) == neg {
			verb := "does not match"
			if neg {
				verb = "matches"
			}
			s.errorf("%s %s %q:\n%s", cmd, verb, args[0], out)
		}
	case "grep":
		if len(args) != 2 {
			s.fatalf("usage: grep REGEXP FILE")
		}
		re, err := regexp.Compile("(?m)" + args[0])
		if err != nil {
			s.fatalf("%v", err)
		}
		data, err := os.ReadFile(args[1])
		if err != nil {
			s.fatalf("grep: %v", err)
		}
		if matched := re.Match(data); matched == neg {
			s.errorf("%s: matches %q: %v, want %v", args[1], args[0], matched, !neg)
		}
	case "env":
		for _, kv := range args {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				s.fatalf("usage: env KEY=VALUE")
			}
			s.env[k] = v
		}
	case "exists":
		for _, path := range args {
			_, err := os.Stat(path)
			if (err == nil) == neg {
				s.errorf("exists %s: %v (want exists=%v)", path, err, !neg)
			}
		}
	case "cd":
		if len(args) != 1 {
			s.fatalf("usage: cd DIR")
		}
		s.t.Chdir(args[0])
	case "symlink":
		if len(args) != 2 {
			s.fatalf("usage: symlink TARGET LINK")
		}
		os.MkdirAll(filepath.Dir(args[1]), 0o755)
		if err := os.Symlink(args[0], args[1]); err != nil {
			s.fatalf("symlink: %v", err)
		}
	case "cp":
		if len(args) != 2 {
			s.fatalf("usage: cp SRC DST")
		}
		data, err := os.ReadFile(args[0])
		if err == nil {
			err = os.WriteFile(args[1], data, 0o644)
		}
		if err != nil {
			s.fatalf("cp: %v", err)
		}
	case "truncate":
		if len(args) != 2 {
			s.fatalf("usage: truncate PATH SIZE")
		}
		n, err := strconv.ParseInt(args[1], 10, 64)
		var fi os.FileInfo
		if err == nil {
			fi, err = os.Stat(args[0])
		}
		if err == nil {
			if n < 0 {
				n += fi.Size()
			}
			err = os.Truncate(args[0], n)
		}
		if err != nil {
			s.fatalf("truncate: %v", err)
		}
	case "replace":
		if len(args) != 3 || len(args[1]) != len(args[2]) {
			s.fatalf("usage: replace PATH OLD NEW (OLD and NEW of one length)")
		}
		data, err := os.ReadFile(args[0])
		if err != nil {
			s.fatalf("replace: %v", err)
		}
		i := bytes.Index(data, []byte(args[1]))
		if i < 0 {
			s.fatalf("replace: %s holds no %q", args[0], args[1])
		}
		copy(data[i:], args[2])
		if err := os.WriteFile(args[0], data, 0o644); err != nil {
			s.fatalf("replace: %v", err)
		}
	case "corrupt":
		if len(args) != 2 {
			s.fatalf("usage: corrupt PATH OFFSET")
		}
		data, err := os.ReadFile(args[0])
		off, perr := strconv.ParseInt(args[1], 10, 64)
		if err != nil || perr != nil {
			s.fatalf("corrupt: %v %v", err, perr)
		}
		if off < 0 {
			off += int64(len(data))
		}
		if off < 0 || off >= int64(len(data)) {
			s.fatalf("corrupt: offset %d outside the %d bytes", off, len(data))
		}
		data[off] ^= 0xff
		if err := os.WriteFile(args[0], data, 0o644); err != nil {
			s.fatalf("corrupt: %v", err)
		}
	default:
		s.fatalf("unknown command %q", cmd)
	}
}

// exec runs the program in process and records what it printed.
func (s *script) exec(neg bool, args []string) {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	env := &cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return s.env[k] }}
	err := s.p.Run(args, env)
	s.code = cli.Report(&stderr, s.p.Name, err)
	s.ran = true
	s.stdout = strings.ReplaceAll(stdout.String(), s.work, "$WORK")
	s.stderr = strings.ReplaceAll(stderr.String(), s.work, "$WORK")
	if strings.Contains(s.stderr, "panic:") || strings.Contains(s.stderr, "goroutine ") {
		s.errorf("stack trace:\n%s", s.stderr)
	}
	if n := strings.Count(s.stderr, s.p.Name+": "); n > 1 {
		s.errorf("%d error reports, want at most one:\n%s", n, s.stderr)
	}
	if s.code != 0 {
		last := strings.TrimSuffix(s.stderr, "\n")
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		if !strings.HasPrefix(last, s.p.Name+": ") {
			s.errorf("a failing run must end with one line %q, stderr:\n%s", s.p.Name+": message", s.stderr)
		}
	}
	switch {
	case neg && s.code == 0:
		s.errorf("%s %s succeeded, want failure\nstdout:\n%s", s.p.Name, strings.Join(args, " "), s.stdout)
	case !neg && s.code != 0:
		s.errorf("%s %s: exit %d\nstdout:\n%s\nstderr:\n%s", s.p.Name, strings.Join(args, " "), s.code, s.stdout, s.stderr)
	}
	s.wantExit = neg
}
