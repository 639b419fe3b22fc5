package elfdeps

import (
	"fmt"
	"strings"
)

// skipSoname is elfdeps' filter (with its default --filter-soname): a
// soname must contain ".so" and start with "lib" or be the dynamic linker.
func skipSoname(soname string) bool {
	if strings.TrimLeft(soname, " \t\n\v\f\r") == "" {
		return true
	}
	if !strings.Contains(soname, ".so") {
		return true
	}
	// elfdeps compares 3 bytes for "ld64." and "ld64-" too, so any "ld6".
	for _, p := range []string{"ld.", "ld-", "ld6", "lib"} {
		if strings.HasPrefix(soname, p) {
			return false
		}
	}
	return true
}

// addDep is elfdeps' addDep, appended n times.
func (a *analyzer) addDep(out *[]string, soname string, ver *string, n int) error {
	if skipSoname(soname) {
		return nil
	}
	dep := soname
	if ver != nil || a.marker != "" {
		v := ""
		if ver != nil {
			v = *ver
		}
		dep = soname + "(" + v + ")" + a.marker
	}
	return a.emit(out, dep, n)
}

// emit appends dep n times as the lines elfdeps prints for it.
func (a *analyzer) emit(out *[]string, dep string, n int) error {
	lines := strings.Split(dep, "\n")
	if n > (maxLines-a.lines)/len(lines) {
		return fmt.Errorf("elfdeps: %w: more than %d dependencies", ErrTooLarge, maxLines)
	}
	if len(dep) > 0 && n > (maxBytes-a.nbytes)/len(dep) {
		return fmt.Errorf("elfdeps: %w: more than %d bytes of dependencies", ErrTooLarge, maxBytes)
	}
	for range n {
		*out = append(*out, lines...)
	}
	a.lines += len(lines) * n
	a.nbytes += len(dep) * n
	return nil
}
