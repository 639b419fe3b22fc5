package cli

import "strings"

// CheckBuildHost checks a --build-host value: the BUILDHOST tag rpm
// prints, one word of printable characters.
func CheckBuildHost(h string) error {
	if h == "" || strings.IndexFunc(h, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return Usage("--build-host %q must be one word of printable characters", h)
	}
	return nil
}
