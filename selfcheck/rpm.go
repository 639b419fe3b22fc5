package selfcheck

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/rpmtag"
)

// maxUnowned caps the files no package owns reported per toolchain; the
// rest are counted in one closing finding.
const maxUnowned = 50

// File states of FILESTATES.
const (
	stateNormal       = 0
	stateReplaced     = 1
	stateNotInstalled = 2
	stateNetShared    = 3
	stateWrongColor   = 4
)

// checkRPM checks the toolchains against the root's rpm database: every
// file of every package that owns something in a toolchain directory
// must be as the package installed it (the attributes rpm -V compares),
// and nothing in a toolchain directory may be owned by no package. A
// toolchain no package owns is a warning (unpacked by hand, or installed
// with another database).
func (ch *checker) checkRPM(rpm, dbpath, tmp string) error {
	dir, looked := ch.findDB(rpm, dbpath)
	if dir == "" {
		if dbpath != "" {
			return fmt.Errorf("no rpm database in %s", dbpath)
		}
		for _, t := range ch.report.Toolchains {
			ch.add(findings.Warning, path.Base(t.Dir), t.Dir, "no rpm database in the root (looked in %s): not verified against a package", strings.Join(looked, ", "))
		}
		return nil
	}
	ch.report.RPMDB = dir
	copy, err := ch.copyDB(dir, tmp)
	if err != nil {
		return fmt.Errorf("copying the rpm database %s: %w", dir, err)
	}
	db, err := readDB(rpm, copy, ch.c.Layout.Root)
	if err != nil {
		return fmt.Errorf("reading the rpm database %s: %w", dir, err)
	}
	ch.db = db
	users, err := ch.readIDs("/etc/passwd")
	if err != nil {
		return err
	}
	groups, err := ch.readIDs("/etc/group")
	if err != nil {
		return err
	}
	verified := map[string]bool{}
	for _, t := range ch.report.Toolchains {
		owners := db.owners(t.Dir)
		if len(owners) == 0 {
			ch.add(findings.Warning, path.Base(t.Dir), t.Dir, "no package in the rpm database %s owns it: not verified against a package", dir)
			continue
		}
		for _, pkg := range owners {
			if !verified[pkg.nvra] {
				verified[pkg.nvra] = true
				ch.verifyPackage(pkg, users, groups)
			}
		}
		ch.checkUnowned(t)
	}
	return nil
}

// verifyPackage reports the files of pkg that differ from what the
// package installed.
func (ch *checker) verifyPackage(pkg *installedPkg, users, groups *ids) {
	for i := range pkg.files {
		f := &pkg.files[i]
		changed, err := ch.verifyFile(pkg, f, users, groups)
		tc := toolchainOf(ch.c.Layout.Root, f.path)
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
			if f.flags&(rpmtag.FileMissingOK|rpmtag.FileGhost) == 0 {
				ch.add(findings.Error, tc, f.path, "%s: missing since %s was installed; fix: dnf reinstall %s", pkg.name, pkg.name, pkg.name)
			}
		case err != nil:
			ch.add(findings.Error, tc, f.path, "%s: cannot be verified: %v", pkg.name, err)
		case len(changed) > 0:
			ch.add(findings.Error, tc, f.path, "%s: %s changed since %s was installed; fix: dnf reinstall %s", pkg.name, strings.Join(changed, ", "), pkg.name, pkg.name)
		}
	}
}

// verifyFile compares f with what is in the root the way rpm -V does (rpm
// 4.18's rpmfilesVerify: the same attributes, skipped for the same file
// types, states and %ghost), and returns the names of the attributes
// that differ, in rpm -V's order. Capabilities and ACLs are not
// compared. A missing file is an error wrapping fs.ErrNotExist.
func (ch *checker) verifyFile(pkg *installedPkg, f *installedFile, users, groups *ids) ([]string, error) {
	flags := f.verify
	switch f.state {
	case stateNetShared, stateNotInstalled:
		return nil, nil
	case stateReplaced:
		flags = 0 // only that it exists
	case stateWrongColor:
		flags &^= rpmtag.VerifyDigest | rpmtag.VerifyFileSize | rpmtag.VerifyMTime | rpmtag.VerifyRDev
	}
	info, err := ch.fs.Lstat(f.path)
	if err != nil {
		return nil, err
	}
	st := info.Sys().(*syscall.Stat_t)
	if f.mode&0o170000 == syscall.S_IFDIR && st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
		// A directory replaced by a symlink to one, by root or the
		// file's owner, stands for the directory.
		if target, err := ch.fs.Stat(f.path); err == nil && target.IsDir() {
			if uid, ok := users.id(f.user); st.Uid == 0 || ok && st.Uid == uid {
				st = target.Sys().(*syscall.Stat_t)
			}
		}
	}
	ftype := st.Mode & syscall.S_IFMT
	if ftype == syscall.S_IFLNK {
		flags &^= rpmtag.VerifyMode
	} else {
		flags &^= rpmtag.VerifyLinkTo
	}
	if ftype != syscall.S_IFREG {
		flags &^= rpmtag.VerifyDigest | rpmtag.VerifyFileSize | rpmtag.VerifyMTime
	}
	ghost := f.flags&rpmtag.FileGhost != 0
	if ghost {
		flags &^= rpmtag.VerifyDigest | rpmtag.VerifyFileSize | rpmtag.VerifyMTime | rpmtag.VerifyLinkTo
	}
	var changed []string
	size := st.Size
	digestOK := true
	if flags&rpmtag.VerifyDigest != 0 {
		sum, n, err := ch.digest(f.path, pkg.digestAlgo)
		if err != nil {
			return nil, err
		}
		size = n
		digestOK = f.digest != "" && strings.EqualFold(sum, f.digest)
	}
	if flags&rpmtag.VerifyFileSize != 0 && size != f.size {
		changed = append(changed, "size")
	}
	if flags&rpmtag.VerifyMode != 0 {
		want, got := f.mode, st.Mode&0xffff
		if ghost {
			want, got = want&^0o170000, got&^0o170000
		}
		if want != got {
			changed = append(changed, "mode")
		}
	}
	if !digestOK {
		changed = append(changed, "digest")
	}
	if flags&rpmtag.VerifyRDev != 0 {
		isChr, isBlk := func(m uint32) bool { return m&0o170000 == syscall.S_IFCHR }, func(m uint32) bool { return m&0o170000 == syscall.S_IFBLK }
		switch {
		case isChr(f.mode) != isChr(st.Mode) || isBlk(f.mode) != isBlk(st.Mode):
			changed = append(changed, "device")
		case (isChr(f.mode) || isBlk(f.mode)) && uint32(st.Rdev)&0xffff != f.rdev&0xffff:
			changed = append(changed, "device")
		}
	}
	if flags&rpmtag.VerifyLinkTo != 0 {
		target, err := ch.fs.Readlink(f.path)
		if err != nil || target != f.link {
			changed = append(changed, "link target")
		}
	}
	if flags&rpmtag.VerifyUser != 0 && !users.match(f.user, st.Uid) {
		changed = append(changed, "owner")
	}
	if flags&rpmtag.VerifyGroup != 0 && !groups.match(f.group, st.Gid) {
		changed = append(changed, "group")
	}
	if flags&rpmtag.VerifyMTime != 0 && !f.sharedMTimes && st.Mtim.Sec != f.mtime {
		changed = append(changed, "mtime")
	}
	return changed, nil
}

// digest hashes the regular file p with the package's file digest
// algorithm and returns the hex digest and the size read.
func (ch *checker) digest(p string, algo uint32) (string, int64, error) {
	h := (&rpmread.Package{FileDigestAlgo: algo}).NewFileHash()
	if h == nil {
		return "", 0, fmt.Errorf("file digest algorithm %d is not supported", algo)
	}
	file, err := ch.fs.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer file.Close()
	n, err := io.Copy(h, file)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// checkUnowned reports what in the toolchain directory no package of
// the database lists: a directory once, with what it holds.
func (ch *checker) checkUnowned(t Toolchain) {
	name := path.Base(t.Dir)
	var found []string
	var walk func(dir string)
	walk = func(dir string) {
		_, entries, err := ch.fs.ReadDir(dir)
		if err != nil {
			ch.add(findings.Error, name, dir, "unreadable: %v", err)
			return
		}
		for _, e := range entries {
			p := dir + "/" + e.Name()
			if len(ch.db.owner[p]) == 0 {
				found = append(found, p)
				continue
			}
			if e.IsDir() {
				walk(p)
			}
		}
	}
	walk(t.Dir)
	for i, p := range found {
		if i == maxUnowned {
			var owners []string
			for _, pkg := range ch.db.owners(t.Dir) {
				owners = append(owners, pkg.name)
			}
			ch.add(findings.Error, name, t.Dir, "%d more paths no installed package owns; fix them all: rm -r %s && dnf reinstall %s",
				len(found)-maxUnowned, ch.hostPath(t.Dir), strings.Join(slices.Compact(owners), " "))
			break
		}
		what := "no installed package owns it"
		if n := ch.count(p); n > 0 {
			what = fmt.Sprintf("no installed package owns this directory or the %d entries under it", n)
		}
		ch.add(findings.Error, name, p, "%s: left by a go install into GOROOT or an upstream tarball unpacked over the toolchain; fix: rm -r %s", what, ch.hostPath(p))
	}
}

// count counts the entries under directory p, 0 for anything else.
func (ch *checker) count(p string) int {
	info, err := ch.fs.Lstat(p)
	if err != nil || !info.IsDir() {
		return 0
	}
	_, entries, err := ch.fs.ReadDir(p)
	if err != nil {
		return 0
	}
	n := len(entries)
	for _, e := range entries {
		if e.IsDir() {
			n += ch.count(p + "/" + e.Name())
		}
	}
	return n
}

// hostPath is how the admin names path p of the root on this machine.
func (ch *checker) hostPath(p string) string { return filepath.Join(ch.root, filepath.FromSlash(p)) }

// ids maps user or group names to ids as the root's /etc/passwd or
// /etc/group does; root (0) is always known, as rpm has it.
type ids struct {
	byName map[string]uint32
	byID   map[uint32]string
}

// readIDs reads /etc/passwd or /etc/group of the root; a missing file
// knows only root.
func (ch *checker) readIDs(p string) (*ids, error) {
	m := &ids{byName: map[string]uint32{"root": 0}, byID: map[uint32]string{0: "root"}}
	data, err := ch.fs.ReadFile(p, 64<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s of the root: %w", p, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 {
			continue
		}
		id, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			continue
		}
		if _, ok := m.byName[f[0]]; !ok {
			m.byName[f[0]] = uint32(id)
		}
		if _, ok := m.byID[uint32(id)]; !ok {
			m.byID[uint32(id)] = f[0]
		}
	}
	return m, nil
}

func (m *ids) id(name string) (uint32, bool) {
	id, ok := m.byName[name]
	return id, ok
}

// match says a file owned by id matches the recorded name: by name or by
// id, as rpm -V accepts either.
func (m *ids) match(name string, id uint32) bool {
	if n, ok := m.byID[id]; ok && n == name {
		return true
	}
	want, ok := m.byName[name]
	return ok && want == id
}

// runRPM runs this machine's rpm and returns its standard output; a
// failure carries the first line of its standard error.
func runRPM(rpm string, args ...string) (string, error) {
	cmd := exec.Command(rpm, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, firstLine(msg))
		}
	}
	return string(out), err
}

// toolchainOf is the toolchain directory name a path is under, or "".
func toolchainOf(root, p string) string {
	rest, ok := strings.CutPrefix(p, root+"/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}
