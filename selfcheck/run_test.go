package selfcheck

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/gotelemetry"
	"github.com/gotc-project/gotc/internal/testenv"
)

// TestTelemetryOff: the scratch home the checked programs run with turns
// the real go command's telemetry off, so it starts no sidecar that
// outlives the check and writes into a removed home.
func TestTelemetryOff(t *testing.T) {
	goCmd := testenv.NeedTool(t, "go")
	home := t.TempDir()
	r := &runner{home: home}
	mode := func() string {
		cmd := exec.Command(goCmd, "env", "GOTELEMETRY")
		cmd.Env = r.baseEnv()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go env GOTELEMETRY: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	if err := gotelemetry.Off(home); err != nil {
		t.Fatal(err)
	}
	if got := mode(); got != "off" {
		t.Errorf("go env GOTELEMETRY in the scratch home: %q, want off", got)
	}
}
