package selfcheck

import (
	"debug/buildinfo"
	"path"
	"strings"

	"github.com/gotc-project/gotc/findings"
)

// checkTools checks that the commands of the toolchain — bin/go,
// bin/gofmt and everything in pkg/tool/GOOS_GOARCH (compile, link, asm
// ...) — are of the release VERSION names: a tool left by another
// release gives builds another compiler than the toolchain says it is,
// and the build cache keys on what the tools say. Each file's Go version
// is read from the executable (debug/buildinfo, what "go version FILE"
// prints); when the toolchain's programs may run, pkg/tool's tools are
// asked as well (-V=full, what the go command asks them), and bin/go is
// left to runGo.
func (ch *checker) checkTools(t *Toolchain, name string) {
	var files []string
	if !ch.runs {
		files = append(files, t.Dir+"/bin/go")
	}
	files = append(files, t.Dir+"/bin/gofmt")
	_, dirs, err := ch.fs.ReadDir(t.Dir + "/pkg/tool")
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/pkg/tool", "unreadable: %v", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || !strings.Contains(d.Name(), "_") {
			continue
		}
		dir := t.Dir + "/pkg/tool/" + d.Name()
		_, entries, err := ch.fs.ReadDir(dir)
		if err != nil {
			ch.add(findings.Error, name, dir, "unreadable: %v", err)
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, dir+"/"+e.Name())
			}
		}
	}
	fix := ch.reinstallFix
	for _, p := range files {
		tool := path.Dir(path.Dir(p)) == t.Dir+"/pkg/tool"
		if info, err := ch.fs.Lstat(p); err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			if tool && err == nil {
				ch.add(findings.Error, name, p, "not an executable file (%v); fix: %s", info.Mode(), fix(p))
			}
			continue // bin/go and bin/gofmt are reported by checkToolchain
		}
		if ch.runs && tool {
			if v, ok := ch.toolVersion(t, p); ok {
				if v != t.GoVersion {
					ch.add(findings.Error, name, p, "%s -V=full reports %s, VERSION says %s: a tool of another release; fix: %s", path.Base(p), v, t.GoVersion, fix(p))
				}
				continue
			}
		}
		v, err := ch.buildVersion(p)
		switch {
		case err != nil:
			ch.add(findings.Error, name, p, "not a Go executable (%v); fix: %s", err, fix(p))
		case v != t.GoVersion:
			ch.add(findings.Error, name, p, "built by %s, VERSION says %s: a command of another release; fix: %s", v, t.GoVersion, fix(p))
		}
	}
}

// buildVersion reads the Go release an executable of the root was built
// with ("go1.26.8"; experiments dropped).
func (ch *checker) buildVersion(p string) (string, error) {
	f, err := ch.fs.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := buildinfo.Read(f)
	if err != nil {
		return "", err
	}
	v, _, _ := strings.Cut(info.GoVersion, " ")
	return v, nil
}

// toolVersion asks a tool its version ("compile version go1.26.8
// X:..."); false when it does not answer that way.
func (ch *checker) toolVersion(t *Toolchain, p string) (string, bool) {
	out, err := ch.run.output(p, "", ch.goEnv(t), runTimeout, "-V=full")
	f := strings.Fields(out)
	if err != nil || len(f) < 3 || f[0] != path.Base(p) || f[1] != "version" {
		return "", false
	}
	return f[2], true
}

// reinstallFix names the fix for a file of the toolchain that is not
// what its package installed.
func (ch *checker) reinstallFix(p string) string {
	if ch.db != nil {
		if names := ch.db.ownerNames(p); len(names) > 0 {
			return "dnf reinstall " + strings.Join(names, " ")
		}
		return "no installed package owns it: rm " + ch.hostPath(p)
	}
	return "reinstall the package that owns it (dnf reinstall)"
}
