// Command alternatives-double is a TEST DOUBLE of Fedora's alternatives
// program (chkconfig 1.33), package fedalternatives run as a program.
// The lifecycle tests build it statically (CGO_ENABLED=0) and install
// it as /usr/sbin/alternatives in an rpm --root, with
// /usr/sbin/update-alternatives linking to it as on Fedora, so rpm's
// chrooted scriptlets run it. It is not Fedora's program.
package main

import (
	"os"

	"github.com/gotc-project/gotc/internal/fedalternatives"
)

func main() {
	os.Exit(fedalternatives.Main(os.Args[1:], fedalternatives.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
