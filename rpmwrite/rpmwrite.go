package rpmwrite

import (
	"encoding/hex"
	"errors"
	"io"
	"strconv"

	"github.com/gotc-project/gotc/rpmtag"
)

// Dependency is one Provides, Requires, Conflicts, Obsoletes, Recommends or
// Suggests entry.
type Dependency struct {
	Name string
	// Flags holds rpmtag.Sense* bits: the comparison (SenseLess,
	// SenseGreater, SenseEqual) and, for Requires, the context bits such
	// as SenseScriptPost for Requires(post). They are written as given.
	Flags uint32
	// Version is "[E:]V[-R]", or "" for an unversioned dependency.
	Version string
}

// Script is one scriptlet.
type Script struct {
	// Body is the script text, stored as given (rpmbuild strips trailing
	// blanks from a spec's scriptlet; do that before if you want the same).
	Body string
	// Interpreter is an absolute path or "<lua>"; "/bin/sh" when empty.
	// A scriptlet with an Interpreter and no Body is a "-p" program.
	Interpreter string
}

// ChangelogEntry is one %changelog entry, newest first in Metadata.
type ChangelogEntry struct {
	// Time is seconds since the epoch; rpmbuild uses noon UTC of the
	// entry's date.
	Time int64
	// Author is the rest of the "*" line after the date, usually
	// "Name <mail> - [E:]V-R".
	Author string
	// Text is the entry's lines, without a trailing newline.
	Text string
}

// Metadata is the package-level part of the header.
type Metadata struct {
	Name, Version, Release string
	// Epoch is nil for no EPOCH tag. An Epoch of 0 is written, as rpmbuild
	// does for "Epoch: 0", and appears in the EVRs Write adds.
	Epoch *uint32
	// Arch is the package architecture: "x86_64", "aarch64", "ppc64le",
	// "s390x", "i686", "noarch", ...
	Arch string
	// OS defaults to "linux".
	OS string

	Summary, Description, License, URL, Vendor, Packager, Distribution string
	// Group defaults to "Unspecified", as rpmbuild writes it.
	Group string
	// SourceRPM defaults to "Name-Version-Release.src.rpm". A binary
	// package must have one: rpm takes a header without it for a source
	// package.
	SourceRPM string
	// BuildHost defaults to "localhost".
	BuildHost string
	// BuildTime is seconds since the epoch; callers pass SOURCE_DATE_EPOCH.
	BuildTime int64
	// Platform is rpmbuild's %{_target_platform}; it defaults to
	// Arch + "-redhat-linux-gnu", as on Fedora and EL.
	Platform string
	// OptFlags is rpmbuild's %{optflags}; the OPTFLAGS tag is left out when
	// it is empty.
	OptFlags string
	// RPMVersion is the RPMVERSION tag, by default the rpmbuild release
	// whose output Write reproduces: "4.18.0" for a v4 package, "6.0.2"
	// for a v6 one.
	RPMVersion string
	// SourceNEVR is the SOURCENEVR tag of a v6 binary package, the
	// source package's "name-[E:]V-R"; it defaults to the package's own
	// (right for the main package of a spec, not for its subpackages,
	// whose callers must set it). v4 packages and source packages have
	// no SOURCENEVR.
	SourceNEVR string

	Provides, Requires, Conflicts, Obsoletes, Recommends, Suggests []Dependency

	PreIn, PostIn, PreUn, PostUn, PreTrans, PostTrans Script

	Changelog []ChangelogEntry

	// Source, when set, makes the package a source package, as
	// rpmbuild -bs writes one: lead type 1, SOURCEPACKAGE, SOURCE,
	// EXCLUSIVEARCH and COOKIE, no SOURCERPM, PLATFORM, FILECOLORS or
	// FILECLASS, and no self-Provides or Requires beyond those given and
	// rpmlib(CompressedFileNames), rpmlib(FileDigests) and the payload's
	// compressor feature. File paths are then bare names ("x.spec"),
	// stored without a directory and without the "./" prefix in the
	// payload.
	Source *Source
}

// Source is what a source package records besides its files.
type Source struct {
	// Sources are the spec's SourceN file names, the SOURCE tag.
	Sources []string
	// ExclusiveArch is the spec's ExclusiveArch; empty for none.
	ExclusiveArch []string
	// Cookie is the COOKIE tag: rpmbuild writes "BuildHost BuildTime".
	Cookie string
}

// File is one entry of the package's file list. Every file is its own
// inode: hard links are not supported.
type File struct {
	// Path is absolute and clean, e.g. "/usr/libexec/go-toolchain/go1.26.8/bin/go".
	Path string
	// Mode is the full st_mode, type bits included: 0100644, 040755,
	// 0120777. Regular files, directories and symlinks are supported.
	Mode uint32
	// Size is the body size of a regular file, ghosts included. For a
	// symlink it must be 0 or len(LinkTo). For a directory it is ignored:
	// rpmbuild 4.18 records 0 for directories.
	Size  int64
	MTime uint32
	// User and Group default to "root".
	User, Group string
	// Flags holds rpmtag.File* bits (FileConfig, FileNoReplace, FileDoc,
	// FileLicense, FileGhost, ...). Like rpmbuild, Write drops FileConfig,
	// FileDoc and FileLicense from directories.
	Flags uint32
	// LinkTo is a symlink's target.
	LinkTo string
	// Open returns the body of a regular, non-ghost file, from its start.
	// It is called while the payload is written: once to hash the body
	// and once more for each frame the body lies in, possibly
	// concurrently. The body is streamed, never held whole, then closed,
	// and its length must equal Size; a body that implements io.Seeker is
	// seeked into rather than read from the start when a frame begins
	// inside it. Open is not called for ghosts, which have no payload
	// entry.
	Open func() (io.ReadCloser, error)

	// Missing marks a ghost that did not exist when rpmbuild would have
	// looked at it; rpmbuild records such files with device 0.
	Missing bool
	// NoVerify holds rpmtag.Verify* bits to clear from FILEVERIFYFLAGS,
	// as %verify(not ...) does. Ghosts also lose digest, size, link and
	// mtime verification, as in rpmbuild.
	NoVerify uint32
	// Lang is the FILELANGS entry, as %lang(...) sets it.
	Lang string
	// Class is the file's libmagic description for FILECLASS. When empty,
	// directories get "directory", existing empty regular files "empty",
	// and everything else "".
	Class string
	// MIME is the file's MIME type for a v6 package's FILEMIMEINDEX and
	// MIMEDICT, as libmagic's MAGIC_MIME_TYPE names it (rpm 6 records
	// MIME types instead of FILECLASS). When empty, directories get
	// "inode/directory", symlinks "inode/symlink", existing empty
	// regular files "inode/x-empty", and everything else "".
	MIME string
	// Color is the FILECOLORS entry (1 for ELF32, 2 for ELF64, 0
	// otherwise; rpmbuild colours executable ELF files only).
	Color uint32
}

// Package formats, the values of Options.Format.
const (
	// FormatV4 is the format rpm 4.x writes and reads, and what rpm 6
	// writes with %_rpmformat 4 (Fedora 43 and later).
	FormatV4 = 4
	// FormatV6 is rpm 6's own format (%_rpmformat 6, upstream rpm 6's
	// default): RPMFORMAT, LONGFILESIZES and the stripped cpio always,
	// SHA-256 and SHA3-256 header digests, SHA-256, SHA-512 and SHA3-256
	// payload digests, MIME types instead of FILECLASS, and OpenPGP
	// signatures in RPMTAG_OPENPGP. rpm 4.18 installs, queries and
	// verifies v6 packages; its rpm2cpio refuses their payload.
	FormatV6 = 6
)

// Options tune the package format and the payload encoding.
type Options struct {
	// Format is FormatV4 (the default when zero) or FormatV6.
	Format int
	// Compressor is "zstd" (the default), "xz", "gzip" or "none".
	Compressor string
	// Level is the compressor level, written into PAYLOADFLAGS as rpmbuild
	// writes the level of %_binary_payload ("19" for w19.zstdio). Zero
	// means 19 for zstd, 6 for xz and 9 for gzip (so xz preset 0 cannot be
	// asked for). zstd levels map onto the four klauspost encoders (1-2
	// fastest, 3-5 default, 6-9 better, 10-22 best, whose match tables
	// alone take about 35 MB); xz levels select the xz preset's dictionary
	// size.
	Level int
	// Threads > 1 compresses concurrently: zstd overlaps encoding one
	// block with writing out the previous one (a klauspost stream uses at
	// most two goroutines), gzip compresses up to Threads 1 MiB blocks at
	// once. The output bytes do not depend on Threads, and Threads is not
	// recorded in PAYLOADFLAGS (rpmbuild records "19T8" for w19T8.zstdio).
	// xz is single-threaded.
	Threads int
	// TempDir is where the compressed payload is spooled; os.TempDir()
	// when empty. Spool files are unlinked as soon as they are created.
	TempDir string
	// FrameSize, when positive, cuts a zstd payload into independent
	// frames of FrameSize uncompressed bytes (the last one shorter),
	// which Package's tasks compress concurrently; rpm reads the
	// concatenated frames as one stream. Each frame starts without the
	// history of the ones before, which costs a little compression: on a
	// Go toolchain's binaries 0.3% at 64 MiB, 5% at 32 MiB. 0 writes one
	// frame.
	FrameSize int64
	// Signatures, when set, signs the main header (with its magic, the
	// bytes the SHA-256 header digest covers) with one or more keys and
	// returns the OpenPGP signature packets, which Write places as
	// rpmsign --addsign 6 does (see Signature and doc.go): in a v4
	// package one signature, in RSAHEADER (268) for an RSA key and
	// DSAHEADER (267) for DSA, ECDSA and EdDSA keys; in a v6 package
	// every signature, in order, base64-encoded in OPENPGP (278), and
	// with RPMv4Signature the first that rpm 4 can verify also in 268 or
	// 267. The reserved space shrinks by what the signatures add, so the
	// signature header keeps its unsigned size, unless they need more
	// room than is reserved: then, as with rpmsign, the reserved space is
	// kept and the signature header grows.
	Signatures func(header []byte) ([]Signature, error)
	// RPMv4Signature is rpmsign --rpmv4 for a v6 package: also store a
	// v4 header signature (RSAHEADER or DSAHEADER), which rpm 4.x
	// verifies and rpm 6 ignores when OPENPGP is present. A v4 package
	// always has its signature there; Write refuses RPMv4Signature for
	// one.
	RPMv4Signature bool
	// Sign is the one-signature form of Signatures that existing callers
	// use: it returns the signature header tag and the OpenPGP packet. In
	// a v4 package the packet goes into the tag given; in a v6 package
	// the tag is ignored and the packet placed as Signatures places it.
	// Set Signatures or Sign, not both.
	Sign func(header []byte) (tag uint32, sig []byte, err error)
	// Progress, when set, is called as bodies are compressed, after each
	// regular file (or the part of one a frame holds), with the number of
	// regular files completed and the body bytes compressed so far. Calls
	// are serialised but may come from any goroutine running a task.
	Progress func(files int, bytes int64)
}

// ErrBodySize is wrapped by the error Write returns when a file body's
// length differs from File.Size.
var ErrBodySize = errors.New("body length differs from File.Size")

// Write writes a binary RPM package to w: lead, signature header, main
// header and compressed cpio payload. The payload is first spooled to
// temporary files in opt.TempDir (unlinked as soon as they are created),
// because the signature and header that precede it describe it. files
// may be in any order; Write sorts them by path. Nothing is written to w
// when the inputs are invalid or a body cannot be read.
//
// Write is Prepare, every Task in turn, and Finish; callers writing
// several packages at once can schedule the tasks of all of them
// themselves.
func Write(w io.Writer, m Metadata, files []File, opt Options) error {
	p, err := Prepare(m, files, opt)
	if err != nil {
		return err
	}
	defer p.Close()
	for _, t := range p.Tasks() {
		if err := t.Run(); err != nil {
			return err
		}
	}
	return p.Finish(w)
}

func (m *Metadata) applyDefaults(format int) {
	if m.OS == "" {
		m.OS = "linux"
	}
	if m.Group == "" {
		m.Group = "Unspecified"
	}
	if m.SourceRPM == "" && m.Source == nil {
		m.SourceRPM = m.Name + "-" + m.Version + "-" + m.Release + ".src.rpm"
	}
	if m.BuildHost == "" {
		m.BuildHost = "localhost"
	}
	if m.Platform == "" {
		m.Platform = m.Arch + "-redhat-linux-gnu"
	}
	if m.RPMVersion == "" {
		m.RPMVersion = "4.18.0"
		if format == FormatV6 {
			m.RPMVersion = "6.0.2"
		}
	}
	if m.SourceNEVR == "" && m.Source == nil && format == FormatV6 {
		m.SourceNEVR = m.Name + "-" + m.evr()
	}
}

// evr is "[E:]V-R", the version of the self-Provides.
func (m *Metadata) evr() string {
	s := m.Version + "-" + m.Release
	if m.Epoch != nil {
		s = strconv.FormatUint(uint64(*m.Epoch), 10) + ":" + s
	}
	return s
}

func (m *Metadata) depSets() [][]Dependency {
	return [][]Dependency{m.Provides, m.Requires, m.Conflicts, m.Obsoletes, m.Recommends, m.Suggests}
}

// mainHeader builds the main header, in rpmbuild's tag set for the
// format.
func mainHeader(m *Metadata, ft *fileTable, c compression, pl payloadResult, format int) ([]byte, error) {
	v6 := format == FormatV6
	h := newHeader()
	h.putStrings(rpmtag.HeaderI18NTable, []string{"C"})
	h.putString(rpmtag.Name, m.Name)
	h.putString(rpmtag.Version, m.Version)
	h.putString(rpmtag.Release, m.Release)
	if m.Epoch != nil {
		h.putUint32s(rpmtag.Epoch, *m.Epoch)
	}
	h.putI18N(rpmtag.Summary, m.Summary)
	h.putI18N(rpmtag.Description, m.Description)
	h.putUint32s(rpmtag.BuildTime, uint32(m.BuildTime))
	h.putString(rpmtag.BuildHost, m.BuildHost)
	optional := []struct {
		tag   uint32
		value string
	}{
		{rpmtag.Distribution, m.Distribution},
		{rpmtag.Vendor, m.Vendor},
		{rpmtag.Packager, m.Packager},
		{rpmtag.URL, m.URL},
		{rpmtag.OptFlags, m.OptFlags},
	}
	for _, o := range optional {
		if o.value != "" {
			h.putString(o.tag, o.value)
		}
	}
	h.putString(rpmtag.License, m.License)
	h.putI18N(rpmtag.Group, m.Group)
	h.putString(rpmtag.OS, m.OS)
	h.putString(rpmtag.Arch, m.Arch)
	h.putString(rpmtag.RPMVersion, m.RPMVersion)
	h.putString(rpmtag.Encoding, "utf-8")
	if s := m.Source; s != nil {
		h.putUint32s(rpmtag.SourcePackage, 1)
		if len(s.Sources) > 0 {
			h.putStrings(rpmtag.Source, s.Sources)
		}
		if len(s.ExclusiveArch) > 0 {
			h.putStrings(rpmtag.ExclusiveArch, s.ExclusiveArch)
		}
		if s.Cookie != "" {
			h.putString(rpmtag.Cookie, s.Cookie)
		}
	} else {
		h.putString(rpmtag.SourceRPM, m.SourceRPM)
		h.putString(rpmtag.Platform, m.Platform)
		if v6 {
			h.putString(rpmtag.SourceNEVR, m.SourceNEVR)
		}
	}

	for _, s := range scriptSlots(m) {
		if !s.script.present() {
			continue
		}
		if s.script.Body != "" {
			h.putString(s.bodyTag, s.script.Body)
		}
		h.putString(s.progTag, s.script.interpreter())
	}

	if len(m.Changelog) > 0 {
		times := make([]uint32, len(m.Changelog))
		names := make([]string, len(m.Changelog))
		texts := make([]string, len(m.Changelog))
		for i, e := range m.Changelog {
			times[i], names[i], texts[i] = uint32(e.Time), e.Author, e.Text
		}
		h.putUint32s(rpmtag.ChangelogTime, times...)
		h.putStrings(rpmtag.ChangelogName, names)
		h.putStrings(rpmtag.ChangelogText, texts)
	}

	ft.putTags(h, pl.digests)

	if m.Source != nil {
		h.putDepsAsGiven(rpmtag.ProvideName, rpmtag.ProvideVersion, rpmtag.ProvideFlags, m.Provides)
	} else {
		h.putDeps(rpmtag.ProvideName, rpmtag.ProvideVersion, rpmtag.ProvideFlags, append(selfProvides(m), m.Provides...))
	}
	h.putDeps(rpmtag.RequireName, rpmtag.RequireVersion, rpmtag.RequireFlags,
		requires(m, c, ft.largeFiles, v6))
	h.putDeps(rpmtag.ConflictName, rpmtag.ConflictVersion, rpmtag.ConflictFlags, m.Conflicts)
	h.putDeps(rpmtag.ObsoleteName, rpmtag.ObsoleteVersion, rpmtag.ObsoleteFlags, m.Obsoletes)
	h.putDeps(rpmtag.RecommendName, rpmtag.RecommendVersion, rpmtag.RecommendFlags, m.Recommends)
	h.putDeps(rpmtag.SuggestName, rpmtag.SuggestVersion, rpmtag.SuggestFlags, m.Suggests)

	h.putString(rpmtag.PayloadFormat, "cpio")
	if c.name != "" {
		h.putString(rpmtag.PayloadCompressor, c.name)
	}
	h.putString(rpmtag.PayloadFlags, c.flags)
	h.putStrings(rpmtag.PayloadDigest, []string{hex.EncodeToString(pl.digest[:])})
	h.putStrings(rpmtag.PayloadDigestAlt, []string{hex.EncodeToString(pl.altDigest[:])})
	if !v6 {
		h.putUint32s(rpmtag.PayloadDigestAlgo, rpmtag.HashAlgoSHA256)
		return h.encode(rpmtag.HeaderImmutable)
	}
	// v6: the sizes move here from the signature header, more digests
	// of the payload, and the format itself.
	h.putUint64s(rpmtag.PayloadSize, uint64(pl.compressedSize))
	h.putUint64s(rpmtag.PayloadSizeAlt, uint64(pl.archiveSize))
	h.putUint32s(rpmtag.RPMFormat, FormatV6)
	h.putString(rpmtag.PayloadSHA512, hex.EncodeToString(pl.sha512[:]))
	h.putString(rpmtag.PayloadSHA512Alt, hex.EncodeToString(pl.sha512Alt[:]))
	h.putString(rpmtag.PayloadSHA3_256, hex.EncodeToString(pl.sha3[:]))
	h.putString(rpmtag.PayloadSHA3_256Alt, hex.EncodeToString(pl.sha3Alt[:]))
	return h.encode(rpmtag.HeaderImmutable)
}
