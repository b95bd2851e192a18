package tools

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/clara-backend/clara/core"
)

// A tool error carries the REST message on its first line, so that it
// reads the same over both APIs; the lines after it tell the model how to
// correct the call. This file words those lines.

// guided is an error with a line of guidance for the model.
type guided struct {
	err  error
	line string
}

// Error implements error.
func (g *guided) Error() string { return g.err.Error() }

// Unwrap returns the error guided.
func (g *guided) Unwrap() error { return g.err }

// guide attaches line to err when err has code, and returns err otherwise
// (nil stays nil).
func guide(err error, code core.Code, line string) error {
	if err == nil || core.ErrorCode(err) != code {
		return err
	}
	return &guided{err: err, line: line}
}

// Guidance for failures of any tool.
const (
	guideInactive = "Activate the account first: call activate_account with the 6-digit code emailed at registration " +
		"(send_otp with otp_type ACTIVATION mails a new one)."
	guideForbidden = "You can act only on your own account: omit user_id (it defaults to you) or pass your own id."
)

// guidance returns the lines that follow the message of e, the failure of
// a tool that needs n called by p, raised as err.
func guidance(ctx context.Context, p core.Principal, n need, e *core.Error, err error) []string {
	var lines []string
	if e.Code == core.CodeUnauthenticated {
		if how := credentialsProblem(ctx, p, n); how != "" {
			return []string{how} // the credentials, not a code, are the problem
		}
	}
	var g *guided
	if errors.As(err, &g) {
		lines = append(lines, g.line)
	}
	switch {
	case e.Code == core.CodeInactive:
		lines = append(lines, guideInactive)
	case e.Code == core.CodeForbidden && e.Message == core.MsgForbidden && n != needNone:
		// Another user's id; a scope the credentials lack names itself.
		lines = append(lines, guideForbidden)
	case e.Code == core.CodeRateLimited && e.RetryAfter > 0:
		n := int(math.Ceil(e.RetryAfter.Seconds()))
		unit := "seconds"
		if n == 1 {
			unit = "second"
		}
		lines = append(lines, fmt.Sprintf("Retry in %d %s.", n, unit))
	}
	return lines
}
