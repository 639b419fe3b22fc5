package tests

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
)

// TestInspectJSONMatchesRPMDump runs gotc-rpm inspect --json on the real
// toolchain packages rpmbuild made (zstd) and on the CentOS/EPEL corpus
// (gzip, xz, old digests) and compares every file with rpm -qp --dump,
// field by field. The JSON has no rdev; that column is compared with
// rpmread's own reading of the header.
func TestInspectJSONMatchesRPMDump(t *testing.T) {
	rpm := testenv.NeedTool(t, "rpm")
	gotcRPM := testenv.Command(t, "gotc-rpm")
	var pkgs []string
	corpus, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(t), "..", "shared", "corpus", "centos", "*.rpm"))
	if len(corpus) == 0 {
		t.Fatal("shared/corpus/centos not found beside the repository")
	}
	pkgs = append(pkgs, corpus...)
	if !testing.Short() {
		for _, p := range testenv.RPMBuild(t).RPMs {
			pkgs = append(pkgs, p)
		}
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		t.Run(filepath.Base(pkg), func(t *testing.T) {
			var out []rpmread.JSONPackage
			if err := json.Unmarshal([]byte(testenv.Run(t, "", nil, gotcRPM, "inspect", "--json", pkg)), &out); err != nil || len(out) != 1 {
				t.Fatalf("inspect --json: %v (%d packages)", err, len(out))
			}
			r, err := rpmread.Open(pkg)
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			dump := strings.TrimSpace(testenv.Run(t, "", nil, rpm, "-qp", "--nosignature", "--nodigest", "--dump", pkg))
			lines := strings.Split(dump, "\n")
			if dump == "(contains no files)" {
				lines = nil
			}
			if len(lines) != len(out[0].Files) || len(lines) != len(r.Package.Files) {
				t.Fatalf("rpm --dump lists %d files, inspect %d, rpmread %d", len(lines), len(out[0].Files), len(r.Package.Files))
			}
			for i, line := range lines {
				w := strings.Fields(line)
				f := out[0].Files[i]
				digest, link := f.Digest, f.Link
				if digest == "" {
					digest = strings.Repeat("0", len(w[3]))
				}
				if link == "" {
					link = "X"
				}
				has := func(flag string) string {
					for _, x := range f.Flags {
						if x == flag {
							return "1"
						}
					}
					return "0"
				}
				got := []string{f.Path, strconv.FormatInt(f.Size, 10), strconv.FormatInt(f.MTime, 10), digest, "0" + strconv.FormatUint(uint64(f.Mode), 8), f.User, f.Group, has("config"), has("doc"), strconv.FormatUint(uint64(r.Package.Files[i].RDev), 10), link}
				for k, name := range []string{"path", "size", "mtime", "digest", "mode", "user", "group", "config", "doc", "rdev", "link"} {
					if got[k] != w[k] {
						t.Errorf("%s: %s: rpm --dump %q, gotc %q", w[0], name, w[k], got[k])
					}
				}
			}
		})
	}
}

// TestVerifyRealToolchains runs gotc-rpm verify, with the config and the
// source tarballs, on the packages of both real toolchains as rpmbuild and
// as gotc-rpm build made them: both must verify without errors.
func TestVerifyRealToolchains(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the real toolchain builds")
	}
	gotcRPM := testenv.Command(t, "gotc-rpm")
	b := testenv.RPMBuild(t)
	native := nativeBuild(t, b, t.TempDir())
	for name, set := range map[string]map[string]string{"rpmbuild": b.RPMs, "native": native} {
		t.Run(name, func(t *testing.T) {
			var files []string
			for _, p := range set {
				files = append(files, p)
			}
			sort.Strings(files)
			args := append([]string{"verify", "-c", b.Config, "--sources", b.SourceDir, "--target", "fedora-43,epel-9"}, files...)
			out := testenv.Run(t, "", nil, gotcRPM, args...)
			if !strings.Contains(out, "8 packages verified: 0 errors") {
				t.Errorf("verify:\n%s", out)
			}
		})
	}
}
