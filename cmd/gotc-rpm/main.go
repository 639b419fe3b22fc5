package main

import "github.com/gotc-project/gotc/internal/cli"

// program is gotc-rpm: its help text (doc.go) and its verbs.
var program = &cli.Program{
	Name:  "gotc-rpm",
	Doc:   docSource,
	Verbs: []cli.Verb{buildVerb, inspectVerb, verifyVerb, diffVerb, abiVerb, selfcheckVerb, doctorVerb},
}

func main() { program.Main() }
