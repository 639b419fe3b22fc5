// Package rpmdiff compares two RPM packages by content: the main header's
// tags, the dependency lists, the scriptlets and the file list, as read by
// gotc/rpmread. It is what "gotc-rpm diff" prints.
//
// By default it ignores what depends on how and when a package was built
// rather than on what it contains (see DefaultIgnored); Options.Strict
// compares everything, down to the lead and the signature header. Every
// header tag that is not compared by meaning (files by path, dependencies
// as multisets, scriptlets by name) is compared by its raw value, so a tag
// this package has never heard of still shows up.
package rpmdiff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// Kinds of Difference.
const (
	KindLead       = "lead"       // a field of the 96-byte lead (strict only)
	KindSignature  = "signature"  // a signature header tag (strict only)
	KindTag        = "tag"        // a main header tag, compared by value
	KindDependency = "dependency" // an entry of a dependency list
	KindScript     = "script"     // a scriptlet
	KindFile       = "file"       // an entry of the file list
)

// Difference is one way in which package A differs from package B.
type Difference struct {
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Name is what differs: the tag name ("summary", or "tag 5999" for a
	// tag rpm does not name), the file path, the dependency list
	// ("requires", "provides", ...), the scriptlet ("post") or the lead
	// field ("name").
	Name string `json:"name"`
	// Field is the part of Name that differs: for files "size", "mode",
	// "digest", "user", "group", "flags", "link", ...; for scriptlets
	// "body" or "interpreter"; for array tags the index ("[2]"). It is ""
	// when the whole item differs or is missing on one side.
	Field string `json:"field"`
	// A and B are the rendered values; "" means absent on that side. A
	// present empty string renders as `""`; strings that are empty, have
	// leading or trailing space, or hold newlines or other unprintable
	// characters are quoted in Go syntax.
	A string `json:"a"`
	B string `json:"b"`
}

// String renders d on one line, as WriteText prints it:
//
//	summary: old text → new text
//	file /usr/bin/x: mode 0100755 → 0100644
//	file /usr/bin/y: only in B: -rwxr-xr-x root root 1234
//	requires: only in A: libc.so.6()(64bit)
func (d Difference) String() string {
	subject := d.Kind + " " + d.Name
	if d.Kind == KindTag || d.Kind == KindDependency {
		subject = d.Name
	}
	switch {
	case d.Field != "":
		return subject + ": " + d.Field + " " + orAbsent(d.A) + " → " + orAbsent(d.B)
	case d.A == "":
		return subject + ": only in B: " + d.B
	case d.B == "":
		return subject + ": only in A: " + d.A
	}
	return subject + ": " + d.A + " → " + d.B
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

// Options select what Compare compares.
type Options struct {
	// Strict compares everything: the lead, the signature header, every
	// main header tag including DefaultIgnored, file mtimes, inodes,
	// devices, colors, classes and per-file dependencies, and the
	// rpmlib(PayloadIs...) requirements.
	Strict bool
}

// DefaultIgnored lists the main header tags Compare skips unless
// Options.Strict is set: facts of the build, not of the content. Besides
// these, the default comparison skips the signature header and the lead,
// the per-file mtimes, inodes, devices, colors, classes and file
// dependency indexes, and the requirements in PayloadRPMLibDeps.
var DefaultIgnored = []int{
	61, 62, 63, 64, // header regions: structure, not data
	rpmtag.BuildTime,
	rpmtag.BuildHost,
	rpmtag.RPMVersion,
	1094, // COOKIE: build host and time
	rpmtag.OptFlags,
	rpmtag.PayloadCompressor,
	rpmtag.PayloadFlags, // compression level
	rpmtag.Platform,
	1131,               // RHNPLATFORM: the build platform, in old packages
	rpmtag.SourcePkgID, // digest of the source package
	rpmtag.PayloadDigest,
	rpmtag.PayloadDigestAlgo,
	rpmtag.PayloadDigestAlt,
	rpmtag.PayloadSHA512, rpmtag.PayloadSHA512Alt, // rpm 6 format
	rpmtag.PayloadSHA3_256, rpmtag.PayloadSHA3_256Alt,
	rpmtag.PayloadSize,    // the compressed size
	rpmtag.PayloadSizeAlt, // the cpio size: follows from the files compared
	5090, 5091,            // FILESIGNATURES, FILESIGNATURELENGTH (IMA signatures)
}

// PayloadRPMLibDeps are the requirements rpmbuild adds for the payload
// compressor; they are ignored unless Options.Strict is set. Other
// rpmlib() requirements are compared.
var PayloadRPMLibDeps = []string{
	"rpmlib(PayloadIsBzip2)",
	"rpmlib(PayloadIsLzma)",
	"rpmlib(PayloadIsXz)",
	"rpmlib(PayloadIsZstd)",
}

// Compare returns the differences between packages a and b, in a
// deterministic order: lead and signature header (strict only), then the
// main headers' tags in ascending tag number, then dependencies by list
// and entry, then scriptlets, then files by path.
//
// Compare reads headers only. Whether the payloads are intact is the
// caller's to check (Reader.Verify), since the file list it compares is
// what the header records, not what the payload holds.
func Compare(a, b *rpmread.Reader, opt Options) []Difference {
	var c comparer
	c.opt = opt
	if opt.Strict {
		c.lead(a.Lead, b.Lead)
		c.header(KindSignature, a.Signature, b.Signature, sigTagName, func(int) bool { return false })
	}
	c.pkg(a.Package, b.Package)
	return c.out
}

type comparer struct {
	opt Options
	out []Difference
}

func (c *comparer) add(kind, name, field, a, b string) {
	c.out = append(c.out, Difference{Kind: kind, Name: name, Field: field, A: a, B: b})
}

func (c *comparer) pkg(a, b *rpmread.Package) {
	ignored := map[int]bool{}
	if !c.opt.Strict {
		for _, n := range DefaultIgnored {
			ignored[n] = true
		}
	}
	ha, hb := a.Header(), b.Header()
	c.header(KindTag, ha, hb, mainTagName, func(n int) bool {
		if ignored[n] {
			return true
		}
		if !handledTags[n] {
			return false
		}
		// Compared by meaning below. In strict mode a tag that only one
		// side has is still reported (FILESIZES against LONGFILESIZES).
		return !c.opt.Strict || ha.Has(n) == hb.Has(n)
	})
	if a.Size != b.Size {
		// SIZE or LONGSIZE, whichever each has (rpm 6 format always
		// writes LONGSIZE).
		c.add(KindTag, "size", "", strconv.FormatInt(a.Size, 10), strconv.FormatInt(b.Size, 10))
	}
	c.deps(a, b)
	c.scripts(a, b)
	c.files(a, b)
}

// lead compares the fields of the lead.
func (c *comparer) lead(a, b rpmread.Lead) {
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"version", fmt.Sprintf("%d.%d", a.Major, a.Minor), fmt.Sprintf("%d.%d", b.Major, b.Minor)},
		{"type", strconv.Itoa(int(a.Type)), strconv.Itoa(int(b.Type))},
		{"arch", strconv.Itoa(int(a.Arch)), strconv.Itoa(int(b.Arch))},
		{"name", quote(a.Name), quote(b.Name)},
		{"os", strconv.Itoa(int(a.OS)), strconv.Itoa(int(b.OS))},
		{"signaturetype", strconv.Itoa(int(a.SignatureType)), strconv.Itoa(int(b.SignatureType))},
	} {
		if f.a != f.b {
			c.add(KindLead, f.name, "", f.a, f.b)
		}
	}
}

// header compares every tag of two headers that skip does not exclude, by
// raw value, in ascending tag order.
func (c *comparer) header(kind string, a, b *rpmread.Header, name func(int) string, skip func(int) bool) {
	var tags []int
	for _, h := range []*rpmread.Header{a, b} {
		if h == nil {
			continue
		}
		for _, v := range h.Entries() {
			tags = append(tags, v.Tag)
		}
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	for _, n := range tags {
		if skip(n) {
			continue
		}
		va, oka := a.Tag(n)
		vb, okb := b.Tag(n)
		switch {
		case !oka:
			c.add(kind, name(n), "", "", renderValue(vb))
		case !okb:
			c.add(kind, name(n), "", renderValue(va), "")
		default:
			c.value(kind, name(n), va, vb)
		}
	}
}

// value compares one tag present in both headers.
func (c *comparer) value(kind, name string, a, b rpmread.Value) {
	if a.Type != b.Type {
		c.add(kind, name, "type", typeName(a.Type), typeName(b.Type))
	}
	if slices.Equal(a.Strings, b.Strings) && slices.Equal(a.Ints, b.Ints) && string(a.Bytes) == string(b.Bytes) {
		return
	}
	na, nb := len(a.Strings)+len(a.Ints), len(b.Strings)+len(b.Ints)
	if a.Bytes != nil || b.Bytes != nil || na != nb || na < 2 {
		c.add(kind, name, "", renderValue(a), renderValue(b))
		return
	}
	// Arrays of the same length: one difference per element.
	for i := range na {
		ea, eb := element(a, i), element(b, i)
		if ea != eb {
			c.add(kind, name, "["+strconv.Itoa(i)+"]", ea, eb)
		}
	}
}

func element(v rpmread.Value, i int) string {
	if v.Strings != nil {
		return quote(v.Strings[i])
	}
	return strconv.FormatUint(v.Ints[i], 10)
}

// renderValue renders a whole tag value: a scalar as itself, an array as
// [x, y, ...] with its strings quoted, binary data as hex.
func renderValue(v rpmread.Value) string {
	switch {
	case v.Bytes != nil:
		return fmt.Sprintf("%x", v.Bytes)
	case len(v.Strings) == 1 && v.Type != rpmtag.TypeStringArray:
		return quote(v.Strings[0])
	case len(v.Ints) == 1:
		return strconv.FormatUint(v.Ints[0], 10)
	}
	parts := make([]string, 0, len(v.Strings)+len(v.Ints))
	for _, s := range v.Strings {
		parts = append(parts, strconv.Quote(s))
	}
	for _, n := range v.Ints {
		parts = append(parts, strconv.FormatUint(n, 10))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func typeName(t int) string {
	names := []string{"NULL", "CHAR", "INT8", "INT16", "INT32", "INT64", "STRING", "BIN", "STRING_ARRAY", "I18NSTRING"}
	if t >= 0 && t < len(names) {
		return names[t]
	}
	return "type " + strconv.Itoa(t)
}

// quote returns s as it is when it reads unambiguously on one line, else
// in Go syntax.
func quote(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.HasPrefix(s, `"`) || strings.Contains(s, "→") ||
		!utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

func mainTagName(n int) string {
	if s, ok := mainTagNames[n]; ok {
		return s
	}
	if s, ok := rpm6TagNames[n]; ok {
		return s
	}
	return "tag " + strconv.Itoa(n)
}

// sigTagNames are rpm's names of the signature header tags (RPMSIGTAG_*).
var sigTagNames = map[int]string{
	62: "headersignatures", 264: "badsha1_1", 265: "badsha1_2",
	267: "dsa", 268: "rsa", 269: "sha1", 270: "longsize", 271: "longarchivesize",
	273: "sha256", 274: "filesignatures", 275: "filesignaturelength",
	276: "veritysignatures", 277: "veritysignaturealgo", 278: "openpgp",
	279: "sha3_256", 999: "reserved",
	1000: "size", 1001: "lemd5_1", 1002: "pgp", 1003: "lemd5_2", 1004: "md5",
	1005: "gpg", 1006: "pgp5", 1007: "payloadsize", 1008: "reservedspace",
}

func sigTagName(n int) string {
	if s, ok := sigTagNames[n]; ok {
		return s
	}
	return "tag " + strconv.Itoa(n)
}

// depLists are the dependency lists, in output order, with their tags.
var depLists = []struct {
	name                 string
	get                  func(*rpmread.Package) []rpmread.Dependency
	nameTag, flags, vers int
}{
	{"requires", func(p *rpmread.Package) []rpmread.Dependency { return p.Requires }, rpmtag.RequireName, rpmtag.RequireFlags, rpmtag.RequireVersion},
	{"provides", func(p *rpmread.Package) []rpmread.Dependency { return p.Provides }, rpmtag.ProvideName, rpmtag.ProvideFlags, rpmtag.ProvideVersion},
	{"conflicts", func(p *rpmread.Package) []rpmread.Dependency { return p.Conflicts }, rpmtag.ConflictName, rpmtag.ConflictFlags, rpmtag.ConflictVersion},
	{"obsoletes", func(p *rpmread.Package) []rpmread.Dependency { return p.Obsoletes }, rpmtag.ObsoleteName, rpmtag.ObsoleteFlags, rpmtag.ObsoleteVersion},
	{"recommends", func(p *rpmread.Package) []rpmread.Dependency { return p.Recommends }, rpmtag.RecommendName, rpmtag.RecommendFlags, rpmtag.RecommendVersion},
	{"suggests", func(p *rpmread.Package) []rpmread.Dependency { return p.Suggests }, rpmtag.SuggestName, rpmtag.SuggestFlags, rpmtag.SuggestVersion},
	{"supplements", func(p *rpmread.Package) []rpmread.Dependency { return p.Supplements }, rpmtag.SupplementName, rpmtag.SupplementFlags, rpmtag.SupplementVersion},
	{"enhances", func(p *rpmread.Package) []rpmread.Dependency { return p.Enhances }, rpmtag.EnhanceName, rpmtag.EnhanceFlags, rpmtag.EnhanceVersion},
}

// fileTags are the tags compared per file, by path.
var fileTags = []int{
	rpmtag.OldFileNames, rpmtag.FileSizes, rpmtag.FileModes, rpmtag.FileRDevs,
	rpmtag.FileMTimes, rpmtag.FileDigests, rpmtag.FileLinkTos, rpmtag.FileFlags,
	rpmtag.FileUserName, rpmtag.FileGroupName, rpmtag.FileVerifyFlags,
	rpmtag.FileDevices, rpmtag.FileINodes, rpmtag.FileLangs, rpmtag.DirIndexes,
	rpmtag.BaseNames, rpmtag.DirNames, rpmtag.FileColors, rpmtag.FileClass,
	rpmtag.ClassDict, rpmtag.FileDependsX, rpmtag.FileDependsN, rpmtag.DependsDict,
	rpmtag.LongFileSizes, rpmtag.FileCaps, rpmtag.FileMIMEIndex, rpmtag.MIMEDict,
}

// handledTags are the tags compared by meaning rather than by raw value.
var handledTags = func() map[int]bool {
	m := map[int]bool{}
	for _, d := range depLists {
		m[d.nameTag], m[d.flags], m[d.vers] = true, true, true
	}
	for _, n := range fileTags {
		m[n] = true
	}
	m[rpmtag.Size], m[rpmtag.LongSize] = true, true
	for _, tags := range []int{
		rpmtag.PreTrans, rpmtag.PreTransProg, rpmtag.PreIn, rpmtag.PreInProg,
		rpmtag.PostIn, rpmtag.PostInProg, rpmtag.PreUn, rpmtag.PreUnProg,
		rpmtag.PostUn, rpmtag.PostUnProg, rpmtag.PostTrans, rpmtag.PostTransProg,
		rpmtag.VerifyScript, rpmtag.VerifyScriptProg,
	} {
		m[tags] = true
	}
	return m
}()

type depKey struct {
	name, version string
	flags         uint32
}

// deps compares each dependency list as a multiset of (name, flags,
// version).
func (c *comparer) deps(a, b *rpmread.Package) {
	skip := map[string]bool{}
	if !c.opt.Strict {
		for _, n := range PayloadRPMLibDeps {
			skip[n] = true
		}
	}
	for _, l := range depLists {
		count := map[depKey]int{}
		for i, list := range [][]rpmread.Dependency{l.get(a), l.get(b)} {
			for _, d := range list {
				if l.name == "requires" && skip[d.Name] {
					continue
				}
				count[depKey{d.Name, d.Version, d.Flags}] += 1 - 2*i
			}
		}
		keys := make([]depKey, 0, len(count))
		for k, n := range count {
			if n != 0 {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(x, y depKey) int {
			return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.version, y.version), cmp.Compare(x.flags, y.flags))
		})
		for _, k := range keys {
			s := renderDep(rpmread.Dependency{Name: k.name, Flags: k.flags, Version: k.version})
			for n := count[k]; n > 0; n-- {
				c.add(KindDependency, l.name, "", s, "")
			}
			for n := count[k]; n < 0; n++ {
				c.add(KindDependency, l.name, "", "", s)
			}
		}
	}
}

// renderDep renders a dependency as rpm -q --requires does, followed by
// its sense flags other than the comparison in brackets:
// "/bin/sh [interp,post]", "foo >= 1.2", "rpmlib(PayloadIsZstd) <= 5.4.18-1 [rpmlib]".
func renderDep(d rpmread.Dependency) string {
	s := d.String()
	flags := rpmread.DepFlagNames(d.Flags)
	if cmpBits := d.Flags & rpmtag.SenseCompareMask; cmpBits != 0 && d.Version != "" {
		flags = flags[len(rpmread.DepFlagNames(cmpBits)):]
	} else if d.Version != "" {
		s += " " + d.Version // a version without a comparison
	}
	if len(flags) > 0 {
		s += " [" + strings.Join(flags, ",") + "]"
	}
	return s
}

// scripts compares the scriptlets by name: interpreter and body.
func (c *comparer) scripts(a, b *rpmread.Package) {
	for _, name := range rpmread.ScriptNames {
		sa, oka := a.Scripts[name]
		sb, okb := b.Scripts[name]
		switch {
		case !oka && !okb:
		case !oka:
			c.add(KindScript, name, "", "", renderScript(sb))
		case !okb:
			c.add(KindScript, name, "", renderScript(sa), "")
		default:
			if ia, ib := renderInterp(sa.Interpreter), renderInterp(sb.Interpreter); ia != ib {
				c.add(KindScript, name, "interpreter", ia, ib)
			}
			if sa.Body != sb.Body {
				c.add(KindScript, name, "body", quote(sa.Body), quote(sb.Body))
			}
		}
	}
}

func renderInterp(args []string) string {
	if args == nil {
		return "(default)"
	}
	return quote(strings.Join(args, " "))
}

func renderScript(s rpmread.Script) string {
	return renderInterp(s.Interpreter) + " " + quote(s.Body)
}

// fileInfo is what is compared of one file, with the extra per-file tags
// the rpmread model does not carry.
type fileInfo struct {
	*rpmread.File
	verify, class, depends, hardlinks, caps string
}

// fileTable returns p's files by path, with their per-file extras.
func fileTable(p *rpmread.Package) map[string]fileInfo {
	h := p.Header()
	n := len(p.Files)
	ints := func(tag int) []uint64 {
		if v := h.Ints(tag); len(v) == n {
			return v
		}
		return nil
	}
	strs := func(tag int) []string {
		if v := h.Strings(tag); len(v) == n {
			return v
		}
		return nil
	}
	verify, class, dx, dn := ints(rpmtag.FileVerifyFlags), ints(rpmtag.FileClass), ints(rpmtag.FileDependsX), ints(rpmtag.FileDependsN)
	caps := strs(rpmtag.FileCaps)
	classDict, dict := h.Strings(rpmtag.ClassDict), h.Ints(rpmtag.DependsDict)

	// Hardlink sets: regular, non-ghost files sharing device and inode.
	type ino struct{ dev, ino uint32 }
	sets := map[ino][]string{}
	for i := range p.Files {
		f := &p.Files[i]
		if f.IsRegular() && !f.IsGhost() && f.Inode != 0 {
			k := ino{f.Device, f.Inode}
			sets[k] = append(sets[k], f.Path)
		}
	}

	out := make(map[string]fileInfo, n)
	for i := range p.Files {
		f := &p.Files[i]
		if _, dup := out[f.Path]; dup {
			continue
		}
		fi := fileInfo{File: f, verify: "(absent)", class: "(absent)", depends: "(absent)", hardlinks: "none", caps: "(absent)"}
		if verify != nil {
			fi.verify = fmt.Sprintf("0x%x", verify[i])
		}
		if caps != nil {
			fi.caps = quote(caps[i])
		}
		if class != nil {
			fi.class = fmt.Sprintf("#%d", class[i])
			if class[i] < uint64(len(classDict)) {
				fi.class = quote(classDict[class[i]])
			}
		}
		if dx != nil && dn != nil {
			fi.depends = fileDepends(p, dict, dx[i], dn[i])
		}
		if set := sets[ino{f.Device, f.Inode}]; f.IsRegular() && !f.IsGhost() && f.Inode != 0 && len(set) > 1 {
			s := slices.Clone(set)
			slices.Sort(s)
			fi.hardlinks = strings.Join(s, ", ")
		}
		out[f.Path] = fi
	}
	return out
}

// fileDepends renders the dependencies DEPENDSDICT[x:x+n] attributes to a
// file: "R /bin/sh, P libfoo.so.1()(64bit)".
func fileDepends(p *rpmread.Package, dict []uint64, x, n uint64) string {
	if n == 0 {
		return "none"
	}
	if x > uint64(len(dict)) || n > uint64(len(dict))-x {
		return fmt.Sprintf("(out of range: %d+%d of %d)", x, n, len(dict))
	}
	var parts []string
	for _, d := range dict[x : x+n] {
		kind, idx := byte(d>>24), d&0xffffff
		var list []rpmread.Dependency
		switch kind {
		case 'R':
			list = p.Requires
		case 'P':
			list = p.Provides
		}
		if idx < uint64(len(list)) {
			parts = append(parts, string(kind)+" "+renderDep(list[idx]))
		} else {
			parts = append(parts, fmt.Sprintf("0x%08x", d))
		}
	}
	return strings.Join(parts, ", ")
}

// describe renders a whole file, for a file only one side has:
// "-rwxr-xr-x root root 1234", "lrwxrwxrwx root root 8 -> data.txt".
func describe(f fileInfo) string {
	s := fmt.Sprintf("%s %s %s %d", rpmread.PermString(f.Mode), quote(f.User), quote(f.Group), f.Size)
	if f.LinkTo != "" {
		s += " -> " + quote(f.LinkTo)
	}
	if f.Flags != 0 {
		s += " [" + strings.Join(rpmread.FileFlagNames(f.Flags), ",") + "]"
	}
	return s
}

// files compares the file lists by path.
func (c *comparer) files(a, b *rpmread.Package) {
	ta, tb := fileTable(a), fileTable(b)
	paths := make([]string, 0, len(ta)+len(tb))
	for p := range ta {
		paths = append(paths, p)
	}
	for p := range tb {
		if _, ok := ta[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, path := range paths {
		fa, oka := ta[path]
		fb, okb := tb[path]
		switch {
		case !oka:
			c.add(KindFile, path, "", "", describe(fb))
		case !okb:
			c.add(KindFile, path, "", describe(fa), "")
		default:
			c.file(path, fa, fb)
		}
	}
}

// mime renders a file's MIME type; packages before rpm 6's format have
// none.
func mime(s string) string {
	if s == "" {
		return "(absent)"
	}
	return quote(s)
}

func (c *comparer) file(path string, a, b fileInfo) {
	flags := func(f uint32) string {
		if f == 0 {
			return "none"
		}
		return strings.Join(rpmread.FileFlagNames(f), ",")
	}
	fields := []struct {
		name   string
		strict bool
		a, b   string
	}{
		{"size", false, strconv.FormatInt(a.Size, 10), strconv.FormatInt(b.Size, 10)},
		{"mode", false, fmt.Sprintf("0%o", a.Mode), fmt.Sprintf("0%o", b.Mode)},
		{"digest", false, quote(a.Digest), quote(b.Digest)},
		{"user", false, quote(a.User), quote(b.User)},
		{"group", false, quote(a.Group), quote(b.Group)},
		{"flags", false, flags(a.Flags), flags(b.Flags)},
		{"link", false, quote(a.LinkTo), quote(b.LinkTo)},
		{"lang", false, quote(a.Lang), quote(b.Lang)},
		{"rdev", false, strconv.Itoa(int(a.RDev)), strconv.Itoa(int(b.RDev))},
		{"verify", false, a.verify, b.verify},
		{"caps", false, a.caps, b.caps},
		{"hardlinks", false, a.hardlinks, b.hardlinks},
		{"mtime", true, strconv.FormatInt(a.MTime, 10), strconv.FormatInt(b.MTime, 10)},
		{"inode", true, strconv.FormatUint(uint64(a.Inode), 10), strconv.FormatUint(uint64(b.Inode), 10)},
		{"device", true, strconv.FormatUint(uint64(a.Device), 10), strconv.FormatUint(uint64(b.Device), 10)},
		{"color", true, strconv.FormatUint(uint64(a.Color), 10), strconv.FormatUint(uint64(b.Color), 10)},
		{"class", true, a.class, b.class},
		{"mime", true, mime(a.MIME), mime(b.MIME)},
		{"depends", true, a.depends, b.depends},
	}
	for _, f := range fields {
		if (c.opt.Strict || !f.strict) && f.a != f.b {
			c.add(KindFile, path, f.name, f.a, f.b)
		}
	}
}
