package core

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies a failure of the domain. The REST and MCP adapters each map
// a code to their own status exactly once, at the edge.
type Code string

// The codes of every failure of the domain. Their messages are the exact
// sentences of the REST contract, which MCP quotes too; what only one
// adapter knows (routes, methods and bodies of HTTP, the names of path
// parameters, headers and tool arguments) each adapter words itself.
const (
	CodeInvalid             Code = "invalid"
	CodeConflict            Code = "conflict"
	CodeUnauthenticated     Code = "unauthenticated"
	CodeInactive            Code = "inactive"
	CodeForbidden           Code = "forbidden"
	CodeInsufficientCredits Code = "insufficient_credits"
	CodeNotFound            Code = "not_found"
	CodeNoRate              Code = "no_rate"
	CodeTooLarge            Code = "too_large"
	CodeRateLimited         Code = "rate_limited"
	CodeUnavailable         Code = "unavailable"
	CodeInternal            Code = "internal"
)

// The exact messages of the contract's error table.
const (
	MsgInvalid             = "One or more required parameters are either not given or have invalid schema."
	MsgConflict            = "User with the given identifier already exists."
	MsgUnauthenticated     = "Authorization header or OTP is either missing, invalid or expired."
	MsgInactive            = "Please activate your account to access the requested resource."
	MsgForbidden           = "You do not have access to the requested resource."
	MsgInsufficientCredits = "You do not have enough credits to perform this action."
	MsgNoRate              = "No credits rate found for the given amount."
	MsgTooLarge            = "Request body is too large."
	MsgRateLimited         = "You have exceeded the rate limit."
	MsgUnavailable         = "Service temporarily unavailable."
	MsgInternal            = "Something went wrong."
)

// FieldError names one input field and what is wrong with it, so that
// programs and LLM agents can correct a request themselves. The core names
// fields neutrally, in snake_case (email, idempotency_key); an adapter
// renames those its callers know by another name.
type FieldError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// Error is a failure the caller may see: a code, the contract's message,
// optional data for the envelope, and an optional cause kept for the log.
type Error struct {
	Code       Code
	Message    string
	Data       any           // the envelope's data; nil for most errors
	Fields     []FieldError  // validation detail, when Code is CodeInvalid
	RetryAfter time.Duration // when Code is CodeRateLimited
	Err        error         // the underlying cause; never shown to callers
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorOf returns the *Error within err, or an internal error wrapping err
// when err carries none. It returns nil for a nil err.
func ErrorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: MsgInternal, Err: err}
}

// ErrorCode returns the code of err, CodeInternal for an error of no code,
// and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	return ErrorOf(err).Code
}

// ErrInvalid reports missing or malformed input, with optional detail.
func ErrInvalid(fields ...FieldError) *Error {
	return &Error{Code: CodeInvalid, Message: MsgInvalid, Fields: fields}
}

// ErrConflict reports a resource that already exists.
func ErrConflict() *Error { return &Error{Code: CodeConflict, Message: MsgConflict} }

// ErrUnauthenticated reports missing, invalid or expired credentials or codes.
func ErrUnauthenticated() *Error {
	return &Error{Code: CodeUnauthenticated, Message: MsgUnauthenticated}
}

// ErrInactive reports a user who has not activated the account yet.
func ErrInactive() *Error { return &Error{Code: CodeInactive, Message: MsgInactive} }

// ErrForbidden reports a resource that belongs to somebody else.
func ErrForbidden() *Error { return &Error{Code: CodeForbidden, Message: MsgForbidden} }

// ErrInsufficientCredits reports a balance too small for the action.
func ErrInsufficientCredits() *Error {
	return &Error{Code: CodeInsufficientCredits, Message: MsgInsufficientCredits}
}

// ErrNotFound reports an unknown id or email of the named resource
// ("User", "Transaction", "Task", "API key").
func ErrNotFound(resource string) *Error {
	return &Error{Code: CodeNotFound, Message: resource + " with the given identifier does not exist."}
}

// ErrNoRate reports a purchase amount outside every credit tier.
func ErrNoRate() *Error { return &Error{Code: CodeNoRate, Message: MsgNoRate} }

// ErrTooLarge reports a body or upload over its limit.
func ErrTooLarge() *Error { return &Error{Code: CodeTooLarge, Message: MsgTooLarge} }

// ErrRateLimited reports a caller over its rate limit; retry after d.
func ErrRateLimited(d time.Duration) *Error {
	return &Error{Code: CodeRateLimited, Message: MsgRateLimited, RetryAfter: d}
}

// ErrUnavailable reports a database or provider that does not answer.
func ErrUnavailable(cause error) *Error {
	return &Error{Code: CodeUnavailable, Message: MsgUnavailable, Err: cause}
}

// ErrInternal reports an unexpected failure; cause goes to the log only.
func ErrInternal(cause error) *Error {
	return &Error{Code: CodeInternal, Message: MsgInternal, Err: cause}
}
