package selfcheck

import (
	"os/exec"
	"path"
	"sort"
	"strings"
)

// verifyFlags names rpm -V's attribute letters.
var verifyFlags = map[byte]string{
	'S': "size", 'M': "mode", '5': "digest", 'D': "device", 'L': "link target",
	'U': "owner", 'G': "group", 'T': "mtime", 'P': "capabilities",
}

// checkRPM runs rpm -V on every package that owns a toolchain directory,
// with the rpm database of the checked root: files changed or missing
// since they were installed are errors. A toolchain no package owns is a
// warning (unpacked by hand, or installed with another database).
func (ch *checker) checkRPM(rpm string) {
	owners := map[string]bool{}
	for _, t := range ch.report.Toolchains {
		out, err := exec.Command(rpm, "--root", ch.root, "-qf", "--qf", "%{NAME}\n", t.Dir).CombinedOutput()
		if err != nil {
			ch.add(Warning, path.Base(t.Dir), t.Dir, "no package in the rpm database owns it: not verified against a package")
			continue
		}
		for _, name := range strings.Fields(string(out)) {
			owners[name] = true
		}
	}
	names := make([]string, 0, len(owners))
	for name := range owners {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		// rpm -V exits 1 when it finds differences; its lines say which.
		out, _ := exec.Command(rpm, "--root", ch.root, "-V", "--nodeps", "--noscripts", name).CombinedOutput()
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if line == "" {
				continue
			}
			attrs, file, ok := parseVerifyLine(line)
			if !ok {
				ch.add(Error, "", "", "rpm -V %s: %s", name, line)
				continue
			}
			ch.add(Error, toolchainOf(ch.c.Layout.Root, file), file, "%s: %s since %s was installed (rpm -V)", name, attrs, name)
		}
	}
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
