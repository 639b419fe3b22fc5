package selfcheck

import (
	"bytes"
	"testing"

	"github.com/gotc-project/gotc/findings"
)

// TestReportFormats pins the text and JSON forms of a report.
func TestReportFormats(t *testing.T) {
	const g126 = "/usr/libexec/go-toolchain/go1.26.8"
	r := &Report{
		Root: "/srv/root&co",
		Mode: "auto",
		Toolchains: []Toolchain{
			{Dir: g126, GoVersion: "go1.26.8", Registered: true, Priority: 12608, Selected: true},
			{Dir: "/usr/libexec/go-toolchain/go1.27.3", GoVersion: "go1.27.3"},
		},
		Findings: []findings.Finding{
			{Level: findings.Error, Subject: "go1.26.8", Path: g126 + "/go.env", Message: "says GOTOOLCHAIN=auto, want local"},
			{Level: findings.Warning, Path: "/usr/bin/go", Message: "leads to /usr/lib/golang/bin/go, not a gotc toolchain"},
		},
		RPMDB: "/usr/lib/sysimage/rpm",
		Probes: []Probe{
			{Toolchain: g126, Result: ProbeMatches, Outputs: map[string]string{"hello": "sha256:01", "generics": "sha256:02"}},
			{Toolchain: g126, CGO: true, Result: ProbeRecorded, Note: "no reference yet"},
		},
		ProbeFile: "/var/lib/gotc/probe.json",
		Skipped:   []string{"the toolchains' programs were not run"},
		Counts:    findings.Counts{Errors: 1, Warnings: 1},
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	want := `toolchain  /usr/libexec/go-toolchain/go1.26.8  go1.26.8                                   registered, priority 12608, selected
toolchain  /usr/libexec/go-toolchain/go1.27.3  go1.27.3                                   not registered
probe      /usr/libexec/go-toolchain/go1.26.8  CGO_ENABLED=0                              matches
probe      /usr/libexec/go-toolchain/go1.26.8  CGO_ENABLED=1                              recorded: no reference yet
error      go1.26.8                            /usr/libexec/go-toolchain/go1.26.8/go.env  says GOTOOLCHAIN=auto, want local
warning    -                                   /usr/bin/go                                leads to /usr/lib/golang/bin/go, not a gotc toolchain
rpm database /usr/lib/sysimage/rpm
probe references /var/lib/gotc/probe.json
not checked: the toolchains' programs were not run
2 toolchain(s) in /srv/root&co, alternatives mode auto: 1 error(s), 1 warning(s)
`
	if text.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), want)
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	want = `{
  "root": "/srv/root&co",
  "mode": "auto",
  "toolchains": [
    {
      "dir": "` + g126 + `",
      "go_version": "go1.26.8",
      "registered": true,
      "priority": 12608,
      "selected": true
    },
    {
      "dir": "/usr/libexec/go-toolchain/go1.27.3",
      "go_version": "go1.27.3",
      "registered": false,
      "priority": 0,
      "selected": false
    }
  ],
  "findings": [
    {
      "level": "error",
      "toolchain": "go1.26.8",
      "path": "` + g126 + `/go.env",
      "message": "says GOTOOLCHAIN=auto, want local"
    },
    {
      "level": "warning",
      "toolchain": "",
      "path": "/usr/bin/go",
      "message": "leads to /usr/lib/golang/bin/go, not a gotc toolchain"
    }
  ],
  "rpmdb": "/usr/lib/sysimage/rpm",
  "probes": [
    {
      "toolchain": "` + g126 + `",
      "cgo": false,
      "result": "matches",
      "note": "",
      "outputs": {
        "generics": "sha256:02",
        "hello": "sha256:01"
      }
    },
    {
      "toolchain": "` + g126 + `",
      "cgo": true,
      "result": "recorded",
      "note": "no reference yet",
      "outputs": {}
    }
  ],
  "probe_file": "/var/lib/gotc/probe.json",
  "skipped": [
    "the toolchains' programs were not run"
  ]
}
`
	if js.String() != want {
		t.Errorf("json:\n%s\nwant:\n%s", js.String(), want)
	}
	js.Reset()
	(&Report{Root: "/"}).WriteJSON(&js)
	if want := "{\n  \"root\": \"/\",\n  \"mode\": \"\",\n  \"toolchains\": [],\n  \"findings\": [],\n  \"rpmdb\": \"\",\n  \"probes\": [],\n  \"probe_file\": \"\",\n  \"skipped\": []\n}\n"; js.String() != want {
		t.Errorf("empty json:\n%s\nwant:\n%s", js.String(), want)
	}
}
