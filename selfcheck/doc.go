// Package selfcheck checks the Go toolchains installed on a system (or
// in an install root) the way gotc packages them: every toolchain
// directory under layout.root is whole (VERSION, bin/go, bin/gofmt), its
// go.env keeps GOTOOLCHAIN=local and the configured settings, its go
// command runs and reports its own version and root; every toolchain is
// registered with update-alternatives and nothing registered is gone;
// /usr/bin/go, its followers and the versioned commands lead to one
// installed toolchain, the best one when the group is in auto mode.
//
// It reads the alternatives state from the administrative files Fedora
// (/var/lib/alternatives) and Debian (/var/lib/dpkg/alternatives) keep,
// so it needs neither rpm nor root.
//
// # Stale state
//
// Three more checks find what an upgrade, a hand-unpacked tarball or a
// build left behind; each finding names its fix:
//
//   - bin/go, bin/gofmt and the tools in pkg/tool/GOOS_GOARCH (compile,
//     link, asm ...) must be of the release VERSION names: the Go version
//     recorded in each executable, and, when the toolchain's programs may
//     run, what each tool answers to -V=full (fix: dnf reinstall of the
//     package owning the file);
//   - with rpm (Options.RPM), nothing in a toolchain directory may be
//     left that no installed package lists in the root's rpm database: a
//     go install into GOROOT, an upstream tarball unpacked over the
//     toolchain (fix: remove it); and every file of the packages owning
//     the toolchain must be as installed — the attributes rpm -V
//     compares, but capabilities and ACLs (fix: dnf reinstall);
//   - with a build cache (Options.Cache, the running system only), each
//     toolchain builds a fixed program with -trimpath with that cache and
//     with an empty one, and the two binaries must be equal (fix: go
//     clean -cache).
//
// # Compile probe
//
// With Options.Probe (the running system only), each toolchain builds a
// fixed set of programs embedded in the package (_probe: pure Go, and
// cgo when the C compiler go env CC names is installed) offline, with
// -trimpath, -buildvcs=false and a fresh build cache, through the same
// build helper as the cache check; the binaries' SHA-256 are compared
// with references kept in Options.StateDir/probe.json
// (DefaultStateDir). References are recorded on first use, on the
// machine, not when the package is built: a cross-arch build cannot run
// the compiler it packages, and the cgo output depends on the machine's
// C compiler. A reference is keyed by what the output should depend on
// besides the toolchain's files (Go version, GOOS/GOARCH, the packages
// owning the toolchain, the probe set's digest, the C compiler and
// linker), and recorded only when the run found no error in the
// toolchain directory's files, so damage rpm or the stale-tools check
// sees is never recorded; Options.ResetProbe records them anew. The
// digests of the toolchain's VERSION, go.env, go command and tools are
// kept beside the key, not in it (a swapped compile would otherwise be
// recorded, not found), and say, when an output changed, whether they
// did too. The file is written atomically, mode 0644, deterministic
// JSON, only when it changes.
//
// # Roots it does not trust
//
// A root may be a container image or someone else's tree. Every path is
// resolved inside the root, component by component, the way the root's
// own processes would after a chroot: an absolute symlink anywhere in a
// path (/usr/libexec/go-toolchain -> /etc) leads to the root's /etc, never
// to this machine's, and each lookup goes through an os.Root, which
// refuses to leave the directory. Files are opened only when they are
// regular files, and read within a bound.
//
// Nothing is written into the root. The rpm database is copied out of it
// first (rpm writes sqlite's -shm file even when it only queries, and
// creates a whole database where it finds none) and read with this
// machine's rpm and --dbpath, never --root; files are verified against
// it by selfcheck itself. The database is looked for where roots keep
// it (DBPaths, then this machine's rpm's %_dbpath), or at Options.DBPath.
//
// No program of a root other than / runs unless Options.RunRoot asks
// for it. Then each runs confined, and "confined" means exactly this: it
// is chrooted into the root, so the files it can open or write are the
// root's; it gets a new network namespace (no network but its own
// loopback), new IPC and UTS namespaces, an environment of a few fixed
// variables (PATH, HOME=/nonexistent, LC_ALL=C, GOENV=off, GOROOT set to
// its toolchain, the others of the go command's empty), its own process
// group, killed after a minute, and at most 1 MiB of its output is kept.
// When selfcheck runs as root the program runs as user and group nobody
// (65534), so it cannot write into the root beyond what nobody may
// (world-writable directories such as the root's /tmp); otherwise it runs
// as the calling user in a new user namespace, which chroot needs, and
// can write whatever that user may write in the root. It is not a
// container: there is no mount namespace, no seccomp filter and no limit
// on memory or processes. Without /proc in the chroot a go command
// cannot find its own root, so a confined one is given GOROOT and its
// "go env GOROOT" is not compared. Where this machine allows neither
// chroot nor user namespaces, Check fails with a *ConfineError.
package selfcheck
