package abi

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/gotc-project/gotc/internal/rootfs"
)

// ErrNoGlibc: the root has no libc.so.6 for the architecture asked for.
var ErrNoGlibc = errors.New("no libc.so.6")

// Glibc is the glibc a root file system really has, read from the
// version definitions of its libc.so.6.
type Glibc struct {
	// Path is where libc.so.6 was found, inside the root:
	// "/usr/lib64/libc.so.6".
	Path    string `json:"path"`
	Machine string `json:"machine"`
	// Release is the newest GLIBC_x.y libc.so.6 defines: "2.34".
	Release string `json:"release"`
	// Versions are every GLIBC_ version libc.so.6 defines, markers such
	// as GLIBC_ABI_DT_RELR included, by release.
	Versions []string `json:"versions"`
}

// has reports whether the root's glibc satisfies a need the way the
// dynamic linker checks it: libc.so.6 must define the version itself;
// for glibc's other libraries, whose definitions are not read, a dated
// version no newer than Release is taken as defined.
func (g *Glibc) has(n Need) bool {
	if slices.Contains(g.Versions, n.Version) {
		return true
	}
	if n.Library == "libc.so.6" {
		return false
	}
	return n.Release != "" && Compare(n.Release, g.Release) <= 0
}

// Root is a root file system whose glibc is read, safely: every path is
// resolved inside the root the way the kernel resolves it in a chroot
// (symlinks followed, absolute targets and ".." kept inside the root),
// and opened through os.Root, so a hostile root cannot make Root read a
// file outside it, block on a FIFO or follow a loop for ever.
type Root struct {
	fs    *rootfs.FS
	glibc map[arch]*Glibc
	errs  map[arch]error
}

// OpenRoot opens the root file system at dir ("/" for the running
// system).
func OpenRoot(dir string) (*Root, error) {
	f, err := rootfs.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	return &Root{fs: f, glibc: map[arch]*Glibc{}, errs: map[arch]error{}}, nil
}

// Dir is the root's directory as given to OpenRoot.
func (r *Root) Dir() string { return r.fs.Dir() }

// Close releases the root.
func (r *Root) Close() error { return r.fs.Close() }

// multiarch are Debian's library directories by architecture.
var multiarch = map[string]string{
	"x86-64": "x86_64-linux-gnu", "i386": "i386-linux-gnu", "x32": "x86_64-linux-gnux32",
	"aarch64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf", "ppc64le": "powerpc64le-linux-gnu",
	"ppc64": "powerpc64-linux-gnu", "s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu",
	"loongarch64": "loongarch64-linux-gnu",
}

// candidates are the places libc.so.6 is looked for, in order: Fedora
// and Enterprise Linux (usr/lib64, lib64 for 64-bit, usr/lib, lib for
// 32-bit), Debian's multiarch directories, then the rest.
func candidates(a arch) []string {
	var dirs []string
	if a.class == elf.ELFCLASS64 {
		dirs = append(dirs, "usr/lib64", "lib64")
	}
	if t, ok := multiarch[a.String()]; ok {
		dirs = append(dirs, "usr/lib/"+t, "lib/"+t)
	}
	dirs = append(dirs, "usr/lib", "lib")
	if a.class != elf.ELFCLASS64 {
		dirs = append(dirs, "usr/lib64", "lib64")
	}
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = d + "/libc.so.6"
	}
	return out
}

// Glibc returns the glibc of the root for f's architecture, read once
// per architecture. The error wraps ErrNoGlibc when no libc.so.6 of that
// architecture is in the usual places.
func (r *Root) Glibc(f *File) (*Glibc, error) {
	if g, ok := r.glibc[f.arch]; ok {
		return g, nil
	}
	if err, ok := r.errs[f.arch]; ok {
		return nil, err
	}
	g, err := r.find(f.arch)
	if err != nil {
		r.errs[f.arch] = err
		return nil, err
	}
	r.glibc[f.arch] = g
	return g, nil
}

func (r *Root) find(a arch) (*Glibc, error) {
	var notes []string
	for _, c := range candidates(a) {
		g, err := r.read(c, a)
		if err == nil {
			return g, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			notes = append(notes, err.Error())
		}
	}
	why := ""
	if len(notes) > 0 {
		why = " (" + strings.Join(notes, "; ") + ")"
	}
	return nil, fmt.Errorf("%s: %w for %s in the usual places%s", r.Dir(), ErrNoGlibc, a, why)
}

// read opens name inside the root and reads its version definitions.
// It fails with an error wrapping fs.ErrNotExist when name is not
// there, and when the file is of another architecture.
func (r *Root) read(name string, a arch) (*Glibc, error) {
	// Resolved inside the root; Open refuses what is not a regular file
	// (a FIFO planted as libc.so.6 must not block the read).
	resolved, err := r.fs.Resolve("/"+name, true)
	if err != nil {
		return nil, err
	}
	fh, err := r.fs.Open(resolved)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("/%s: %w", name, err)
	}
	f, err := openELF(fh, st.Size())
	if err != nil {
		return nil, fmt.Errorf("/%s: %w", name, err)
	}
	if f.arch() != a {
		return nil, fmt.Errorf("/%s: %w (another architecture)", name, fs.ErrNotExist)
	}
	defs, err := f.versionDefs()
	if err != nil {
		return nil, fmt.Errorf("/%s: %w", name, err)
	}
	g := &Glibc{Path: resolved, Machine: a.String()}
	for _, d := range defs {
		if d.flags&verFlgBase != 0 || !strings.HasPrefix(d.name, "GLIBC_") {
			continue
		}
		g.Versions = append(g.Versions, d.name)
		if v, ok := strings.CutPrefix(d.name, "GLIBC_"); ok && numeric(v) && (g.Release == "" || Compare(v, g.Release) > 0) {
			g.Release = v
		}
	}
	if g.Release == "" {
		return nil, fmt.Errorf("/%s defines no GLIBC_x.y version: not glibc's libc", name)
	}
	slices.SortFunc(g.Versions, func(x, y string) int {
		rx, okx := Release(x)
		ry, oky := Release(y)
		switch {
		case okx && oky:
			if c := Compare(rx, ry); c != 0 {
				return c
			}
		case okx:
			return -1
		case oky:
			return 1
		}
		return strings.Compare(x, y)
	})
	return g, nil
}
