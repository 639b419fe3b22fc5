// Command hello-gotc prints the Go release it was built with: the
// smallest application built against a gotc toolchain
// (docs/pipelines.md, "Building Go applications against a gotc
// toolchain").
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Println("hello-gotc built with", runtime.Version())
}
