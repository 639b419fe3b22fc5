package rpmread

import (
	"fmt"
	"io"
	"math/bits"
	"strings"

	"github.com/gotc-project/gotc/internal/jsonout"
	"github.com/gotc-project/gotc/rpmtag"
)

// JSONPackage is the JSON view of a package printed by
// "gotc-rpm inspect --json". Field order and names are part of the
// interface; see doc.go for the schema.
type JSONPackage struct {
	Name              string  `json:"name"`
	Epoch             *uint32 `json:"epoch"`
	Version           string  `json:"version"`
	Release           string  `json:"release"`
	Arch              string  `json:"arch"`
	Summary           string  `json:"summary"`
	Description       string  `json:"description"`
	License           string  `json:"license"`
	Group             string  `json:"group"`
	URL               string  `json:"url"`
	Vendor            string  `json:"vendor"`
	Packager          string  `json:"packager"`
	SourceRPM         string  `json:"sourcerpm"`
	BuildTime         int64   `json:"buildtime"`
	BuildHost         string  `json:"buildhost"`
	Size              int64   `json:"size"`
	PayloadFormat     string  `json:"payloadformat"`
	PayloadCompressor string  `json:"payloadcompressor"`
	PayloadFlags      string  `json:"payloadflags"`
	// Format is RPMFORMAT (6), null when absent.
	Format      *int             `json:"rpmformat"`
	SourceNEVR  string           `json:"sourcenevr"`
	Requires    []JSONDependency `json:"requires"`
	Provides    []JSONDependency `json:"provides"`
	Conflicts   []JSONDependency `json:"conflicts"`
	Obsoletes   []JSONDependency `json:"obsoletes"`
	Recommends  []JSONDependency `json:"recommends"`
	Suggests    []JSONDependency `json:"suggests"`
	Supplements []JSONDependency `json:"supplements"`
	Enhances    []JSONDependency `json:"enhances"`
	Scripts     JSONScripts      `json:"scripts"`
	// Interpreters holds each scriptlet's program and arguments joined
	// by spaces ("/bin/sh", "<lua>"), "" where the package has none.
	Interpreters JSONScripts  `json:"interpreters"`
	Files        []JSONFile   `json:"files"`
	Digests      []JSONDigest `json:"digests"`
	// Signatures names the signature tags present (not checked).
	Signatures []string `json:"signatures"`
}

// JSONDigest is one digest the package records about itself (see
// Package.Digests).
type JSONDigest struct {
	Name  string `json:"name"`
	Tag   int    `json:"tag"`
	Value string `json:"value"`
}

// JSONDependency is one dependency; Flags are the names of its sense bits
// (see DepFlagNames).
type JSONDependency struct {
	Name    string   `json:"name"`
	Flags   []string `json:"flags"`
	Version string   `json:"version"`
}

// JSONScripts holds the scriptlet bodies, "" where the package has none
// (or only a -p program without a body).
type JSONScripts struct {
	Pre       string `json:"pre"`
	Post      string `json:"post"`
	Preun     string `json:"preun"`
	Postun    string `json:"postun"`
	Pretrans  string `json:"pretrans"`
	Posttrans string `json:"posttrans"`
	Verify    string `json:"verify"`
}

// JSONFile is one file of the header's file list, in header order.
type JSONFile struct {
	Path   string   `json:"path"`
	Size   int64    `json:"size"`
	Mode   uint32   `json:"mode"`
	MTime  int64    `json:"mtime"`
	Digest string   `json:"digest"`
	Flags  []string `json:"flags"`
	User   string   `json:"user"`
	Group  string   `json:"group"`
	Link   string   `json:"link"`
	Lang   string   `json:"lang"`
	Caps   string   `json:"caps"`
	MIME   string   `json:"mime"`
}

// JSON returns the JSON view of p. Lists are never nil, so they encode as
// [] rather than null.
func (p *Package) JSON() JSONPackage {
	body := func(s Script) string { return s.Body }
	interp := func(s Script) string { return strings.Join(s.Interpreter, " ") }
	j := JSONPackage{
		Name: p.Name, Epoch: p.Epoch, Version: p.Version, Release: p.Release,
		Arch: p.Arch, Summary: p.Summary, Description: p.Description, License: p.License,
		Group: p.Group, URL: p.URL, Vendor: p.Vendor, Packager: p.Packager,
		SourceRPM: p.SourceRPM, BuildTime: p.BuildTime, BuildHost: p.BuildHost, Size: p.Size,
		PayloadFormat: p.PayloadFormat, PayloadCompressor: p.PayloadCompressor, PayloadFlags: p.PayloadFlags,
		SourceNEVR:   p.SourceNEVR,
		Requires:     jsonDeps(p.Requires),
		Provides:     jsonDeps(p.Provides),
		Conflicts:    jsonDeps(p.Conflicts),
		Obsoletes:    jsonDeps(p.Obsoletes),
		Recommends:   jsonDeps(p.Recommends),
		Suggests:     jsonDeps(p.Suggests),
		Supplements:  jsonDeps(p.Supplements),
		Enhances:     jsonDeps(p.Enhances),
		Scripts:      p.jsonScripts(body),
		Interpreters: p.jsonScripts(interp),
		Files:        make([]JSONFile, len(p.Files)),
		Digests:      []JSONDigest{},
		Signatures:   append([]string{}, p.Signatures()...),
	}
	if p.Format != 0 {
		f := p.Format
		j.Format = &f
	}
	for _, d := range p.Digests() {
		j.Digests = append(j.Digests, JSONDigest{Name: d.Name, Tag: d.Tag, Value: d.Value})
	}
	for i, f := range p.Files {
		d := f.Digest
		if isZeros(d) {
			d = ""
		}
		j.Files[i] = JSONFile{
			Path: f.Path, Size: f.Size, Mode: f.Mode, MTime: f.MTime, Digest: d,
			Flags: FileFlagNames(f.Flags), User: f.User, Group: f.Group, Link: f.LinkTo,
			Lang: f.Lang, Caps: f.Caps, MIME: f.MIME,
		}
	}
	return j
}

// jsonScripts applies get to each scriptlet, "" for those absent.
func (p *Package) jsonScripts(get func(Script) string) JSONScripts {
	v := func(name string) string {
		s, ok := p.Scripts[name]
		if !ok {
			return ""
		}
		return get(s)
	}
	return JSONScripts{
		Pre: v("pre"), Post: v("post"), Preun: v("preun"), Postun: v("postun"),
		Pretrans: v("pretrans"), Posttrans: v("posttrans"), Verify: v("verify"),
	}
}

func isZeros(s string) bool {
	for _, c := range s {
		if c != '0' {
			return false
		}
	}
	return true
}

func jsonDeps(ds []Dependency) []JSONDependency {
	out := make([]JSONDependency, len(ds))
	for i, d := range ds {
		out[i] = JSONDependency{Name: d.Name, Flags: DepFlagNames(d.Flags), Version: d.Version}
	}
	return out
}

// WriteJSON writes the JSON view of the packages as one JSON array with
// gotc's JSON settings (internal/jsonout: indented by two spaces, no HTML
// escaping, a closing newline). The same packages always give the same
// bytes.
func WriteJSON(w io.Writer, pkgs ...*Package) error {
	views := make([]JSONPackage, len(pkgs))
	for i, p := range pkgs {
		views[i] = p.JSON()
	}
	return jsonout.Write(w, views)
}

var compareNames = [8][]string{
	0:                        {},
	rpmtag.SenseLess >> 1:    {"LT"},
	rpmtag.SenseGreater >> 1: {"GT"},
	(rpmtag.SenseLess | rpmtag.SenseGreater) >> 1:                     {"LT", "GT"},
	rpmtag.SenseEqual >> 1:                                            {"EQ"},
	(rpmtag.SenseLess | rpmtag.SenseEqual) >> 1:                       {"LE"},
	(rpmtag.SenseGreater | rpmtag.SenseEqual) >> 1:                    {"GE"},
	(rpmtag.SenseLess | rpmtag.SenseGreater | rpmtag.SenseEqual) >> 1: {"LT", "GT", "EQ"},
}

var senseNames = map[uint32]string{
	rpmtag.SensePosttrans:     "posttrans",
	rpmtag.SensePrereq:        "prereq",
	rpmtag.SensePretrans:      "pretrans",
	rpmtag.SenseInterp:        "interp",
	rpmtag.SenseScriptPre:     "pre",
	rpmtag.SenseScriptPost:    "post",
	rpmtag.SenseScriptPreun:   "preun",
	rpmtag.SenseScriptPostun:  "postun",
	rpmtag.SenseScriptVerify:  "verify",
	rpmtag.SenseFindRequires:  "find-requires",
	rpmtag.SenseFindProvides:  "find-provides",
	rpmtag.SenseTriggerIn:     "triggerin",
	rpmtag.SenseTriggerUn:     "triggerun",
	rpmtag.SenseTriggerPostun: "triggerpostun",
	rpmtag.SenseMissingOK:     "missingok",
	rpmtag.SensePreUntrans:    "preuntrans",
	rpmtag.SensePostUntrans:   "postuntrans",
	rpmtag.SenseRPMLib:        "rpmlib",
	rpmtag.SenseTriggerPrein:  "triggerprein",
	rpmtag.SenseKeyring:       "keyring",
	rpmtag.SenseConfig:        "config",
	rpmtag.SenseMeta:          "meta",
}

// DepFlagNames names the sense bits of a dependency: first the comparison
// ("LT", "GT", "EQ", "LE", "GE"; "LT","GT" for the odd LESS|GREATER), then
// the other bits in ascending bit order by rpm's lowercase names ("pre",
// "post", "preun", "postun", "verify", "interp", "rpmlib", "config",
// "prereq", "pretrans", "posttrans", "missingok", "meta", ...). Unknown
// bits appear as "0x..." with their value. Never nil.
func DepFlagNames(f uint32) []string {
	out := append([]string{}, compareNames[(f&rpmtag.SenseCompareMask)>>1]...)
	rest := f &^ rpmtag.SenseCompareMask
	for rest != 0 {
		b := uint32(1) << bits.TrailingZeros32(rest)
		rest &^= b
		if n, ok := senseNames[b]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("0x%x", b))
		}
	}
	return out
}

var fileFlagNames = []struct {
	bit  uint32
	name string
}{
	{rpmtag.FileConfig, "config"},
	{rpmtag.FileDoc, "doc"},
	{rpmtag.FileIcon, "icon"},
	{rpmtag.FileMissingOK, "missingok"},
	{rpmtag.FileNoReplace, "noreplace"},
	{rpmtag.FileSpecfile, "specfile"},
	{rpmtag.FileGhost, "ghost"},
	{rpmtag.FileLicense, "license"},
	{rpmtag.FileReadme, "readme"},
	{rpmtag.FileExclude, "exclude"},
	{rpmtag.FileUnpatched, "unpatched"},
	{rpmtag.FilePubKey, "pubkey"},
	{rpmtag.FileArtifact, "artifact"},
}

// FileFlagNames names the FILEFLAGS bits in ascending bit order: config,
// doc, icon, missingok, noreplace, specfile, ghost, license, readme,
// exclude, unpatched, pubkey, artifact; unknown bits as "0x...". Never nil.
func FileFlagNames(f uint32) []string {
	out := []string{}
	for _, n := range fileFlagNames {
		if f&n.bit != 0 {
			out = append(out, n.name)
			f &^= n.bit
		}
	}
	for f != 0 {
		b := uint32(1) << bits.TrailingZeros32(f)
		f &^= b
		out = append(out, fmt.Sprintf("0x%x", b))
	}
	return out
}

// String formats a dependency as rpm -q --requires does: the name, and
// when it has a comparison and a version, the operator and version.
func (d Dependency) String() string {
	if d.Flags&rpmtag.SenseCompareMask == 0 || d.Version == "" {
		return d.Name
	}
	op := ""
	if d.Flags&rpmtag.SenseLess != 0 {
		op += "<"
	}
	if d.Flags&rpmtag.SenseGreater != 0 {
		op += ">"
	}
	if d.Flags&rpmtag.SenseEqual != 0 {
		op += "="
	}
	return d.Name + " " + op + " " + d.Version
}
