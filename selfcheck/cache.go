package selfcheck

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gotc-project/gotc/findings"
)

// cacheProgram is the fixed program the build cache check builds: small,
// but it pulls in the runtime, reflection, formatting, sorting and the
// os package, whose compiled archives are what a build cache holds.
const cacheProgram = `package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	args := append([]string(nil), os.Args[1:]...)
	sort.Strings(args)
	fmt.Println("gotc selfcheck build cache probe", strings.Join(args, ","), strconv.Itoa(len(args)))
}
`

// checkCache builds cacheProgram with the toolchain's go command twice,
// with the build cache cache and with an empty one, with -trimpath so
// that the two binaries must be equal byte for byte: a difference (or a
// failure only with the cache) means the cache holds entries that no
// longer match what the installed compiler produces.
func (ch *checker) checkCache(t *Toolchain, name, cache, tmp string) {
	dir, err := os.MkdirTemp(tmp, "cache-check-")
	if err != nil {
		ch.add(findings.Error, name, cache, "cannot check the build cache: %v", err)
		return
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(cacheProgram), 0o644); err != nil {
		ch.add(findings.Error, name, cache, "cannot check the build cache: %v", err)
		return
	}
	build := func(gocache, out string) ([]byte, error) {
		if err := ch.goBuild(t, dir, dir, gocache, []string{"CGO_ENABLED=0"}, "-trimpath", "-o", out, "main.go"); err != nil {
			return nil, err
		}
		return os.ReadFile(out)
	}
	clean, err := build(filepath.Join(dir, "clean-cache"), filepath.Join(dir, "clean"))
	if err != nil {
		ch.add(findings.Error, name, t.Dir+"/bin/go", "cannot build a fixed program with an empty build cache: %v", err)
		return
	}
	cached, err := build(cache, filepath.Join(dir, "cached"))
	fix := fmt.Sprintf("GOCACHE=%s %s clean -cache", cache, ch.hostPath(t.Dir+"/bin/go"))
	switch {
	case err != nil:
		ch.add(findings.Error, name, cache, "a fixed program builds with an empty build cache but not with this one (%v): stale entries; fix: %s", err, fix)
	case !bytes.Equal(clean, cached):
		ch.add(findings.Error, name, cache, "with this build cache %s builds a fixed program into another binary than with an empty one: stale entries; fix: %s", t.GoVersion, fix)
	}
}

// goBuild runs "go build ARGS" with the toolchain's go command in the
// host directory dir, offline (GOPROXY=off, GOTOOLCHAIN=local, module
// mode), with the build cache gocache and a GOPATH and module cache of
// its own under scratch; env adds to or overrides that (CGO_ENABLED,
// GOFLAGS). It is the one way selfcheck builds: the build cache check
// and the compile probe both use it.
func (ch *checker) goBuild(t *Toolchain, dir, scratch, gocache string, env []string, args ...string) error {
	full := append(ch.goEnv(t), "GOCACHE="+gocache, "GOPATH="+filepath.Join(scratch, "gopath"), "GOMODCACHE="+filepath.Join(scratch, "modcache"),
		"GO111MODULE=on", "GOTOOLCHAIN=local", "GOPROXY=off")
	_, err := ch.run.output(t.Dir+"/bin/go", dir, append(full, env...), buildTimeout, append([]string{"build"}, args...)...)
	return err
}
