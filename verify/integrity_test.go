package verify

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/internal/testenv"
	"github.com/gotc-project/gotc/rpmread"
)

// TestIntegrityRPM6 verifies what rpmbuild 6 made (shared/rpm6): every
// package is clean of integrity findings, and a byte changed in the main
// header or in the payload fails exactly the digests that cover it,
// rpm 6's own SHA3-256 and SHA512 digests included (before, verify passed
// a format 6 package checking only its SHA256 digests).
func TestIntegrityRPM6(t *testing.T) {
	rpm6 := filepath.Join("..", "..", "shared", "rpm6")
	pkgs, _ := filepath.Glob(filepath.Join(rpm6, "packages", "*.rpm"))
	more, _ := filepath.Glob(filepath.Join(rpm6, "toolchain", "rpmbuild6-v*", "*.rpm"))
	pkgs = append(pkgs, more...)
	if len(pkgs) == 0 {
		t.Fatal("no rpm 6 packages in shared/rpm6")
	}
	rep := mustVerify(t, pkgs, Options{})
	for _, f := range rep.Findings {
		if f.Check == CheckIntegrity {
			t.Errorf("clean rpm 6 package: %s", f)
		}
	}

	data, err := os.ReadFile(filepath.Join(rpm6, "packages", "fixture-v6.rpm"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := rpmread.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	summary, _ := r.Header.Tag(1004)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		off  int64
		want []string
	}{
		{"header", r.HeaderOffset + 16 + int64(len(r.Header.Entries()))*16 + int64(summary.Offset), []string{"header SHA256", "header SHA3-256"}},
		{"payload", int64(len(data)) - 100, []string{"payload SHA256", "payload SHA3-256", "payload SHA512"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Clone(data)
			b[c.off] ^= 0x01
			p := filepath.Join(dir, c.name+".rpm")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range mustVerify(t, []string{p}, Options{}).Findings {
				if f.Check == CheckIntegrity && f.Level == findings.Error {
					name, _, _ := strings.Cut(f.Message, ":")
					if (strings.HasPrefix(name, "header ") || strings.HasPrefix(name, "payload ")) && !strings.Contains(name, "cannot") {
						got = append(got, name)
					}
				}
			}
			if strings.Join(got, ", ") != strings.Join(c.want, ", ") {
				t.Errorf("digest errors %v, want %v", got, c.want)
			}
		})
	}
}

// TestIntegrityPlainCpio: rpmbuild's "w.ufdio" payload is plain cpio with
// no PAYLOADCOMPRESSOR tag; rpm reads it through its gzip reader, which
// passes it through. verify used to call it "payload cannot be read".
func TestIntegrityPlainCpio(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "u.spec")
	os.WriteFile(spec, []byte(`Name: ufd
Version: 1
Release: 1
Summary: plain cpio payload
License: MIT
BuildArch: noarch
%description
plain cpio payload
%install
mkdir -p %{buildroot}/usr/share/ufd
echo hello > %{buildroot}/usr/share/ufd/hello
%files
%dir /usr/share/ufd
/usr/share/ufd/hello
`), 0o644)
	out, err := exec.Command(testenv.NeedTool(t, "rpmbuild"), "-bb", "--quiet", "--define", "_topdir "+dir,
		"--define", "_binary_payload w.ufdio", spec).CombinedOutput()
	if err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	pkgs, _ := filepath.Glob(filepath.Join(dir, "RPMS", "noarch", "*.rpm"))
	if len(pkgs) != 1 {
		t.Fatalf("rpmbuild wrote %v", pkgs)
	}
	rep := mustVerify(t, pkgs, Options{})
	if len(rep.Findings) != 0 {
		t.Errorf("findings on a good plain-cpio package:\n%s", dump(rep))
	}
}
