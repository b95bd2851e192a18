package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/netfail"
)

// Reasons of failed analyses, for the user.
const (
	reasonRefused = "The analysis model refused the request; the server's model settings need checking."
	reasonFormat  = "The analysis model's answer did not follow the required format, even after a repair request."
)

// classify marks err, from a model call of provider that got status (0 when
// no response came), for the core: 408, 429 and 5xx, timeouts and network
// failures are transient; other 4xx are a refused request. ctx is the
// caller's context: when it is done, its error is returned as it is.
func classify(ctx context.Context, provider string, status int, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s model call: %w", provider, ctx.Err())
	}
	err = fmt.Errorf("%s model call: %w", provider, err)
	switch {
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
		return core.Transient(err)
	case status >= 400:
		return &core.FailedAnalysis{Reason: reasonRefused, Err: err}
	case netfail.Is(err):
		return core.Transient(err)
	}
	return err
}

// refusedFile is the failure of an analysis whose attachment name the
// isolated reader refused (err matches isolate.ErrRefused): permanent, so
// the task fails at once, its credits released, and is not retried into
// another fault.
func refusedFile(name string, err error) error {
	reason := name + " could not be read"
	var r *isolate.RefusedError
	if errors.As(err, &r) {
		reason += ": " + r.Reason
	}
	return &core.FailedAnalysis{Reason: reason + ". The file was refused; your credits were released.", Err: err}
}
