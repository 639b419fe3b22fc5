// Command cgo is the cgo probe program of gotc-rpm selfcheck --probe: a
// tiny C function, called from Go, and os/user, which uses the C
// library when cgo is on.
package main

/*
static int gotc_probe_mix(int a, int b) { return a * 31 + b; }
*/
import "C"

import (
	"fmt"
	"os/user"
)

func main() {
	_, err := user.Current()
	fmt.Println(int(C.gotc_probe_mix(3, 4)), err == nil)
}
