//go:build !unix

package isolate

import "os/exec"

// killGroupOnCancel leaves exec's default, killing the child process.
func killGroupOnCancel(*exec.Cmd) {}

// killedByLimit reports false: there are no resource limits to hit.
func killedByLimit(error) bool { return false }

// limitSelf does nothing: these systems have no setrlimit; the parent's
// deadline and the Go memory limit still bound the child.
func limitSelf(uint64, uint64) error { return nil }

// signalReason reports false: programs are not run here (see canExec).
func signalReason(error) (string, bool) { return "", false }
