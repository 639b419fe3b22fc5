package rpmread

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes a human-readable view of p in the manner of
// "rpm -qip" followed by "rpm -qlvp". It differs from rpm where rpm's
// output depends on the machine: times are UTC, file times are always
// "2006-01-02 15:04", and the install date and signature lines are
// omitted (they are not facts of the package header). Like rpm -qlv, it
// prints directories with 2 links and size 0.
func WriteText(w io.Writer, p *Package) error {
	bw := bufio.NewWriter(w)
	field := func(name, value string) { fmt.Fprintf(bw, "%-12s: %s\n", name, value) }
	field("Name", p.Name)
	if p.Epoch != nil {
		field("Epoch", fmt.Sprint(*p.Epoch))
	}
	field("Version", p.Version)
	field("Release", p.Release)
	field("Architecture", p.Arch)
	field("Group", p.Group)
	field("Size", fmt.Sprint(p.Size))
	field("License", p.License)
	field("Source RPM", p.SourceRPM)
	field("Build Date", time.Unix(p.BuildTime, 0).UTC().Format("Mon Jan _2 15:04:05 2006 UTC"))
	field("Build Host", p.BuildHost)
	for _, f := range []struct{ name, value string }{
		{"Packager", p.Packager}, {"Vendor", p.Vendor}, {"URL", p.URL},
	} {
		if f.value != "" {
			field(f.name, f.value)
		}
	}
	field("Summary", p.Summary)
	fmt.Fprintf(bw, "Description :\n%s\n", p.Description)
	for i := range p.Files {
		f := &p.Files[i]
		nlink, size := p.NLink(i), fmt.Sprint(f.Size)
		if f.IsDir() {
			// Like rpm -qlv, whatever FILESIZES says (old rpmbuild
			// recorded 4096 for directories).
			nlink, size = 2, "0"
		}
		if t := f.Mode & 0o170000; t == 0o020000 || t == 0o060000 {
			size = fmt.Sprintf("%3d, %3d", f.RDev>>8, f.RDev&0xff)
		}
		name := f.Path
		if f.IsSymlink() {
			name += " -> " + f.LinkTo
		}
		fmt.Fprintf(bw, "%s %4d %-8s %-8s %10s %s %s\n", PermString(f.Mode), nlink,
			f.User, f.Group, size, time.Unix(f.MTime, 0).UTC().Format("2006-01-02 15:04"), name)
	}
	return bw.Flush()
}

// PermString renders st_mode like ls -l: "-rwxr-xr-x", "drwxr-xr-x",
// "lrwxrwxrwx", with s/S/t/T for setuid, setgid and sticky.
func PermString(mode uint32) string {
	var b strings.Builder
	switch mode & 0o170000 {
	case 0o100000:
		b.WriteByte('-')
	case 0o040000:
		b.WriteByte('d')
	case 0o120000:
		b.WriteByte('l')
	case 0o020000:
		b.WriteByte('c')
	case 0o060000:
		b.WriteByte('b')
	case 0o010000:
		b.WriteByte('p')
	case 0o140000:
		b.WriteByte('s')
	default:
		b.WriteByte('?')
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		c := byte('-')
		if mode&(1<<(8-i)) != 0 {
			c = rwx[i]
		}
		special := (i == 2 && mode&0o4000 != 0) || (i == 5 && mode&0o2000 != 0) || (i == 8 && mode&0o1000 != 0)
		if special {
			lower, upper := byte('s'), byte('S')
			if i == 8 {
				lower, upper = 't', 'T'
			}
			if c == '-' {
				c = upper
			} else {
				c = lower
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
