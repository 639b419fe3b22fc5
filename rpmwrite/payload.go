package rpmwrite

import (
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"github.com/ulikunitz/xz"
)

// compression is a resolved Options.Compressor/Level/Threads.
type compression struct {
	// name is PAYLOADCOMPRESSOR; "" for an uncompressed payload, for which
	// rpmbuild writes no PAYLOADCOMPRESSOR tag.
	name string
	// flags is PAYLOADFLAGS: the level, or "" when uncompressed.
	flags   string
	level   int
	threads int
	// feature is the rpmlib() feature the compressor needs, if any.
	feature, featureVersion string
}

// xzDictCap is the dictionary size of xz's presets 0-9.
var xzDictCap = [10]int{
	256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20,
}

func (o Options) compression() (compression, error) {
	c := compression{level: o.Level, threads: o.Threads}
	if c.threads < 1 {
		c.threads = 1
	}
	levels := func(def, lo, hi int) error {
		if c.level == 0 {
			c.level = def
		}
		if c.level < lo || c.level > hi {
			return fmt.Errorf("%s level %d out of range %d-%d", o.Compressor, c.level, lo, hi)
		}
		c.flags = strconv.Itoa(c.level)
		return nil
	}
	var err error
	switch o.Compressor {
	case "zstd", "":
		c.name, c.feature, c.featureVersion = "zstd", "PayloadIsZstd", "5.4.18-1"
		err = levels(19, 1, 22)
	case "xz":
		c.name, c.feature, c.featureVersion = "xz", "PayloadIsXz", "5.2-1"
		err = levels(6, 0, 9)
	case "gzip":
		c.name = "gzip"
		err = levels(9, 1, 9)
	case "none":
		if o.Level != 0 {
			err = fmt.Errorf("level %d given for an uncompressed payload", o.Level)
		}
	default:
		err = fmt.Errorf("unknown compressor %q (want zstd, xz, gzip or none)", o.Compressor)
	}
	return c, err
}

// Levels from bigWindowLevel up compress with a bigWindow window.
const (
	bigWindowLevel = 10
	bigWindow      = 16 << 20
)

// newCompressor wraps w in the payload compressor.
func (c compression) newCompressor(w io.Writer) (io.WriteCloser, error) {
	switch c.name {
	case "zstd":
		return getZstd(w, c.level, c.threads)
	case "xz":
		return xz.WriterConfig{DictCap: xzDictCap[c.level]}.NewWriter(w)
	case "gzip":
		z, err := pgzip.NewWriterLevel(w, c.level)
		if err != nil {
			return nil, err
		}
		// The block size alone decides the output; the number of blocks
		// in flight only decides the parallelism.
		if err := z.SetConcurrency(1<<20, c.threads); err != nil {
			return nil, err
		}
		return z, nil
	}
	return nopCloser{w}, nil
}

// zstd encoders hold tens of MiB of match tables and window. Write reuses
// them (Reset) through a sync.Pool instead of allocating new ones for
// every package, so packages written one after another, or a few at a
// time, share encoders; the pool drops idle ones at garbage collection,
// so nothing is retained for good.
type zstdKey struct{ level, threads int }

var zstdPools sync.Map // zstdKey → *sync.Pool of *zstd.Encoder

func getZstd(w io.Writer, level, threads int) (io.WriteCloser, error) {
	key := zstdKey{level, threads}
	pool, _ := zstdPools.LoadOrStore(key, new(sync.Pool))
	if enc, ok := pool.(*sync.Pool).Get().(*zstd.Encoder); ok {
		enc.Reset(w)
		return &pooledZstd{enc, pool.(*sync.Pool)}, nil
	}
	opts := []zstd.EOption{
		zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
		zstd.WithEncoderConcurrency(threads),
	}
	if level >= bigWindowLevel {
		// klauspost's best encoder finds fewer matches than libzstd's
		// level 19 (window 8 MiB); a larger window wins the ratio back and
		// stays under the 128 MiB window rpm's libzstd decodes by default.
		opts = append(opts, zstd.WithWindowSize(bigWindow))
	}
	enc, err := zstd.NewWriter(w, opts...)
	if err != nil {
		return nil, err
	}
	return &pooledZstd{enc, pool.(*sync.Pool)}, nil
}

// pooledZstd returns its encoder for reuse once the stream is closed.
type pooledZstd struct {
	*zstd.Encoder
	pool *sync.Pool
}

func (p *pooledZstd) Close() error {
	if err := p.Encoder.Close(); err != nil {
		return err
	}
	p.Encoder.Reset(nil)
	p.pool.Put(p.Encoder)
	return nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// payloadResult is what the payload pass learns for the headers.
type payloadResult struct {
	archiveSize    int64             // uncompressed cpio length: SIGTAG_PAYLOADSIZE, v6's PAYLOADSIZEALT
	compressedSize int64             // v6's PAYLOADSIZE
	digest         [sha256.Size]byte // of the compressed payload: PAYLOADDIGEST
	altDigest      [sha256.Size]byte // of the cpio archive: PAYLOADDIGESTALT
	digests        []string          // FILEDIGESTS
	// v6 only: SHA-512 and SHA3-256 of the compressed payload and of
	// the cpio archive (PAYLOADSHA512[ALT], PAYLOADSHA3_256[ALT]).
	sha512, sha512Alt [sha512.Size]byte
	sha3, sha3Alt     [sha256.Size]byte
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// copyBody copies exactly f.Size bytes of f's body to dst and checks that
// the body has no more.
func copyBody(dst io.Writer, f *File, buf []byte) (err error) {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("opening body: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			rc.Close()
		}
	}()
	remaining := f.Size
	empty := 0
	var one [1]byte
	for {
		p := buf
		if remaining == 0 {
			p = one[:] // the body must end here
		} else if int64(len(p)) > remaining {
			p = p[:remaining]
		}
		n, rerr := rc.Read(p)
		switch {
		case n > 0 && remaining == 0:
			return fmt.Errorf("%w: body is longer than Size %d", ErrBodySize, f.Size)
		case n > 0:
			if _, err := dst.Write(p[:n]); err != nil {
				return err
			}
			remaining -= int64(n)
			empty = 0
		case rerr == nil:
			if empty++; empty > 100 {
				return fmt.Errorf("reading body: %w", io.ErrNoProgress)
			}
		}
		if rerr == io.EOF {
			if remaining > 0 {
				return fmt.Errorf("%w: body has %d bytes, Size is %d", ErrBodySize, f.Size-remaining, f.Size)
			}
			break
		}
		if rerr != nil {
			return fmt.Errorf("reading body: %w", rerr)
		}
	}
	closed = true
	if err := rc.Close(); err != nil {
		return fmt.Errorf("closing body: %w", err)
	}
	return nil
}
