// Package abi tells which glibc an ELF file needs and where it runs: the
// library behind "gotc-rpm abi" and the verifier's abi check.
//
// Analyze reads an ELF file (any io.ReaderAt) with a bounded parser of
// its own: every offset and size is checked against the file, at most
// 256 MiB of tables are read and a million records walked, and a
// malformed file is an error wrapping ErrMalformed, never a panic
// (FuzzAnalyze). It reports the file's kind — statically linked (no
// PT_INTERP; a static PIE relocates itself, DF_1_PIE without DT_NEEDED),
// a dynamic executable or a shared object — and the glibc symbol
// versions it needs: the Vernaux records of .gnu.version_r for glibc's
// own libraries (IsGlibcLibrary: libc.so.6, libm.so.6, libpthread.so.0,
// the dynamic linker and the rest; not libxcrypt's libcrypt.so.1),
// followed along vn_next and vna_next as the dynamic linker walks them.
// The need with the newest release is the file's floor; .gnu.version
// and .dynsym name the undefined symbols bound to it (pthread_create and
// __libc_start_main for GLIBC_2.34 when a program is linked against
// glibc 2.34 or later). Weak needs (VER_FLG_WEAK, which the dynamic
// linker tolerates missing) and GLIBC_PRIVATE are listed but do not
// count. Version names are dated by Release: GLIBC_x.y by its number,
// the markers GLIBC_ABI_DT_RELR (2.36) and GLIBC_ABI_GNU2_TLS (2.41) by
// table; other markers are undated, and only a root can say whether it
// has them.
//
// A target is a release in toolchain's table (toolchain.ParseTarget
// takes el9, rhel-9, fc43, f43 ... as well as epel-9 and fedora-43):
// Input.Check compares the needs with the release's glibc. A root is a
// real file system: Root finds its libc.so.6 for the file's
// architecture without leaving the root (symlinks are resolved as in a
// chroot and files opened through os.Root) and reads its version
// definitions, and Input.CheckRoot tests each need against them as the
// dynamic linker would. No program is run (no ldd).
//
// AnalyzeRPM does the same for every ELF file in a package's payload,
// read once with rpmread; AnalyzeStream is the piece the verifier uses
// while it hashes a payload. Run puts it together for the CLI, and
// WriteText and WriteJSON print a Report.
package abi
