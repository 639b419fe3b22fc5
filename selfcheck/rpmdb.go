package selfcheck

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DBPaths are where roots keep their rpm database, in the order selfcheck
// looks: Fedora since 36 (and openSUSE) in /usr/lib/sysimage/rpm, older
// releases and EL in /var/lib/rpm. After them comes the database path of
// this machine's rpm (%_dbpath), where its rpm --root and dnf
// --installroot put one: Debian's rpm says ~/.rpmdb.
var DBPaths = []string{"/usr/lib/sysimage/rpm", "/var/lib/rpm"}

// dbFiles name the main file of each rpm database backend: sqlite, ndb,
// Berkeley DB.
var dbFiles = []string{"rpmdb.sqlite", "Packages.db", "Packages"}

// rpmDB is what selfcheck knows of the root's rpm database: the packages
// with files under the toolchains directory, read from a copy of the
// database made outside the root (rpm writes into a database it only
// queries: sqlite's -shm file, or a whole new database where it finds
// none).
type rpmDB struct {
	pkgs  []*installedPkg
	owner map[string][]*installedPkg // path → the packages listing it
}

// installedPkg is one package of the database.
type installedPkg struct {
	nvra       string // name-version-release.arch: what rpm -q takes
	name       string
	digestAlgo uint32
	files      []installedFile
}

// installedFile is one file of an installed package, as the database
// records it.
type installedFile struct {
	path         string
	state        int
	flags        uint32
	verify       uint32
	mode         uint32
	size         int64
	mtime        int64
	digest       string
	user, group  string
	link         string
	rdev         uint32
	sharedMTimes bool // another listed package has the same path
}

// findDB returns the root's database directory (resolved in the root),
// or "" and the places looked at.
func (ch *checker) findDB(rpm, dbpath string) (string, []string) {
	candidates := DBPaths
	if dbpath != "" {
		candidates = []string{dbpath}
	} else if out, err := runRPM(rpm, "--eval", "%{_dbpath}"); err == nil {
		if p := strings.TrimSpace(out); path.IsAbs(p) && !slices.Contains(candidates, path.Clean(p)) {
			candidates = append(slices.Clip(candidates), path.Clean(p))
		}
	}
	for _, c := range candidates {
		dir, entries, err := ch.fs.ReadDir(c)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if slices.Contains(dbFiles, e.Name()) && e.Type().IsRegular() {
				return dir, candidates
			}
		}
	}
	return "", candidates
}

// maxDBSize bounds the copy of a root's rpm database: a Fedora
// workstation's is a few hundred MB.
const maxDBSize = 4 << 30

// copyDB copies the regular files of the database directory dir (in the
// root) into a new directory under tmp and returns it.
func (ch *checker) copyDB(dir, tmp string) (string, error) {
	dst, err := os.MkdirTemp(tmp, "rpmdb-")
	if err != nil {
		return "", err
	}
	_, entries, err := ch.fs.ReadDir(dir)
	if err != nil {
		return "", err
	}
	budget := int64(maxDBSize)
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasSuffix(e.Name(), ".lock") {
			continue
		}
		n, err := ch.copyOut(path.Join(dir, e.Name()), filepath.Join(dst, e.Name()), budget)
		if err != nil {
			return "", err
		}
		budget -= n
	}
	return dst, nil
}

// copyOut copies the regular file p of the root to dst, at most max
// bytes, and returns how many it copied.
func (ch *checker) copyOut(p, dst string, max int64) (int64, error) {
	in, err := ch.fs.Open(p)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(in, max+1))
	if err == nil && n > max {
		err = fmt.Errorf("the database is larger than %d bytes", int64(maxDBSize))
	}
	if err != nil {
		out.Close()
		return n, fmt.Errorf("copying %s: %w", p, err)
	}
	return n, out.Close()
}

// queryFormat prints one line per file of a package, tab-separated.
const queryFormat = `[%{=NAME}-%{=VERSION}-%{=RELEASE}.%{=ARCH}\t%{=NAME}\t%{=FILEDIGESTALGO}\t%{FILENAMES}\t%{FILESTATES}\t%{FILEFLAGS}\t%{FILEVERIFYFLAGS}\t%{FILEMODES}\t%{LONGFILESIZES}\t%{FILEMTIMES}\t%{FILEDIGESTS}\t%{FILEUSERNAME}\t%{FILEGROUPNAME}\t%{FILELINKTOS}\t%{FILERDEVS}\n]`

// readDB reads, from the copy of the database at copy, every package
// with a file under the directory under (the toolchains directory).
func readDB(rpm, copy, under string) (*rpmDB, error) {
	out, err := runRPM(rpm, "--dbpath", copy, "-qa", "--qf", `%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}[\t%{DIRNAMES}]\n`)
	if err != nil {
		return nil, fmt.Errorf("rpm -qa: %w", err)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		for _, d := range f[1:] {
			if d == under+"/" || strings.HasPrefix(d, under+"/") {
				names = append(names, f[0])
				break
			}
		}
	}
	db := &rpmDB{owner: map[string][]*installedPkg{}}
	if len(names) == 0 {
		return db, nil
	}
	slices.Sort(names)
	names = slices.Compact(names)
	cmd := append([]string{"--dbpath", copy, "-q", "--qf", queryFormat}, names...)
	out, err = runRPM(rpm, cmd...)
	if err != nil {
		return nil, fmt.Errorf("rpm -q %s: %w", strings.Join(names, " "), err)
	}
	byName := map[string]*installedPkg{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p, f, err := parseFileLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("rpm -q --qf: %w", err)
		}
		pkg := byName[p.nvra]
		if pkg == nil {
			pkg = p
			byName[p.nvra] = pkg
			db.pkgs = append(db.pkgs, pkg)
		}
		pkg.files = append(pkg.files, f)
		db.owner[f.path] = append(db.owner[f.path], pkg)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rpm -q --qf: %w", err)
	}
	for _, pkg := range db.pkgs {
		for i := range pkg.files {
			pkg.files[i].sharedMTimes = len(db.owner[pkg.files[i].path]) > 1
		}
	}
	return db, nil
}

// parseFileLine parses one line of queryFormat.
func parseFileLine(line string) (*installedPkg, installedFile, error) {
	f := strings.Split(line, "\t")
	if len(f) != 15 {
		return nil, installedFile{}, fmt.Errorf("%q: %d fields, want 15 (a tab or newline in a file name?)", line, len(f))
	}
	var nums [8]int64
	for i, s := range []string{f[2], f[4], f[5], f[6], f[7], f[8], f[9], f[14]} {
		if i == 0 && s == "(none)" {
			s = "1" // no FILEDIGESTALGO: MD5
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, installedFile{}, fmt.Errorf("%q: field %q is not a number", line, s)
		}
		nums[i] = n
	}
	p := &installedPkg{nvra: f[0], name: f[1], digestAlgo: uint32(nums[0])}
	file := installedFile{
		path: f[3], state: int(int8(nums[1])), flags: uint32(nums[2]), verify: uint32(nums[3]), mode: uint32(nums[4]) & 0xffff,
		size: nums[5], mtime: nums[6], digest: f[10], user: f[11], group: f[12], link: f[13], rdev: uint32(nums[7]),
	}
	return p, file, nil
}

// owners returns the packages that own dir or anything under it, sorted
// by name.
func (db *rpmDB) owners(dir string) []*installedPkg {
	var out []*installedPkg
	for _, p := range db.pkgs {
		for _, f := range p.files {
			if f.path == dir || strings.HasPrefix(f.path, dir+"/") {
				out = append(out, p)
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b *installedPkg) int { return strings.Compare(a.nvra, b.nvra) })
	return out
}

// ownerNames names the packages that own p, for a fix ("dnf reinstall
// NAME").
func (db *rpmDB) ownerNames(p string) []string {
	var names []string
	for _, pkg := range db.owner[p] {
		names = append(names, pkg.name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
