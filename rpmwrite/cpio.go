package rpmwrite

import (
	"bufio"
	"fmt"
	"io"
)

// cpioWriter writes the payload archive the way rpm's cpio code does: the
// "newc" format (magic 070701), names "./usr/...", inode = header index + 1,
// uid, gid and devices 0, one link per file, every header and body padded
// to 4 bytes, and a TRAILER!!! entry padded to 4 (not to 512 as GNU cpio
// does). When the package needs LONGFILESIZES it writes rpm's stripped
// headers instead (magic 07070X and the header index only), as rpm 4.12
// and later do.
type cpioWriter struct {
	w        *bufio.Writer
	off      int64 // bytes written so far
	end      int64 // where the current entry's body ends
	stripped bool
}

func newCPIOWriter(w io.Writer, stripped bool) *cpioWriter {
	return &cpioWriter{w: bufio.NewWriterSize(w, 256<<10), stripped: stripped}
}

func (c *cpioWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.end-c.off {
		return 0, fmt.Errorf("cpio: body overruns its header's size")
	}
	n, err := c.w.Write(p)
	c.off += int64(n)
	return n, err
}

func (c *cpioWriter) pad() error {
	if r := c.off % 4; r != 0 {
		n, err := c.w.Write(make([]byte, 4-r))
		c.off += int64(n)
		return err
	}
	return nil
}

// writeHeader starts the entry for file index i of the header's file list,
// whose body is size bytes.
func (c *cpioWriter) writeHeader(i int, f *File, size int64) error {
	if c.off != c.end {
		return fmt.Errorf("cpio: previous body short by %d bytes", c.end-c.off)
	}
	if err := c.pad(); err != nil {
		return err
	}
	var hdr []byte
	if c.stripped {
		hdr = fmt.Appendf(nil, "07070X%08x", i)
	} else {
		if size >= 0xffffffff {
			return fmt.Errorf("cpio: file too large for the newc format")
		}
		hdr = newcHeader("."+f.Path, uint32(i+1), f.Mode, 1, f.MTime, size)
	}
	n, err := c.w.Write(hdr)
	c.off += int64(n)
	if err != nil {
		return err
	}
	if err := c.pad(); err != nil {
		return err
	}
	c.end = c.off + size
	return nil
}

// close writes the trailer and flushes.
func (c *cpioWriter) close() error {
	if c.off != c.end {
		return fmt.Errorf("cpio: last body short by %d bytes", c.end-c.off)
	}
	if err := c.pad(); err != nil {
		return err
	}
	const name = "TRAILER!!!"
	hdr := newcHeader(name, 0, 0, 1, 0, 0)
	n, err := c.w.Write(hdr)
	c.off += int64(n)
	if err != nil {
		return err
	}
	c.end = c.off
	if err := c.pad(); err != nil {
		return err
	}
	return c.w.Flush()
}

// newcHeader formats a "newc" header: the magic, thirteen fields of eight
// hex digits, and the NUL-terminated name. uid, gid and the device numbers
// are 0, as in rpm's payloads.
func newcHeader(name string, ino, mode, nlink, mtime uint32, size int64) []byte {
	fields := [...]uint64{
		uint64(ino), uint64(mode),
		0, 0, // uid, gid
		uint64(nlink), uint64(mtime), uint64(size),
		0, 0, 0, 0, // device and rdevice, major and minor
		uint64(len(name) + 1),
		0, // check
	}
	b := make([]byte, 0, 110+len(name)+1)
	b = append(b, "070701"...)
	for _, f := range fields {
		b = fmt.Appendf(b, "%08x", f)
	}
	b = append(b, name...)
	return append(b, 0)
}
