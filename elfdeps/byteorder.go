package elfdeps

import (
	"bytes"
	"encoding/binary"
)

// Version tables are read in host byte order: libelf converts those of
// big-endian files when it loads them. Analyze behaves as rpm does on a
// little-endian build host (x86_64, aarch64, ppc64le, riscv64).
var host = binary.LittleEndian

// convertVerdef is libelf's elf_cvt_Verdef for a big-endian file on a
// little-endian host: it walks the chain of definitions and their
// auxiliary records from offset 0, converting each record it reaches;
// what it does not reach stays as stored. The next-definition offset is
// taken from the converted buffer after the auxiliary records were
// written, so overlapping records behave as in libelf.
func convertVerdef(src []byte) []byte {
	dst := bytes.Clone(src)
	n := uint64(len(src))
	for def := uint64(0); ; {
		if def > n || n-def < verdefSize || def%verAlign != 0 {
			return dst
		}
		s, d := src[def:], dst[def:]
		swap16(d, s, 0, 2, 4, 6)
		swap32(d, s, 8, 12, 16)
		for aux := def + uint64(host.Uint32(d[12:])); ; {
			if aux > n || n-aux < verdauxSize || aux%verAlign != 0 {
				return dst
			}
			swap32(dst[aux:], src[aux:], 0, 4)
			next := host.Uint32(dst[aux+4:])
			if next == 0 {
				break
			}
			aux += uint64(next)
		}
		def += uint64(host.Uint32(d[16:]))
		if binary.BigEndian.Uint32(s[16:]) == 0 {
			return dst
		}
	}
}

// convertVerneed is libelf's elf_cvt_Verneed, as convertVerdef.
func convertVerneed(src []byte) []byte {
	dst := bytes.Clone(src)
	n := uint64(len(src))
	for need := uint64(0); ; {
		if need > n || n-need < verneedSize || need%verAlign != 0 {
			return dst
		}
		s, d := src[need:], dst[need:]
		swap16(d, s, 0, 2)
		swap32(d, s, 4, 8, 12)
		for aux := need + uint64(host.Uint32(d[8:])); ; {
			if aux > n || n-aux < vernauxSize || aux%verAlign != 0 {
				return dst
			}
			swap32(dst[aux:], src[aux:], 0)
			swap16(dst[aux:], src[aux:], 4, 6)
			swap32(dst[aux:], src[aux:], 8, 12)
			next := host.Uint32(dst[aux+12:])
			if next == 0 {
				break
			}
			aux += uint64(next)
		}
		need += uint64(host.Uint32(d[12:]))
		if binary.BigEndian.Uint32(s[12:]) == 0 {
			return dst
		}
	}
}

func swap16(dst, src []byte, offs ...int) {
	for _, o := range offs {
		host.PutUint16(dst[o:], binary.BigEndian.Uint16(src[o:]))
	}
}

func swap32(dst, src []byte, offs ...int) {
	for _, o := range offs {
		host.PutUint32(dst[o:], binary.BigEndian.Uint32(src[o:]))
	}
}
