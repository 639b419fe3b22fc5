/*
Gotc-spec turns gotc.yaml, the description of the Go toolchains a packager
ships side by side, into RPM specs, an RPM macros file for hand-written
specs, mock configurations and source packages for Koji and Copr.

Usage:

	gotc-spec <command> [flags]

gotc-spec validate [-c FILE]

Validate decodes the configuration strictly (unknown keys and wrongly
typed values are errors), applies the defaults and checks every rule. It
prints every problem as FILE:LINE:COL: message, warnings included, and a
one-line summary when the configuration is valid.

gotc-spec gen [-c FILE] [-o DIR] [--check] [--template-dir DIR]

Gen writes DIR/go-toolchain-<major>.<minor>.spec for every toolchain
(DIR defaults to the current directory) and beside it
go-toolchain-<major>.<minor>.rpmlintrc, the rpmlint filters for the
findings inherent to that series' packages (the NAME.rpmlintrc that
fedora-review and rpmlint -r read; lint the spec, the source package and
every binary package in one run, as an unused filter is an error).
Output is deterministic: the same configuration gives the same bytes.
With --check nothing is written; gen compares the files on disk with
what it would write and exits 1 when any differs or is missing. --template-dir renders with DIR/spec.tmpl
instead of the built-in template. SOURCE_DATE_EPOCH dates the generated
changelog entry of a toolchain that has none.

gotc-spec macros [-c FILE] [-o FILE] [--check] [--template-dir DIR]

Macros writes macros.gotc (or FILE; - for standard output; into a
directory, DIR/macros.gotc): RPM macros
that give a hand-written spec of any Go version the layout, go.env
rewrite, ghosts, versioned commands, %check and alternatives scriptlets
gen writes, following the configuration's layout, alternatives, go_env
and dependency_exclude. Every macro follows %{gotc_version}, the spec's
Version unless the spec defines it. Without -c it follows gotc.yaml
when the current directory has one and gotc's defaults otherwise, as a
hand-written spec usually comes without a gotc.yaml. Install the file as
/usr/lib/rpm/macros.d/macros.gotc or pass it to rpmbuild with --load.
With --check nothing is written; macros exits 1 when FILE differs.

gotc-spec mock [-c FILE] [-o DIR] [--check] [--el-base BASE] [--repo URL|DIR]... [--repo-gpgkey URL|FILE] [--template-dir DIR]

Mock writes DIR/gotc-<target>-<arch>.cfg for every target in the
configuration and every arch its toolchains have sources for. Each
includes the stock mock-core-configs chroot (fedora-43-x86_64.cfg,
alma+epel-9-x86_64.cfg with --el-base alma, the default; rocky, rhel and
centos-stream are the others), gives it a root of its own, turns the
network off, fixes the build host and times for reproducible packages
and writes the macros file into the chroot. Targets and arches with no
stock chroot (EPEL on i686) are skipped with a warning. --repo adds the
package repository holding the gotc toolchain packages to every chroot
(repeatable, in order), so that an application spec's BuildRequires:
go-toolchain-1.27 resolves in mock: an http:// or https:// URL (dnf's
$releasever and $basearch allowed), a file:/// URL, or a directory on
this machine holding createrepo_c's repodata, written as file:/// and
its absolute path (mock bind-mounts it into its bootstrap chroot).
--repo-gpgkey checks those packages' signatures against the key at a
URL or in a file, which should lie in a --repo directory: mock's
bootstrap chroot sees no other host path. Without it the packages'
signatures are not checked (gpgcheck=0). With --check nothing is
written; mock exits 1 when any file differs or is missing.

gotc-spec srpm --sources DIR [-c FILE] [-o DIR] [--version V] [--dist TAG] [flags]

Srpm writes DIR/go-toolchain-<series>-<version>-<release>.src.rpm for
every toolchain (or the one --version names) without rpmbuild: the spec
gen writes and the toolchain's upstream tarballs from --sources, each
checked against its SHA-256 first. The package is what rpmbuild -bs makes
from that spec, tag for tag, except the copy of the parsed spec
rpmbuild adds (RPMTAG_SPEC), which holds the building machine's paths.
The payload is gzip level 9 (rpm's default for source packages) unless
--compress says otherwise. SOURCE_DATE_EPOCH, or else the newest
changelog entry, sets the build time and clamps file mtimes. --arch is
the ARCH recorded (rpmbuild -bs records the build machine's), and
--build-host the BUILDHOST and the host part of COOKIE. --sign-key signs
the packages as gotc-rpm build signs binary ones. The packaging flags
(--version, --arch, --dist, --compress, --build-host, --sign-key) take
the same values as gotc-rpm build's and refuse the same mistakes. A run
that fails leaves no package and no output directory it created.

Exit status:

	0  success (valid configuration, specs written or up to date)
	1  --check found files that differ from the configuration
	2  usage error or unusable input (invalid configuration, unreadable
	   or unwritable files)

See docs/ for the configuration reference.
*/
package main

import _ "embed"

//go:embed doc.go
var docSource string
