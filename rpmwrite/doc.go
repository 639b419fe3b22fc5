// Package rpmwrite writes binary RPM packages the way rpmbuild 4.18 does
// (format v4) or rpmbuild 6 does (format v6), streaming file bodies through
// the cpio payload and its compressor into a temporary file so memory
// stays bounded whatever the payload size.
//
// We do not use google/rpmpack because it holds every file body and the
// whole payload in memory, keeps its header type unexported so it cannot be
// extended, and writes packages that differ from rpmbuild's in ways rpm
// notices (a %ghost %config file still in the payload, a signature
// PAYLOADSIZE that is not the cpio length, no rpmlib() requirements, a
// self-Provides without the epoch, PAYLOADFLAGS fixed at "9").
//
// Write does it all in one call. Prepare, Package.Tasks and Package.Finish
// split it for callers writing several packages at once: the cpio payload
// is laid out up front, so that it can be hashed and compressed by tasks
// that run in any order and concurrently — one frame, or with
// Options.FrameSize several independent zstd frames that rpm reads as one
// stream.
//
// The output is reproducible: the same Metadata, files and Options give
// the same bytes, whatever Options.Threads is, whatever order the tasks
// run in and however body reads are cut. Nothing is taken from the
// clock, the host or the environment; callers pass BuildTime (usually
// SOURCE_DATE_EPOCH), BuildHost and file mtimes themselves.
//
// What rpmbuild adds on its own, Write adds too: the self-Provides
// "name = [E:]V-R" and, for arch packages, "name(isa) = [E:]V-R"; the
// rpmlib() requirements for the features the package uses; one Requires
// per scriptlet interpreter carrying the interp and scriptlet sense bits.
// Dependencies are deduplicated on (name, version, flags) and sorted by
// name, then version, then flags, as rpmbuild does. What rpmbuild derives
// by inspecting files (automatic requires and provides, config()
// provides, libmagic file classes and MIME types, file colours) is left to
// the caller; gotc/fileclass computes classes, MIME types and colours
// (docs/rpm6.md).
// rpmfc's per-file dependency dictionary (FILEDEPENDSX, FILEDEPENDSN,
// DEPENDSDICT) is not written: Write takes a package's dependencies, not
// the file each came from.
//
// # Formats
//
// Options.Format selects the package format. FormatV4 (the default) is
// rpmbuild 4.18's output, byte for byte (rpmbuild_test.go). FormatV6 is
// rpmbuild 6.0's with %_rpmformat 6, upstream rpm 6's default, tag for
// tag (rpm6_test.go compares with the recordings in ../shared/rpm6):
//
//   - lead version 4.0 with arch and OS zero;
//   - a signature header of SHA256 (273), SHA3_256 (279) and RESERVED (999,
//     4128 zero bytes), without v4's SHA1, MD5, SIZE and PAYLOADSIZE;
//   - RPMFORMAT 6, SOURCENEVR, LONGFILESIZES and LONGSIZE whatever the
//     sizes (so the stripped "07070X" cpio and rpmlib(LargeFiles)), no
//     rpmlib(CompressedFileNames), rpmlib(FileDigests) or
//     rpmlib(PayloadFilesHavePrefix);
//   - payload digests SHA-256 (5092, 5097), SHA-512 (5121, 5122) and
//     SHA3-256 (5123, 5124) of the compressed payload and of the cpio
//     archive, the sizes of both (PAYLOADSIZE, PAYLOADSIZEALT), and no
//     PAYLOADDIGESTALGO;
//   - MIME types (FILEMIMEINDEX, MIMEDICT) instead of FILECLASS and
//     CLASSDICT.
//
// Where rpm 6 and 4.18 differ in v4 output, Write follows 4.18: rpmbuild 6
// zeroes the lead's arch and OS numbers in v4 packages too, Write keeps
// 4.18's (rpm ignores the lead; file(1) and older tools read it, and v4
// output stays identical to what it was). RPMVERSION defaults to "4.18.0"
// for v4 and "6.0.2" for v6.
//
// rpm 4.18 verifies (rpm -K), queries and installs v6 packages; its
// rpm2cpio refuses their payload ("files over 4GB not supported by cpio",
// as for any stripped cpio), as it refuses rpmbuild 6's.
//
// # Signatures
//
// Options.Signatures returns OpenPGP signature packets over the main
// header; Write places them as rpmsign 6 does. A v4 package holds one,
// in RSAHEADER (268) for RSA and DSAHEADER (267) for DSA, ECDSA and
// EdDSA (rpmsign refuses a second). A v6 package holds them all, in
// order, base64-encoded in the OPENPGP string array (278); with
// Options.RPMv4Signature (rpmsign --rpmv4) the first one rpm 4 can
// verify (version 3 or 4, RSA, DSA, ECDSA or EdDSA) also goes into 268 or
// 267, so rpm 4.x verifies the package. The reserved space shrinks by
// what the signatures add, keeping the signature header's size, as long
// as they fit; when they need all of it or more the reserved space stays
// and the header grows, as rpmsign does.
package rpmwrite
