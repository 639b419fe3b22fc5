package rpmbuild

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/rpmwrite"
	"github.com/gotc-project/gotc/srctree"
	"github.com/gotc-project/gotc/toolchain"
)

// rpm6Toolchain is the folder of the recorded rpmbuild 6 build of the
// stand-in toolchain (../shared/rpm6/toolchain, see its README.md).
func rpm6Toolchain(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(testenv.RepoRoot(t), "..", "shared", "rpm6", "toolchain")
	if _, err := os.Stat(filepath.Join(dir, "gotc.yaml")); err != nil {
		t.Fatalf("the rpm 6 recordings are required: %v", err)
	}
	return dir
}

// Main header tags in which the native build of the recorded toolchain
// legitimately differs from rpmbuild 6's, with the reason.
var rpm6ToolchainDiffers = map[int]string{
	// libzstd and klauspost/compress make different bytes of the same
	// archive (whose digests and size, the ALT tags, must be equal).
	rpmtag.PayloadDigest:   "SHA-256 of the compressed payload",
	rpmtag.PayloadSHA512:   "SHA-512 of the compressed payload",
	rpmtag.PayloadSHA3_256: "SHA3-256 of the compressed payload",
	rpmtag.PayloadSize:     "size of the compressed payload",
	// The recording ran upstream rpm 6.0.2's macros, not Fedora's
	// redhat-rpm-config, and the native build writes what rpmwrite
	// reproduces.
	rpmtag.RPMVersion: "the rpmbuild release reproduced: 4.18.0 for v4, 6.0.2 for v6",
	rpmtag.Platform:   "upstream rpm's %_target_platform (x86_64-vendor-linux) vs Fedora's (x86_64-redhat-linux-gnu)",
	rpmtag.OptFlags:   "rpmbuild records %optflags; nothing is compiled, the native build records none",
	// rpmfc's per-file dependency dictionary: the stand-in's bin/go is a
	// shell script, for which rpmbuild's script generator requires
	// /bin/sh; the native build generates ELF dependencies only (a real
	// toolchain's programs are ELF) and writes no per-file dictionary.
	rpmtag.FileDependsX: "per-file dependency index (rpmfc)",
	rpmtag.FileDependsN: "per-file dependency count (rpmfc)",
	rpmtag.DependsDict:  "per-file dependency dictionary (rpmfc)",
	// Compared file by file instead (fileKinds), with the exceptions in
	// rpm6KindDiffers.
	rpmtag.FileClass:     "compared by file",
	rpmtag.ClassDict:     "compared by file",
	rpmtag.FileMIMEIndex: "compared by file",
	rpmtag.MIMEDict:      "compared by file",
}

// Files whose FILECLASS or MIME type gotc/fileclass does not give as
// rpmbuild 6 does, with the reason.
var rpm6KindDiffers = map[string]string{
	// The stand-in's PATENTS starts with "PATENTS", which libmagic's
	// HP-GL rule takes for a plotter file (application/vnd.hp-HPGL, no
	// FILECLASS); fileclass has no HP-GL rule and says ASCII text.
	"/usr/libexec/go-toolchain/go1.26.98/PATENTS": "libmagic's HP-GL rule",
	// rpm 6 classifies .html by its extension ("HTML document"), also in
	// v4 packages; v4 classes follow rpm 4.18, whose libmagic calls this
	// file "ASCII text" (its v6 MIME type, text/html, is rpm 6's).
	"/usr/libexec/go-toolchain/go1.26.98/doc/go_spec.html/v4": "rpm 6's extension rule in v4 output",
}

// fileKinds maps each file of a header to its FILECLASS (v4) or MIME type
// (v6).
func fileKinds(m map[int]rpmread.Value, format int) map[string]string {
	dict, idx := m[rpmtag.ClassDict], m[rpmtag.FileClass]
	if format == rpmwrite.FormatV6 {
		dict, idx = m[rpmtag.MIMEDict], m[rpmtag.FileMIMEIndex]
	}
	dirs, bases, di := m[rpmtag.DirNames].Strings, m[rpmtag.BaseNames].Strings, m[rpmtag.DirIndexes].Ints
	out := map[string]string{}
	for i, b := range bases {
		out[dirs[di[i]]+b] = dict.Strings[idx.Ints[i]]
	}
	return out
}

// Signature header tags that digest the main header or the compressed
// payload.
var rpm6ToolchainSigDiffers = map[int]string{
	rpmtag.SigSHA1: "", rpmtag.SigSHA256: "", rpmtag.SigSHA3_256: "", rpmtag.SigMD5: "", rpmtag.SigSize: "",
}

// TestNativeMatchesRPM6Toolchain builds the recorded gotc.yaml and
// stand-in tarball natively, as v4 and as v6, with the recording's
// SOURCE_DATE_EPOCH and build host, and compares every package tag for
// tag with what rpmbuild 6 made of the spec gotc-spec gen wrote for it
// (the recorded spec is what gen writes today): the same packages, file
// names and tags, types, counts and values, but for rpm6ToolchainDiffers
// and the Requires: /bin/sh rpmbuild's script generator adds for the
// stand-in's shell-script go command.
func TestNativeMatchesRPM6Toolchain(t *testing.T) {
	dir := rpm6Toolchain(t)
	cfg, _, err := toolchain.Load(filepath.Join(dir, "gotc.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plan := cfg.Plans()[0]
	// The recording predates the full-version commands (/usr/bin/go1.26.98,
	// gofmt1.26.98, for GOTOOLCHAIN=path): build without them, as the
	// recorded spec does, so every other file and tag is compared.
	var links []toolchain.Link
	for _, l := range plan.Links {
		if !strings.HasSuffix(l.Path, plan.Version.String()) {
			links = append(links, l)
		}
	}
	if len(links) != len(plan.Links)-2 {
		t.Fatalf("links %v: want two full-version commands among them", plan.Links)
	}
	plan.Links = links
	src := plan.Toolchain.Sources["x86_64"]
	tree, err := srctree.Extract(filepath.Join(dir, src.File), t.TempDir(), srctree.ExtractOptions{SHA256: src.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	sde := time.Unix(1790000000, 0).UTC()
	for _, format := range []int{rpmwrite.FormatV4, rpmwrite.FormatV6} {
		t.Run(fmt.Sprintf("v%d", format), func(t *testing.T) {
			out := t.TempDir()
			res, err := Build(plan, tree, out, Options{Common: Common{Arch: "x86_64", SourceDateEpoch: &sde, BuildHost: "localhost",
				Compressor: "zstd", Level: 19, TempDir: out, Format: format}, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			recorded, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("rpmbuild6-v%d", format), "*.rpm"))
			if len(res) != len(recorded) {
				t.Fatalf("built %d packages, rpmbuild 6 %d", len(res), len(recorded))
			}
			for _, r := range res {
				want := filepath.Join(dir, fmt.Sprintf("rpmbuild6-v%d", format), filepath.Base(r.Path))
				t.Run(r.Name, func(t *testing.T) { compareWithRPM6(t, plan, want, r.Path, format) })
			}
		})
	}
}

func openRPM(t *testing.T, path string) *rpmread.Reader {
	t.Helper()
	r, err := rpmread.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func values(h *rpmread.Header) map[int]rpmread.Value {
	m := map[int]rpmread.Value{}
	for _, v := range h.Entries() {
		m[v.Tag] = v
	}
	return m
}

// withoutScriptRequires drops the Requires: /bin/sh that rpmbuild's
// script dependency generator adds (flag SenseFindRequires).
func withoutScriptRequires(m map[int]rpmread.Value) {
	names, flags, vers := m[rpmtag.RequireName], m[rpmtag.RequireFlags], m[rpmtag.RequireVersion]
	var n, v []string
	var f []uint64
	for i := range names.Strings {
		if names.Strings[i] == "/bin/sh" && flags.Ints[i] == rpmtag.SenseFindRequires {
			continue
		}
		n, f, v = append(n, names.Strings[i]), append(f, flags.Ints[i]), append(v, vers.Strings[i])
	}
	names.Strings, names.Count = n, len(n)
	flags.Ints, flags.Count = f, len(f)
	vers.Strings, vers.Count = v, len(v)
	m[rpmtag.RequireName], m[rpmtag.RequireFlags], m[rpmtag.RequireVersion] = names, flags, vers
}

// withTodaysScriptlets accounts for the one change gotc's spec has had
// since the recording: the alternatives scriptlets, made right for
// Fedora's alternatives (--remove in %preun while the links exist, and a
// %postun for the path-changing upgrade). The native package's %preun
// and %postun must be the plan's; the recording's %postun, and the
// Requires(preun) the new %preun brings, are then taken out of the
// comparison: /bin/sh, %preun's interpreter, and
// /usr/sbin/update-alternatives.
func withTodaysScriptlets(t *testing.T, p *toolchain.Plan, want, got map[int]rpmread.Value) {
	t.Helper()
	if got[rpmtag.PostUn].Strings == nil {
		return // a subpackage: no scriptlets
	}
	s := p.Scriptlets()
	if g := got[rpmtag.PreUn].Strings; len(g) != 1 || g[0] != s.Preun {
		t.Errorf("%%preun %q, want the plan's %q", g, s.Preun)
	}
	if g := got[rpmtag.PostUn].Strings; len(g) != 1 || g[0] != s.Postun {
		t.Errorf("%%postun %q, want the plan's %q", g, s.Postun)
	}
	for _, tag := range []int{rpmtag.PreUn, rpmtag.PreUnProg, rpmtag.PostUn} {
		if v, ok := got[tag]; ok {
			want[tag] = v
		}
	}
	names, flags, vers := got[rpmtag.RequireName], got[rpmtag.RequireFlags], got[rpmtag.RequireVersion]
	var n, v []string
	var f []uint64
	dropped := 0
	for i := range names.Strings {
		if flags.Ints[i]&rpmtag.SenseScriptPreun != 0 {
			dropped++
			continue
		}
		n, f, v = append(n, names.Strings[i]), append(f, flags.Ints[i]), append(v, vers.Strings[i])
	}
	if dropped != 2 { // the interpreter, /bin/sh, and /usr/sbin/update-alternatives
		t.Errorf("%d Requires(preun), want 2", dropped)
	}
	names.Strings, names.Count = n, len(n)
	flags.Ints, flags.Count = f, len(f)
	vers.Strings, vers.Count = v, len(v)
	got[rpmtag.RequireName], got[rpmtag.RequireFlags], got[rpmtag.RequireVersion] = names, flags, vers
}

func compareWithRPM6(t *testing.T, plan *toolchain.Plan, wantPath, gotPath string, format int) {
	w, g := openRPM(t, wantPath), openRPM(t, gotPath)
	wm, gm := values(w.Header), values(g.Header)
	withoutScriptRequires(wm)
	withTodaysScriptlets(t, plan, wm, gm)
	compareTags(t, "main header", wm, gm, rpm6ToolchainDiffers)
	wk, gk := fileKinds(wm, format), fileKinds(gm, format)
	for path, w := range wk {
		key := path
		if format == rpmwrite.FormatV4 && rpm6KindDiffers[path+"/v4"] != "" {
			key += "/v4"
		}
		if g := gk[path]; g != w && rpm6KindDiffers[key] == "" {
			t.Errorf("%s: class or MIME type %q, rpmbuild 6 %q", path, g, w)
		}
	}
	compareTags(t, "signature header", values(w.Signature), values(g.Signature), rpm6ToolchainSigDiffers)
	if w.Signature.Len() != g.Signature.Len() {
		t.Errorf("signature header is %d bytes, rpmbuild 6's %d", g.Signature.Len(), w.Signature.Len())
	}
	wl := w.Lead
	if format == rpmwrite.FormatV4 {
		wl.Arch, wl.OS = 1, 1 // rpm 4.18's lead (rpmwrite doc.go)
	}
	if !reflect.DeepEqual(wl, g.Lead) {
		t.Errorf("lead %+v, want %+v", g.Lead, wl)
	}
}

// compareTags compares two headers' tags: present in both, with the same
// type, count and (unless listed in differ) values.
func compareTags(t *testing.T, what string, want, got map[int]rpmread.Value, differ map[int]string) {
	t.Helper()
	var tags []int
	for tag := range want {
		tags = append(tags, tag)
	}
	for tag := range got {
		if _, ok := want[tag]; !ok {
			tags = append(tags, tag)
		}
	}
	sort.Ints(tags)
	for _, tag := range tags {
		wv, inW := want[tag]
		gv, inG := got[tag]
		_, listed := differ[tag]
		switch {
		case tag == rpmtag.HeaderImmutable || tag == rpmtag.HeaderSignatures:
		case listed && (!inW || !inG):
			// written by one of the two builds only, as listed
		case !inW:
			t.Errorf("%s: tag %d written natively, not by rpmbuild 6: %v", what, tag, gv)
		case !inG:
			t.Errorf("%s: tag %d written by rpmbuild 6, not natively: %v", what, tag, wv)
		case wv.Type != gv.Type || (wv.Count != gv.Count && !listed):
			t.Errorf("%s: tag %d: type %d count %d, rpmbuild 6 %d %d", what, tag, gv.Type, gv.Count, wv.Type, wv.Count)
		case listed:
		case !reflect.DeepEqual(wv.Strings, gv.Strings) || !reflect.DeepEqual(wv.Ints, gv.Ints) || string(wv.Bytes) != string(gv.Bytes):
			t.Errorf("%s: tag %d:\n  native     %q %v %x\n  rpmbuild 6 %q %v %x", what, tag, gv.Strings, gv.Ints, gv.Bytes, wv.Strings, wv.Ints, wv.Bytes)
		}
	}
}
