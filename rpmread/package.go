package rpmread

import (
	"fmt"
	"path"
	"strings"

	"github.com/gotc-project/gotc/rpmtag"
)

// Dependency is one entry of a dependency list (Requires, Provides, ...).
// Flags are the raw rpmsense bits (rpmtag.Sense*).
type Dependency struct {
	Name    string
	Flags   uint32
	Version string
}

// File is one entry of the header's file list, in header order.
type File struct {
	Path  string // absolute, as rpm prints it
	Size  int64  // LONGFILESIZES, else FILESIZES
	Mode  uint32 // full st_mode (type and permission bits)
	MTime int64
	// Digest is the hex digest as stored in FILEDIGESTS: "" for entries
	// without one (directories, symlinks, ghosts, devices). rpm --dump
	// prints such entries as a string of zeros; see DumpDigest.
	Digest string
	Flags  uint32 // rpmtag.File* bits
	User   string
	Group  string
	LinkTo string
	Inode  uint32
	Device uint32
	RDev   uint16
	Lang   string
	Color  uint32
	// Caps is the file's capabilities (FILECAPS) in cap_from_text form,
	// "" when it has none.
	Caps string
	// MIME is the file's MIME type (rpm 6 format: MIMEDICT indexed by
	// FILEMIMEINDEX, what rpm calls FILEMIMES), "" when not recorded.
	MIME string
}

// IsDir, IsRegular and IsSymlink test the file type bits of Mode.
func (f *File) IsDir() bool     { return f.Mode&0o170000 == 0o040000 }
func (f *File) IsRegular() bool { return f.Mode&0o170000 == 0o100000 }
func (f *File) IsSymlink() bool { return f.Mode&0o170000 == 0o120000 }

// IsGhost reports the %ghost flag: the file is owned but not in the payload.
func (f *File) IsGhost() bool { return f.Flags&rpmtag.FileGhost != 0 }

// Script is a scriptlet: Body is the script text ("" for -p programs),
// Interpreter its program and arguments (nil when rpm's default /bin/sh
// applies because the tag is absent).
type Script struct {
	Body        string
	Interpreter []string
}

// Script keys used in Package.Scripts.
var ScriptNames = []string{"pretrans", "pre", "post", "preun", "postun", "posttrans", "verify"}

var scriptTags = map[string][2]int{
	"pretrans":  {rpmtag.PreTrans, rpmtag.PreTransProg},
	"pre":       {rpmtag.PreIn, rpmtag.PreInProg},
	"post":      {rpmtag.PostIn, rpmtag.PostInProg},
	"preun":     {rpmtag.PreUn, rpmtag.PreUnProg},
	"postun":    {rpmtag.PostUn, rpmtag.PostUnProg},
	"posttrans": {rpmtag.PostTrans, rpmtag.PostTransProg},
	"verify":    {rpmtag.VerifyScript, rpmtag.VerifyScriptProg},
}

// Package is the data model of one binary or source package, built from
// its main header.
type Package struct {
	Name, Version, Release, Arch, OS               string
	Summary, Description, License, URL, Vendor     string
	Packager, Group, SourceRPM, BuildHost          string
	Epoch                                          *uint32
	BuildTime                                      int64
	Size                                           int64 // LONGSIZE, else SIZE
	PayloadFormat, PayloadCompressor, PayloadFlags string

	Provides, Requires, Conflicts, Obsoletes    []Dependency
	Recommends, Suggests, Supplements, Enhances []Dependency

	// Scripts holds the scriptlets present, keyed by ScriptNames.
	Scripts map[string]Script
	Files   []File
	// FileDigestAlgo is FILEDIGESTALGO, MD5 (1) when the tag is absent.
	FileDigestAlgo uint32
	// Source is set for a source package (the SOURCEPACKAGE tag): its
	// file paths are bare names ("x.spec"), in the header and payload.
	Source bool
	// Format is RPMFORMAT, the package format version (6 for rpm 6's
	// format), 0 when the tag is absent (format 4 and older).
	Format int
	// SourceNEVR is SOURCENEVR (rpm 6 format): name-[epoch:]version-release
	// of the source package.
	SourceNEVR string

	hdr   *Header
	sig   *Header       // the signature header, for Digests and Signatures
	links map[int][]int // file index → its hardlink set
}

// Header returns the main header the package was built from, for tags
// the model does not name.
func (p *Package) Header() *Header { return p.hdr }

// Tag returns the raw value of main header tag n.
func (p *Package) Tag(n int) (Value, bool) { return p.hdr.Tag(n) }

// NEVRA returns name-[epoch:]version-release.arch.
func (p *Package) NEVRA() string {
	e := ""
	if p.Epoch != nil {
		e = fmt.Sprintf("%d:", *p.Epoch)
	}
	return fmt.Sprintf("%s-%s%s-%s.%s", p.Name, e, p.Version, p.Release, p.Arch)
}

func newPackage(h *Header) (*Package, error) {
	p := &Package{
		Name:              h.String(rpmtag.Name),
		Version:           h.String(rpmtag.Version),
		Release:           h.String(rpmtag.Release),
		Arch:              h.String(rpmtag.Arch),
		OS:                h.String(rpmtag.OS),
		Summary:           h.String(rpmtag.Summary),
		Description:       h.String(rpmtag.Description),
		License:           h.String(rpmtag.License),
		URL:               h.String(rpmtag.URL),
		Vendor:            h.String(rpmtag.Vendor),
		Packager:          h.String(rpmtag.Packager),
		Group:             h.String(rpmtag.Group),
		SourceRPM:         h.String(rpmtag.SourceRPM),
		BuildHost:         h.String(rpmtag.BuildHost),
		PayloadFormat:     h.String(rpmtag.PayloadFormat),
		PayloadCompressor: h.String(rpmtag.PayloadCompressor),
		PayloadFlags:      h.String(rpmtag.PayloadFlags),
		FileDigestAlgo:    rpmtag.HashAlgoMD5,
		Source:            h.Has(rpmtag.SourcePackage),
		SourceNEVR:        h.String(rpmtag.SourceNEVR),
		hdr:               h,
	}
	if f, ok := h.Int(rpmtag.RPMFormat); ok && f < 1<<16 {
		p.Format = int(f)
	}
	if e, ok := h.Int(rpmtag.Epoch); ok {
		e32 := uint32(e)
		p.Epoch = &e32
	}
	if t, ok := h.Int(rpmtag.BuildTime); ok {
		p.BuildTime = int64(t)
	}
	if s, ok := h.Int(rpmtag.LongSize); ok {
		p.Size = int64(s)
	} else if s, ok := h.Int(rpmtag.Size); ok {
		p.Size = int64(s)
	}
	if a, ok := h.Int(rpmtag.FileDigestAlgo); ok {
		p.FileDigestAlgo = uint32(a)
	}
	var err error
	deps := []struct {
		dst                  *[]Dependency
		name, flags, version int
		what                 string
	}{
		{&p.Provides, rpmtag.ProvideName, rpmtag.ProvideFlags, rpmtag.ProvideVersion, "provides"},
		{&p.Requires, rpmtag.RequireName, rpmtag.RequireFlags, rpmtag.RequireVersion, "requires"},
		{&p.Conflicts, rpmtag.ConflictName, rpmtag.ConflictFlags, rpmtag.ConflictVersion, "conflicts"},
		{&p.Obsoletes, rpmtag.ObsoleteName, rpmtag.ObsoleteFlags, rpmtag.ObsoleteVersion, "obsoletes"},
		{&p.Recommends, rpmtag.RecommendName, rpmtag.RecommendFlags, rpmtag.RecommendVersion, "recommends"},
		{&p.Suggests, rpmtag.SuggestName, rpmtag.SuggestFlags, rpmtag.SuggestVersion, "suggests"},
		{&p.Supplements, rpmtag.SupplementName, rpmtag.SupplementFlags, rpmtag.SupplementVersion, "supplements"},
		{&p.Enhances, rpmtag.EnhanceName, rpmtag.EnhanceFlags, rpmtag.EnhanceVersion, "enhances"},
	}
	for _, d := range deps {
		if *d.dst, err = readDeps(h, d.name, d.flags, d.version); err != nil {
			return nil, fmt.Errorf("%s: %w", d.what, err)
		}
	}
	p.Scripts = map[string]Script{}
	for name, tags := range scriptTags {
		body, hasBody := h.Tag(tags[0])
		prog, hasProg := h.Tag(tags[1])
		if !hasBody && !hasProg {
			continue
		}
		p.Scripts[name] = Script{Body: body.String(), Interpreter: prog.Strings}
	}
	if p.Files, err = readFiles(h); err != nil {
		return nil, err
	}
	p.links = p.hardlinkSets()
	return p, nil
}

func readDeps(h *Header, nameTag, flagsTag, versionTag int) ([]Dependency, error) {
	names := h.Strings(nameTag)
	if len(names) == 0 {
		return nil, nil
	}
	flags := h.Ints(flagsTag)
	versions := h.Strings(versionTag)
	if (flags != nil && len(flags) != len(names)) || (versions != nil && len(versions) != len(names)) {
		return nil, fmt.Errorf("%d names, %d flags, %d versions", len(names), len(flags), len(versions))
	}
	out := make([]Dependency, len(names))
	for i, n := range names {
		out[i].Name = n
		if flags != nil {
			out[i].Flags = uint32(flags[i])
		}
		if versions != nil {
			out[i].Version = versions[i]
		}
	}
	return out, nil
}

func readFiles(h *Header) ([]File, error) {
	var paths []string
	if base := h.Strings(rpmtag.BaseNames); base != nil {
		dirs := h.Strings(rpmtag.DirNames)
		idx := h.Ints(rpmtag.DirIndexes)
		if len(idx) != len(base) {
			return nil, fmt.Errorf("files: %d basenames but %d dirindexes", len(base), len(idx))
		}
		paths = make([]string, len(base))
		for i, b := range base {
			if idx[i] >= uint64(len(dirs)) {
				return nil, fmt.Errorf("files: dirindex %d out of range (%d dirnames)", idx[i], len(dirs))
			}
			paths[i] = dirs[idx[i]] + b
		}
	} else {
		paths = h.Strings(rpmtag.OldFileNames)
	}
	n := len(paths)
	if n == 0 {
		return nil, nil
	}
	// Optional parallel arrays: absent is fine, present must match.
	ints := func(tag int) ([]uint64, error) {
		v := h.Ints(tag)
		if v != nil && len(v) != n {
			return nil, fmt.Errorf("files: tag %d has %d entries for %d files", tag, len(v), n)
		}
		return v, nil
	}
	strs := func(tag int) ([]string, error) {
		v := h.Strings(tag)
		if v != nil && len(v) != n {
			return nil, fmt.Errorf("files: tag %d has %d entries for %d files", tag, len(v), n)
		}
		return v, nil
	}
	var err error
	var sizes, modes, mtimes, flags, inodes, devices, rdevs, colors, mimes []uint64
	var digests, users, groups, links, langs, caps []string
	for _, a := range []struct {
		dst *[]uint64
		tag int
	}{
		{&modes, rpmtag.FileModes}, {&mtimes, rpmtag.FileMTimes}, {&flags, rpmtag.FileFlags},
		{&inodes, rpmtag.FileINodes}, {&devices, rpmtag.FileDevices}, {&rdevs, rpmtag.FileRDevs},
		{&colors, rpmtag.FileColors}, {&mimes, rpmtag.FileMIMEIndex},
	} {
		if *a.dst, err = ints(a.tag); err != nil {
			return nil, err
		}
	}
	if h.Has(rpmtag.LongFileSizes) {
		sizes, err = ints(rpmtag.LongFileSizes)
	} else {
		sizes, err = ints(rpmtag.FileSizes)
	}
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		dst *[]string
		tag int
	}{
		{&digests, rpmtag.FileDigests}, {&users, rpmtag.FileUserName}, {&groups, rpmtag.FileGroupName},
		{&links, rpmtag.FileLinkTos}, {&langs, rpmtag.FileLangs}, {&caps, rpmtag.FileCaps},
	} {
		if *a.dst, err = strs(a.tag); err != nil {
			return nil, err
		}
	}
	at := func(v []uint64, i int) uint64 {
		if v == nil {
			return 0
		}
		return v[i]
	}
	st := func(v []string, i int) string {
		if v == nil {
			return ""
		}
		return v[i]
	}
	mimeDict := h.Strings(rpmtag.MIMEDict)
	files := make([]File, n)
	for i := range files {
		if mimes != nil && mimes[i] >= uint64(len(mimeDict)) {
			return nil, fmt.Errorf("files: %s: mime index %d out of range (%d in MIMEDICT)", paths[i], mimes[i], len(mimeDict))
		}
		if sizes != nil && sizes[i] > 1<<62 {
			return nil, fmt.Errorf("files: %s: size %d out of range", paths[i], sizes[i])
		}
		files[i] = File{
			Path:   paths[i],
			Size:   int64(at(sizes, i)),
			Mode:   uint32(at(modes, i)),
			MTime:  int64(uint32(at(mtimes, i))),
			Digest: st(digests, i),
			Flags:  uint32(at(flags, i)),
			User:   st(users, i),
			Group:  st(groups, i),
			LinkTo: st(links, i),
			Inode:  uint32(at(inodes, i)),
			Device: uint32(at(devices, i)),
			RDev:   uint16(at(rdevs, i)),
			Lang:   st(langs, i),
			Color:  uint32(at(colors, i)),
			Caps:   st(caps, i),
		}
		if mimes != nil {
			files[i].MIME = mimeDict[mimes[i]]
		}
	}
	return files, nil
}

// hardlinkSets groups the indexes of regular, non-ghost files that share
// device and inode, for sets of two or more, in ascending index order.
// rpm puts the content of such a set on its last member.
func (p *Package) hardlinkSets() map[int][]int {
	type key struct{ dev, ino uint32 }
	groups := map[key][]int{}
	for i := range p.Files {
		f := &p.Files[i]
		if !f.IsRegular() || f.IsGhost() || f.Inode == 0 {
			continue
		}
		k := key{f.Device, f.Inode}
		groups[k] = append(groups[k], i)
	}
	sets := map[int][]int{}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		for _, i := range g {
			sets[i] = g
		}
	}
	return sets
}

// NLink returns the link count of file i: the size of its hardlink set
// for regular files, 1 otherwise.
func (p *Package) NLink(i int) int {
	if s := p.links[i]; len(s) > 1 {
		return len(s)
	}
	return 1
}

// cleanPath reports whether p is absolute and clean.
func cleanPath(p string) bool { return len(p) > 0 && p[0] == '/' && path.Clean(p) == p }

// SourceName reports whether p is a file name a source package can
// hold: one path element.
func SourceName(p string) bool {
	return p != "" && p != "." && p != ".." && !strings.Contains(p, "/")
}
