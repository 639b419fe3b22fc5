package elfdeps

import "fmt"

// cycle tracks the states an outer version loop has visited. elfdeps
// runs sh_info iterations whatever the records say, so records whose
// next-offsets form a cycle repeat until sh_info runs out; once a state
// repeats, whole periods are replayed instead of re-read. Loops shorter
// than cycleMin iterations are not tracked.
type cycle struct {
	iter  []int32 // per aligned offset: iteration+1 of the last visit
	lines []int32 // per aligned offset: output length at that visit
	state []int32 // per aligned offset: interned loop state at that visit
	ids   map[string]int32
	done  bool
}

const cycleMin = 16

func newCycle(total, dataLen int) *cycle {
	if total < cycleMin {
		return &cycle{done: true}
	}
	n := dataLen/verAlign + 1
	return &cycle{iter: make([]int32, n), lines: make([]int32, n), state: make([]int32, n), ids: map[string]int32{}}
}

// visit is called at the start of iteration i (of total) at offset off,
// with out the list the loop appends to and state the rest of the loop's
// state. It returns the number of iterations to skip, having appended
// their output.
func (c *cycle) visit(a *analyzer, out *[]string, i, total int, off uint32, state string) (int, error) {
	if c.done {
		return 0, nil
	}
	k := int(off / verAlign)
	if off%verAlign != 0 || k >= len(c.iter) {
		return 0, nil // the record read will fail and end the loop
	}
	id, ok := c.ids[state]
	if !ok {
		id = int32(len(c.ids))
		c.ids[state] = id
	}
	if c.iter[k] == 0 || c.state[k] != id {
		c.iter[k], c.lines[k], c.state[k] = int32(i+1), int32(len(*out)), id
		return 0, nil
	}
	c.done = true
	a.malformed("version table records form a cycle at offset %d", off)
	period := i - int(c.iter[k]-1)
	reps := (total - i) / period
	per := (*out)[c.lines[k]:]
	if len(per) > 0 && reps > 0 {
		if reps > (maxLines-a.lines)/len(per) {
			return 0, fmt.Errorf("elfdeps: %w: more than %d dependencies", ErrTooLarge, maxLines)
		}
		n := 0
		for _, s := range per {
			n += len(s)
		}
		if n > 0 && reps > (maxBytes-a.nbytes)/n {
			return 0, fmt.Errorf("elfdeps: %w: more than %d bytes of dependencies", ErrTooLarge, maxBytes)
		}
		per = append([]string(nil), per...)
		for range reps {
			*out = append(*out, per...)
		}
		a.lines += len(per) * reps
		a.nbytes += n * reps
	}
	return reps * period, nil
}
