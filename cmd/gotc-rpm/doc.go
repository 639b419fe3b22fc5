/*
Gotc-rpm builds, inspects, verifies and compares Go toolchain RPMs.

Usage:

	gotc-rpm <command> [flags] FILE...

gotc-rpm build [-c FILE] (--sources DIR | --goroot DIR) [-o DIR] [flags]

Build writes every package of each toolchain in the configuration — the
same packages rpmbuild makes from the spec gotc-spec generates: same
split, modes, flags, ghosts, scriptlets and dependencies — as
N-V-R.A.rpm (subpackages .noarch.rpm) into -o DIR. With --sources it
checks each tarball's sha256 before anything else and reads it,
refusing hostile entries; with --goroot it packages an unpacked
toolchain (one a packager built from source), whose VERSION selects the
toolchain. Payloads stream through a temporary file: memory stays
bounded whatever the toolchain's size. SOURCE_DATE_EPOCH (else the
newest changelog entry) sets the build time and clamps file mtimes, so
the same inputs give byte-identical RPMs. Files are written to a
temporary name and renamed; an error or interrupt leaves no partial RPM.
--sign-key adds the header signature rpmsign --addsign adds (RSA,
EdDSA, ECDSA or DSA OpenPGP key as gpg --export-secret-keys writes it).

gotc-rpm inspect [--json] FILE...

Inspect reads each RPM's headers and prints name, epoch, version,
release, arch, summary, license, source RPM, build time, payload
compressor, dependencies with their sense flags (Requires(post) is told
apart from Requires), scriptlets with their interpreters, and the file
list with modes, owners, sizes, digests and flags. It reads any RPM,
whatever built it: rpmbuild, Koji or gotc, rpm 4 or rpm 6 format. The
text also gives the payload format, the package's digests and the
signature tags it carries, and file marks such as %ghost,
%config(noreplace) and %doc. With --json it prints one JSON array with
an object per package; docs/inspect.md describes both forms. A file
that is not a whole RPM (not an RPM, shorter than its signature header
says) or whose header fails its digest is reported on one line naming
the file and what is wrong, exit 2, as rpm -qp refuses it.

gotc-rpm diff [--strict] [--json] A.rpm B.rpm

Diff compares two RPMs by what they contain and prints one line per
difference, such as "summary: old → new", "requires: only in A:
libc.so.6()(64bit)" or "file /usr/bin/x: mode 0100755 → 0100644".
Files are matched by path and compared by size, mode, digest, user,
group, flags, link target, lang, rdev, verify flags, capabilities and
hardlink set; each dependency list is a multiset of name, sense flags
and version; scriptlets are compared by name (body and interpreter).
Every other header tag is compared by raw value, so nothing is skipped
unseen. By default diff ignores what depends on how and when a package
was built: build time and host, RPMVERSION, OPTFLAGS, PLATFORM, COOKIE,
payload compressor and level, payload digests, the signature header and
the lead, file mtimes, inodes, devices, colors, classes and dependency
indexes, and the rpmlib(PayloadIsZstd), PayloadIsXz, PayloadIsBzip2 and
PayloadIsLzma requirements (other rpmlib() requirements count). The
same spec rebuilt with another compressor and SOURCE_DATE_EPOCH is
equal. Before comparing, diff checks both files are whole, intact RPMs:
their length against the signature header's SIZE, and their header and
stored-payload digests, as rpm -K --nosignature does. Exit 0 when equal,
1 when different, 2 when a file is not a whole, intact RPM (not an RPM,
truncated, a digest that does not match), reported on one line naming
it.

gotc-rpm verify [-c FILE] [--sources DIR] [--target T] [--json] FILE...

Verify checks toolchain RPMs — built by gotc, by rpmbuild from the
generated spec, or by anything else — and prints one line per finding,
"LEVEL  CHECK  NEVRA  PATH: message", then a summary line. Each package
is read once: the payload is decompressed in one streaming pass within
a bound (4× the header's SIZE plus framing; a decompression bomb is
reported, not followed) while every file is hashed. The checks:

	integrity     header and payload digests and sizes (rpm -K); every
	              regular file's digest and size against the header
	structure     payload vs header file list: missing and extra
	              entries, %ghost files in the payload, duplicate or
	              unclean paths (..), type, mode and link disagreements
	files         the files the plan puts in each package: the split,
	              modes, %doc/%license, bin/go, bin/gofmt, compile and
	              link, src/vendor, src/cmd/vendor, go.env with
	              the configured GOTOOLCHAIN (local unless go_env says
	              path or local+path); with --sources the exact lists built
	              from the tarball (missing, extra, misplaced, mode, flag
	              and content differences)
	alternatives  the %ghost links, %post update-alternatives --install
	              with the plan's link, name, path, priority and
	              followers, %preun and %postun --remove,
	              Requires(post), Requires(preun) and Requires(postun)
	              on /usr/sbin/update-alternatives
	coinstall     a path owned by two of the packages must be a
	              directory or identical (mode, owner, digest, link)
	abi           the glibc symbol versions ELF files need (testdata and
	              the dependency_exclude trees skipped) against each
	              target's glibc: "needs GLIBC_2.34, epel-8 has 2.28"
	deps          Requires no base system satisfies (/bin/rc, perl(...),
	              libtiff...) or generated from testdata and source
	              trees, soname Provides (errors); other unexpected
	              Requires of gotc packages (warnings)
	lint          world-writable, setuid and setgid files, files outside
	              /usr, /etc, /var, /opt and /boot or in /usr/local
	              (errors); dangling symlinks, zero-length files outside
	              testdata and test trees, non-root owners (warnings)

Without -c, packages named go-toolchain-X.Y[-SUFFIX] are checked
against gotc's defaults for their version (the priority is not
checked); other packages get the checks that need no plan. The targets
are --target (repeatable), else the configuration's targets, else none.
Exit 0 when there are no errors (warnings allowed), 1 when there are,
2 for bad flags, an invalid configuration or a file that is not a
readable RPM (unreadable, not an RPM, truncated), reported on one line
naming it.

gotc-rpm abi [--target T]... [--root DIR] [--json] FILE...

Abi tells which glibc each FILE needs and where it runs. A FILE is any
ELF file (a cgo-built Go program, a shared object, a toolchain binary)
or an RPM, whose payload is read once and every ELF file in it analysed
(testdata trees left out). For each it reports whether it is statically
linked, the glibc symbol versions it needs (the version needs of glibc's
own libraries and dynamic linker; weak needs whose symbols are all weak
and GLIBC_PRIVATE do not count), the newest of them with the symbols
bound to it, and the oldest known targets it runs on. With --target it
says whether it runs on each target named, as users write them (el8,
rhel-9, centos-stream-10, almalinux-9, rocky-9, fc43, f43, rawhide).
It also says whether it runs on the glibc the --root file system (default
/) really has: that root's libc.so.6 for the file's architecture is
found and its version definitions read; nothing is run, not even ldd,
and symlinks in the root are resolved inside it, as in a chroot. An
Enterprise Linux target's glibc is that of its first minor release, as
Red Hat backports newer symbol versions into later ones. Exit 0 when
every FILE runs on every target asked about and on the root, 1 when one
does not, 2 for a FILE that is missing, neither ELF nor RPM, malformed,
an unknown target or a root that cannot be opened.

gotc-rpm selfcheck [-c FILE] [--root DIR] [--no-run] [--run-root] [--no-rpm] [--dbpath DIR] [--cache DIR] [--probe [--state-dir DIR] [--reset]] [--json]

Selfcheck checks the gotc toolchains installed under --root (default /):
each toolchain directory is whole, its go.env says the configured
GOTOOLCHAIN (local unless go_env says path or local+path) and the rest
of go_env, read as the go command reads it; its go command reports its
own version, root and that GOTOOLCHAIN, and bin/go, bin/gofmt and every
tool in pkg/tool are of the release VERSION names (-V=full when
programs run); every toolchain is registered with alternatives and
nothing registered is gone (Fedora's state files in
/var/lib/alternatives and Debian's); /usr/bin/go, its followers and the
versioned commands lead to one installed toolchain, the highest-priority
one in auto mode. With rpm installed it checks the files against the
root's rpm database as rpm -V does and reports files under a toolchain
that no package owns, each finding with its fix (dnf reinstall, rm -r).
--cache DIR also checks a Go build cache: a fixed -trimpath program
built with it and with an empty cache must be the same binary (fix: go
clean -cache).

--probe also checks that each toolchain of the running system still
compiles as it did: it builds a fixed set of programs embedded in
gotc-rpm (pure Go, and cgo when the C compiler go env CC names is
installed) offline (GOPROXY=off, GOTOOLCHAIN=local), with -trimpath and
a fresh build cache, and compares the binaries' SHA-256 with the
references in --state-dir/probe.json (default /var/lib/gotc, the state
directory of gotc-selfcheck.service). A toolchain with no reference yet
gets one recorded from this run, provided no error was found in its
files; the reference is keyed by the Go version, GOOS/GOARCH, the
packages owning the toolchain, the probe programs and, for cgo, the C
compiler and linker, so an upgrade records anew while a reinstall must
build the same. A binary that differs is an error, "the compiler's
output changed", with the old and new digests, what changed among the
toolchain's own files since, and the fix: dnf reinstall, or, when its
files verify, --reset (after an update of the C compiler, or to
re-seed). The probe needs the running system (--root /).

A root may be a container image or someone else's tree: every path is
resolved inside it as after a chroot, nothing is written into it (its
rpm database is read from a copy), and its programs run only with
--run-root, then chrooted, without network and as nobody. -c gives the
layout and alternatives the toolchains were packaged with; gotc's
defaults otherwise.

gotc-rpm doctor [-c FILE] [--root DIR] [--env-file FILE] [--json]

Doctor checks a shell's environment (this process's, or the KEY=VALUE
lines of --env-file, as env prints them) against the toolchains
installed under --root (default /), whose files are read as after a
chroot and never run. It reports which go PATH resolves to and which
the alternatives select; a go that shadows the selected one (an
upstream tarball in /usr/local/go, an SDK in ~/sdk, a go in ~/go/bin);
no go in PATH; a GOROOT that is gone, holds no toolchain, belongs to
another toolchain than the go that runs, or pins a packaged toolchain a
patch upgrade removes; GOTOOLCHAIN set in the environment or with go
env -w to another value than the packaged go.env's (an error when the
value lets the go command download); and the directory go install fills
(GOBIN, else GOPATH/bin) missing from PATH. Each finding carries its
fix: the PATH to export, unset GOROOT, unset GOTOOLCHAIN, go env -u
GOTOOLCHAIN, dnf install. Exit 0 when there are no errors, 1 when there
are, 2 for an unusable root, configuration or --env-file.

Exit status:

	0  success
	1  findings: verify, selfcheck or doctor found errors, diff found
	   differences, abi found a file that does not run where asked
	2  usage error or unusable input (not an RPM, truncated, corrupted)
*/
package main

import _ "embed"

//go:embed doc.go
var docSource string
