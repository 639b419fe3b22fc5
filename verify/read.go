package verify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
	"github.com/gotc-project/gotc/toolchain"
)

// pkgInfo is what the checks know about one package after its single
// pass: the header model, the plan it belongs to, and the few payload
// facts later checks need.
type pkgInfo struct {
	file  string
	pkg   *rpmread.Package
	nevra string
	// index maps a header path to its index in pkg.Files (first one).
	index map[string]int

	// plan and part are the plan and plan package this package is, nil
	// when it is not a gotc package (or does not fit the plan).
	plan *toolchain.Plan
	part *toolchain.Package
	// inferred marks a plan built from the package itself, not a config.
	inferred bool
	// depExclude matches installed paths dependency generators skip.
	depExclude *regexp.Regexp

	// payloadRead is true when the whole payload was read without error.
	payloadRead bool
	// goEnv is the payload content of GOROOT/go.env when goEnvRead.
	goEnv     []byte
	goEnvRead bool
	// spec is the payload content of a source package's spec when
	// specRead.
	spec     []byte
	specRead bool
	// elf lists the ELF files analysed for the abi check.
	elf []elfInfo
}

// maxGoEnv bounds how much of go.env is kept; the real one is ~500 bytes.
const maxGoEnv = 64 << 10

// maxSpec bounds how much of a source package's spec is kept; gotc's are
// ~7 KB.
const maxSpec = 1 << 20

// read opens one package, resolves its plan and reads its payload once,
// recording integrity and structure findings.
func (v *verifier) read(file string) (*pkgInfo, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, &InputError{File: file, Err: unwrapPath(err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, &InputError{File: file, Err: errors.New("not a regular file")}
	}
	// The header says how large the payload is; open once to learn it,
	// then reopen with the bound.
	probe, err := rpmread.Open(file)
	if err != nil {
		return nil, &InputError{File: file, Err: trimFile(err, file)}
	}
	bound := probe.Package.PayloadBound()
	probe.Close()
	r, err := rpmread.OpenOptions(file, rpmread.Options{MaxPayloadSize: bound})
	if err != nil {
		return nil, &InputError{File: file, Err: trimFile(err, file)}
	}
	defer r.Close()
	// rpmread.Open refused a file shorter than its headers record: a
	// truncated package is unusable input, not a finding.

	p := &pkgInfo{file: file, pkg: r.Package, nevra: r.Package.NEVRA(), index: map[string]int{}}
	for i, f := range p.pkg.Files {
		if _, dup := p.index[f.Path]; !dup {
			p.index[f.Path] = i
		}
	}
	if err := v.resolvePlan(p); err != nil {
		return nil, err
	}
	v.checkHeaderStructure(p)
	v.checkSignature(p, r.Signature, r.Header)
	if err := v.readPayload(p, r, bound); err != nil {
		return nil, err
	}
	return p, nil
}

// unwrapPath drops the path from an *os.PathError, which InputError
// names already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// trimFile drops the "FILE: " prefix rpmread.Open adds.
func trimFile(err error, file string) error {
	if s, ok := strings.CutPrefix(err.Error(), file+": "); ok {
		return errors.New(s)
	}
	return unwrapPath(err)
}

// checkHeaderStructure checks the header's file list on its own: clean
// absolute paths, no duplicates, the SIZE tag.
func (v *verifier) checkHeaderStructure(p *pkgInfo) {
	seen := map[string]bool{}
	var total int64
	for i := range p.pkg.Files {
		f := &p.pkg.Files[i]
		switch {
		case p.pkg.Source:
			if !rpmread.SourceName(f.Path) {
				v.add(p, findings.Error, CheckStructure, f.Path, "a source package's files are bare names")
			}
		case !strings.HasPrefix(f.Path, "/"):
			v.add(p, findings.Error, CheckStructure, f.Path, "path is not absolute")
		case hasDotDot(f.Path):
			v.add(p, findings.Error, CheckStructure, f.Path, "path has a \"..\" component")
		case path.Clean(f.Path) != f.Path:
			v.add(p, findings.Error, CheckStructure, f.Path, "path is not clean (want %s)", path.Clean(f.Path))
		}
		if seen[f.Path] {
			v.add(p, findings.Error, CheckStructure, f.Path, "listed more than once in the header")
		}
		seen[f.Path] = true
		if f.IsRegular() || f.IsSymlink() {
			total += f.Size
		}
		if f.IsSymlink() && f.Size != int64(len(f.LinkTo)) && f.Size != 0 {
			v.add(p, findings.Error, CheckStructure, f.Path, "symlink size %d, but its target %q has %d bytes", f.Size, f.LinkTo, len(f.LinkTo))
		}
	}
	if p.pkg.Size != total {
		v.add(p, findings.Warning, CheckStructure, "", "header SIZE is %d, the regular files and symlinks add up to %d", p.pkg.Size, total)
	}
}

func hasDotDot(p string) bool {
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}

// readPayload streams the payload once: every entry is matched with the
// header, every regular file hashed and its size compared, go.env and
// ELF version needs kept; then the package digests are checked.
func (v *verifier) readPayload(p *pkgInfo, r *rpmread.Reader, bound int64) error {
	pr, err := r.Payload()
	if err != nil {
		v.add(p, findings.Error, CheckIntegrity, "", "payload cannot be read: %v", payloadMessage(err))
		v.checkDigests(p, r, true)
		return nil
	}
	inPayload := make([]bool, len(p.pkg.Files))
	seen := map[string]bool{}
	var payloadErr error
	for {
		e, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			payloadErr = err
			break
		}
		if seen[e.Path] {
			v.add(p, findings.Error, CheckStructure, e.Path, "payload holds the path more than once")
		}
		seen[e.Path] = true
		if e.FileIndex < 0 {
			v.add(p, findings.Error, CheckStructure, e.Path, "payload entry is not in the header's file list")
			continue
		}
		f := &p.pkg.Files[e.FileIndex]
		inPayload[e.FileIndex] = true
		if f.IsGhost() {
			// rpmpack 0.7 does this; rpm skips the entry on install.
			v.add(p, findings.Warning, CheckStructure, e.Path, "%%ghost file is in the payload (rpm does not install it from there)")
		}
		if e.Mode&0o170000 != f.Mode&0o170000 {
			v.add(p, findings.Error, CheckStructure, e.Path, "payload entry is a %s, the header lists a %s", typeName(e.Mode), typeName(f.Mode))
			continue
		}
		if e.Mode != f.Mode {
			v.add(p, findings.Error, CheckStructure, e.Path, "payload mode %s, header mode %s", rpmread.PermString(e.Mode), rpmread.PermString(f.Mode))
		}
		switch {
		case f.IsSymlink():
			if e.LinkTo != f.LinkTo {
				v.add(p, findings.Error, CheckStructure, e.Path, "payload symlink points to %q, the header says %q", e.LinkTo, f.LinkTo)
			}
		case f.IsRegular():
			if err := v.readBody(p, e, f); err != nil {
				var env *envError
				if errors.As(err, &env) {
					return env.err
				}
				payloadErr = err
			}
		}
		if payloadErr != nil {
			break
		}
	}
	switch {
	case payloadErr == nil:
		p.payloadRead = true
		for i := range p.pkg.Files {
			f := &p.pkg.Files[i]
			if !inPayload[i] && !f.IsGhost() && p.index[f.Path] == i {
				v.add(p, findings.Error, CheckStructure, f.Path, "listed in the header but missing from the payload")
			}
		}
	case errors.Is(payloadErr, rpmread.ErrTooLarge):
		v.add(p, findings.Error, CheckStructure, "", "payload decompresses to more than %d bytes (4× the header's SIZE %d plus framing): not followed, a decompression bomb or a lying header", bound, p.pkg.Size)
	case errors.Is(payloadErr, rpmread.ErrUnsafePath):
		v.add(p, findings.Error, CheckStructure, "", "payload: %s", payloadMessage(payloadErr))
	default:
		var ioErr *os.PathError
		if errors.As(payloadErr, &ioErr) {
			return &InputError{File: p.file, Err: unwrapPath(payloadErr)}
		}
		v.add(p, findings.Error, CheckIntegrity, "", "payload cannot be decompressed: %s", payloadMessage(payloadErr))
	}
	v.checkDigests(p, r, payloadErr != nil)
	return nil
}

// readBody hashes one regular file's body, compares size and digest with
// the header and keeps what the later checks need. The returned error is
// a payload read error.
func (v *verifier) readBody(p *pkgInfo, e *rpmread.Entry, f *rpmread.File) error {
	// In a hardlink set only one member carries the content.
	if len(e.Hardlinks) > 1 && e.Size == 0 && f.Size != 0 {
		return nil
	}
	if e.Size != f.Size {
		v.add(p, findings.Error, CheckIntegrity, e.Path, "payload holds %d bytes, the header says %d", e.Size, f.Size)
	}
	h := p.pkg.NewFileHash()
	var body io.Reader = e.Body
	if h != nil {
		body = io.TeeReader(e.Body, h)
	}
	var keep *bytes.Buffer
	if p.plan != nil && e.Path == p.plan.GOROOT+"/go.env" && e.Size <= maxGoEnv {
		keep = &bytes.Buffer{}
		body = io.TeeReader(body, keep)
	}
	var spec *bytes.Buffer
	if p.pkg.Source && f.Flags&rpmtag.FileSpecfile != 0 && e.Size <= maxSpec {
		spec = &bytes.Buffer{}
		body = io.TeeReader(body, spec)
	}
	var magic [4]byte
	n, err := io.ReadFull(body, magic[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	if n == 4 && string(magic[:]) == "\x7fELF" && v.wantELF(p, e.Path) {
		info, err := v.analyseELF(e.Path, magic[:], body, e.Size)
		if err != nil {
			return err
		}
		p.elf = append(p.elf, info)
	} else if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	if keep != nil {
		p.goEnv, p.goEnvRead = keep.Bytes(), true
	}
	if spec != nil {
		p.spec, p.specRead = spec.Bytes(), true
	}
	switch {
	case h == nil:
		// An unsupported digest algorithm is reported once, by checkDigests.
	case f.Digest == "":
		v.add(p, findings.Error, CheckIntegrity, e.Path, "regular file without a digest in the header")
	case !strings.EqualFold(hexOf(h.Sum(nil)), f.Digest):
		v.add(p, findings.Error, CheckIntegrity, e.Path, "content digest %s, the header records %s", hexOf(h.Sum(nil)), f.Digest)
	}
	return nil
}

// checkDigests reports the package's own digests and sizes (rpm -K). When
// the payload could not be decoded, failures of the uncompressed-payload
// checks are not repeated. A wrong size tag is a warning naming the
// cause: rpm checks none of them.
func (v *verifier) checkDigests(p *pkgInfo, r *rpmread.Reader, payloadFailed bool) {
	res, err := r.Check()
	if err != nil && !payloadFailed {
		v.add(p, findings.Error, CheckIntegrity, "", "payload cannot be decompressed: %s", payloadMessage(err))
	}
	headerDigest, payloadDigest := false, false
	for _, c := range res {
		if c.Status != rpmread.CheckOK && c.Status != rpmread.CheckFailed {
			continue
		}
		if !c.Size {
			headerDigest = headerDigest || c.Scope == rpmread.ScopeHeader
			payloadDigest = payloadDigest || c.Scope == rpmread.ScopePayload || c.Scope == rpmread.ScopeHeaderPayload
		}
		switch {
		case c.Status == rpmread.CheckOK:
		case payloadFailed && c.Scope == rpmread.ScopeArchive:
		case c.Advisory:
			v.add(p, findings.Warning, CheckIntegrity, "", "%s (tag %d): recorded %s, the package has %s%s; rpm does not check it", c.Name, c.Tag, c.Want, c.Got, sizeCause(p, c))
		default:
			v.add(p, findings.Error, CheckIntegrity, "", "%s: recorded %s, computed %s", c.Name, c.Want, c.Got)
		}
	}
	if !headerDigest {
		v.add(p, findings.Warning, CheckIntegrity, "", "no header digest (SHA3-256, SHA256 or SHA1) to check")
	}
	if !payloadDigest {
		v.add(p, findings.Warning, CheckIntegrity, "", "no payload digest to check")
	}
	if p.pkg.NewFileHash() == nil && len(p.pkg.Files) > 0 {
		v.add(p, findings.Warning, CheckIntegrity, "", "file digest algorithm %d is not supported: file contents not checked", p.pkg.FileDigestAlgo)
	}
}

// sizeCause names a known cause of a wrong uncompressed payload size:
// rpmpack 0.7 (and the nfpm releases built on it) records the sum of the
// file sizes instead of the cpio archive's length.
func sizeCause(p *pkgInfo, c rpmread.CheckResult) string {
	if c.Scope != rpmread.ScopeArchive {
		return ""
	}
	var sum int64
	for i := range p.pkg.Files {
		if f := &p.pkg.Files[i]; f.IsRegular() {
			sum += f.Size
		}
	}
	if c.Want == fmt.Sprint(sum) {
		return " — the sum of the file sizes, as rpmpack 0.7 and nfpm write it"
	}
	return ""
}

// payloadMessage keeps a reader error on one line.
func payloadMessage(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

func typeName(mode uint32) string {
	switch mode & 0o170000 {
	case 0o100000:
		return "regular file"
	case 0o040000:
		return "directory"
	case 0o120000:
		return "symlink"
	case 0o020000:
		return "character device"
	case 0o060000:
		return "block device"
	case 0o010000:
		return "fifo"
	case 0o140000:
		return "socket"
	}
	return fmt.Sprintf("file of type %#o", mode&0o170000)
}

func hexOf(b []byte) string { return fmt.Sprintf("%x", b) }
