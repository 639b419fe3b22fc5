package fileclass

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// Shares below which TestRealToolchainShares fails: what this package
// reached when it was written (docs/fileclass.md), less a margin for
// the next Go release's files.
const (
	minColorShare = 1.0
	minClassShare = 0.95
	minMIMEShare  = 0.95
)

// TestRealToolchainShares measures, on both real toolchains built with
// real rpmbuild 4.18 (testenv.RPMBuild), the share of regular files whose
// FILECOLORS and FILECLASS Regular gives as rpmbuild recorded them, and
// the share whose MIME type it gives as libmagic (file --mime-type, with
// rpmfc's flags and rpm 6's extension rule) does, and fails below the
// shares the package reached.
func TestRealToolchainShares(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two real toolchains with rpmbuild")
	}
	testenv.NeedTools(t, "rpm", "file")
	b := testenv.RPMBuild(t)
	roots := map[string]string{} // /usr/libexec/go-toolchain/goX → GOROOT
	for _, tb := range testenv.Toolchains(t) {
		roots["/usr/libexec/go-toolchain/"+tb.GoVersion+"/"] = tb.GOROOT
	}
	var n, color, class, mime int
	misses := map[string]int{}
	var names []string
	for name := range b.RPMs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r, err := rpmread.Open(b.RPMs[name])
		if err != nil {
			t.Fatal(err)
		}
		h := r.Header
		dict, idx, colors := h.Strings(rpmtag.ClassDict), h.Ints(rpmtag.FileClass), h.Ints(rpmtag.FileColors)
		var paths []string
		var local []string
		for i, f := range r.Package.Files {
			if !f.IsRegular() || f.IsGhost() || f.Size == 0 {
				continue
			}
			for prefix, root := range roots {
				if rel, ok := strings.CutPrefix(f.Path, prefix); ok && rel != "go.env" {
					p := filepath.Join(root, rel)
					res, err := classifyPath(p, f.Mode)
					if err != nil {
						t.Fatal(err)
					}
					n++
					if uint64(res.Color) == colors[i] {
						color++
					} else {
						misses["color "+f.Path]++
					}
					if want := dict[idx[i]]; res.Class == want {
						class++
					} else {
						misses["class "+normalize(want)+" → "+normalize(res.Class)]++
					}
					paths = append(paths, f.Path)
					local = append(local, p)
				}
			}
		}
		r.Close()
		wantMIME := libmagicMIME(t, local)
		for i, p := range local {
			res, _ := classifyPath(p, 0o644)
			want := wantMIME[i]
			if m, ok := rpm6Extension(paths[i]); ok {
				want = m
			}
			if res.MIME == want {
				mime++
			} else {
				misses["mime "+want+" → "+res.MIME]++
			}
		}
	}
	if n < 10000 {
		t.Fatalf("only %d regular files compared", n)
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	t.Logf("%d regular files: FILECOLORS %.2f%%, FILECLASS %.2f%%, MIME %.2f%% as rpmbuild/libmagic", n, 100*share(color), 100*share(class), 100*share(mime))
	var keys []string
	for k := range misses {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return misses[keys[i]] > misses[keys[j]] })
	for i, k := range keys {
		if i == 30 {
			break
		}
		t.Logf("%5d %s", misses[k], k)
	}
	if share(color) < minColorShare || share(class) < minClassShare || share(mime) < minMIMEShare {
		t.Errorf("shares below %.2f/%.2f/%.2f", minColorShare, minClassShare, minMIMEShare)
	}
}

func classifyPath(p string, mode uint32) (Result, error) {
	f, err := os.Open(p)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Result{}, err
	}
	return Regular(p, mode, f, fi.Size())
}

// normalize hides build IDs in a description, to group misses.
func normalize(s string) string {
	for _, key := range []string{"BuildID[sha1]=", "Go BuildID="} {
		if i := strings.Index(s, key); i >= 0 {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			s = s[:i+len(key)] + "…" + s[i+j:]
		}
	}
	return s
}

// libmagicMIME runs file --mime-type with rpmfc's libmagic flags
// (MAGIC_COMPRESS, MAGIC_NO_CHECK_TOKENS) over paths.
func libmagicMIME(t *testing.T, paths []string) []string {
	t.Helper()
	if len(paths) == 0 {
		return nil
	}
	cmd := exec.Command("file", "-z", "-e", "tokens", "-N", "-b", "--mime-type", "-f", "-")
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("file --mime-type: %v", err)
	}
	var res []string
	s := bufio.NewScanner(bytes.NewReader(out))
	for s.Scan() {
		res = append(res, s.Text())
	}
	if len(res) != len(paths) {
		t.Fatalf("file printed %d lines for %d files", len(res), len(paths))
	}
	return res
}
