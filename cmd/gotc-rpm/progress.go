package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gotc-project/gotc/rpmbuild"
	"github.com/gotc-project/gotc/toolchain"
)

// progressView renders a build's progress as one terminal line: each
// package of the toolchain by its short name with the share of its bytes
// compressed, then the files done of all:
//
//	go-toolchain-1.26: main 41% · tests 100% · docs 0% · src 63%  9120/16703 files
//
// It redraws at most every 100 ms, and always when a package completes.
type progressView struct {
	mu    sync.Mutex
	name  string
	order []string // package names, plan order
	short map[string]string
	state map[string]rpmbuild.Progress
	last  time.Time
	now   func() time.Time
	// read and readTotal are the tarball's bytes read, while it is.
	read, readTotal int64
}

func newProgressView(p *toolchain.Plan) *progressView {
	v := &progressView{name: p.Name, short: map[string]string{}, state: map[string]rpmbuild.Progress{}, now: time.Now}
	for _, pkg := range p.Packages {
		v.order = append(v.order, pkg.Name)
		short := strings.TrimPrefix(pkg.Name, p.Name+"-")
		if pkg.Name == p.Name {
			short = "main"
		}
		v.short[pkg.Name] = short
	}
	return v
}

// update records pr and returns the line to draw, if it is time to.
func (v *progressView) update(pr rpmbuild.Progress) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.state[pr.Package] = pr
	now := v.now()
	if now.Sub(v.last) < 100*time.Millisecond && pr.Bytes < pr.TotalBytes {
		return "", false
	}
	v.last = now
	return v.render(), true
}

// reading records the tarball's bytes read and returns the line to
// draw, if it is time to.
func (v *progressView) reading(read, total int64) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.read, v.readTotal = read, total
	now := v.now()
	if now.Sub(v.last) < 100*time.Millisecond && read < total {
		return "", false
	}
	v.last = now
	return v.render(), true
}

// render formats the line from the recorded state.
func (v *progressView) render() string {
	var parts []string
	if v.readTotal > 0 && v.read < v.readTotal {
		parts = append(parts, fmt.Sprintf("reading %d%%", v.read*100/v.readTotal))
	}
	var files, total int
	for _, name := range v.order {
		pr, ok := v.state[name]
		pct := 0
		if ok && pr.TotalBytes > 0 {
			pct = int(pr.Bytes * 100 / pr.TotalBytes)
		} else if ok {
			pct = 100
		}
		parts = append(parts, fmt.Sprintf("%s %d%%", v.short[name], pct))
		files += pr.Files
		total += pr.TotalFiles
	}
	line := v.name + ": " + strings.Join(parts, " · ")
	if total > 0 {
		line += fmt.Sprintf("  %d/%d files", files, total)
	}
	return line
}
