// Package testroot makes install roots with real rpm for the tests: the
// packages of this machine's Go toolchain, built once with gotc's native
// builder, and a base package holding /bin/sh and update-alternatives,
// installed with rpm --root and the --dbpath a test chooses, scriptlets
// run (which needs root: rpm chroots into the root to run them).
package testroot

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/signing"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// Built is this machine's toolchain packaged with gotc's defaults.
type Built struct {
	// Tarball is the toolchain packaged (testenv.Toolchains()[0]).
	Tarball testenv.Tarball
	// Config is the gotc.yaml the packages were built from.
	Config string
	// RPMs maps a package name (go-toolchain-1.26) to its file; Base is
	// gotc-base's.
	RPMs map[string]string
	Base string
}

var (
	buildOnce sync.Once
	built     *Built
	buildErr  error
)

// Packages builds, once per test binary, the packages of this machine's
// Go toolchain ($(go env GOROOT)) and gotc-base.
func Packages(t testing.TB) *Built {
	t.Helper()
	tb := testenv.Toolchains(t)[0]
	buildOnce.Do(func() {
		var dir string
		if dir, buildErr = os.MkdirTemp("", "gotc-testroot-"); buildErr != nil {
			return
		}
		b := &Built{Tarball: tb, Config: filepath.Join(dir, "gotc.yaml"), RPMs: map[string]string{}}
		if buildErr = os.WriteFile(b.Config, []byte(testenv.Config([]testenv.Tarball{tb}, "")), 0o644); buildErr != nil {
			return
		}
		var cfg *toolchain.Config
		if cfg, _, buildErr = toolchain.Load(b.Config); buildErr != nil {
			return
		}
		plan, err := cfg.PlanFor(tb.Version())
		if err != nil {
			buildErr = err
			return
		}
		tree, err := srctree.ReadGOROOT(tb.GOROOT)
		if err != nil {
			buildErr = err
			return
		}
		sde := time.Unix(1763640000, 0)
		res, err := rpmbuild.Build(plan, tree, dir, rpmbuild.Options{Common: rpmbuild.Common{Arch: "x86_64", Compressor: "zstd", Level: 1, SourceDateEpoch: &sde, TempDir: dir}})
		if err != nil {
			buildErr = err
			return
		}
		for _, r := range res {
			b.RPMs[r.Name] = r.Path
		}
		built = b
	})
	if buildErr != nil {
		t.Fatalf("building the toolchain's packages: %v", buildErr)
	}
	if built.Base == "" {
		built.Base = BasePackage(t, filepath.Dir(built.Config), nil)
	}
	return built
}

// Install installs rpms into root with real rpm, the database at dbpath
// in the root, scriptlets run.
func Install(t testing.TB, root, dbpath string, rpms ...string) {
	t.Helper()
	testenv.NeedTool(t, "rpm")
	if os.Geteuid() != 0 {
		t.Fatal("installing into a root needs root: rpm chroots into it to run the scriptlets")
	}
	args := append([]string{"--root", root, "--dbpath", dbpath, "-i", "--nodeps", "--nosignature"}, rpms...)
	if out, err := exec.Command("rpm", args...).CombinedOutput(); err != nil {
		t.Fatalf("rpm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// BasePackage writes gotc-base into dir and returns its path: the
// smallest root the toolchains' scriptlets run in, this machine's dash as
// /bin/sh and its update-alternatives at Fedora's path, with the C
// library they load, Fedora's merged /usr layout and
// update-alternatives' directories. It is signed when signer is not nil.
func BasePackage(t testing.TB, dir string, signer *signing.Signer) string {
	t.Helper()
	const mtime = 1763640000
	files := map[string]rpmwrite.File{}
	var addDir func(p string)
	addDir = func(p string) {
		if p == "/" {
			return
		}
		if _, ok := files[p]; !ok {
			files[p] = rpmwrite.File{Path: p, Mode: 0o40755, MTime: mtime}
			addDir(path.Dir(p))
		}
	}
	addFile := func(p, host string, mode uint32) {
		data, err := os.ReadFile(host)
		if err != nil {
			t.Fatal(err)
		}
		addDir(path.Dir(p))
		files[p] = rpmwrite.File{Path: p, Mode: mode, Size: int64(len(data)), MTime: mtime,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	}
	for link, target := range map[string]string{"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/usr/bin/sh": "dash"} {
		addDir(path.Dir(link))
		files[link] = rpmwrite.File{Path: link, Mode: 0o120777, LinkTo: target, Size: int64(len(target)), MTime: mtime}
	}
	for _, d := range []string{"/etc/alternatives", "/var/lib/dpkg/alternatives", "/var/log", "/tmp", "/dev"} {
		addDir(d)
	}
	binaries := map[string]string{"/usr/bin/dash": testenv.NeedTool(t, "dash"), "/usr/sbin/update-alternatives": testenv.NeedTool(t, "update-alternatives")}
	for p, host := range binaries {
		addFile(p, host, 0o100755)
		out := testenv.Run(t, "", nil, "ldd", host)
		for _, m := range regexp.MustCompile(`(/\S+) \(0x`).FindAllStringSubmatch(out, -1) {
			lib := m[1]
			real, err := filepath.EvalSymlinks(lib)
			if err != nil {
				t.Fatal(err)
			}
			inRoot := lib
			for _, top := range []string{"/lib/", "/lib64/"} {
				if strings.HasPrefix(lib, top) {
					inRoot = "/usr" + lib
				}
			}
			addFile(inRoot, real, 0o100755)
		}
	}
	list := make([]rpmwrite.File, 0, len(files))
	for _, f := range files {
		list = append(list, f)
	}
	m := rpmwrite.Metadata{
		Name: "gotc-base", Version: "1", Release: "1", Arch: "x86_64", License: "GPL-2.0-or-later",
		Summary:     "The smallest root gotc's scriptlets run in",
		Description: "dash as /bin/sh and update-alternatives, for the lifecycle tests.",
		BuildTime:   mtime,
		Provides: []rpmwrite.Dependency{
			{Name: "/bin/sh"},
			{Name: "/usr/sbin/update-alternatives"},
		},
	}
	out := filepath.Join(dir, "gotc-base-1-1.x86_64.rpm")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt := rpmwrite.Options{Level: 3, TempDir: dir}
	if signer != nil {
		opt.Sign = func(h []byte) (uint32, []byte, error) { return signer.Sign(h, time.Unix(mtime, 0)) }
	}
	if err := rpmwrite.Write(f, m, list, opt); err != nil {
		t.Fatal(err)
	}
	return out
}
