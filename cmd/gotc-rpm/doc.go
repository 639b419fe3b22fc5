/*
Gotc-rpm reads, checks and (later) builds Go toolchain RPMs.

Usage:

	gotc-rpm <command> [flags] FILE...

Commands:

	inspect    print what an RPM contains, like rpm -qip and rpm -qlvp
	version    print gotc-rpm's version

gotc-rpm inspect [--json] FILE...

Inspect reads each RPM's headers and prints name, epoch, version,
release, arch, summary, license, source RPM, build time, payload
compressor, dependencies with their sense flags (Requires(post) is told
apart from Requires), scriptlets with their interpreters, and the file
list with modes, owners, sizes, digests and flags. It reads any RPM,
whatever built it: rpmbuild, Koji or gotc. With --json it prints one JSON
array with an object per package; docs/inspect.md describes the fields.
A file that is not a readable RPM is reported on one line naming the
file and what is wrong.

Exit status:

	0  success
	1  findings (verify, diff and selfcheck, when they come)
	2  usage error or unusable input (not an RPM, truncated, corrupted)
*/
package main

import _ "embed"

//go:embed doc.go
var docSource string
