// Package templates holds the text templates gotc renders, embedded so the
// tools work from any directory. Commands accept --template-dir to use
// edited copies instead (os.DirFS of that directory).
package templates

import "embed"

// FS holds spec.tmpl and the other templates.
//
//go:embed *.tmpl
var FS embed.FS
