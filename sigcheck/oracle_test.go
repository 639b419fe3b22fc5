package sigcheck

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rpm6Dir is the folder of rpm 6 recordings (../shared/rpm6 from the
// worktree, see its README.md).
func rpm6Dir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "rpm6")
	if _, err := os.Stat(filepath.Join(dir, "oracles")); err != nil {
		t.Fatalf("rpm 6 recordings: %v", err)
	}
	return dir
}

// oracle is one recorded rpm 6 -Kv run.
type oracle struct {
	file    string
	pkg     string // package file name
	offset  int    // tampered byte, -1 when not tampered
	keyring bool
	lines   []string
	exit    int
}

var tamperedRE = regexp.MustCompile(`^# (\S+\.rpm) with the byte at offset ([0-9]+) set to 0x01$`)

func readOracle(t *testing.T, path string) oracle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	o := oracle{file: base, offset: -1, keyring: strings.HasSuffix(base, ".Kv-keyring")}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if m := tamperedRE.FindStringSubmatch(lines[0]); m != nil {
		o.pkg = m[1]
		o.offset, _ = strconv.Atoi(m[2])
		lines = lines[1:]
	} else {
		o.pkg = strings.TrimSuffix(strings.TrimSuffix(base, ".Kv-keyring"), ".Kv-nokey") + ".rpm"
	}
	if len(lines) < 2 || !strings.HasSuffix(lines[0], ":") || !strings.HasPrefix(lines[len(lines)-1], "exit ") {
		t.Fatalf("%s: not an rpm -Kv recording", base)
	}
	o.exit, _ = strconv.Atoi(strings.TrimPrefix(lines[len(lines)-1], "exit "))
	for _, l := range lines[1 : len(lines)-1] {
		o.lines = append(o.lines, strings.TrimPrefix(l, "    "))
	}
	return o
}

// testKeyring is a keyring with both recorded public keys, as the
// -keyring recordings had them imported.
func testKeyring(t testing.TB, dir string) *Keyring {
	t.Helper()
	kr, err := LoadKeyring(filepath.Join(dir, "keys", "rsa.pub.asc"), filepath.Join(dir, "keys", "ed25519.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// TestOracles checks every recorded rpm 6 -Kv run — with both keys
// imported, with none, and of copies with one header byte changed, made
// here from the recorded offset — line for line and exit code for exit
// code.
func TestOracles(t *testing.T) {
	dir := rpm6Dir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "oracles", "*.Kv-*"))
	if len(files) < 12 {
		t.Fatalf("found %d -Kv recordings", len(files))
	}
	kr := testKeyring(t, dir)
	for _, f := range files {
		o := readOracle(t, f)
		t.Run(o.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "packages", o.pkg))
			if err != nil {
				t.Fatal(err)
			}
			if o.offset >= 0 {
				if data[o.offset] == 0x01 {
					t.Fatalf("byte %d is already 0x01", o.offset)
				}
				data = bytes.Clone(data)
				data[o.offset] = 0x01
			}
			opt := Options{}
			if o.keyring {
				opt.Keyring = kr
			}
			res, err := Check(bytes.NewReader(data), opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range res.Shown() {
				got = append(got, it.String())
			}
			if strings.Join(got, "\n") != strings.Join(o.lines, "\n") {
				t.Errorf("rpm -Kv lines:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(o.lines, "\n      "))
			}
			exit := 0
			if res.Failed != 0 {
				exit = 1
			}
			if exit != o.exit {
				t.Errorf("exit %d (failed %v), rpm 6 exited %d", exit, res.Failed, o.exit)
			}
			var buf bytes.Buffer
			res.WriteVerbose(&buf, "x.rpm")
			if want := "x.rpm:\n    " + strings.Join(o.lines, "\n    ") + "\n"; buf.String() != want {
				t.Errorf("WriteVerbose:\n%s\nwant\n%s", buf.String(), want)
			}
		})
	}
}

// TestOracleSignatures checks the signature API on the recordings: each
// signed package has one signature rpm looks at, by the recorded key,
// with the recorded algorithms, OK with the keyring and NOKEY without.
func TestOracleSignatures(t *testing.T) {
	dir := rpm6Dir(t)
	kr := testKeyring(t, dir)
	for _, tc := range []struct {
		pkg, keyID, fpr, algo string
		tag                   int
	}{
		{"fixture-v4-rsa", "46d353ca44bc49a9", "d3ffb8a8c79d0221529c744846d353ca44bc49a9", "RSA/SHA512", 268},
		{"fixture-v4-ed25519", "9385c11ff9f1fa7f", "cbe8b89b630c473dd88c45b49385c11ff9f1fa7f", "EdDSA/SHA256", 267},
		{"fixture-v6-rsa", "46d353ca44bc49a9", "d3ffb8a8c79d0221529c744846d353ca44bc49a9", "RSA/SHA512", 278},
		{"fixture-v6-ed25519", "9385c11ff9f1fa7f", "cbe8b89b630c473dd88c45b49385c11ff9f1fa7f", "EdDSA/SHA256", 278},
		{"fixture-v6-rpmv4", "46d353ca44bc49a9", "d3ffb8a8c79d0221529c744846d353ca44bc49a9", "RSA/SHA512", 278},
		{"fixture-v4", "", "", "", 0},
		{"fixture-v6", "", "", "", 0},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			path := filepath.Join(dir, "packages", tc.pkg+".rpm")
			for _, withKeys := range []bool{true, false} {
				opt := Options{}
				if withKeys {
					opt.Keyring = kr
				}
				res, err := CheckFile(path, opt)
				if err != nil {
					t.Fatal(err)
				}
				sigs := res.Signatures()
				if tc.tag == 0 {
					if res.Signed() || res.Failed&KindSignature == 0 {
						t.Errorf("unsigned package: signed %v, failed %v", res.Signed(), res.Failed)
					}
					continue
				}
				if len(sigs) != 1 {
					t.Fatalf("%d signatures, want 1", len(sigs))
				}
				s := sigs[0]
				want, fpr := OK, tc.fpr
				if !withKeys {
					want, fpr = NoKey, ""
				}
				algo := PubKeyName(s.Packet.PubKeyAlgo) + "/" + HashName(s.HashAlgo)
				if s.Tag != tc.tag || s.KeyID() != tc.keyID || s.Fingerprint != fpr || algo != tc.algo || s.Verdict != want {
					t.Errorf("keys %v: tag %d key %s fpr %q %s %s, want tag %d key %s fpr %q %s %s",
						withKeys, s.Tag, s.KeyID(), s.Fingerprint, algo, s.Verdict, tc.tag, tc.keyID, fpr, tc.algo, want)
				}
				if got := s.Packet.Created.Format("2006-01-02"); got != "2026-09-15" {
					t.Errorf("signature time %s, the recording signed on 2026-09-15", got)
				}
			}
		})
	}
}

// TestTamperedEverywhere flips each byte of the signed packages' main
// headers in turn (a sample of them) and checks that the signature never
// stays OK.
func TestTamperedEverywhere(t *testing.T) {
	dir := rpm6Dir(t)
	kr := testKeyring(t, dir)
	for _, name := range []string{"fixture-v4-rsa", "fixture-v6-ed25519"} {
		data, err := os.ReadFile(filepath.Join(dir, "packages", name+".rpm"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(bytes.NewReader(data), Options{Keyring: kr})
		if err != nil || res.Failed != 0 {
			t.Fatalf("%s: %v, failed %v", name, err, res.Failed)
		}
		start, end := headerSpan(t, data)
		for off := start; off < end; off += 97 {
			mod := bytes.Clone(data)
			mod[off] ^= 0x40
			res, err := Check(bytes.NewReader(mod), Options{Keyring: kr})
			if err != nil {
				continue // the header no longer parses: rpm refuses it too
			}
			for _, s := range res.Signatures() {
				if s.Verdict == OK {
					t.Errorf("%s: byte %d changed, signature still %s", name, off, s.String())
				}
			}
			if res.Failed == 0 {
				t.Errorf("%s: byte %d changed, package still passes", name, off)
			}
		}
	}
}

// headerSpan is where the main header lies in an RPM file.
func headerSpan(t *testing.T, b []byte) (int, int) {
	t.Helper()
	be := func(o int) int { return int(b[o])<<24 | int(b[o+1])<<16 | int(b[o+2])<<8 | int(b[o+3]) }
	sigEnd := 96 + 16 + be(96+8)*16 + be(96+12)
	sigEnd += (8 - sigEnd%8) % 8
	return sigEnd, sigEnd + 16 + be(sigEnd+8)*16 + be(sigEnd+12)
}

func ExampleResult_WriteVerbose() {
	res, err := CheckFile("../../shared/rpm6/packages/fixture-v4-rsa.rpm", Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res.WriteVerbose(os.Stdout, "fixture-v4-rsa.rpm")
	fmt.Println("failed:", res.Failed != 0)
	// Output:
	// fixture-v4-rsa.rpm:
	//     Header OpenPGP DSA signature: NOTFOUND
	//     Header OpenPGP V4 RSA/SHA512 signature, key ID 46d353ca44bc49a9: NOKEY
	//     Header OpenPGP signature: NOTFOUND
	//     Header SHA256 digest: OK
	//     Payload SHA256 digest: OK
	//     Legacy OpenPGP DSA signature: NOTFOUND
	//     Legacy OpenPGP RSA signature: NOTFOUND
	// failed: true
}
