package selfcheck

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"sort"
	"strings"

	"github.com/gotc-project/gotc/findings"
)

// verifyFlags names rpm -V's attribute letters.
var verifyFlags = map[byte]string{
	'S': "size", 'M': "mode", '5': "digest", 'D': "device", 'L': "link target",
	'U': "owner", 'G': "group", 'T': "mtime", 'P': "capabilities",
}

// checkRPM runs rpm -V on every package that owns a toolchain directory,
// with the rpm database of the checked root: files changed or missing
// since they were installed are errors. A toolchain no package owns is a
// warning (unpacked by hand, or installed with another database). An rpm
// that cannot answer is an error: nothing was verified.
func (ch *checker) checkRPM(rpm string) {
	owners := map[string]bool{}
	for _, t := range ch.report.Toolchains {
		name := path.Base(t.Dir)
		out, err := runRPM(rpm, "--root", ch.root, "-qf", "--qf", "%{NAME}\n", t.Dir)
		switch {
		case err == nil:
			for _, pkg := range strings.Fields(out) {
				owners[pkg] = true
			}
		case exitCode(err) == 1: // rpm answered: no package, or no such file in the database's view
			ch.add(findings.Warning, name, t.Dir, "no package in the rpm database owns it: not verified against a package")
		default:
			ch.add(findings.Error, name, t.Dir, "rpm -qf cannot tell which package owns it: %v: not verified against a package", err)
		}
	}
	names := make([]string, 0, len(owners))
	for name := range owners {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		// rpm -V exits 1 when it finds differences; its lines say which.
		out, err := runRPM(rpm, "--root", ch.root, "-V", "--nodeps", "--noscripts", name)
		if err != nil && exitCode(err) != 1 {
			ch.add(findings.Error, "", "", "rpm -V %s could not run: %v: its files are not verified", name, err)
			continue
		}
		verified := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			attrs, file, ok := parseVerifyLine(line)
			if !ok {
				ch.add(findings.Error, "", "", "rpm -V %s: %s", name, line)
				continue
			}
			verified++
			ch.add(findings.Error, toolchainOf(ch.c.Layout.Root, file), file, "%s: %s since %s was installed (rpm -V)", name, attrs, name)
		}
		if err != nil && verified == 0 {
			ch.add(findings.Error, "", "", "rpm -V %s failed without naming a file: %v: its files are not verified", name, err)
		}
	}
}

// runRPM runs rpm and returns its standard output; a failure carries
// the first line of its standard error.
func runRPM(rpm string, args ...string) (string, error) {
	cmd := exec.Command(rpm, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, firstLine(msg))
		}
	}
	return string(out), err
}

// exitCode is the exit status of a command that ran, or -1 when it did
// not run or was killed.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// parseVerifyLine splits an rpm -V line ("S.5....T.  c /path",
// "missing     /path") into what changed and the file.
func parseVerifyLine(line string) (string, string, bool) {
	i := strings.Index(line, " /")
	if i < 0 {
		return "", "", false
	}
	file := line[i+1:]
	f := strings.Fields(line[:i])
	if len(f) == 0 {
		return "", "", false
	}
	if f[0] == "missing" {
		return "missing", file, true
	}
	var changed []string
	for j := 0; j < len(f[0]); j++ {
		if name, ok := verifyFlags[f[0][j]]; ok {
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 {
		return "", "", false
	}
	return strings.Join(changed, ", ") + " changed", file, true
}

// toolchainOf is the toolchain directory name a path is under, or "".
func toolchainOf(root, p string) string {
	rest, ok := strings.CutPrefix(p, root+"/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}
