//go:build unix

package isolate

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// killGroupOnCancel starts cmd in a process group of its own and makes the
// cancellation of its context kill the whole group.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// killedByLimit reports whether the child of runErr was killed by SIGKILL
// or SIGXCPU, as the kernel does at RLIMIT_CPU.
func killedByLimit(runErr error) bool {
	var exitErr *exec.ExitError
	if !errors.As(runErr, &exitErr) {
		return false
	}
	ws, ok := exitErr.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && (ws.Signal() == syscall.SIGKILL || ws.Signal() == syscall.SIGXCPU)
}

// signalReason words why the program of runErr was killed by a signal,
// and reports whether it was: SIGKILL is the CPU limit (or the kernel's
// out-of-memory killer), SIGXFSZ the file-size limit, SIGPIPE a write past
// the output limit; others are crashes.
func signalReason(runErr error) (string, bool) {
	var exitErr *exec.ExitError
	if !errors.As(runErr, &exitErr) {
		return "", false
	}
	ws, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return "", false
	}
	switch ws.Signal() {
	case syscall.SIGKILL, syscall.SIGXCPU:
		return reasonTime, true
	case syscall.SIGXFSZ, syscall.SIGPIPE:
		return reasonOutput, true
	}
	return reasonCrash, true
}

// limitSelf caps the CPU time (seconds) of this process, and its address
// space to what it maps now (the Go runtime reserves over 1 GiB at start)
// plus memory bytes, never above the limits it already has. At the CPU
// limit, soft and hard alike, the kernel sends SIGKILL. Where the mapped size cannot be read (no /proc),
// only the CPU time is capped.
func limitSelf(cpuSeconds, memory uint64) error {
	if err := lower(syscall.RLIMIT_CPU, cpuSeconds, cpuSeconds); err != nil {
		return fmt.Errorf("limit CPU time: %w", err)
	}
	mapped, ok := mappedBytes()
	if !ok {
		return nil
	}
	if err := lower(syscall.RLIMIT_AS, mapped+memory, mapped+memory); err != nil {
		return fmt.Errorf("limit address space: %w", err)
	}
	return nil
}

// mappedBytes returns the size of this process's address space, from
// /proc/self/status.
func mappedBytes() (uint64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// lower sets the soft and hard limits of resource to cur and max, or to
// the present hard limit where that is lower.
func lower(resource int, cur, max uint64) error {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(resource, &old); err != nil {
		return err
	}
	lim := syscall.Rlimit{Cur: min(cur, old.Max), Max: min(max, old.Max)}
	return syscall.Setrlimit(resource, &lim)
}
