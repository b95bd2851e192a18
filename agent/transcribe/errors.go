package transcribe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/clara-backend/clara/internal/netfail"
	"github.com/openai/openai-go/v3"
)

// ErrRetryable is matched (errors.Is) by the failures that a later retry
// may not meet: a 408, 429 or 5xx answer, a timeout, a network failure.
var ErrRetryable = errors.New("the transcription service failed for now")

// ErrBadAudio is matched by the refusal of an input that is not a WAV file
// of PCM s16le, 16 kHz, mono (or holds no samples): nothing was sent.
var ErrBadAudio = errors.New("unsupported audio")

// IsRetryable reports whether err matches ErrRetryable.
func IsRetryable(err error) bool { return errors.Is(err, ErrRetryable) }

// StatusError is an answer of the transcription API with a status other
// than 2xx.
type StatusError struct {
	// Status is the HTTP status.
	Status int
	// Message is the provider's error message, cleaned and cut to a few
	// hundred bytes ("" when none).
	Message string
	// param is the request field the provider blames, if it says.
	param string
	err   error
}

// Error implements error.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("status %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return strings.TrimSpace(s)
}

// Unwrap returns the SDK's error.
func (e *StatusError) Unwrap() error { return e.err }

// maxMessage bounds the provider's message kept in a StatusError.
const maxMessage = 300

// retryableError marks an error as matching ErrRetryable.
type retryableError struct{ err error }

func (e *retryableError) Error() string        { return e.err.Error() }
func (e *retryableError) Unwrap() error        { return e.err }
func (e *retryableError) Is(target error) bool { return target == ErrRetryable }

// badAudio is the refusal of the input, for reason.
func badAudio(reason string) error { return fmt.Errorf("%w: %s", ErrBadAudio, reason) }

// errTooLarge is the failure to read a response over MaxResponseBytes.
var errTooLarge = fmt.Errorf("the response is over %d bytes", MaxResponseBytes)

// classify describes err, from a request that got status (0 when no
// response came), and marks it retryable when it is. ctx is the caller's
// context: when it is done, its error is returned as it is.
func (t *Transcriber) classify(ctx context.Context, status int, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("transcription request: %w", ctx.Err())
	}
	if status >= 400 {
		err = t.statusError(status, err)
	} else if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %s: %w", t.opts.Timeout, err)
	}
	switch {
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
		return &retryableError{err}
	case status >= 400 || errors.Is(err, errTooLarge):
		return err
	case netfail.Is(err):
		return &retryableError{err}
	}
	return err
}

// statusError describes a failed answer of status, keeping the provider's
// message without the API key.
func (t *Transcriber) statusError(status int, err error) *StatusError {
	e := &StatusError{Status: status, err: err}
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if t.opts.APIKey != "" {
			msg = strings.ReplaceAll(msg, t.opts.APIKey, "[redacted]")
		}
		e.Message = cleanText(msg, maxMessage)
		e.param = cleanText(apiErr.Param, maxMessage)
	}
	return e
}

// refusedFormat reports whether err is the refusal of the response format
// asked for (as OpenAI refuses verbose_json for its gpt-* models).
func refusedFormat(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) || se.Status != http.StatusBadRequest {
		return false
	}
	return se.param == "response_format" || strings.Contains(strings.ToLower(se.Message), "response_format")
}

// chunkError names the chunk i of n, spanning sp, that failed with err.
func chunkError(i, n int, sp span, err error) error {
	return fmt.Errorf("chunk %d of %d (%s to %s): %w", i+1, n,
		stamp(samplesDuration(sp.start)), stamp(samplesDuration(sp.end)), err)
}

// errNoResponse is a call of the SDK that neither failed nor answered.
var errNoResponse = errors.New("no response")
