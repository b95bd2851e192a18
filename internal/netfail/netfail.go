// Package netfail tells failures to reach a server or to read its answer
// (timeouts, refused or reset connections, cut bodies) from other errors:
// the failures a retry may not meet.
package netfail

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
)

// Is reports whether err is a timeout or a failure to reach a server or to
// read its answer.
func Is(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) || errors.As(err, &urlErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}
