// Package elfdeps computes the automatic Requires and Provides that
// rpmbuild 4.18 derives from an ELF file with /usr/lib/rpm/elfdeps, so a
// native builder stores the same dependencies rpmbuild would.
//
// # What rpm 4.18 does
//
// The elf file attribute (/usr/lib/rpm/fileattrs/elf.attr) runs
// "elfdeps --provides" and "elfdeps --requires" on every file libmagic
// calls "ELF 32-bit" or "ELF 64-bit". Unlike perl.attr and script.attr it
// sets no %__elf_flags, so there is no exeonly filter for ELF files: the
// generator runs on executables, shared libraries and non-executable files
// alike. The execute bits matter inside elfdeps instead, and only for
// Requires: a file that has a PT_INTERP program header (a program, PIE or
// not, and also glibc's libc.so.6) yields no Requires unless some execute
// bit is set; a shared library without PT_INTERP yields its Requires even
// with mode 0644. Provides never depend on the mode. Analyze takes the
// execute bits as its executable parameter.
//
// The rules Analyze reproduces, in elfdeps' order (sections are visited in
// section-header order; .gnu.version_d, .gnu.version_r and .dynamic are
// read, the dynamic segment and symbol tables are not):
//
//   - .gnu.version_r (SHT_GNU_verneed): for each needed file and version,
//     Requires "file(VERSION)(64bit)". Weak references (VER_FLG_WEAK) and
//     GLIBC_PRIVATE are not filtered: rpm 4.18 removed --filter-private
//     and never looked at vna_flags.
//   - .gnu.version_d (SHT_GNU_verdef): the VER_FLG_BASE entry names the
//     file; every other definition is Provides "base(VERSION)(64bit)",
//     once per Verdaux record of the definition (elfdeps does not advance
//     to the parent record, so a definition that inherits from another
//     is printed twice). Also done for executables.
//   - .dynamic: DT_NEEDED is Requires "soname()(64bit)"; DT_SONAME, the
//     last one, is remembered; DT_HASH, DT_GNU_HASH and DT_DEBUG are noted.
//     Entries after DT_NULL are read too (elfdeps reads sh_size/sh_entsize
//     entries).
//   - "rtld(GNU_HASH)" is required when there is DT_GNU_HASH and no
//     DT_HASH (and Requires are generated at all).
//   - An ET_DYN object without DT_DEBUG provides "soname()(64bit)" from
//     DT_SONAME, or, without DT_SONAME, from the base name of the file.
//     PIE executables carry DT_DEBUG and so provide nothing here.
//   - Every soname (needed, provided, version base, basename fallback)
//     must contain ".so" and start with "lib", "ld.", "ld-" or "ld6"
//     (elfdeps compares only three bytes of "ld64."), else the dependency
//     is dropped. So a plugin "foo.so" without DT_SONAME provides nothing.
//   - The marker "(64bit)" is appended for ELFCLASS64 files except
//     EM_ALPHA and EM_FAKE_ALPHA; 32-bit files (x32 included) get none,
//     and then a bare DT_NEEDED dependency is just "soname", without "()".
//   - ET_REL and ET_CORE files yield nothing, and so do statically
//     linked programs (ET_EXEC without a dynamic section) such as Go's own
//     toolchain. A static PIE is ET_DYN and gets the rules above.
//
// elf.attr passes elfdeps no option but --provides and --requires. rpm
// 4.18's elfdeps also knows --soname-only, --no-fake-soname,
// --no-filter-soname and --require-interp; Analyze models none of them.
// Later rpm (upstream's elf.attr) adds --multifile, which changes how
// elfdeps frames its output for rpmbuild, and %__elf_exclude_path for
// kernel modules; neither is in rpm 4.18. TestFileAttr reads elf.attr and
// fails when it asks for more than Analyze models.
//
// elfdeps prints each dependency followed by a newline and rpmbuild sorts
// and de-duplicates what it reads; Deps keeps elfdeps' order and
// duplicates and Deps.Sorted gives the form rpmbuild stores.
//
// # Malformed files
//
// rpmbuild neither fails nor warns because of a broken ELF file (rpmbuild
// 4.18 packages a truncated ELF file, or one with a bad identification,
// silently and without dependencies): when libelf cannot open the file
// elfdeps prints nothing, and when a table inside is broken elfdeps stops
// reading that table and prints what it collected until then. Analyze mirrors this
// libelf behaviour (elfutils 0.188, the library rpm 4.18 uses) and returns
// the dependencies elfdeps would print together with an error wrapping
// ErrMalformed that names the first defect. A builder that mirrors
// rpmbuild keeps the returned Deps (often empty) and reports the error at
// most as a warning. Where elfdeps itself would crash (a SHT_DYNAMIC
// section with sh_entsize 0 divides by zero) it prints nothing, and so
// Analyze returns empty Deps. Where elfdeps would loop for billions of
// iterations or print gigabytes (version tables whose offsets form cycles)
// Analyze gives up with ErrTooLarge and empty Deps instead.
//
// Version tables of big-endian files are converted the way libelf does on
// a little-endian build host. The one known difference, for files no
// linker writes: a compressed (SHF_COMPRESSED) string table is treated as
// unreadable where libelf would decompress it.
//
// # Files
//
// elfdeps.go holds the API; analyzer.go one run over a file (the ELF
// header, read limits, the final rtld(GNU_HASH) and soname provides);
// header.go the section and program header tables as libelf sees them;
// sections.go elfdeps' section loop, section data and string tables;
// version.go processVerDef and processVerNeed, with cycle.go for version
// tables whose offsets loop; dynamic.go processDynamic; byteorder.go
// libelf's conversion of big-endian version tables; output.go the soname
// filter and the dependency strings. What glibc a file needs to run is
// package abi's question, not rpm's.
package elfdeps
