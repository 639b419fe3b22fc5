package main

import "github.com/gotc-project/gotc/internal/cli"

// program is gotc-spec: its help text (doc.go) and its verbs.
var program = &cli.Program{
	Name:  "gotc-spec",
	Doc:   docSource,
	Verbs: []cli.Verb{validateVerb, genVerb, macrosVerb, mockVerb, srpmVerb},
}

func main() { program.Main() }
