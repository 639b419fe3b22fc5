package toolchain

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestParseTarget checks canonical names and the names users write.
func TestParseTarget(t *testing.T) {
	cases := []struct {
		in, want, glibc string
	}{
		{"fedora-41", "fedora-41", "2.40"},
		{"fedora43", "fedora-43", "2.42"},
		{"f43", "fedora-43", "2.42"},
		{"fc43", "fedora-43", "2.42"},
		{"FC44", "fedora-44", "2.43"},
		{"f45", "fedora-45", "2.44"},
		{"fedora-38", "fedora-38", "2.37"},
		{"rawhide", "rawhide", "2.44"},
		{"fedora-rawhide", "rawhide", "2.44"},
		{"epel-8", "epel-8", "2.28"},
		{"el8", "epel-8", "2.28"},
		{"EL9", "epel-9", "2.34"},
		{"el-9", "epel-9", "2.34"},
		{"rhel-9", "epel-9", "2.34"},
		{"rhel9.4", "epel-9", "2.34"},
		{"rhel-10.1", "epel-10", "2.39"},
		{"centos-stream-10", "epel-10", "2.39"},
		{"centos-stream9", "epel-9", "2.34"},
		{"centos-8", "epel-8", "2.28"},
		{"almalinux-9", "epel-9", "2.34"},
		{"alma-8", "epel-8", "2.28"},
		{"rocky-9", "epel-9", "2.34"},
		{"rockylinux-8", "epel-8", "2.28"},
		{"ol9", "epel-9", "2.34"},
		{" epel-10 ", "epel-10", "2.39"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseTarget(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != c.want || got.Glibc != c.glibc {
				t.Errorf("got %s with glibc %s, want %s with %s", got.Name, got.Glibc, c.want, c.glibc)
			}
		})
	}
	for _, bad := range []string{"", "fedora-7", "el7", "rhel-7", "epel", "fedora", "f", "centos-stream", "debian-12", "fedora-41x", "el9.", "rhel-9.x", "fedora--41", "f0"} {
		if got, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) = %+v, want an error", bad, got)
		} else if !strings.HasPrefix(err.Error(), "unknown target ") || !strings.Contains(err.Error(), "rocky-9") {
			t.Errorf("ParseTarget(%q): %v", bad, err)
		}
	}
}

// TestTargetTable checks the table's shape: every target parses back to
// itself, releases and glibc grow together within a distribution, and
// the Enterprise Linux backports are newer than the release's glibc.
func TestTargetTable(t *testing.T) {
	want := []string{"fedora-38", "fedora-39", "fedora-40", "fedora-41", "fedora-42", "fedora-43", "fedora-44", "fedora-45", "epel-8", "epel-9", "epel-10", "rawhide"}
	if got := KnownTargets(); !reflect.DeepEqual(got, want) {
		t.Errorf("KnownTargets() = %q", got)
	}
	prev := map[string]Target{}
	for _, tg := range Targets() {
		back, err := ParseTarget(tg.Name)
		if err != nil || !reflect.DeepEqual(back, tg) {
			t.Errorf("%s parses to %+v, %v", tg.Name, back, err)
		}
		if p, ok := prev[tg.Distro]; ok && tg.Name != "rawhide" && !(tg.Release > p.Release && versionLess(p.Glibc, tg.Glibc)) {
			t.Errorf("%s (glibc %s) after %s (glibc %s)", tg.Name, tg.Glibc, p.Name, p.Glibc)
		}
		if tg.Backport != "" && (!versionLess(tg.Glibc, tg.Backport) || tg.BackportSince == "") {
			t.Errorf("%s: backport %s since %q", tg.Name, tg.Backport, tg.BackportSince)
		}
		prev[tg.Distro] = tg
	}
	if r, _ := ParseTarget("rawhide"); r.Glibc != prev["fedora"].Glibc {
		t.Errorf("rawhide has glibc %s, the newest Fedora %s", r.Glibc, prev["fedora"].Glibc)
	}
}

// versionLess compares two "2.x" glibc versions.
func versionLess(a, b string) bool {
	x, errA := strconv.Atoi(strings.TrimPrefix(a, "2."))
	y, errB := strconv.Atoi(strings.TrimPrefix(b, "2."))
	return errA == nil && errB == nil && x < y
}
