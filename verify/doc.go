// Package verify checks built Go toolchain RPMs — from gotc's native
// builder, from rpmbuild with a generated spec, or from anywhere else —
// and reports findings: what is wrong with a package, at which path, and
// how bad it is.
//
// Every package is read once: the headers when it is opened, the payload
// in one streaming pass that decompresses it within a bound, hashes every
// regular file against its header digest and keeps only what later checks
// need (go.env, the GLIBC versions ELF files need). Memory stays bounded
// whatever the payload size; large ELF files are spooled to a temporary
// file.
//
// What a package should hold comes from the domain model: the
// toolchain.Plan of the configuration (-c) or, without one, the plan of a
// minimal in-memory configuration for the package's version (gotc's
// default layout); with tarballs (Options.Sources) from filelist.Of, the
// same code the native builder uses. This package never re-derives a
// path, a name or a split rule.
//
// # Checks
//
// Findings are findings.Finding values whose Subject is the package's
// NEVRA; each carries one of these check ids (Checks, in this order):
//
//	integrity     header and payload digests and sizes (rpm -K), and
//	              every regular file's digest and size against the header
//	signature     with a keyring (Options.Keyring) or a target whose rpm
//	              enforces signatures (rawhide, Fedora 45 and later): the
//	              package is signed, and every header signature rpm 6
//	              looks at verifies natively with a key of the keyring
//	              and may be trusted (no NOKEY, BAD or NOTTRUSTED)
//	structure     payload entries vs the header file list (missing, extra,
//	              ghosts in the payload, duplicates, type/mode/link
//	              disagreements), unclean paths, the SIZE tag, and the
//	              decompression bound (a bomb is reported, not followed)
//	files         the package holds exactly what the plan says: the file
//	              split, modes, %doc/%license marks, the required files,
//	              go.env with the configured GOTOOLCHAIN; with sources the exact
//	              expected lists, including file contents
//	alternatives  %ghost links, %post update-alternatives --install with
//	              the plan's link, name, path, priority and followers,
//	              %preun and %postun --remove, Requires(post),
//	              Requires(preun) and Requires(postun)
//	coinstall     a path owned by two packages must be a directory or have
//	              identical attributes
//	abi           the GLIBC_x.y versions ELF files need vs each target's
//	              glibc
//	deps          Requires no base system satisfies, Provides leaked from
//	              testdata and source trees, unexpected Requires
//	lint          world-writable, setuid/setgid, dangling symlinks,
//	              zero-length files outside test trees, non-root owners,
//	              files outside the standard top-level directories
//	source        source packages (.src.rpm), instead of the checks
//	              above but integrity and structure: the spec is there,
//	              marked as the spec file and equal to the byte to what
//	              gotc-spec gen writes; the configured tarballs are there
//	              with their SHA-256, and nothing else (without a
//	              configuration only the spec's presence, with a warning)
//
// Problems that make a file unusable as input (unreadable, not an RPM, a
// header that cannot be parsed, a file shorter than its signature header
// says) are not findings: Files returns an *InputError naming the file.
package verify
