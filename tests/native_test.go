package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// nativeBuild runs gotc-rpm build on the same config and tarballs rpmbuild
// used, at the same compression, and returns package name → RPM path.
func nativeBuild(t *testing.T, b *testenv.Built, outDir string) map[string]string {
	t.Helper()
	rpmCmd := testenv.Command(t, "gotc-rpm")
	testenv.Run(t, "", []string{"SOURCE_DATE_EPOCH=" + b.SourceDateEpoch}, rpmCmd, "build", "-c", b.Config, "--sources", b.SourceDir, "-o", outDir, "--compress", "zstd:3", "--quiet")
	rpms, _ := filepath.Glob(filepath.Join(outDir, "*.rpm"))
	out := map[string]string{}
	for _, r := range rpms {
		name := strings.TrimSpace(testenv.Run(t, "", nil, "rpm", "-qp", "--qf", "%{NAME}", r))
		out[name] = r
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != len(rpms) {
		t.Errorf("build left %d files besides the %d RPMs in %s", len(entries)-len(rpms), len(rpms), outDir)
	}
	return out
}

// TestNativeEqualsRPMBuild builds both real toolchains natively and checks
// every package against the one real rpmbuild made from the generated
// spec: rpm -qp --dump (all fields but mtime), --scripts, --requires,
// --provides, --conflicts, --obsoletes, --changelog and the main tags.
func TestNativeEqualsRPMBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two real toolchains twice; run without -short (make test does)")
	}
	rpm := testenv.NeedTool(t, "rpm")
	rpm2cpio := testenv.NeedTool(t, "rpm2cpio")
	testenv.NeedTool(t, "cpio")
	b := testenv.RPMBuild(t)
	native := nativeBuild(t, b, t.TempDir())
	if len(native) != len(b.RPMs) {
		t.Fatalf("native built %d packages, rpmbuild %d", len(native), len(b.RPMs))
	}
	queries := [][]string{
		{"--dump"}, {"--scripts"}, {"--requires"}, {"--provides"}, {"--conflicts"}, {"--obsoletes"}, {"--changelog"},
		{"--qf", "[%{REQUIRENAME} %{REQUIREFLAGS} %{REQUIREVERSION}\n]"},
		{"--qf", "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SUMMARY}|%{LICENSE}|%{URL}|%{GROUP}|%{SOURCERPM}|%{BUILDTIME}|%{PAYLOADFORMAT}|%{PAYLOADCOMPRESSOR}\n%{DESCRIPTION}\n"},
		{"--qf", "[%{FILENAMES} %{FILEFLAGS} %{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME}\n]"},
	}
	var names []string
	for n := range native {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got, want := native[name], b.RPMs[name]
			if want == "" {
				t.Fatalf("rpmbuild made no %s", name)
			}
			if filepath.Base(got) != filepath.Base(want) {
				t.Errorf("file name %s, rpmbuild's %s", filepath.Base(got), filepath.Base(want))
			}
			if out := testenv.Run(t, "", nil, rpm, "-K", "--nosignature", got); !strings.Contains(out, "digests OK") {
				t.Errorf("rpm -K: %s", out)
			}
			cmd := exec.Command("sh", "-c", `"$0" "$1" | cpio -t --quiet >/dev/null`, rpm2cpio, got)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("rpm2cpio | cpio -t: %v %s", err, out)
			}
			for _, q := range queries {
				args := append([]string{"-qp"}, q...)
				g := testenv.Run(t, "", nil, rpm, append(args, got)...)
				w := testenv.Run(t, "", nil, rpm, append(args, want)...)
				if q[0] == "--dump" {
					g, w = dropMtime(g), dropMtime(w)
				}
				if g != w {
					t.Errorf("rpm -qp %s differs from rpmbuild's:\n%s", strings.Join(q, " "), lineDiff(w, g))
				}
			}
		})
	}

	// Both native series install together and run.
	var all []string
	for _, n := range names {
		all = append(all, native[n])
	}
	installAndRun(t, all)
}

// TestNativeReproducible builds twice with the same SOURCE_DATE_EPOCH and
// requires byte-identical packages.
func TestNativeReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real toolchain twice")
	}
	b := testenv.RPMBuild(t)
	first := nativeBuild(t, b, t.TempDir())
	second := nativeBuild(t, b, t.TempDir())
	for name, path := range first {
		a, _ := os.ReadFile(path)
		c, _ := os.ReadFile(second[name])
		if !bytes.Equal(a, c) {
			t.Errorf("%s: two builds differ", name)
		}
	}
}

// dropMtime removes the mtime column (third field) of rpm --dump lines.
func dropMtime(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		f := strings.SplitN(l, " ", 4)
		if len(f) == 4 {
			l = f[0] + " " + f[1] + " " + f[3]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		w[l]++
	}
	var b strings.Builder
	n := 0
	for _, l := range strings.Split(got, "\n") {
		if w[l] > 0 {
			w[l]--
			continue
		}
		if n++; n <= 20 {
			b.WriteString("+ " + l + "\n")
		}
	}
	for l, c := range w {
		for ; c > 0; c-- {
			if n++; n <= 40 {
				b.WriteString("- " + l + "\n")
			}
		}
	}
	if b.Len() == 0 {
		return "(same lines, different order)"
	}
	return b.String()
}
