package rpmwrite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/rpmtag"
)

// run runs a command and returns its stdout, failing the test on a
// non-zero exit.
func run(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

func runErr(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w\nstderr:\n%s", err, stderr.String())
	}
	return stdout.String(), nil
}

// shell runs a pipeline with bash, failing when any stage fails.
func shell(t testing.TB, dir, script string) string {
	t.Helper()
	return run(t, dir, nil, "bash", "-c", "set -eo pipefail; "+script)
}

// writePackage writes a package with Write into dir and returns its path.
func writePackage(t testing.TB, dir, name string, m Metadata, files []File, opt Options) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.TempDir == "" {
		opt.TempDir = dir
	}
	if err := Write(f, m, files, opt); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// body returns an Open func for a fixed body.
func body(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// tagValue is one decoded header entry, its value rendered as text so
// headers can be compared and diffed.
type tagValue struct {
	typ, count uint32
	text       string
	strs       []string // string and string array values
	ints       []uint64 // integer values
}

// same reports whether two entries have the same type, count and value.
func (v tagValue) same(w tagValue) bool {
	return v.typ == w.typ && v.count == w.count && v.text == w.text
}

// rpmFile is a package split into its parts, parsed independently of
// Write's code.
type rpmFile struct {
	lead       []byte
	sig, main  map[uint32]tagValue
	sigLen     int // signature header bytes, before padding
	mainBytes  []byte
	payload    []byte
	payloadOff int
}

func readRPM(t testing.TB, path string) *rpmFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < rpmtag.LeadSize || string(b[:4]) != rpmtag.LeadMagic {
		t.Fatalf("%s: no lead", path)
	}
	r := &rpmFile{lead: b[:rpmtag.LeadSize]}
	off := rpmtag.LeadSize
	var n int
	r.sig, n, err = parseHeader(b[off:])
	if err != nil {
		t.Fatalf("%s: signature header: %v", path, err)
	}
	r.sigLen = n
	off += n
	if off%8 != 0 {
		off += 8 - off%8
	}
	r.main, n, err = parseHeader(b[off:])
	if err != nil {
		t.Fatalf("%s: main header: %v", path, err)
	}
	r.mainBytes = b[off : off+n]
	r.payloadOff = off + n
	r.payload = b[off+n:]
	return r
}

func parseHeader(b []byte) (map[uint32]tagValue, int, error) {
	if len(b) < 16 || string(b[:4]) != rpmtag.HeaderMagic {
		return nil, 0, fmt.Errorf("bad header magic")
	}
	nidx := int(binary.BigEndian.Uint32(b[8:]))
	hsize := int(binary.BigEndian.Uint32(b[12:]))
	end := 16 + 16*nidx + hsize
	if nidx > 1<<16 || hsize > 1<<28 || end > len(b) {
		return nil, 0, fmt.Errorf("header of %d entries, %d bytes overruns file", nidx, hsize)
	}
	store := b[16+16*nidx : end]
	tags := make(map[uint32]tagValue, nidx)
	for i := 0; i < nidx; i++ {
		e := b[16+16*i:]
		tag := binary.BigEndian.Uint32(e)
		typ := binary.BigEndian.Uint32(e[4:])
		off := int(int32(binary.BigEndian.Uint32(e[8:])))
		count := binary.BigEndian.Uint32(e[12:])
		v, err := decodeValue(store, typ, off, int(count))
		if err != nil {
			return nil, 0, fmt.Errorf("tag %d: %v", tag, err)
		}
		if _, dup := tags[tag]; dup {
			return nil, 0, fmt.Errorf("tag %d twice", tag)
		}
		v.typ, v.count = typ, count
		tags[tag] = v
	}
	return tags, end, nil
}

func decodeValue(store []byte, typ uint32, off, count int) (tagValue, error) {
	var v tagValue
	if off < 0 || off > len(store) {
		return v, fmt.Errorf("offset %d outside data", off)
	}
	d := store[off:]
	width := map[uint32]int{rpmtag.TypeInt16: 2, rpmtag.TypeInt32: 4, rpmtag.TypeInt64: 8}
	var s []string
	switch typ {
	case rpmtag.TypeInt16, rpmtag.TypeInt32, rpmtag.TypeInt64:
		w := width[typ]
		if off%w != 0 {
			return v, fmt.Errorf("offset %d not aligned to %d", off, w)
		}
		if len(d) < w*count {
			return v, fmt.Errorf("%d values overrun data", count)
		}
		for i := 0; i < count; i++ {
			var x uint64
			switch w {
			case 2:
				x = uint64(binary.BigEndian.Uint16(d[2*i:]))
			case 4:
				x = uint64(binary.BigEndian.Uint32(d[4*i:]))
			case 8:
				x = binary.BigEndian.Uint64(d[8*i:])
			}
			v.ints = append(v.ints, x)
			s = append(s, fmt.Sprint(x))
		}
	case rpmtag.TypeString, rpmtag.TypeStringArray, rpmtag.TypeI18NString:
		for i := 0; i < count; i++ {
			j := bytes.IndexByte(d, 0)
			if j < 0 {
				return v, fmt.Errorf("unterminated string")
			}
			v.strs = append(v.strs, string(d[:j]))
			s = append(s, fmt.Sprintf("%q", d[:j]))
			d = d[j+1:]
		}
	case rpmtag.TypeBin, rpmtag.TypeChar, rpmtag.TypeInt8:
		if len(d) < count {
			return v, fmt.Errorf("%d bytes overrun data", count)
		}
		s = append(s, fmt.Sprintf("%x", d[:count]))
	default:
		return v, fmt.Errorf("unknown type %d", typ)
	}
	v.text = strings.Join(s, ",")
	return v, nil
}

// fileClasses maps each file of a parsed main header to its FILECLASS
// string.
func fileClasses(main map[uint32]tagValue) map[string]string {
	dirs, bases, idx := main[rpmtag.DirNames].strs, main[rpmtag.BaseNames].strs, main[rpmtag.DirIndexes].ints
	dict, class := main[rpmtag.ClassDict].strs, main[rpmtag.FileClass].ints
	m := make(map[string]string, len(bases))
	for i, b := range bases {
		m[dirs[idx[i]]+b] = dict[class[i]]
	}
	return m
}

// rpmQuery runs rpm -qp with args on path.
func rpmQuery(t testing.TB, path string, args ...string) string {
	t.Helper()
	return run(t, "", nil, "rpm", append(append([]string{"-qp"}, args...), path)...)
}

// cpioList lists the payload with rpm2cpio | cpio -t.
func cpioList(t testing.TB, path string) []string {
	t.Helper()
	out := shell(t, "", "rpm2cpio "+path+" | cpio -t --quiet")
	return strings.Fields(out)
}

// diffLines reports the first lines where want and got differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  rpmbuild: %q\n  rpmwrite: %q\n", i+1, wl, gl)
			if b.Len() > 2000 {
				break
			}
		}
	}
	return b.String()
}

func u32(v uint32) *uint32 { return &v }
