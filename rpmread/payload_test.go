package rpmread

import (
	"bytes"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestPayloadDifferential iterates each package's payload and compares it
// with what rpm2cpio | cpio -idm extracts: the member names, each body,
// each symlink target; and checks every body against the header digest.
func TestPayloadDifferential(t *testing.T) {
	for _, tc := range allRPMs(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir, cpioNames := extractPayload(t, tc.path)
			r := openT(t, tc.path)
			pr, err := r.Payload()
			if err != nil {
				t.Fatal(err)
			}
			var ours []string
			digested := map[int]bool{}
			for {
				e, err := pr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ours = append(ours, e.Path)
				body, err := io.ReadAll(e.Body)
				if err != nil {
					t.Fatalf("%s: %v", e.Path, err)
				}
				if int64(len(body)) != e.Size {
					t.Errorf("%s: body has %d bytes, header says %d", e.Path, len(body), e.Size)
				}
				if e.FileIndex < 0 {
					t.Errorf("%s: in the payload but not in the header", e.Path)
					continue
				}
				f := &r.Package.Files[e.FileIndex]
				if f.Mode != e.Mode {
					t.Errorf("%s: cpio mode %o, header mode %o", e.Path, e.Mode, f.Mode)
				}
				on := filepath.Join(dir, e.Path)
				fi, err := os.Lstat(on)
				if err != nil {
					t.Errorf("%s: not extracted by cpio: %v", e.Path, err)
					continue
				}
				switch {
				case f.IsSymlink():
					target, _ := os.Readlink(on)
					if e.LinkTo != target || e.LinkTo != f.LinkTo {
						t.Errorf("%s: link target %q, cpio %q, header %q", e.Path, e.LinkTo, target, f.LinkTo)
					}
				case f.IsRegular():
					if !fi.Mode().IsRegular() {
						t.Errorf("%s: cpio extracted %v", e.Path, fi.Mode())
					}
					if len(e.Hardlinks) > 1 && e.Size == 0 {
						continue // content arrives with another member of the set
					}
					disk, err := os.ReadFile(on)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(disk, body) {
						t.Errorf("%s: body differs from the extracted file", e.Path)
					}
					h := r.Package.NewFileHash()
					h.Write(body)
					sum := hex.EncodeToString(h.Sum(nil))
					members := []int{e.FileIndex}
					if len(e.Hardlinks) > 1 {
						members = r.Package.links[e.FileIndex]
					}
					for _, i := range members {
						if got := r.Package.Files[i].Digest; got != sum {
							t.Errorf("%s: header digest %s, body digest %s", r.Package.Files[i].Path, got, sum)
						}
						digested[i] = true
					}
				case f.IsDir():
					if !fi.IsDir() {
						t.Errorf("%s: cpio extracted %v", e.Path, fi.Mode())
					}
				}
			}
			// Every non-ghost regular file's content was seen and checked.
			for i, f := range r.Package.Files {
				if f.IsRegular() && !f.IsGhost() && !digested[i] {
					t.Errorf("%s: no content in the payload", f.Path)
				}
			}
			want := make([]string, len(cpioNames))
			for i, n := range cpioNames {
				p, err := normalisePath(n)
				if err != nil {
					t.Fatal(err)
				}
				want[i] = p
			}
			sort.Strings(want)
			sort.Strings(ours)
			if !equalStrings(want, ours) {
				t.Errorf("member names differ:\ncpio: %q\nours: %q", want, ours)
			}
			checkAllOK(t, r, true)
			// Nothing in the extracted tree that we did not see (cpio also
			// creates parent directories the archive does not list).
			seen := map[string]bool{}
			for _, p := range ours {
				for ; p != "/"; p = filepath.Dir(p) {
					seen[p] = true
				}
			}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				rel, _ := filepath.Rel(dir, p)
				if rel != "." && !seen["/"+rel] {
					t.Errorf("cpio extracted %s, which we did not see", rel)
				}
				return nil
			})
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkAllOK fails unless every check passed or had nothing to check;
// decoded says whether the uncompressed checks must have run.
func checkAllOK(t *testing.T, r *Reader, decoded bool) {
	t.Helper()
	res, err := r.Check()
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	for _, c := range res {
		t.Logf("%-28s %-7v want=%s got=%s %s", c.Name, c.Status, c.Want, c.Got, c.Note)
		switch {
		case c.Status == CheckFailed:
			t.Errorf("check %s failed: %v", c.Name, c.Err)
		case c.Status == CheckSkipped && decoded && c.Note == "payload not decoded":
			t.Errorf("check %s skipped although the payload was read", c.Name)
		}
	}
}

// TestPlainCpioPayload: rpmbuild's "w.ufdio" writes the payload as plain
// cpio and no PAYLOADCOMPRESSOR tag, which rpm reads through its gzip
// reader (zlib passes data without the gzip magic through). rpm -K and
// rpm -i accept it, so must we. (The payload itself is compared entry by
// entry with rpm2cpio's in TestPayloadDifferential, as "built-none".)
func TestPlainCpioPayload(t *testing.T) {
	pkg := testRPM(t, "none")
	if got := rpmQuery(t, pkg, "--qf", "%{PAYLOADCOMPRESSOR}"); got != "(none)" {
		t.Fatalf("rpmbuild wrote PAYLOADCOMPRESSOR %q", got)
	}
	runTool(t, "rpm", "-K", "--nosignature", pkg)
	root := t.TempDir()
	runTool(t, "rpm", "--root", root, "--initdb")
	runTool(t, "rpm", "-i", "--root", root, "--nodeps", "--nosignature", "--noscripts", pkg)
	if _, err := os.Stat(filepath.Join(root, "usr/share/rt/big.txt")); err != nil {
		t.Errorf("rpm -i did not install the payload: %v", err)
	}
	r := openT(t, pkg)
	pr, err := r.Payload()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := pr.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Verify(); err != nil {
		t.Error(err)
	}
}
