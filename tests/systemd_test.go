package tests

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotc-project/gotc/internal/testenv"
)

// unitFile is a systemd unit file read as systemd reads one: sections,
// each key's assignments in order (a key may be assigned more than
// once), comments and blank lines skipped.
type unitFile map[string]map[string][]string

func readUnit(t *testing.T, p string) unitFile {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" || strings.HasSuffix(line, `\`) {
				t.Fatalf("%s:%d: %q is not a key=value line of a section", p, n, line)
			}
			u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return u
}

// TestSystemdUnits checks gotc-selfcheck.service and .timer as the
// repository ships them: the hardening the service must have and the
// schedule of the timer, read from the files; then installs them with
// make install, as an admin would, and has systemd's own tools judge the
// installed units: systemd-analyze verify must say nothing (it checks
// that ExecStart's program and the man page Documentation= names exist,
// so the installed gotc-rpm and man pages are what it sees), and
// systemd-analyze security --offline must see each hardening directive
// and rate the exposure at most 4.0 ("OK"). The installed ExecStart
// command line must be one gotc-rpm accepts, and for PREFIX=/usr the
// installed units are the repository's byte for byte.
func TestSystemdUnits(t *testing.T) {
	repo := testenv.RepoRoot(t)
	service := readUnit(t, filepath.Join(repo, "systemd", "gotc-selfcheck.service"))
	timer := readUnit(t, filepath.Join(repo, "systemd", "gotc-selfcheck.timer"))
	const execStart = "/usr/bin/gotc-rpm selfcheck --probe --state-dir /var/lib/gotc"
	for _, tc := range []struct {
		u                   unitFile
		section, key, value string
	}{
		{service, "Service", "Type", "oneshot"},
		{service, "Service", "ExecStart", execStart},
		{service, "Service", "StateDirectory", "gotc"},
		{service, "Service", "ProtectSystem", "strict"},
		{service, "Service", "ProtectHome", "yes"},
		{service, "Service", "PrivateTmp", "yes"},
		{service, "Service", "PrivateNetwork", "yes"},
		{service, "Service", "NoNewPrivileges", "yes"},
		{service, "Unit", "Documentation", "man:gotc-rpm(1)"},
		{timer, "Timer", "OnCalendar", "daily"},
		{timer, "Timer", "Persistent", "true"},
		{timer, "Timer", "RandomizedDelaySec", "1h"},
		{timer, "Install", "WantedBy", "timers.target"},
	} {
		if got := tc.u[tc.section][tc.key]; len(got) != 1 || got[0] != tc.value {
			t.Errorf("[%s] %s = %q, want %q", tc.section, tc.key, got, tc.value)
		}
	}
	// Write access to the state directory only: nothing made writable
	// besides, and no [Install]: the timer starts the service.
	for _, key := range []string{"ReadWritePaths", "ReadWriteDirectories", "BindPaths", "LogsDirectory", "CacheDirectory", "RuntimeDirectory", "ConfigurationDirectory", "User", "DynamicUser"} {
		if v, ok := service["Service"][key]; ok {
			t.Errorf("the service sets %s=%q", key, v)
		}
	}
	if _, ok := service["Install"]; ok {
		t.Error("the service has an [Install] section: the timer starts it")
	}

	if testing.Short() {
		t.Skip("make install builds the commands")
	}
	analyze := testenv.NeedTool(t, "systemd-analyze")
	make := testenv.NeedTool(t, "make")
	prefix := t.TempDir()
	testenv.Run(t, repo, nil, make, "install", "PREFIX="+prefix)
	units := filepath.Join(prefix, "lib", "systemd", "system")
	installed := map[string]string{}
	for _, name := range []string{"gotc-selfcheck.service", "gotc-selfcheck.timer"} {
		p := filepath.Join(units, name)
		info, err := os.Stat(p)
		if err != nil || info.Mode().Perm() != 0o644 {
			t.Fatalf("make install PREFIX=%s: %s: %v %v", prefix, name, info, err)
		}
		installed[name] = p
	}
	if got := readUnit(t, installed["gotc-selfcheck.service"])["Service"]["ExecStart"]; len(got) != 1 || got[0] != prefix+"/bin/gotc-rpm selfcheck --probe --state-dir /var/lib/gotc" {
		t.Errorf("installed ExecStart %q", got)
	}
	cmd := exec.Command(analyze, "verify", installed["gotc-selfcheck.service"], installed["gotc-selfcheck.timer"])
	cmd.Env = append(os.Environ(), "MANPATH="+filepath.Join(prefix, "share", "man"))
	if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err := exec.Command(analyze, "security", "--offline=yes", "--threshold=40", installed["gotc-selfcheck.service"]).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: %v\n%s", err, out)
	}
	for _, d := range []string{"ProtectSystem=", "ProtectHome=", "PrivateTmp=", "PrivateNetwork=", "NoNewPrivileges=", "PrivateDevices=", "CapabilityBoundingSet=~CAP_SYS_ADMIN", "RestrictAddressFamilies=~AF_(INET|INET6)"} {
		if !strings.Contains(string(out), "✓ "+d) {
			t.Errorf("systemd-analyze security does not see %s:\n%s", d, out)
		}
	}

	// The installed command line, with a scratch state directory and a
	// configuration whose toolchains directory is empty.
	state := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "gotc.yaml")
	if err := os.WriteFile(cfg, []byte("layout:\n  root: "+t.TempDir()+"\ntoolchains:\n  - version: \"1.26.8\"\n    sources:\n      x86_64: {file: go1.26.8.linux-amd64.tar.gz, sha256: \""+strings.Repeat("0", 64)+"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := strings.Fields(readUnit(t, installed["gotc-selfcheck.service"])["Service"]["ExecStart"][0])
	args = append(args[:len(args)-1], state, "-c", cfg)
	run := exec.Command(args[0], args[1:]...)
	stdout, err := run.Output()
	if code := run.ProcessState.ExitCode(); code == 2 || !strings.Contains(string(stdout), "probe references "+filepath.Join(state, "probe.json")) {
		t.Errorf("%s: exit %d (%v)\n%s", strings.Join(args, " "), code, err, stdout)
	}

	// PREFIX=/usr installs the repository's units as they are.
	dest := t.TempDir()
	testenv.Run(t, repo, nil, make, "install", "DESTDIR="+dest, "PREFIX=/usr")
	for _, name := range []string{"gotc-selfcheck.service", "gotc-selfcheck.timer"} {
		got, err := os.ReadFile(filepath.Join(dest, "usr", "lib", "systemd", "system", name))
		want, _ := os.ReadFile(filepath.Join(repo, "systemd", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("make install DESTDIR=%s PREFIX=/usr: %s differs from the repository's (%v)", dest, name, err)
		}
	}
}
