package srctree

import "io"

// readAhead reads r in a goroutine of its own, a few chunks ahead of its
// caller, so that producing the bytes (inflating a gzip stream) and
// consuming them (parsing tar, spooling bodies) run on two cores. Bytes,
// and the error that ended them, come out exactly as r gave them: what
// was read before an error is delivered first.
type readAhead struct {
	chunks chan chunk
	free   chan []byte
	stop   chan struct{}
	cur    chunk
}

// chunk is what one Read of the underlying reader gave.
type chunk struct {
	buf  []byte // a buffer from free
	data []byte // the part of buf not yet returned
	err  error
}

// newReadAhead starts reading r with depth buffers of size bytes in
// flight. Close stops the goroutine.
func newReadAhead(r io.Reader, depth, size int) *readAhead {
	ra := &readAhead{
		chunks: make(chan chunk, depth),
		free:   make(chan []byte, depth+1),
		stop:   make(chan struct{}),
	}
	for range depth + 1 {
		ra.free <- make([]byte, size)
	}
	go ra.fill(r)
	return ra
}

// fill reads r until it fails, a chunk at a time.
func (ra *readAhead) fill(r io.Reader) {
	defer close(ra.chunks)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := 0, error(nil)
		for empty := 0; n == 0 && err == nil; empty++ {
			if empty == 100 {
				err = io.ErrNoProgress
				break
			}
			n, err = r.Read(buf)
		}
		select {
		case ra.chunks <- chunk{buf: buf, data: buf[:n], err: err}:
		case <-ra.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns what the goroutine read, in order, then its error.
func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur.data) == 0 {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		if ra.cur.buf != nil {
			ra.free <- ra.cur.buf
		}
		c, ok := <-ra.chunks
		if !ok {
			return 0, io.ErrClosedPipe // only after Close
		}
		ra.cur = c
	}
	n := copy(p, ra.cur.data)
	ra.cur.data = ra.cur.data[n:]
	return n, nil
}

// Close stops the goroutine and waits for it to let go of the reader.
func (ra *readAhead) Close() {
	close(ra.stop)
	for range ra.chunks {
	}
}
