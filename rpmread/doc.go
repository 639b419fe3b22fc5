// Package rpmread reads RPM packages safely and in one streaming pass: the
// lead, the signature header and the main header are parsed into a
// Package; the payload is decompressed and iterated as cpio entries while
// the compressed bytes are hashed, so a verifier can check the payload
// digest and every file digest without reading the file twice. It is the
// data model behind "gotc-rpm inspect" (JSON and text views) and the
// verifier.
//
// # Why not a library
//
// github.com/cavaliergopher/rpm v1.3.0 reads headers only: no SHA256
// header digest (signature tag 273), no payload digest (5092/5093), none
// of rpm 6's digests, only FILESIZES (never LONGFILESIZES: its Files()
// panics on an rpm 6 format package), no decompression, no hardlink sets,
// no stripped "07070X" cpio. The tests use it, and google/rpmpack, as
// interop oracles (docs/interop.md). github.com/sassoftware/go-rpmutils covers more
// of that, but in the version we read (commit d9054a3) its header reader
// allocates the index and data store from the counts in the file before
// checking them, slices the data store with unchecked offsets and indexes
// DIRNAMES with unchecked DIRINDEXES (a crafted package panics it), and
// some versions require a cgo zstd (DataDog/zstd). Adding it would still
// leave us to write the bounds; an
// RPM header is small and simple, so this package has its own bounded
// parser (header.go, ~300 lines) and cpio reader (payload.go), and uses
// libraries only for decompression: klauspost/compress (gzip, zstd),
// ulikunitz/xz (xz, lzma) and the standard library (bzip2).
//
// # Bounds
//
// Nothing in a package decides how much memory is allocated:
//
//   - A header's index count must be 1..65535 and its data store at most
//     Options.MaxHeaderData (default and ceiling 256 MiB, rpm's own
//     limits); header bytes are read as they arrive, so a large claim in a
//     small file fails as truncated instead of allocating the claim.
//   - Every entry is checked against the data store: known type, count ≥ 1,
//     offset inside, integers aligned and inside, strings NUL-terminated,
//     STRING count 1, no two entries sharing bytes (else a small store
//     referenced by many entries would decode into far more memory), no
//     duplicate tags, region tag (62 signature, 63 main) first with a
//     consistent trailer.
//   - The uncompressed payload is cut off at Options.MaxPayloadSize
//     (default 16 GiB) with ErrTooLarge. Decompressor windows and
//     dictionaries are limited by Options.MaxWindowSize (default 128 MiB):
//     zstd through the decoder's own limit, lzma by checking the stream
//     header, and xz by walking the container framing (xzguard.go) and
//     checking each block's LZMA2 dictionary before the decoder sees it —
//     the xz decoder would otherwise allocate up to 4 GiB on request.
//   - cpio names are at most 4096 bytes, symlink targets at most 4096,
//     header fields must be 8 hex digits, and every path must be clean and
//     absolute after normalisation ("./usr/x" from rpmbuild and "/usr/x"
//     from rpmpack both become "/usr/x"; "../" anywhere is ErrUnsafePath).
//
// Every input error is a *FormatError (or, from Check, a *DigestError or
// *SizeError) matching one sentinel: ErrNotRPM, ErrFormat, ErrTruncated,
// ErrTooLarge, ErrUnsupported, ErrUnsafePath, ErrDigestMismatch,
// ErrSizeMismatch. Crafted input never panics (see FuzzReadHeader and
// FuzzPayload); as a last line of defence a panic inside a third-party
// decoder is turned into ErrFormat.
//
// # Reading and verifying in one pass
//
//	r, err := rpmread.Open(path)            // lead + both headers
//	defer r.Close()
//	pr, err := r.Payload()                  // decompressor by PAYLOADCOMPRESSOR
//	for {
//		e, err := pr.Next()             // io.EOF after the cpio trailer
//		...                             // hash e.Body, compare with r.Package.Files[e.FileIndex].Digest
//	}
//	results, err := r.Check()               // header/payload digests and sizes
//
// Check reads whatever of the payload is left, so call it after the
// payload loop, or without calling Payload at all (then, like rpm -K, it
// checks only the compressed payload). A Reader is not safe for
// concurrent use.
//
// Payload entries: "070701" (newc) and "070702" (newc with checksum, which
// is verified) carry their own metadata; rpm's stripped "07070X" entries
// (rpm ≥ 4.12 with files over 4 GiB, rpm 6 always) carry only a file
// index, and take path, mode, size and link target from the header. In a
// hardlink set rpm stores the content once, on the last member it writes
// (the highest file index); the other members have Size 0.
// Entry.Hardlinks names the whole set so a verifier can apply the one
// digest to every name. Ghost files are not in the payload.
//
// # File digests
//
// File.Digest is FILEDIGESTS as stored: hex, "" where rpm stores none
// (directories, symlinks, ghosts, devices). rpm -q --dump prints such
// entries as zeros of the algorithm's length. The JSON view prints "" for
// them (and for an all-zero digest).
//
// # rpm 6's package format
//
// Format 6 packages (RPMFORMAT 6, rpm 6.0's default) are read like any
// other: LONGFILESIZES and LONGSIZE, the stripped "07070X" payload, the
// MIME types (File.MIME), SOURCENEVR. Check verifies every digest rpm 6
// records — the header's SHA3-256 (signature tag 279) and SHA256, the
// payload's SHA3-256, SHA512 and SHA256 as stored and (when decoded) as
// uncompressed — and the payload sizes of the main header (5112, 5113).
// Signatures are not checked here; AddPayloadHash lets a verifier of the
// legacy header+payload signatures see the stored payload in the same
// pass (the header signatures cover Header.Raw alone).
//
// A package without a PAYLOADCOMPRESSOR tag and a plain cpio payload
// (rpmbuild's "w.ufdio") is read as rpm reads it: rpm's gzip reader is
// zlib's, which passes data without the gzip magic through.
//
// # Views
//
// WriteJSON prints an array with one JSONPackage per package, WriteText
// what rpm -qip, rpm -q --requires (and the other dependency lists),
// --scripts and -qlv print, with times in UTC, file marks and the
// digests; docs/inspect.md in the repository describes every field. The
// same package always gives the same bytes.
//
// # Whole packages
//
// Open refuses a file shorter than the length its headers record
// (Reader.RecordedLength) with ErrTruncated, before reading any payload.
// VerifyHeader checks the header digests alone (what rpm checks on every
// read); Verify checks everything rpm -K --nosignature checks, reading
// the stored payload without decompressing it.
//
// # rpm quirks the tests pin down (rpm 4.18)
//
//   - --dump prints zeros for entries without a digest, including present
//     %ghost files (rpmbuild records their size and mtime but no digest).
//   - A %ghost missing from the buildroot gets mode 0100000 (file type,
//     no permission bits, with default attributes), size 0 and the build
//     time as mtime.
//   - rpmbuild 4.18 records directories with size 0; the corpus packages
//     (rpm 4.0.4 to 4.11.3) record 4096. -qlv prints 0 either way, --dump
//     prints what is recorded.
//   - Device nodes keep rdev in FILERDEVS as (major<<8 | minor); --dump
//     prints it in decimal. Old packages have garbage rdev on regular
//     files, which --dump prints too.
//   - The cpio inode of an rpmbuild payload is the file index + 1, and
//     hardlink sets are written at the end of the archive.
//   - rpm 4.18 writes PAYLOADDIGESTALT (5097, digest of the uncompressed
//     payload); Check verifies it when the payload was read.
package rpmread
