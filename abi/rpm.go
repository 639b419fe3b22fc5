package abi

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gotc-project/gotc/rpmread"
)

// DefaultSkip reports the payload paths AnalyzeRPM leaves out unless
// told otherwise: files under a testdata directory, where Go's source
// tree keeps ELF files of other systems and architectures (FreeBSD
// programs, relocatable objects) that nothing runs.
func DefaultSkip(path string) bool { return strings.Contains(path, "/testdata/") }

// RPMOptions control AnalyzeRPM.
type RPMOptions struct {
	// Spool says where large ELF files are kept while they are analysed.
	Spool SpoolOptions
	// Skip reports payload paths to leave out (DefaultSkip when nil).
	Skip func(path string) bool
}

// AnalyzeRPM reads the RPM package at path once and analyses every ELF
// file in its payload. A member that starts like ELF but cannot be
// analysed is kept with File.Error set. The error is for a package that
// cannot be read (see rpmread's sentinels) and for a spool file that
// cannot be written (*SpoolError).
func AnalyzeRPM(path string, opt RPMOptions) (*Input, error) {
	skip := opt.Skip
	if skip == nil {
		skip = DefaultSkip
	}
	probe, err := rpmread.Open(path)
	if err != nil {
		return nil, err
	}
	bound := probe.Package.PayloadBound()
	probe.Close()
	r, err := rpmread.OpenOptions(path, rpmread.Options{MaxPayloadSize: bound})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pr, err := r.Payload()
	if err != nil {
		return nil, fmt.Errorf("%s: payload: %w", path, err)
	}
	var files []*File
	var skipped []string
	for {
		e, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: payload: %w", path, err)
		}
		if e.Mode&0o170000 != 0o100000 || e.Size < 4 {
			continue
		}
		f, skipped1, err := member(e, skip, opt.Spool)
		if err != nil {
			var se *SpoolError
			if errors.As(err, &se) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: payload: %s: %w", path, e.Path, err)
		}
		if skipped1 {
			skipped = append(skipped, e.Path)
		}
		if f != nil {
			files = append(files, f)
		}
	}
	in := NewInput(path, files)
	in.Package = r.Package.NEVRA()
	in.Skipped = skipped
	return in, nil
}

// member analyses one payload entry if it is an ELF file.
func member(e *rpmread.Entry, skip func(string) bool, spool SpoolOptions) (f *File, skipped bool, err error) {
	var magic [4]byte
	if _, err := io.ReadFull(e.Body, magic[:]); err != nil {
		return nil, false, err
	}
	if string(magic[:]) != "\x7fELF" {
		return nil, false, nil
	}
	if skip(e.Path) {
		return nil, true, nil
	}
	f, err = AnalyzeStream(e.Path, magic[:], e.Body, e.Size, spool)
	if IsContentError(err) {
		return &File{Path: e.Path, Needs: []Need{}, Error: err.Error()}, false, nil
	}
	return f, false, err
}

// IsContentError reports whether an error of Analyze or AnalyzeStream
// is a defect of the file (ErrNotELF, ErrMalformed, ErrTooLarge) rather
// than a failure to read it or to spool it.
func IsContentError(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotELF)
}
