package toolchain

import (
	"fmt"
	"strings"
)

// Scriptlets are the main package's %post and %postun bodies, literal text
// with no rpm macros, so the spec and the native builder store the same
// bytes.
type Scriptlets struct {
	Post, Postun string
}

// Scriptlets returns the alternatives scriptlets of the main package.
//
// %post registers (or re-registers) this toolchain's path. %postun removes
// the registration when the package is erased ($1 = 0) and also whenever
// this toolchain's path no longer exists: because the path contains the
// full version, an upgrade or downgrade within the series removes the old
// path, and the old package's %postun must drop its registration even
// though $1 is 1. On a reinstall of the same version the path still exists
// and the registration the new %post just refreshed is kept.
func (p *Plan) Scriptlets() Scriptlets {
	a := p.Alternative
	var post strings.Builder
	fmt.Fprintf(&post, "%s --install %s %s %s %s", UpdateAlternatives, a.Link, a.Name, a.Path, p.Text.Priority)
	for _, f := range a.Followers {
		fmt.Fprintf(&post, " \\\n  --slave %s %s %s", f.Link, f.Name, f.Path)
	}
	postun := fmt.Sprintf("if [ \"$1\" -eq 0 ] || [ ! -e %s ]; then\n  %s --remove %s %s\nfi", a.Path, UpdateAlternatives, a.Name, a.Path)
	return Scriptlets{Post: post.String(), Postun: postun}
}

// GoEnvScript is the shell that rewrites go.env in the current directory
// to the plan's settings; RewriteGoEnv does the same in Go. Each key's
// existing line is replaced, a missing key is appended.
func (p *Plan) GoEnvScript() string {
	var b strings.Builder
	for _, kv := range p.GoEnv() {
		fmt.Fprintf(&b, "sed -i -e 's|^%s=.*|%s=%s|' go.env\n", kv[0], kv[0], kv[1])
		fmt.Fprintf(&b, "grep -q '^%s=' go.env || echo '%s=%s' >> go.env\n", kv[0], kv[0], kv[1])
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// RewriteGoEnv applies the plan's go.env settings to the upstream go.env
// content, exactly as GoEnvScript does with sed and echo.
func (p *Plan) RewriteGoEnv(content []byte) []byte {
	text := string(content)
	for _, kv := range p.GoEnv() {
		key, line := kv[0], kv[0]+"="+kv[1]
		lines := strings.SplitAfter(text, "\n")
		found := false
		for i, l := range lines {
			body, nl := strings.CutSuffix(l, "\n")
			if strings.HasPrefix(body, key+"=") {
				found = true
				lines[i] = line
				if nl {
					lines[i] += "\n"
				}
			}
		}
		text = strings.Join(lines, "")
		if !found {
			// echo appends a line; after a last line without a newline the
			// two run together, as they do in the shell.
			text += line + "\n"
		}
	}
	return []byte(text)
}
