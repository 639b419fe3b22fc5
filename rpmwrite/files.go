package rpmwrite

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// File type bits of st_mode.
const (
	modeType    = 0o170000
	modeRegular = 0o100000
	modeDir     = 0o040000
	modeSymlink = 0o120000
)

// fileTable is the validated, sorted file list with the per-file values
// rpmbuild records, everything but the digests, which come from the
// payload stream.
type fileTable struct {
	files []File
	// sizes is what FILESIZES records: the body size of regular files,
	// len(LinkTo) for symlinks, 0 for directories.
	sizes []int64
	// largeFiles is rpmbuild's fl->largeFiles: some regular file is too
	// large for a 32-bit size, or the package is v6, so LONGFILESIZES
	// and a stripped cpio payload are used.
	largeFiles bool
	// v6 is set for a v6 package: LONGSIZE always, MIME types instead of
	// FILECLASS.
	v6 bool
	// source is set for a source package: bare file names, no colors or
	// classes.
	source bool
	// totalSize is the SIZE tag: the sizes of regular files and symlinks.
	totalSize int64
}

func (f *File) isRegular() bool { return f.Mode&modeType == modeRegular }
func (f *File) isDir() bool     { return f.Mode&modeType == modeDir }
func (f *File) isSymlink() bool { return f.Mode&modeType == modeSymlink }
func (f *File) isGhost() bool   { return f.Flags&rpmtag.FileGhost != 0 }

// inPayload reports whether the file has a cpio entry: every file but
// ghosts. The flag is tested as a bit, so a %ghost %config file is left out
// too.
func (f *File) inPayload() bool { return !f.isGhost() }

// newFileTable validates files, sorts a copy of them by path (bytewise, as
// rpmbuild's strcmp does) and fills in defaults. It reports every problem,
// each naming its path.
func newFileTable(in []File, source, v6 bool) (*fileTable, error) {
	files := append([]File(nil), in...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	var errs []error
	for i := range files {
		f := &files[i]
		if err := f.validate(source); err != nil {
			errs = append(errs, fmt.Errorf("file %q: %w", f.Path, err))
		}
		if i > 0 && files[i-1].Path == f.Path {
			errs = append(errs, fmt.Errorf("file %q: listed more than once", f.Path))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	t := &fileTable{files: files, sizes: make([]int64, len(files)), source: source, v6: v6, largeFiles: v6}
	for i := range files {
		f := &files[i]
		if f.User == "" {
			f.User = "root"
		}
		if f.Group == "" {
			f.Group = "root"
		}
		switch {
		case f.isDir():
			f.Flags &^= rpmtag.FileConfig | rpmtag.FileDoc | rpmtag.FileLicense
		case f.isSymlink():
			t.sizes[i] = int64(len(f.LinkTo))
			t.totalSize += t.sizes[i]
		default:
			t.sizes[i] = f.Size
			t.totalSize += f.Size
			if f.Size >= 0xffffffff {
				t.largeFiles = true
			}
		}
	}
	return t, nil
}

func (f *File) validate(source bool) error {
	var errs []error
	if source {
		if err := validSourceName(f.Path); err != nil {
			errs = append(errs, err)
		}
		if !f.isRegular() || f.isGhost() {
			errs = append(errs, errors.New("a source package holds regular files only"))
		}
	} else if err := validPath(f.Path); err != nil {
		errs = append(errs, err)
	}
	switch {
	case f.isRegular():
		if f.Size < 0 {
			errs = append(errs, fmt.Errorf("negative size %d", f.Size))
		}
		if f.Open == nil && !f.isGhost() {
			errs = append(errs, errors.New("regular file without Open"))
		}
	case f.isDir():
	case f.isSymlink():
		if f.LinkTo == "" {
			errs = append(errs, errors.New("symlink without LinkTo"))
		}
		if f.Size != 0 && f.Size != int64(len(f.LinkTo)) {
			errs = append(errs, fmt.Errorf("symlink size %d, want len(LinkTo) = %d", f.Size, len(f.LinkTo)))
		}
	default:
		errs = append(errs, fmt.Errorf("mode %#o is not a regular file, directory or symlink", f.Mode))
	}
	if f.LinkTo != "" && !f.isSymlink() {
		errs = append(errs, errors.New("LinkTo set on a file that is not a symlink"))
	}
	if strings.ContainsRune(f.LinkTo, 0) {
		errs = append(errs, errors.New("LinkTo contains NUL"))
	}
	if f.Mode&^0o177777 != 0 {
		errs = append(errs, fmt.Errorf("mode %#o has bits beyond st_mode", f.Mode))
	}
	if f.Missing && !f.isGhost() {
		errs = append(errs, errors.New("the Missing flag is set on a file that is not a ghost"))
	}
	for _, s := range []string{f.User, f.Group, f.Lang, f.Class, f.MIME} {
		if strings.ContainsRune(s, 0) {
			errs = append(errs, errors.New("user, group, lang, class or MIME type contains NUL"))
		}
	}
	return errors.Join(errs...)
}

// validPath accepts absolute, clean paths other than "/" whose bytes
// rpmbuild would accept (no control characters, no DEL).
func validPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case !strings.HasPrefix(p, "/"):
		return errors.New("path is not absolute")
	case p == "/":
		return errors.New("path is the root directory")
	}
	for _, el := range strings.Split(p[1:], "/") {
		if el == ".." {
			return errors.New(`path contains ".."`)
		}
	}
	if path.Clean(p) != p {
		return errors.New("path is not clean")
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("path contains byte %#x", c)
		}
	}
	return nil
}

// validSourceName accepts the file names of a source package: one path
// element, with the bytes validPath accepts.
func validSourceName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("%q is not a file name", name)
	case strings.Contains(name, "/"):
		return errors.New("a source package's file names have no directory")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("name contains byte %#x", c)
		}
	}
	return nil
}

// compressFileNames splits sorted paths into DIRNAMES, BASENAMES and
// DIRINDEXES the way rpm's compressFilelist does: a directory is looked up
// by binary search among those already seen and appended when not found.
// For sorted input this is a plain "new directory" check; for the rare
// orders where the directory list is not itself sorted it repeats rpm's
// choices, duplicates included.
func compressFileNames(paths []string) (dirs, bases []string, idx []uint32) {
	bases = make([]string, len(paths))
	idx = make([]uint32, len(paths))
	for i, p := range paths {
		cut := strings.LastIndexByte(p, '/') + 1
		dir := p[:cut]
		bases[i] = p[cut:]
		j, ok := bsearch(dirs, dir)
		if !ok {
			j = len(dirs)
			dirs = append(dirs, dir)
		}
		idx[i] = uint32(j)
	}
	return dirs, bases, idx
}

// bsearch is C's bsearch over strcmp-ordered strings: it probes the same
// elements, so it finds (or misses) exactly what rpm's lookup does.
func bsearch(list []string, key string) (int, bool) {
	lo, hi := 0, len(list)
	for lo < hi {
		mid := (lo + hi) / 2
		switch c := strings.Compare(key, list[mid]); {
		case c < 0:
			hi = mid
		case c > 0:
			lo = mid + 1
		default:
			return mid, true
		}
	}
	return 0, false
}

// putTags writes the file tags. digests holds the hex SHA-256 of each
// regular, non-ghost file's body, "" elsewhere. With no files only
// SIZE and FILEDIGESTALGO are written, as rpmbuild does.
func (t *fileTable) putTags(h *header, digests []string) {
	if t.totalSize >= 0xffffffff || t.v6 {
		h.putUint64s(rpmtag.LongSize, uint64(t.totalSize))
	} else {
		h.putUint32s(rpmtag.Size, uint32(t.totalSize))
	}
	h.putUint32s(rpmtag.FileDigestAlgo, rpmtag.HashAlgoSHA256)
	n := len(t.files)
	if n == 0 {
		return
	}

	paths := make([]string, n)
	modes := make([]uint16, n)
	rdevs := make([]uint16, n)
	mtimes := make([]uint32, n)
	linktos := make([]string, n)
	flags := make([]uint32, n)
	users := make([]string, n)
	groups := make([]string, n)
	verify := make([]uint32, n)
	devices := make([]uint32, n)
	inodes := make([]uint32, n)
	langs := make([]string, n)
	colors := make([]uint32, n)
	// FILECLASS and CLASSDICT (v4) or FILEMIMEINDEX and MIMEDICT (v6):
	// a dictionary in order of first use and an index per file.
	classes := make([]uint32, n)
	var classDict []string
	classIdx := map[string]uint32{}
	for i := range t.files {
		f := &t.files[i]
		paths[i] = f.Path
		modes[i] = uint16(f.Mode)
		mtimes[i] = f.MTime
		if f.isSymlink() {
			linktos[i] = f.LinkTo
		}
		flags[i] = f.Flags
		users[i], groups[i] = f.User, f.Group
		v := uint32(rpmtag.VerifyAll) &^ f.NoVerify
		if f.isGhost() {
			v &^= rpmtag.VerifyDigest | rpmtag.VerifyFileSize | rpmtag.VerifyLinkTo | rpmtag.VerifyMTime
		}
		verify[i] = v
		if !f.Missing {
			devices[i] = 1
		}
		inodes[i] = uint32(i + 1)
		langs[i] = f.Lang
		colors[i] = f.Color
		class := f.fileClass()
		if t.v6 {
			class = f.mimeType()
		}
		ci, ok := classIdx[class]
		if !ok {
			ci = uint32(len(classDict))
			classIdx[class] = ci
			classDict = append(classDict, class)
		}
		classes[i] = ci
	}

	if t.largeFiles {
		sizes := make([]uint64, n)
		for i, s := range t.sizes {
			sizes[i] = uint64(s)
		}
		h.putUint64s(rpmtag.LongFileSizes, sizes...)
	} else {
		sizes := make([]uint32, n)
		for i, s := range t.sizes {
			sizes[i] = uint32(s)
		}
		h.putUint32s(rpmtag.FileSizes, sizes...)
	}
	h.putUint16s(rpmtag.FileModes, modes)
	h.putUint16s(rpmtag.FileRDevs, rdevs)
	h.putUint32s(rpmtag.FileMTimes, mtimes...)
	h.putStrings(rpmtag.FileDigests, digests)
	h.putStrings(rpmtag.FileLinkTos, linktos)
	h.putUint32s(rpmtag.FileFlags, flags...)
	h.putStrings(rpmtag.FileUserName, users)
	h.putStrings(rpmtag.FileGroupName, groups)
	h.putUint32s(rpmtag.FileVerifyFlags, verify...)
	h.putUint32s(rpmtag.FileDevices, devices...)
	h.putUint32s(rpmtag.FileINodes, inodes...)
	h.putStrings(rpmtag.FileLangs, langs)
	switch {
	case t.source:
	case t.v6:
		h.putUint32s(rpmtag.FileColors, colors...)
		h.putUint32s(rpmtag.FileMIMEIndex, classes...)
		h.putStrings(rpmtag.MIMEDict, classDict)
	default:
		h.putUint32s(rpmtag.FileColors, colors...)
		h.putUint32s(rpmtag.FileClass, classes...)
		h.putStrings(rpmtag.ClassDict, classDict)
	}

	dirs, bases, idx := compressFileNames(paths)
	h.putUint32s(rpmtag.DirIndexes, idx...)
	h.putStrings(rpmtag.BaseNames, bases)
	h.putStrings(rpmtag.DirNames, dirs)
}

// fileClass is the FILECLASS description: File.Class, or what libmagic
// says about the file types it can tell without reading content.
func (f *File) fileClass() string {
	switch {
	case f.Class != "":
		return f.Class
	case f.isDir():
		return "directory"
	case f.isRegular() && f.Size == 0 && !f.Missing:
		return "empty"
	}
	return ""
}

// mimeType is the FILEMIMES type: File.MIME, or what libmagic's
// MAGIC_MIME_TYPE says about the file types it can tell without reading
// content. A ghost that did not exist has none, as in rpm 6.
func (f *File) mimeType() string {
	switch {
	case f.MIME != "":
		return f.MIME
	case f.Missing:
		return ""
	case f.isDir():
		return "inode/directory"
	case f.isSymlink():
		return "inode/symlink"
	case f.isRegular() && f.Size == 0:
		return "inode/x-empty"
	}
	return ""
}
