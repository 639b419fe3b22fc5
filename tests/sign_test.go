package tests

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// TestSignedBuild builds the local toolchain natively with --sign-key,
// with an RSA and an Ed25519 key made by real gpg, and checks with real
// rpm that every package's header signature verifies against the
// imported public key (and is reported missing without it); that the
// signed build is reproducible; that rpmsign, signing the unsigned build
// with the same key, makes a package of the same size that differs only
// in the signature; and that gotc-spec srpm signs the same way.
func TestSignedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real toolchain four times")
	}
	testenv.NeedTools(t, "rpm", "rpmsign", "gpg")
	tb := testenv.Toolchains(t)[0]
	rpmCmd := testenv.Command(t, "gotc-rpm")
	specCmd := testenv.Command(t, "gotc-spec")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gotc.yaml")
	os.WriteFile(cfg, []byte(testenv.Config([]testenv.Tarball{tb}, "")), 0o644)
	sources := filepath.Join(dir, "SOURCES")
	os.Mkdir(sources, 0o755)
	os.Symlink(tb.Path, filepath.Join(sources, tb.File))
	env := []string{"SOURCE_DATE_EPOCH=" + testenv.TestSourceDateEpoch}
	build := func(out string, extra ...string) map[string]string {
		t.Helper()
		args := append([]string{"build", "-c", cfg, "--sources", sources, "-o", out, "--compress", "zstd:1", "--quiet"}, extra...)
		testenv.Run(t, "", env, rpmCmd, args...)
		rpms, _ := filepath.Glob(filepath.Join(out, "*.rpm"))
		m := map[string]string{}
		for _, r := range rpms {
			m[filepath.Base(r)] = r
		}
		return m
	}
	unsigned := build(filepath.Join(dir, "unsigned"))

	// gotc signs with the hash gpg (and so rpmsign 6) picks for the key.
	for _, algo := range []struct{ gpg, rpm, digest string }{{"rsa3072", "RSA/SHA512", "sha512"}, {"ed25519", "EdDSA/SHA256", "sha256"}} {
		t.Run(algo.gpg, func(t *testing.T) {
			secret, public, home := testenv.GPGKey(t, algo.gpg, "")
			keyID := strings.ToLower(strings.TrimSpace(testenv.Run(t, "", nil, "gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys")))
			db := t.TempDir()
			signed := build(filepath.Join(t.TempDir(), "signed"), "--sign-key", secret)
			again := build(filepath.Join(t.TempDir(), "again"), "--sign-key", secret)
			if len(signed) != len(unsigned) || len(signed) < 3 {
				t.Fatalf("signed build wrote %d packages, unsigned %d", len(signed), len(unsigned))
			}
			nokey, _ := testenv.Output("", nil, "rpm", "--dbpath", db, "-Kv", signed[anyKey(signed)])
			if !strings.Contains(nokey, "NOKEY") {
				t.Errorf("rpm -K without the key: %q, want NOKEY", nokey)
			}
			testenv.Run(t, "", nil, "rpm", "--dbpath", db, "--import", public)
			for name, path := range signed {
				out := testenv.Run(t, "", nil, "rpm", "--dbpath", db, "-Kv", path)
				if !strings.Contains(out, "Header V4 "+algo.rpm+" Signature, key ID ") || !strings.Contains(out, "Signature, key ID ") || strings.Contains(out, "BAD") {
					t.Errorf("%s: rpm -Kv:\n%s", name, out)
				}
				if !strings.Contains(keyID, keyIDOf(out)) {
					t.Errorf("%s: signed by key %s, not the test key", name, keyIDOf(out))
				}
				a, _ := os.ReadFile(path)
				b, _ := os.ReadFile(again[name])
				if !bytes.Equal(a, b) {
					t.Errorf("%s: two signed builds differ", name)
				}
				u, _ := os.ReadFile(unsigned[name])
				if len(u) != len(a) || !bytes.Equal(u[sigEnd(t, u):], a[sigEnd(t, a):]) {
					t.Errorf("%s: signing changed more than the signature header (%d → %d bytes)", name, len(u), len(a))
				}
			}

			// rpmsign with the same key, on a copy of an unsigned package.
			name := anyKey(unsigned)
			theirs := filepath.Join(t.TempDir(), name)
			data, _ := os.ReadFile(unsigned[name])
			os.WriteFile(theirs, data, 0o644)
			gpg, _ := exec.LookPath("gpg")
			testenv.Run(t, "", nil, "rpmsign", "--addsign",
				"--define", "__gpg "+gpg, "--define", "_gpg_path "+home, "--define", "_gpg_name gotc test "+algo.gpg,
				"--define", "_gpg_digest_algo "+algo.digest,
				"--define", "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase ''", theirs)
			ours, _ := os.ReadFile(signed[name])
			rs, _ := os.ReadFile(theirs)
			if len(ours) != len(rs) || !bytes.Equal(ours[sigEnd(t, ours):], rs[sigEnd(t, rs):]) {
				t.Errorf("rpmsign's package is %d bytes, ours %d, or differs beyond the signature header", len(rs), len(ours))
			}
			sigTags := func(path string) string {
				return testenv.Run(t, "", nil, "rpm", "--dbpath", db, "-qp", "--qf", "%{RSAHEADER:pgpsig}|%{DSAHEADER:pgpsig}|%{SIGPGP:pgpsig}|%{SIGGPG:pgpsig}\n", path)
			}
			if a, b := sigTags(signed[name]), sigTags(theirs); stripDates(a) != stripDates(b) {
				t.Errorf("signature tags: ours %q, rpmsign's %q", a, b)
			}

			// The source package.
			srpms := filepath.Join(t.TempDir(), "srpms")
			testenv.Run(t, "", env, specCmd, "srpm", "-c", cfg, "--sources", sources, "-o", srpms, "--sign-key", secret)
			list, _ := filepath.Glob(filepath.Join(srpms, "*.src.rpm"))
			if len(list) != 1 {
				t.Fatalf("srpm wrote %v", list)
			}
			if out := testenv.Run(t, "", nil, "rpm", "--dbpath", db, "-Kv", list[0]); !strings.Contains(out, "Header V4 "+algo.rpm+" Signature") {
				t.Errorf("signed source package: rpm -Kv:\n%s", out)
			}
		})
	}

	// Unusable keys are usage errors, and nothing is written.
	junk := filepath.Join(dir, "junk.asc")
	os.WriteFile(junk, []byte("not a key\n"), 0o644)
	out := filepath.Join(dir, "bad")
	for _, args := range [][]string{
		{"build", "-c", cfg, "--sources", sources, "-o", out, "--sign-key", junk},
		{"build", "-c", cfg, "--sources", sources, "-o", out, "--sign-passphrase-file", junk},
	} {
		res, err := testenv.Output("", nil, rpmCmd, args...)
		if exitCode(err) != 2 {
			t.Errorf("gotc-rpm %v: exit %d, output %q", args[len(args)-2:], exitCode(err), res)
		}
	}
	if left, _ := os.ReadDir(out); len(left) > 0 {
		t.Errorf("left in the output directory: %v", left)
	}
}

// anyKey returns the smallest key of m.
func anyKey(m map[string]string) string {
	first := ""
	for k := range m {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}

// keyIDOf is the key ID rpm -Kv reports.
func keyIDOf(out string) string {
	_, after, ok := strings.Cut(out, "key ID ")
	if !ok {
		return "?"
	}
	id, _, _ := strings.Cut(after, ":")
	return id
}

// stripDates drops the signature dates rpm prints, which differ between
// signing runs of rpmsign.
func stripDates(s string) string {
	var out []string
	for _, f := range strings.Split(s, ", ") {
		if !strings.Contains(f, ":") || strings.HasPrefix(f, "Key ID") {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// sigEnd is where the signature header (and its padding) ends in an RPM
// file: the main header starts there.
func sigEnd(t *testing.T, b []byte) int {
	t.Helper()
	const lead = 96
	if len(b) < lead+16 {
		t.Fatal("too short for an RPM")
	}
	il := binary.BigEndian.Uint32(b[lead+8:])
	dl := binary.BigEndian.Uint32(b[lead+12:])
	end := lead + 16 + int(il)*16 + int(dl)
	return end + (8-end%8)%8
}
