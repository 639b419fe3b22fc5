package rpmread

// PayloadBound is a decompression bound for the package's payload: four
// times the header's SIZE plus the cpio framing of every header entry
// and 1 MiB of slack, at most DefaultMaxPayloadSize. A payload that
// decompresses to more is a decompression bomb or a lying header; pass
// the bound as Options.MaxPayloadSize.
func (p *Package) PayloadBound() int64 {
	size := p.Size
	if size < 0 {
		size = 0
	}
	slack := int64(1 << 20)
	for _, f := range p.Files {
		slack += 110 + int64(len(f.Path)) + 8 + 4
	}
	bound := 4*size + slack
	if bound > DefaultMaxPayloadSize || bound < 0 {
		bound = DefaultMaxPayloadSize
	}
	return bound
}
