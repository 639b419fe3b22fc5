package selfcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/gotc-project/gotc/internal/rootfs"
)

// runTimeout bounds one program run; a build gets buildTimeout.
const (
	runTimeout   = time.Minute
	buildTimeout = 10 * time.Minute
)

// nobody is the user a confined program runs as when selfcheck runs as
// root.
const nobody = 65534

// inUserNS says a confined program needs a user namespace to be
// chrooted: selfcheck is not root. A variable for the tests, which run
// as root and test both ways.
var inUserNS = func() bool { return os.Geteuid() != 0 }

// runner runs programs of the checked root: on the running system
// directly, in another root only confined (see the package
// documentation), and never unless Options asked for it.
type runner struct {
	fs       *rootfs.FS
	confined bool
	home     string // scratch HOME of unconfined runs
}

// ConfineError reports that this machine cannot confine a program to
// the root: no chroot (not root, and no unprivileged user namespaces).
type ConfineError struct {
	Root string
	Err  error
}

func (e *ConfineError) Error() string {
	return fmt.Sprintf("cannot run the programs of %s confined (chroot, in a user namespace when not root): %v", e.Root, e.Err)
}

func (e *ConfineError) Unwrap() error { return e.Err }

// baseEnv is the environment every program gets: nothing of the caller's
// (no GOFLAGS, GOROOT, GOTOOLCHAIN, GOENV, proxies or credentials).
func (r *runner) baseEnv() []string {
	home := r.home
	if r.confined {
		home = "/nonexistent"
	}
	return []string{"PATH=/usr/bin:/bin", "HOME=" + home, "XDG_CONFIG_HOME=" + home + "/.config", "XDG_CACHE_HOME=" + home + "/.cache",
		"LC_ALL=C", "GOENV=off", "GOFLAGS=", "GOTOOLCHAIN=", "GOROOT=", "GOEXPERIMENT=", "GODEBUG=", "GOPROXY=off", "GOWORK=off"}
}

// output runs prog (a path in the root) with args and env added to the
// base environment, in dir (a host directory, "" for a scratch one; a
// confined program runs in the root's /), and returns its standard
// output. A failure carries the first line of standard error.
func (r *runner) output(prog, dir string, env []string, timeout time.Duration, args ...string) (string, error) {
	q, err := r.fs.Resolve(prog, true)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	attr := &syscall.SysProcAttr{Setpgid: true}
	path := r.fs.Host(q)
	if r.confined {
		path, dir = q, "/" // inside the chroot
		attr.Chroot = r.fs.Dir()
		attr.Cloneflags = syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
		if !inUserNS() {
			attr.Credential = &syscall.Credential{Uid: nobody, Gid: nobody}
		} else {
			uid, gid := os.Getuid(), os.Getgid()
			attr.Cloneflags |= syscall.CLONE_NEWUSER
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		}
	} else if dir == "" {
		dir = r.home
	}
	cmd := exec.CommandContext(ctx, path, args...) // absolute: no PATH lookup
	cmd.Args[0] = prog
	cmd.Dir = dir
	cmd.Env = append(r.baseEnv(), env...)
	cmd.SysProcAttr = attr
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	stdout := &capped{max: 1 << 20}
	stderr := &capped{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if r.confined && !errors.As(err, &ee) && confineFailure(err) {
			return "", &ConfineError{Root: r.fs.Dir(), Err: err}
		}
		if ctx.Err() != nil {
			err = fmt.Errorf("killed after %v", timeout)
		}
		if msg := firstMessage(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return stdout.String(), err
	}
	if stdout.over {
		return "", fmt.Errorf("printed more than %d bytes", stdout.max)
	}
	return stdout.String(), nil
}

// firstMessage is the first line of a program's standard error that
// says something: not empty, and not one of the "# package" lines go
// build heads each package's errors with.
func firstMessage(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "# ") {
			return line
		}
	}
	return firstLine(strings.TrimSpace(stderr))
}

// confineFailure says a start error comes from setting up the
// confinement (clone, the user namespace, chroot) rather than from the
// program (missing, not executable, wrong format).
func confineFailure(err error) bool {
	for _, e := range []error{syscall.EPERM, syscall.ENOSPC, syscall.EINVAL, syscall.ENOSYS, syscall.EUSERS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// capped keeps the first max bytes written to it.
type capped struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(b []byte) (int, error) {
	if room := c.max - c.Len(); room < len(b) {
		c.over = true
		if room > 0 {
			c.Buffer.Write(b[:room])
		}
		return len(b), nil
	}
	return c.Buffer.Write(b)
}
