package selfcheck

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/toolchain"
)

// release is a real Go toolchain on this machine.
type release struct {
	goroot  string // where it is
	version string // what its VERSION says: go1.26.8
	v       toolchain.Version
}

func (r release) dir() string    { return "/usr/libexec/go-toolchain/" + r.version }
func (r release) series() string { return r.v.Series() }
func (r release) prio() int      { return r.v.Priority() }

// releases are this machine's toolchain ($(go env GOROOT)) and go1.27.3
// from the module cache, older first.
func releases(t testing.TB) (older, newer release) {
	t.Helper()
	roots, err := testenv.GOROOTs()
	if err != nil {
		t.Fatal(err)
	}
	var rs []release
	for _, root := range roots {
		data, err := os.ReadFile(filepath.Join(root, "VERSION"))
		if err != nil {
			t.Fatal(err)
		}
		version, _, _ := strings.Cut(string(data), "\n")
		v, err := toolchain.ParseVersion(strings.TrimPrefix(version, "go"))
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, release{goroot: root, version: version, v: v})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].v.Priority() < rs[j].v.Priority() })
	if rs[0].series() == rs[1].series() {
		t.Fatalf("toolchains %s and %s: want two series", rs[0].version, rs[1].version)
	}
	return rs[0], rs[1]
}

// toolDir is pkg/tool/GOOS_GOARCH.
var toolDir = "pkg/tool/" + runtime.GOOS + "_" + runtime.GOARCH

// layToolchain lays out at dir the files of release r that selfcheck
// reads and runs: VERSION, a go.env as gotc packages it, bin/go,
// bin/gofmt and the tools. The go command and the tools are hard links
// of the real ones (copies across filesystems): a test replaces them,
// never writes into them. gofmt, which tests chmod, is a copy.
func layToolchain(t testing.TB, r release, dir string) {
	t.Helper()
	for _, d := range []string{"bin", toolDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, filepath.Join(r.goroot, "VERSION"), filepath.Join(dir, "VERSION"), 0o644)
	writeFile(t, filepath.Join(dir, "go.env"), "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=local\n", 0o644)
	linkFile(t, filepath.Join(r.goroot, "bin/go"), filepath.Join(dir, "bin/go"))
	copyFile(t, filepath.Join(r.goroot, "bin/gofmt"), filepath.Join(dir, "bin/gofmt"), 0o755)
	tools, err := os.ReadDir(filepath.Join(r.goroot, toolDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tools {
		linkFile(t, filepath.Join(r.goroot, toolDir, e.Name()), filepath.Join(dir, toolDir, e.Name()))
	}
}

// fakeRoot lays out an install root as dnf leaves it with both releases
// installed and the newer one selected in auto mode: the toolchain files
// selfcheck looks at (layToolchain), the alternatives as Debian's
// update-alternatives records them, the links and the versioned
// commands. The root is searchable by everyone, as a confined go command
// running as nobody needs.
func fakeRoot(t testing.TB) (root string, older, newer release) {
	t.Helper()
	older, newer = releases(t)
	root = t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	link := func(p, target string) {
		t.Helper()
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.Remove(full)
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
	admin := "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\ngo-toolchain-current\n/usr/libexec/go-toolchain/current\n\n"
	for _, r := range []release{older, newer} {
		layToolchain(t, r, filepath.Join(root, r.dir()))
		link("/usr/bin/go"+r.series(), "../libexec/go-toolchain/"+r.version+"/bin/go")
		link("/usr/bin/gofmt"+r.series(), "../libexec/go-toolchain/"+r.version+"/bin/gofmt")
		admin += fmt.Sprintf("%s/bin/go\n%d\n%s/bin/gofmt\n%s\n", r.dir(), r.prio(), r.dir(), r.dir())
	}
	writeFile(t, filepath.Join(root, "/var/lib/dpkg/alternatives/go"), admin+"\n", 0o644)
	link("/usr/bin/go", "/etc/alternatives/go")
	link("/usr/bin/gofmt", "/etc/alternatives/gofmt")
	link("/usr/libexec/go-toolchain/current", "/etc/alternatives/go-toolchain-current")
	link("/etc/alternatives/go", newer.dir()+"/bin/go")
	link("/etc/alternatives/gofmt", newer.dir()+"/bin/gofmt")
	link("/etc/alternatives/go-toolchain-current", newer.dir())
	return root, older, newer
}

func writeFile(t testing.TB, p, content string, mode os.FileMode) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.Remove(p) // never write through a hard link
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t testing.TB, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	os.MkdirAll(filepath.Dir(to), 0o755)
	os.Remove(to)
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(to, mode); err != nil {
		t.Fatal(err)
	}
}

func linkFile(t testing.TB, from, to string) {
	t.Helper()
	os.Remove(to)
	if err := os.Link(from, to); err != nil {
		info, serr := os.Stat(from)
		if serr != nil {
			t.Fatal(serr)
		}
		copyFile(t, from, to, info.Mode().Perm())
	}
}

// shellInRoot puts this machine's /bin/sh and the libraries it loads
// into root, at the same paths, so that a script can run chrooted there.
func shellInRoot(t testing.TB, root string) {
	t.Helper()
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, sh, filepath.Join(root, "bin/sh"), 0o755)
	out := testenv.Run(t, "", nil, testenv.NeedTool(t, "ldd"), sh)
	for _, m := range regexp.MustCompile(`(/\S+) \(0x`).FindAllStringSubmatch(out, -1) {
		real, err := filepath.EvalSymlinks(m[1])
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, real, filepath.Join(root, m[1]), 0o755)
	}
}

// snapshot lists every path under root with its type, mode, size and
// mtime: two snapshots differ when anything under root was written.
func snapshot(t testing.TB, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d %d\n", p, info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
