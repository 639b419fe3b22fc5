package elfdeps

import (
	"fmt"
	"math"
)

// record returns the size bytes at off in data, applying the checks of
// gelf_getverdef and its siblings: off is an int there, so offsets of
// 2^31 and above are negative and fail, and off must be a multiple of
// align, which libelf takes as 4 for Verdef and Verdaux (their alignment)
// but as 16 for Verneed and Vernaux (their size).
func record(data []byte, off uint32, size int, align uint32) []byte {
	if int32(off) < 0 || int(off)+size > len(data) || off%align != 0 {
		return nil
	}
	return data[off : int(off)+size]
}

func (a *analyzer) step() error {
	a.steps++
	if a.steps > maxSteps {
		return fmt.Errorf("elfdeps: %w: version tables need more than %d steps", ErrTooLarge, maxSteps)
	}
	return nil
}

// loopCount is the number of iterations of elfdeps' "for (int i =
// shdr->sh_info; --i >= 0; )": sh_info as an int, none when negative,
// except that --i wraps INT_MIN (sh_info 0x80000000) around to INT_MAX.
func loopCount(info uint32) int {
	if info == 1<<31 {
		return math.MaxInt32
	}
	return max(int(int32(info)), 0)
}

// verdef mirrors elfdeps' processVerDef.
func (a *analyzer) verdef(idx uint64, sh shdr) error {
	data, typed, ok, err := a.sectionData(idx, sh)
	if err != nil || !ok {
		return err
	}
	total := loopCount(sh.info)
	if total > 0 && !typed {
		a.malformed("section %d: compressed version definitions", idx)
		return nil
	}
	var (
		off    uint32
		base   string
		isBase bool // base is set
		cyc    = newCycle(loopCount(sh.info), len(data))
	)
	for i := 0; i < total; i++ {
		state := "\x00"
		if isBase {
			state = "\x01" + base
		}
		skip, err := cyc.visit(a, &a.deps.Provides, i, total, off, state)
		if err != nil {
			return err
		}
		if i += skip; i >= total {
			break
		}
		if err := a.step(); err != nil {
			return err
		}
		def := record(data, off, verdefSize, verAlign)
		if def == nil {
			a.malformed("section %d: version definition at offset %d is outside the section or misaligned", idx, off)
			break
		}
		flags, cnt := host.Uint16(def[2:]), int(host.Uint16(def[6:]))
		aux := off + host.Uint32(def[12:])
		off += host.Uint32(def[16:])
		for j := cnt; j > 0; j-- {
			if err := a.step(); err != nil {
				return err
			}
			r := record(data, aux, verdauxSize, verAlign)
			if r == nil {
				a.malformed("section %d: version name record at offset %d is outside the section or misaligned", idx, aux)
				break
			}
			s, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(r)))
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			next := host.Uint32(r[4:])
			if flags&verFlgBase != 0 {
				base, isBase = s, true
				if next == 0 {
					break // the remaining iterations re-read this record
				}
				aux += next
				continue
			}
			// elfdeps does not advance to the next Verdaux here: the
			// remaining iterations print this name again.
			if isBase {
				if err := a.addDep(&a.deps.Provides, base, &s, j); err != nil {
					return err
				}
			}
			break
		}
	}
	return nil
}

// verneed mirrors elfdeps' processVerNeed.
func (a *analyzer) verneed(idx uint64, sh shdr) error {
	data, typed, ok, err := a.sectionData(idx, sh)
	if err != nil || !ok {
		return err
	}
	total := loopCount(sh.info)
	if total > 0 && !typed {
		a.malformed("section %d: compressed version needs", idx)
		return nil
	}
	var off uint32
	cyc := newCycle(total, len(data))
	for i := 0; i < total; i++ {
		skip, err := cyc.visit(a, &a.deps.Requires, i, total, off, "")
		if err != nil {
			return err
		}
		if i += skip; i >= total {
			break
		}
		if err := a.step(); err != nil {
			return err
		}
		need := record(data, off, verneedSize, verneedSize)
		if need == nil {
			a.malformed("section %d: version need at offset %d is outside the section or misaligned", idx, off)
			break
		}
		file, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(need[4:])))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		cnt := int(host.Uint16(need[2:]))
		aux := off + host.Uint32(need[8:])
		for j := cnt; j > 0; j-- {
			if err := a.step(); err != nil {
				return err
			}
			r := record(data, aux, vernauxSize, vernauxSize)
			if r == nil {
				a.malformed("section %d: version need record at offset %d is outside the section or misaligned", idx, aux)
				break
			}
			name, ok, err := a.strOrBad(idx, sh.link, uint64(host.Uint32(r[8:])))
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			next := host.Uint32(r[12:])
			n := 1
			if next == 0 && j > 1 {
				// The chain ends before vn_cnt records: the remaining
				// iterations re-read this record.
				a.malformed("section %d: version need at offset %d has fewer than %d records", idx, off, cnt)
				n = j
			}
			if a.genRequires() {
				if err := a.addDep(&a.deps.Requires, file, &name, n); err != nil {
					return err
				}
			}
			if next == 0 {
				break
			}
			aux += next
		}
		off += host.Uint32(need[12:])
	}
	return nil
}
