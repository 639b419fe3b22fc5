package rpmread

import (
	"testing"
)

// fuzzOptions keep each execution small: at most 1 MiB decompressed and
// 8 MiB of decompression window (rpm's own -6/-9 presets fit).
var fuzzOptions = Options{MaxPayloadSize: 1 << 20, MaxWindowSize: 8 << 20, MaxHeaderData: 16 << 20}

// headerFuzzOptions also refuse big windows, so that FuzzReadHeader spends
// its time in the header parser rather than allocating dictionaries.
var headerFuzzOptions = Options{MaxPayloadSize: 1 << 20, MaxWindowSize: 1 << 20, MaxHeaderData: 16 << 20}

// FuzzReadHeader feeds whole packages (lead, headers, payload) to the
// reader: parsing, both views, payload iteration and Check must never
// panic. Seeds: the test packages (cut after a bit of payload), the
// corpus, crafted packages and the hostile-input table.
func FuzzReadHeader(f *testing.F) {
	for _, p := range seedRPMs(f) {
		r := openT(f, p.path)
		data := readFileT(f, p.path)
		if end := r.PayloadOffset + 256; end < int64(len(data)) {
			data = data[:end]
		}
		f.Add(data)
	}
	for _, comp := range []string{"identity", "gzip"} {
		f.Add((&craftPkg{files: sampleFiles(), compressor: comp}).bytes(f))
		f.Add((&craftPkg{files: sampleFiles(), compressor: comp, stripped: true}).bytes(f))
	}
	for _, c := range hostileCases(f) {
		// Decompression bombs would make every execution slow.
		if c.want != ErrTooLarge && len(c.data) < 8<<10 {
			f.Add(c.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		consume(data, headerFuzzOptions)
	})
}

// fuzzCompressors are the payload compressors FuzzPayload picks from.
var fuzzCompressors = []string{"identity", "gzip", "bzip2", "xz", "lzma", "zstd"}

// FuzzPayload keeps a valid header and fuzzes the payload bytes under
// each compressor, so the fuzzer spends its time in the decompressors,
// the xz guard and the cpio parser. Seeds: crafted archives (newc and
// stripped) and the payloads of the test packages.
func FuzzPayload(f *testing.F) {
	prefix := map[string][]byte{}
	for _, comp := range fuzzCompressors {
		prefix[comp] = (&craftPkg{files: sampleFiles(), compressor: comp, payload: []byte{}}).bytes(f)
	}
	for i, comp := range fuzzCompressors {
		if comp == "bzip2" || comp == "lzma" {
			continue // no Go encoder at hand; the built packages seed them
		}
		for _, stripped := range []bool{false, true} {
			c := &craftPkg{files: sampleFiles(), compressor: comp, stripped: stripped}
			f.Add(compress(f, comp, c.archive()), uint8(i))
		}
	}
	for _, p := range seedRPMs(f) {
		r := openT(f, p.path)
		for i, comp := range fuzzCompressors {
			if comp == r.Package.PayloadCompressor {
				f.Add(readFileT(f, p.path)[r.PayloadOffset:], uint8(i))
			}
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte, comp uint8) {
		p := prefix[fuzzCompressors[int(comp)%len(fuzzCompressors)]]
		consume(append(p[:len(p):len(p)], payload...), fuzzOptions)
	})
}

// seedRPMs returns the test packages as seeds, except in fuzzing workers,
// which do not use seeds and should not spend time running rpmbuild.
func seedRPMs(f *testing.F) []namedRPM {
	if isFuzzWorker() {
		return nil
	}
	return allRPMs(f)
}
