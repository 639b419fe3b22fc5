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
				f := &p.Files[i]
				want := strings.Fields(line)
				if len(want) != 11 {
					t.Fatalf("unexpected --dump line %q", line)
				}
				link := f.LinkTo
				if link == "" {
					link = "X"
				}
				got := []string{
					f.Path,
					strconv.FormatInt(f.Size, 10),
					strconv.FormatInt(f.MTime, 10),
					p.DumpDigest(f),
					"0" + strconv.FormatUint(uint64(f.Mode), 8),
					f.User,
					f.Group,
					bit(f.Flags, rpmtag.FileConfig),
					bit(f.Flags, rpmtag.FileDoc),
					strconv.Itoa(int(f.RDev)),
					link,
				}
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
			if want, got := rpmQuery(t, pkg, "--scripts"), rpmScriptsText(p); got != want {
				t.Errorf("--scripts:\nrpm:\n%s\nwe:\n%s", want, got)
			}
		})
	}
}

// rpmScriptsText renders the scriptlets the way rpm's --scripts alias does.
func rpmScriptsText(p *Package) string {
	long := map[string]string{
		"pretrans": "pretrans", "pre": "preinstall", "post": "postinstall",
		"preun": "preuninstall", "postun": "postuninstall", "posttrans": "posttrans",
		"verify": "verify",
	}
	var b strings.Builder
	for _, k := range []string{"pretrans", "pre", "post", "preun", "postun", "posttrans", "verify"} {
		s, ok := p.Scripts[k]
		if !ok {
			continue
		}
		hasBody := p.hdr.Has(scriptTags[k][0])
		prog := ""
		for _, a := range s.Interpreter {
			prog += " " + a
		}
		switch {
		case hasBody && prog != "":
			fmt.Fprintf(&b, "%s scriptlet (using%s):\n%s\n", long[k], prog, s.Body)
		case hasBody:
			fmt.Fprintf(&b, "%s scriptlet:\n%s\n", long[k], s.Body)
		case prog != "":
			fmt.Fprintf(&b, "%s program:%s\n", long[k], prog)
		}
	}
	return b.String()
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
				none(p.PayloadFlags), algo, p.Description}, "|")
			if want := rpmQuery(t, pkg, "--qf", qf); got != want {
				t.Errorf("package fields:\nrpm: %s\nwe:  %s", want, got)
			}
		})
	}
}

// TestTextDifferential compares WriteText with rpm -qip and rpm -qlvp:
// every "Key : value" line both print must agree, and each file line must
// agree in permissions, link count, owner, group, size and name (times are
// printed differently on purpose).
func TestTextDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := openT(t, tc.path).Package
			var buf strings.Builder
			if err := WriteText(&buf, p); err != nil {
				t.Fatal(err)
			}
			ours := strings.Split(buf.String(), "\n")
			oursKV := map[string]string{}
			for _, l := range ours {
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
			var ourFiles []string
			for _, l := range ours {
				if len(l) > 10 && strings.ContainsAny(l[:1], "-dlcbps") && strings.Contains(l, " /") {
					ourFiles = append(ourFiles, l)
				}
			}
			rpmFiles := strings.Split(strings.TrimSuffix(rpmQuery(t, tc.path, "-lv"), "\n"), "\n")
			if len(rpmFiles) != len(ourFiles) {
				t.Fatalf("rpm -qlv lists %d files, we %d", len(rpmFiles), len(ourFiles))
			}
			for i := range rpmFiles {
				if a, b := lsColumns(rpmFiles[i]), lsColumns(ourFiles[i]); a != b {
					t.Errorf("file line:\nrpm: %s\nwe:  %s", a, b)
				}
			}
		})
	}
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
