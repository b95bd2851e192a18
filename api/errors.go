package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/clara-backend/clara/core"
)

// errorStatus maps each code of core, and the API's own (wording.go), to its HTTP status: the one place where
// domain failures become HTTP. A code missing here answers 500.
var errorStatus = map[core.Code]int{
	codeEmptyBody:                http.StatusBadRequest,
	core.CodeInvalid:             http.StatusBadRequest,
	core.CodeConflict:            http.StatusBadRequest,
	core.CodeUnauthenticated:     http.StatusUnauthorized,
	core.CodeInactive:            http.StatusUnauthorized,
	core.CodeForbidden:           http.StatusForbidden,
	core.CodeInsufficientCredits: http.StatusForbidden,
	core.CodeNotFound:            http.StatusNotFound,
	core.CodeNoRate:              http.StatusNotFound,
	codeRouteNotFound:            http.StatusNotFound,
	codeMethodNotAllowed:         http.StatusMethodNotAllowed,
	core.CodeTooLarge:            http.StatusRequestEntityTooLarge,
	core.CodeRateLimited:         http.StatusTooManyRequests,
	core.CodeUnavailable:         http.StatusServiceUnavailable,
	core.CodeInternal:            http.StatusInternalServerError,
}

// errNilError is the cause logged when writeError is given no error.
var errNilError = errors.New("api: writeError called with a nil error")

// writeError answers err in an error envelope. core.ErrorOf(err) gives the
// code, which errorStatus maps to the status; the message, data and field
// detail come from the core.Error. A 500 shows only the contract's message
// and no data, and logs the cause at error level with the request id; a 503
// shows its data (e.g. the unhealthy health report) and logs the cause as a
// warning. A 429 carries Retry-After in whole seconds, rounded up, at least 1.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := core.ErrorOf(err)
	if e == nil {
		e = core.ErrInternal(errNilError)
	}
	code, ok := errorStatus[e.Code]
	if !ok {
		code = http.StatusInternalServerError
	}
	env := envelope{Data: e.Data, Message: e.Message, Status: statusError, Errors: e.Fields}
	switch code {
	case http.StatusInternalServerError:
		env = envelope{Message: core.MsgInternal, Status: statusError}
		logCause(r, slog.LevelError, e)
	case http.StatusServiceUnavailable:
		// The message is the contract's, or a specific sentence the core
		// chose (billing or analysis not configured); causes stay in the log.
		logCause(r, slog.LevelWarn, e)
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", retryAfter(e.RetryAfter))
	}
	if env.Message == "" {
		env.Message = defaultMessage(e.Code)
	}
	writeEnvelope(w, r, code, &env)
}

// defaultMessage returns the contract's message for a code, for errors built
// without one.
func defaultMessage(c core.Code) string {
	switch c {
	case codeEmptyBody:
		return msgEmptyBody
	case core.CodeInvalid:
		return core.MsgInvalid
	case core.CodeConflict:
		return core.MsgConflict
	case core.CodeUnauthenticated:
		return core.MsgUnauthenticated
	case core.CodeInactive:
		return core.MsgInactive
	case core.CodeForbidden:
		return core.MsgForbidden
	case core.CodeInsufficientCredits:
		return core.MsgInsufficientCredits
	case core.CodeNotFound:
		return core.ErrNotFound("Resource").Message
	case core.CodeNoRate:
		return core.MsgNoRate
	case codeRouteNotFound:
		return msgRouteNotFound
	case codeMethodNotAllowed:
		return msgMethodNotAllowed
	case core.CodeTooLarge:
		return core.MsgTooLarge
	case core.CodeRateLimited:
		return core.MsgRateLimited
	case core.CodeUnavailable:
		return core.MsgUnavailable
	}
	return core.MsgInternal
}

// retryAfter returns d in whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	secs := (d + time.Second - 1) / time.Second
	if secs < 1 {
		secs = 1
	}
	return strconv.FormatInt(int64(secs), 10)
}

// logCause logs the cause of a 500 or 503 with the request id; the caller
// sees only the contract's message.
func logCause(r *http.Request, level slog.Level, e *core.Error) {
	ctx := r.Context()
	log := logger(r)
	if !log.Enabled(ctx, level) {
		return
	}
	cause := e.Error()
	if e.Err != nil {
		cause = e.Err.Error()
	}
	log.LogAttrs(ctx, level, "request failed",
		slog.String("request_id", RequestID(ctx)),
		slog.String("code", string(e.Code)),
		slog.String("method", r.Method),
		slog.String("route", routeOf(r)),
		slog.String("error", cause),
	)
}
