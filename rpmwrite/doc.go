// Package rpmwrite writes binary RPM packages the way rpmbuild 4.18 does,
// streaming file bodies through the cpio payload and its compressor into a
// temporary file so memory stays bounded whatever the payload size.
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
// provides, libmagic file classes, file colours) is left to the caller.
package rpmwrite
