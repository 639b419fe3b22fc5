package tests

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
)

// TestUnusableInput (issue #9): a file that is not a whole, intact RPM is
// unusable input — exit 2 and one line on stderr naming the file and
// saying what is wrong first — for inspect, diff and verify alike.
// inspect reads headers only, so a damaged payload is diff's and
// verify's to find; inspect refuses a damaged header, as rpm -qp does.
func TestUnusableInput(t *testing.T) {
	gotcRPM := testenv.Command(t, "gotc-rpm")
	full := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6", "packages", "fixture-v4.rpm")
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rpmread.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flip := func(off int64) []byte {
		b := bytes.Clone(data)
		b[off] ^= 0x20
		return b
	}
	summary, _ := r.Header.Tag(1004)
	truncated := write("truncated.rpm", data[:r.PayloadOffset+(int64(len(data))-r.PayloadOffset)/2])
	badPayload := write("bad-payload.rpm", flip(int64(len(data))-200))
	badHeader := write("bad-header.rpm", flip(r.HeaderOffset+16+int64(len(r.Header.Entries()))*16+int64(summary.Offset)))
	junk := write("junk.rpm", []byte(strings.Repeat("package notes\n", 20)))

	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // prefix of the one line, "" for none
	}{
		{"inspect whole", []string{"inspect", full}, 0, ""},
		{"inspect truncated", []string{"inspect", truncated}, 2, truncated + ": truncated RPM: "},
		{"inspect --json truncated", []string{"inspect", "--json", full, truncated}, 2, truncated + ": truncated RPM: "},
		{"inspect not an RPM", []string{"inspect", junk}, 2, junk + ": not an RPM package (bad lead magic 70 61 63 6b)"},
		{"inspect damaged header", []string{"inspect", badHeader}, 2, badHeader + ": header SHA256 digest mismatch"},
		{"inspect damaged payload", []string{"inspect", badPayload}, 0, ""},
		{"diff whole", []string{"diff", full, full}, 0, ""},
		{"diff truncated first", []string{"diff", truncated, full}, 2, truncated + ": truncated RPM: "},
		{"diff truncated second", []string{"diff", full, truncated}, 2, truncated + ": truncated RPM: "},
		{"diff damaged payload", []string{"diff", full, badPayload}, 2, badPayload + ": payload SHA256 digest mismatch"},
		{"diff not an RPM", []string{"diff", junk, full}, 2, junk + ": not an RPM package"},
		{"verify truncated", []string{"verify", truncated}, 2, truncated + ": truncated RPM: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(gotcRPM, c.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout.String(), stderr.String())
			}
			if c.stderr == "" {
				if stderr.Len() != 0 {
					t.Errorf("stderr:\n%s", stderr.String())
				}
				return
			}
			line, ok := strings.CutPrefix(stderr.String(), "gotc-rpm: "+c.args[0]+": ")
			if !ok || !strings.HasPrefix(line, c.stderr) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", stderr.String(), c.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout on unusable input:\n%s", stdout.String())
			}
		})
	}
}
