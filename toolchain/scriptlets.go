package toolchain

import (
	"fmt"
	"strings"
)

// Scriptlets are the main package's %post, %preun and %postun bodies,
// literal text with no rpm macros, so the spec and the native builder
// store the same bytes.
type Scriptlets struct {
	Post, Preun, Postun string
}

// Scriptlets returns the alternatives scriptlets of the main package,
// right under both Fedora's alternatives (chkconfig) and Debian's
// update-alternatives at every step of rpm's order: on an upgrade the
// new package's %post, then the old one's %preun, the old files' erasure
// and the old %postun; on an erase %preun, the files' erasure (%ghost
// links included when no other package owns them) and %postun.
//
// %post registers (or re-registers) this toolchain's path.
//
// %preun removes the registration when the package is erased ($1 = 0),
// while the links still exist: Fedora's alternatives reads
// /etc/alternatives/NAME before anything else and fails ("failed to read
// link") once rpm has erased that %ghost, which it does before %postun
// when the last toolchain goes.
//
// %postun removes it when the package was replaced ($1 >= 1) and this
// toolchain's path no longer exists: the path holds the full version, so
// a patch upgrade or downgrade within the series removes it, and the
// links, shared with the package that replaced this one, are still
// there. A reinstall or a release upgrade keeps the path, and the
// registration the new %post refreshed is kept.
func (p *Plan) Scriptlets() Scriptlets {
	a := p.Alternative
	var post strings.Builder
	fmt.Fprintf(&post, "%s --install %s %s %s %s", UpdateAlternatives, a.Link, a.Name, a.Path, p.Text.Priority)
	for _, f := range a.Followers {
		fmt.Fprintf(&post, " \\\n  --slave %s %s %s", f.Link, f.Name, f.Path)
	}
	remove := fmt.Sprintf("%s --remove %s %s", UpdateAlternatives, a.Name, a.Path)
	return Scriptlets{
		Post:   post.String(),
		Preun:  fmt.Sprintf("if [ \"$1\" -eq 0 ]; then\n  %s\nfi", remove),
		Postun: fmt.Sprintf("if [ \"$1\" -ge 1 ] && [ ! -e %s ]; then\n  %s\nfi", a.Path, remove),
	}
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
