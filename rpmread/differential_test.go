package rpmread

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/rpmtag"
)

// TestDumpDifferential compares every file of every test package with
// "rpm -qp --dump", field by field.
func TestDumpDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		pkg := tc.path
		t.Run(tc.name, func(t *testing.T) {
			r := openT(t, pkg)
			p := r.Package
			lines := strings.Split(strings.TrimSuffix(rpmQuery(t, pkg, "--dump"), "\n"), "\n")
			if len(p.Files) == 0 && len(lines) == 1 && lines[0] == "(contains no files)" {
				return
			}
			if len(lines) != len(p.Files) {
				t.Fatalf("rpm --dump lists %d files, we read %d", len(lines), len(p.Files))
			}
			for i, line := range lines {
				want := strings.Fields(line)
				if len(want) != 11 {
					t.Fatalf("unexpected --dump line %q", line)
				}
				got := dumpFields(p, &p.Files[i])
				names := []string{"path", "size", "mtime", "digest", "mode", "owner", "group", "isconfig", "isdoc", "rdev", "symlink"}
				for k := range names {
					if got[k] != want[k] {
						t.Errorf("%s: %s: rpm says %q, we read %q", want[0], names[k], want[k], got[k])
					}
				}
			}
		})
	}
}

// dumpFields renders a file as the fields of an rpm -q --dump line: path,
// size, mtime, digest, mode, owner, group, isconfig, isdoc, rdev, symlink.
func dumpFields(p *Package, f *File) []string {
	link := f.LinkTo
	if link == "" {
		link = "X"
	}
	return []string{
		f.Path,
		strconv.FormatInt(f.Size, 10),
		strconv.FormatInt(f.MTime, 10),
		dumpDigest(p, f),
		"0" + strconv.FormatUint(uint64(f.Mode), 8),
		f.User,
		f.Group,
		bit(f.Flags, rpmtag.FileConfig),
		bit(f.Flags, rpmtag.FileDoc),
		strconv.Itoa(int(f.RDev)),
		link,
	}
}

// dumpDigest returns the digest as rpm -q --dump prints it: the stored
// hex digest, or zeros of the algorithm's hex length where none is stored.
func dumpDigest(p *Package, f *File) string {
	if f.Digest != "" {
		return f.Digest
	}
	n := 32
	if h := p.NewFileHash(); h != nil {
		n = h.Size() * 2
	}
	return strings.Repeat("0", n)
}

func bit(flags uint32, b uint32) string {
	if flags&b != 0 {
		return "1"
	}
	return "0"
}

// TestDepsAndScriptsDifferential compares dependencies (rpm's own text and
// the raw flag numbers) and scriptlets with rpm.
func TestDepsAndScriptsDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		pkg := tc.path
		t.Run(tc.name, func(t *testing.T) {
			p := openT(t, pkg).Package
			for _, d := range []struct {
				name string
				deps []Dependency
				tag  string
			}{
				{"requires", p.Requires, "REQUIRE"},
				{"provides", p.Provides, "PROVIDE"},
				{"conflicts", p.Conflicts, "CONFLICT"},
				{"obsoletes", p.Obsoletes, "OBSOLETE"},
				{"recommends", p.Recommends, "RECOMMEND"},
				{"suggests", p.Suggests, "SUGGEST"},
				{"supplements", p.Supplements, "SUPPLEMENT"},
				{"enhances", p.Enhances, "ENHANCE"},
			} {
				// Raw: name, flags as a number, version.
				qf := fmt.Sprintf("[%%{%sNAME}\\t%%{%sFLAGS}\\t%%{%sVERSION}\\n]", d.tag, d.tag, d.tag)
				var got strings.Builder
				for _, dep := range d.deps {
					fmt.Fprintf(&got, "%s\t%d\t%s\n", dep.Name, dep.Flags, dep.Version)
				}
				if want := rpmQuery(t, pkg, "--qf", qf); got.String() != want {
					t.Errorf("%s (raw):\nrpm:\n%s\nwe:\n%s", d.name, want, got.String())
				}
				// rpm's own formatting, as printed by --requires etc.
				if d.name == "requires" || d.name == "provides" || d.name == "conflicts" || d.name == "obsoletes" {
					got.Reset()
					for _, dep := range d.deps {
						got.WriteString(dep.String() + "\n")
					}
					if want := rpmQuery(t, pkg, "--"+d.name); got.String() != want {
						t.Errorf("--%s:\nrpm:\n%s\nwe:\n%s", d.name, want, got.String())
					}
				}
			}
			if want, got := rpmQuery(t, pkg, "--scripts"), ScriptsText(p); got != want {
				t.Errorf("--scripts:\nrpm:\n%s\nwe:\n%s", want, got)
			}
		})
	}
}

// TestPackageFieldsDifferential compares the package-level fields with a
// query format.
func TestPackageFieldsDifferential(t *testing.T) {
	const qf = "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{OS}|%{SUMMARY}|%{LICENSE}|%{URL}|%{VENDOR}|%{PACKAGER}|%{GROUP}|%{SOURCERPM}|%{BUILDHOST}|%{BUILDTIME}|%{LONGSIZE}|%{PAYLOADFORMAT}|%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}|%{FILEDIGESTALGO}|%{DESCRIPTION}"
	for _, tc := range allRPMs(t) {
		pkg := tc.path
		t.Run(tc.name, func(t *testing.T) {
			p := openT(t, pkg).Package
			none := func(s string) string {
				if s == "" {
					return "(none)"
				}
				return s
			}
			// rpmbuild's w.ufdio records an empty PAYLOADFLAGS: "" then,
			// "(none)" only when absent.
			tagOrNone := func(s string, tag int) string {
				if p.hdr.Has(tag) {
					return s
				}
				return "(none)"
			}
			epoch, algo := "(none)", "(none)"
			if p.Epoch != nil {
				epoch = fmt.Sprint(*p.Epoch)
			}
			if p.hdr.Has(rpmtag.FileDigestAlgo) {
				algo = fmt.Sprint(p.FileDigestAlgo)
			}
			got := strings.Join([]string{p.Name, epoch, p.Version, p.Release, p.Arch, p.OS, p.Summary,
				p.License, none(p.URL), none(p.Vendor), none(p.Packager), p.Group, p.SourceRPM, p.BuildHost,
				fmt.Sprint(p.BuildTime), fmt.Sprint(p.Size), none(p.PayloadFormat), none(p.PayloadCompressor),
				tagOrNone(p.PayloadFlags, rpmtag.PayloadFlags), algo, p.Description}, "|")
			if want := rpmQuery(t, pkg, "--qf", qf); got != want {
				t.Errorf("package fields:\nrpm: %s\nwe:  %s", want, got)
			}
		})
	}
}

// TestTextDifferential compares WriteText with what rpm prints of the
// same package, section by section:
//
//   - every "Key : value" line rpm -qip prints too must agree;
//   - the dependency lines with rpm's %{REQUIRENEVRS} (%{...FLAGS:deptype});
//   - "Scriptlets:" with rpm --scripts;
//   - each "Files:" line with rpm -qlvp in permissions, link count, owner,
//     group, size and name (times are printed differently on purpose), and
//     its marks with the ones rpm's %{FILEFLAGS:fflags}, %{FILELANGS} and
//     %{FILECAPS} call for;
//   - "File digests" with the digests of rpm --dump;
//   - "Digests:" with rpm's digest tags.
func TestTextDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := openT(t, tc.path).Package
			var buf strings.Builder
			if err := WriteText(&buf, p); err != nil {
				t.Fatal(err)
			}
			info, sections := textSections(t, buf.String())
			oursKV := map[string]string{}
			for _, l := range info {
				if k, v, ok := strings.Cut(l, ": "); ok && len(k) == 12 {
					oursKV[k] = v
				}
			}
			for _, l := range strings.Split(rpmQuery(t, tc.path, "-i"), "\n") {
				k, v, ok := strings.Cut(l, ": ")
				if !ok || len(k) != 12 || k == "Install Date" || k == "Signature   " || k == "Build Date  " {
					continue
				}
				if got, ok := oursKV[k]; !ok || got != v {
					t.Errorf("%s: rpm -qi says %q, we print %q", strings.TrimSpace(k), v, got)
				}
			}

			for _, d := range []struct{ title, tag string }{
				{"Requires", "REQUIRE"}, {"Provides", "PROVIDE"}, {"Conflicts", "CONFLICT"},
				{"Obsoletes", "OBSOLETE"}, {"Recommends", "RECOMMEND"}, {"Suggests", "SUGGEST"},
				{"Supplements", "SUPPLEMENT"}, {"Enhances", "ENHANCE"},
			} {
				want := rpmQuery(t, tc.path, "--qf", fmt.Sprintf("[  %%{%sNEVRS} (%%{%sFLAGS:deptype})\\n]", d.tag, d.tag))
				want = strings.ReplaceAll(want, " (manual)\n", "\n")
				if got := joinLines(sections[d.title]); got != want {
					t.Errorf("%s:\nrpm:\n%s\nwe:\n%s", d.title, want, got)
				}
			}
			if got, want := joinLines(sections["Scriptlets"]), rpmQuery(t, tc.path, "--scripts"); got != want {
				t.Errorf("Scriptlets:\nrpm:\n%s\nwe:\n%s", want, got)
			}

			ourFiles := sections["Files"]
			rpmFiles := nonEmpty(strings.Split(rpmQuery(t, tc.path, "-lv"), "\n"))
			if len(rpmFiles) == 1 && rpmFiles[0] == "(contains no files)" {
				rpmFiles = nil
			}
			rpmMarks := nonEmpty(strings.Split(rpmQuery(t, tc.path, "--qf", "[%{FILEFLAGS:fflags}|%{FILELANGS}|%{FILECAPS}\\n]"), "\n"))
			if len(rpmFiles) != len(ourFiles) || len(rpmMarks) != len(ourFiles) {
				t.Fatalf("rpm -qlv lists %d files (%d flag lines), we %d", len(rpmFiles), len(rpmMarks), len(ourFiles))
			}
			for i := range rpmFiles {
				line, marks, _ := strings.Cut(ourFiles[i], "  %")
				if marks == "" {
					line, marks, _ = strings.Cut(ourFiles[i], "  [")
					if marks != "" {
						marks = "[" + marks
					}
				} else {
					marks = "%" + marks
				}
				if a, b := lsColumns(rpmFiles[i]), lsColumns(line); a != b {
					t.Errorf("file line:\nrpm: %s\nwe:  %s", a, b)
				}
				if want := marksFromRPM(rpmMarks[i]); marks != want {
					t.Errorf("%s: marks %q, rpm's flags %q call for %q", p.Files[i].Path, marks, rpmMarks[i], want)
				}
			}

			var wantDigests []string
			if dump := rpmQuery(t, tc.path, "--dump"); !strings.HasPrefix(dump, "(contains no files)") {
				for _, l := range nonEmpty(strings.Split(dump, "\n")) {
					f := strings.Fields(l)
					if strings.Trim(f[3], "0") != "" {
						wantDigests = append(wantDigests, f[3]+"  "+f[0])
					}
				}
			}
			var gotDigests []string
			for title, lines := range sections {
				if strings.HasPrefix(title, "File digests") {
					gotDigests = lines
				}
			}
			if strings.Join(gotDigests, "\n") != strings.Join(wantDigests, "\n") {
				t.Errorf("file digests:\nrpm --dump:\n%s\nwe:\n%s", strings.Join(wantDigests, "\n"), strings.Join(gotDigests, "\n"))
			}

			tags := rpmQuery(t, tc.path, "--qf", "%{SHA256HEADER}|%{SHA1HEADER}|[%{PAYLOADDIGEST}]|[%{PAYLOADDIGESTALT}]|%{SIGMD5}")
			var want []string
			for _, v := range strings.Split(tags, "|") {
				if v != "" && v != "(none)" {
					want = append(want, v)
				}
			}
			var got []string
			for _, l := range sections["Digests"] {
				f := strings.Fields(l)
				got = append(got, f[len(f)-1])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("digests: rpm %v, we %v", want, got)
			}
		})
	}
}

// textSections splits WriteText output into the info block and the
// sections by title ("Requires", "Files", "File digests (SHA256)").
func textSections(t *testing.T, text string) (info []string, sections map[string][]string) {
	t.Helper()
	blocks := strings.Split(strings.TrimSuffix(text, "\n"), "\n\n")
	info = strings.Split(blocks[0], "\n")
	sections = map[string][]string{}
	for _, b := range blocks[1:] {
		lines := strings.Split(b, "\n")
		title, ok := strings.CutSuffix(lines[0], ":")
		if !ok {
			t.Fatalf("section %q has no title", lines[0])
		}
		if _, dup := sections[title]; dup {
			t.Fatalf("section %q twice", title)
		}
		sections[title] = lines[1:]
	}
	return info, sections
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func nonEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// marksFromRPM derives the marks a file line must show from rpm's view
// of its flags ("cn", rpm's fflags letters), language and capabilities.
func marksFromRPM(line string) string {
	parts := strings.SplitN(line, "|", 3)
	ff, lang, caps := parts[0], parts[1], parts[2]
	has := func(c string) bool { return strings.Contains(ff, c) }
	var out []string
	if has("c") {
		var opts []string
		if has("m") {
			opts = append(opts, "missingok")
		}
		if has("n") {
			opts = append(opts, "noreplace")
		}
		m := "%config"
		if len(opts) > 0 {
			m += "(" + strings.Join(opts, ",") + ")"
		}
		out = append(out, m)
	}
	for _, d := range []struct{ letter, mark string }{{"d", "%doc"}, {"l", "%license"}, {"r", "%readme"}, {"g", "%ghost"}, {"a", "%artifact"}} {
		if has(d.letter) {
			out = append(out, d.mark)
		}
	}
	if lang != "" {
		out = append(out, "%lang("+lang+")")
	}
	if caps != "" && caps != "(none)" {
		out = append(out, "%caps("+caps+")")
	}
	if has("m") && !has("c") {
		out = append(out, "[missingok]")
	}
	if has("s") {
		out = append(out, "[specfile]")
	}
	return strings.Join(out, " ")
}

// lsColumns keeps the columns of an ls -l style line that do not depend
// on the clock: permissions, links, owner, group, size (or device
// numbers) and the name with its link target.
func lsColumns(l string) string {
	f := strings.Fields(l)
	if len(f) < 5 {
		return l
	}
	head := f[:5]
	rest := f[5:]
	if strings.HasSuffix(f[4], ",") { // device: "1,   3"
		head = append(append([]string{}, f[:5]...), f[5])
		rest = f[6:]
	}
	i := strings.Index(l, " /")
	if i < 0 || len(rest) < 3 {
		return l
	}
	return strings.Join(head, " ") + " " + l[i+1:]
}
