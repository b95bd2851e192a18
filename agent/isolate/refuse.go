package isolate

import (
	"bytes"
	"errors"
)

// ErrRefused marks a file whose reading faulted or overran its limits.
var ErrRefused = errors.New("file refused")

// Reasons a file is refused, for the user.
const (
	reasonTime   = "reading it took too long"
	reasonMemory = "reading it needed too much memory"
	reasonDepth  = "its structure is nested too deeply"
	reasonFault  = "the document reader failed on it"
	reasonAnswer = "the document reader's answer was not usable"
	reasonOutput = "reading it produced too much data"
	reasonCrash  = "the reader crashed on it"
)

// RefusedError is a file refused because reading it faulted or overran.
// It matches ErrRefused.
type RefusedError struct {
	Name   string // the file, e.g. "report.pdf"
	Reason string // why, for the user
	Err    error  // what the child did
}

// Error returns the message for the user: "report.pdf could not be read:
// reading it took too long".
func (e *RefusedError) Error() string { return e.Name + " could not be read: " + e.Reason }

// Unwrap returns what the child did.
func (e *RefusedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// refuse returns the *RefusedError of name.
func refuse(name, reason string, err error) error {
	return &RefusedError{Name: name, Reason: reason, Err: err}
}

// faultReason words why a child that ended with runErr failed, from its
// standard error: the Go runtime names a stack overflow or an exhausted
// heap; a kill by signal is the CPU limit.
func faultReason(runErr error, stderr []byte) string {
	switch {
	case bytes.Contains(stderr, []byte("stack overflow")) || bytes.Contains(stderr, []byte("stack exceeds")):
		return reasonDepth
	case bytes.Contains(stderr, []byte("out of memory")) || bytes.Contains(stderr, []byte("cannot allocate memory")):
		return reasonMemory
	}
	if killedByLimit(runErr) {
		return reasonTime
	}
	return reasonFault
}
