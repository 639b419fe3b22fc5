// Package gotelemetry turns the go command's telemetry off for a home
// directory gotc runs go commands with.
//
// Without a mode file the go command counts in "local" mode and starts a
// detached sidecar that writes under $HOME/.config/go/telemetry after the
// command has exited: into a scratch home that is removed meanwhile, and
// as a process left behind. GOTELEMETRY is not an environment setting
// (cmd/go computes it); the mode file in the user's configuration
// directory is the only switch.
package gotelemetry

import (
	"os"
	"path/filepath"
)

// Off writes the telemetry mode "off" into home's .config/go/telemetry,
// for go commands run with HOME=home and XDG_CONFIG_HOME unset or
// home/.config.
func Off(home string) error {
	dir := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "mode"), []byte("off\n"), 0o644)
}
