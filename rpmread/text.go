package rpmread

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gotc-project/gotc/rpmtag"
)

// WriteText writes a human-readable view of p: what "rpm -qip" prints,
// then what "rpm -qp --requires", "--provides" (and the other dependency
// lists), "--scripts" and "-qlvp" print, then the digests. It differs
// from rpm where rpm's output depends on the machine: times are UTC, file
// times are always "2006-01-02 15:04", and the install date and
// signature lines are omitted (they are not facts of the package header).
// docs/inspect.md describes every line.
//
// Sections, each after an empty line and only when not empty:
//
//   - "Requires:", "Provides:", ... one dependency a line as rpm -q
//     --requires prints it, followed by rpm's %{REQUIREFLAGS:deptype} in
//     parentheses unless it is "manual": "/bin/sh (post,interp)".
//   - "Scriptlets:", exactly rpm -q --scripts.
//   - "Files:", the lines of rpm -qlv (directories with 2 links and size
//     0), each followed by the file's marks in spec syntax:
//     "%config(noreplace)", "%ghost", "%doc", "%license", "%lang(de)".
//   - "File digests (ALGO):", "DIGEST  PATH" per file with a digest, as
//     sha256sum prints them.
//   - "File MIME types:", "TYPE  PATH" per file with one (rpm 6 format).
//   - "Digests:" the package's digests of itself (Package.Digests), and
//     "Signatures:" the signature tags present (not checked here).
func WriteText(w io.Writer, p *Package) error {
	bw := bufio.NewWriter(w)
	writeInfo(bw, p)
	writeDeps(bw, p)
	if s := ScriptsText(p); s != "" {
		fmt.Fprintf(bw, "\nScriptlets:\n%s", s)
	}
	writeFiles(bw, p)
	writeDigests(bw, p)
	return bw.Flush()
}

// writeInfo writes the "Key : value" block of rpm -qi.
func writeInfo(bw *bufio.Writer, p *Package) {
	field := func(name, value string) { fmt.Fprintf(bw, "%-12s: %s\n", name, value) }
	none := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	field("Name", p.Name)
	if p.Epoch != nil {
		field("Epoch", fmt.Sprint(*p.Epoch))
	}
	field("Version", p.Version)
	field("Release", p.Release)
	field("Architecture", p.Arch)
	field("Group", p.Group)
	field("Size", fmt.Sprint(p.Size))
	field("License", p.License)
	field("Source RPM", none(p.SourceRPM))
	field("Build Date", time.Unix(p.BuildTime, 0).UTC().Format("Mon Jan _2 15:04:05 2006 UTC"))
	field("Build Host", p.BuildHost)
	for _, f := range []struct{ name, value string }{
		{"Packager", p.Packager}, {"Vendor", p.Vendor}, {"URL", p.URL}, {"Bug URL", p.hdr.String(rpmtag.BugURL)},
	} {
		if f.value != "" {
			field(f.name, f.value)
		}
	}
	field("Summary", p.Summary)
	if p.Format != 0 {
		field("Format", fmt.Sprint(p.Format))
	}
	if p.SourceNEVR != "" {
		field("Source NEVR", p.SourceNEVR)
	}
	field("Payload", payloadText(p))
	fmt.Fprintf(bw, "Description :\n%s\n", p.Description)
}

// payloadText describes the payload: "cpio, zstd, level 19".
func payloadText(p *Package) string {
	s := p.PayloadFormat
	if s == "" {
		s = "cpio"
	}
	switch {
	case p.PayloadCompressor == "":
		s += ", no compressor recorded (gzip or none)"
	default:
		s += ", " + p.PayloadCompressor
	}
	if f := p.PayloadFlags; f != "" {
		if strings.Trim(f, "0123456789") == "" {
			s += ", level " + f
		} else {
			s += ", flags " + f
		}
	}
	return s
}

// depSections are the dependency lists in the order WriteText prints them.
var depSections = []struct {
	title string
	get   func(*Package) []Dependency
}{
	{"Requires", func(p *Package) []Dependency { return p.Requires }},
	{"Provides", func(p *Package) []Dependency { return p.Provides }},
	{"Conflicts", func(p *Package) []Dependency { return p.Conflicts }},
	{"Obsoletes", func(p *Package) []Dependency { return p.Obsoletes }},
	{"Recommends", func(p *Package) []Dependency { return p.Recommends }},
	{"Suggests", func(p *Package) []Dependency { return p.Suggests }},
	{"Supplements", func(p *Package) []Dependency { return p.Supplements }},
	{"Enhances", func(p *Package) []Dependency { return p.Enhances }},
}

func writeDeps(bw *bufio.Writer, p *Package) {
	for _, sec := range depSections {
		deps := sec.get(p)
		if len(deps) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s:\n", sec.title)
		for _, d := range deps {
			if t := DepType(d.Flags); t != "manual" {
				fmt.Fprintf(bw, "  %s (%s)\n", d, t)
			} else {
				fmt.Fprintf(bw, "  %s\n", d)
			}
		}
	}
}

// scriptLabels are rpm --scripts' names of the scriptlets.
var scriptLabels = map[string]string{
	"pretrans": "pretrans", "pre": "preinstall", "post": "postinstall",
	"preun": "preuninstall", "postun": "postuninstall", "posttrans": "posttrans",
	"verify": "verify",
}

// ScriptsText renders the scriptlets as rpm -q --scripts does: per
// scriptlet "postinstall scriptlet (using /bin/sh):" and its body, or
// "postuninstall program: /sbin/ldconfig" for one without a body.
func ScriptsText(p *Package) string {
	var b strings.Builder
	for _, k := range ScriptNames {
		s, ok := p.Scripts[k]
		if !ok {
			continue
		}
		prog := ""
		for _, a := range s.Interpreter {
			prog += " " + a
		}
		switch hasBody := p.hdr.Has(scriptTags[k][0]); {
		case hasBody && prog != "":
			fmt.Fprintf(&b, "%s scriptlet (using%s):\n%s\n", scriptLabels[k], prog, s.Body)
		case hasBody:
			fmt.Fprintf(&b, "%s scriptlet:\n%s\n", scriptLabels[k], s.Body)
		case prog != "":
			fmt.Fprintf(&b, "%s program:%s\n", scriptLabels[k], prog)
		}
	}
	return b.String()
}

// writeFiles writes the rpm -qlv lines with the files' marks, then the
// file digests.
func writeFiles(bw *bufio.Writer, p *Package) {
	if len(p.Files) == 0 {
		return
	}
	fmt.Fprintf(bw, "\nFiles:\n")
	for i := range p.Files {
		f := &p.Files[i]
		nlink, size := p.NLink(i), fmt.Sprint(f.Size)
		if f.IsDir() {
			// Like rpm -qlv, whatever FILESIZES says (old rpmbuild
			// recorded 4096 for directories).
			nlink, size = 2, "0"
		}
		if t := f.Mode & 0o170000; t == 0o020000 || t == 0o060000 {
			size = fmt.Sprintf("%3d, %3d", f.RDev>>8, f.RDev&0xff)
		}
		name := f.Path
		if f.IsSymlink() {
			name += " -> " + f.LinkTo
		}
		if m := FileMarks(f); len(m) > 0 {
			name += "  " + strings.Join(m, " ")
		}
		fmt.Fprintf(bw, "%s %4d %-8s %-8s %10s %s %s\n", PermString(f.Mode), nlink,
			f.User, f.Group, size, time.Unix(f.MTime, 0).UTC().Format("2006-01-02 15:04"), name)
	}
	header := false
	for i := range p.Files {
		f := &p.Files[i]
		if f.Digest == "" || isZeros(f.Digest) {
			continue
		}
		if !header {
			fmt.Fprintf(bw, "\nFile digests (%s):\n", hashName(uint64(p.FileDigestAlgo)))
			header = true
		}
		fmt.Fprintf(bw, "%s  %s\n", f.Digest, f.Path)
	}
	header = false
	for i := range p.Files {
		f := &p.Files[i]
		if f.MIME == "" {
			continue
		}
		if !header {
			fmt.Fprintf(bw, "\nFile MIME types:\n")
			header = true
		}
		fmt.Fprintf(bw, "%s  %s\n", f.MIME, f.Path)
	}
}

// FileMarks renders a file's flags, language and capabilities as the
// spec directives that set them, in this order: "%config" (with
// "(missingok,noreplace)" as set), "%doc", "%license", "%readme",
// "%ghost", "%artifact", "%lang(de)", "%caps(cap_net_raw=ep)"; the
// other FILEFLAGS bits, which no directive sets alone, as their
// FileFlagNames name in brackets ("[missingok]", "[specfile]").
func FileMarks(f *File) []string {
	var out []string
	rest := f.Flags
	if f.Flags&rpmtag.FileConfig != 0 {
		var opts []string
		for _, o := range []struct {
			bit  uint32
			name string
		}{{rpmtag.FileMissingOK, "missingok"}, {rpmtag.FileNoReplace, "noreplace"}} {
			if f.Flags&o.bit != 0 {
				opts = append(opts, o.name)
				rest &^= o.bit
			}
		}
		m := "%config"
		if len(opts) > 0 {
			m += "(" + strings.Join(opts, ",") + ")"
		}
		out = append(out, m)
		rest &^= rpmtag.FileConfig
	}
	for _, d := range []struct {
		bit  uint32
		name string
	}{
		{rpmtag.FileDoc, "%doc"}, {rpmtag.FileLicense, "%license"}, {rpmtag.FileReadme, "%readme"},
		{rpmtag.FileGhost, "%ghost"}, {rpmtag.FileArtifact, "%artifact"},
	} {
		if f.Flags&d.bit != 0 {
			out = append(out, d.name)
			rest &^= d.bit
		}
	}
	if f.Lang != "" {
		out = append(out, "%lang("+f.Lang+")")
	}
	if f.Caps != "" {
		out = append(out, "%caps("+f.Caps+")")
	}
	for _, n := range FileFlagNames(rest) {
		out = append(out, "["+n+"]")
	}
	return out
}

// writeDigests writes the package's digests and signature tags, names
// aligned.
func writeDigests(bw *bufio.Writer, p *Package) {
	ds := p.Digests()
	if len(ds) > 0 {
		width := 0
		for _, d := range ds {
			width = max(width, len(d.Name))
		}
		fmt.Fprintf(bw, "\nDigests:\n")
		for _, d := range ds {
			fmt.Fprintf(bw, "  %-*s  %s\n", width, d.Name, d.Value)
		}
	}
	if sigs := p.Signatures(); len(sigs) > 0 {
		fmt.Fprintf(bw, "\nSignatures:\n")
		for _, s := range sigs {
			fmt.Fprintf(bw, "  %s\n", s)
		}
	}
}

// DepType names a dependency's kind as rpm's %{REQUIREFLAGS:deptype}
// does: the comma-separated list of "pre", "post", "preun", "postun",
// "verify", "interp", "rpmlib", "auto" (generated), "prereq",
// "pretrans", "posttrans", "preuntrans", "postuntrans", "config",
// "missingok" and "meta" for the bits set, "manual" when none is.
func DepType(flags uint32) string {
	var out []string
	for _, b := range []struct {
		bits uint32
		name string
	}{
		{rpmtag.SenseScriptPre, "pre"}, {rpmtag.SenseScriptPost, "post"},
		{rpmtag.SenseScriptPreun, "preun"}, {rpmtag.SenseScriptPostun, "postun"},
		{rpmtag.SenseScriptVerify, "verify"}, {rpmtag.SenseInterp, "interp"},
		{rpmtag.SenseRPMLib, "rpmlib"}, {rpmtag.SenseFindRequires | rpmtag.SenseFindProvides, "auto"},
		{rpmtag.SensePrereq, "prereq"}, {rpmtag.SensePretrans, "pretrans"},
		{rpmtag.SensePosttrans, "posttrans"}, {rpmtag.SensePreUntrans, "preuntrans"},
		{rpmtag.SensePostUntrans, "postuntrans"}, {rpmtag.SenseConfig, "config"},
		{rpmtag.SenseMissingOK, "missingok"}, {rpmtag.SenseMeta, "meta"},
	} {
		if flags&b.bits != 0 {
			out = append(out, b.name)
		}
	}
	if len(out) == 0 {
		return "manual"
	}
	return strings.Join(out, ",")
}

// PermString renders st_mode like ls -l: "-rwxr-xr-x", "drwxr-xr-x",
// "lrwxrwxrwx", with s/S/t/T for setuid, setgid and sticky.
func PermString(mode uint32) string {
	var b strings.Builder
	switch mode & 0o170000 {
	case 0o100000:
		b.WriteByte('-')
	case 0o040000:
		b.WriteByte('d')
	case 0o120000:
		b.WriteByte('l')
	case 0o020000:
		b.WriteByte('c')
	case 0o060000:
		b.WriteByte('b')
	case 0o010000:
		b.WriteByte('p')
	case 0o140000:
		b.WriteByte('s')
	default:
		b.WriteByte('?')
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		c := byte('-')
		if mode&(1<<(8-i)) != 0 {
			c = rwx[i]
		}
		special := (i == 2 && mode&0o4000 != 0) || (i == 5 && mode&0o2000 != 0) || (i == 8 && mode&0o1000 != 0)
		if special {
			lower, upper := byte('s'), byte('S')
			if i == 8 {
				lower, upper = 't', 'T'
			}
			if c == '-' {
				c = upper
			} else {
				c = lower
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
