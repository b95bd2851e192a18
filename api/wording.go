package api

import (
	"errors"
	"slices"

	"github.com/clara-backend/clara/core"
)

// The REST API's own failures: HTTP has routes, methods and bodies, the
// core has none of them. Their codes and the contract's sentences live
// here; errorStatus maps the codes like the core's.
const (
	codeEmptyBody        core.Code = "empty_body"
	codeRouteNotFound    core.Code = "route_not_found"
	codeMethodNotAllowed core.Code = "method_not_allowed"

	msgEmptyBody        = "Request body is empty."
	msgRouteNotFound    = "The requested route does not exist."
	msgMethodNotAllowed = "The requested method is not allowed for this route."
)

// errEmptyBody reports a request body that is required but missing.
func errEmptyBody() *core.Error { return &core.Error{Code: codeEmptyBody, Message: msgEmptyBody} }

// errRouteNotFound reports a path the API does not serve.
func errRouteNotFound() *core.Error {
	return &core.Error{Code: codeRouteNotFound, Message: msgRouteNotFound}
}

// errMethodNotAllowed reports a method the route does not serve.
func errMethodNotAllowed() *core.Error {
	return &core.Error{Code: codeMethodNotAllowed, Message: msgMethodNotAllowed}
}

// The contract's client-app gate: the routes a client app calls for users
// who have no credentials yet take the public API key (register, send and
// use one-time codes; a password change takes the user's own token too;
// Google sign-in takes the key optionally). The core lets anyone do these
// things with the right email, code or ID token; which credentials the
// REST routes demand is the contract's, and so the API's.
var (
	clientApp         = []core.AuthKind{core.AuthPublicKey}
	clientAppOrUser   = []core.AuthKind{core.AuthPublicKey, core.AuthUserToken}
	clientAppOptional = []core.AuthKind{core.AuthPublicKey, core.AuthNone}
)

// gate answers the contract's 401 when the caller p did not present
// credentials of one of kinds, or presented refused ones. Like the
// core's own checks, it comes after the body is read.
func gate(p core.Principal, kinds []core.AuthKind) error {
	if err := p.Refused(); err != nil {
		return err
	}
	if !slices.Contains(kinds, p.Kind()) {
		return core.ErrUnauthenticated()
	}
	return nil
}

// restField renames the core's field from to the REST contract's name to,
// in the validation detail of err: the core says "email" where the
// contract's path says "user_email", "idempotency_key" where it has the
// Idempotency-Key header.
func restField(err error, from, to string) error {
	e, ok := errors.AsType[*core.Error](err)
	if !ok || !slices.ContainsFunc(e.Fields, func(f core.FieldError) bool { return f.Field == from }) {
		return err
	}
	renamed := *e
	renamed.Fields = slices.Clone(e.Fields)
	for i := range renamed.Fields {
		if renamed.Fields[i].Field == from {
			renamed.Fields[i].Field = to
		}
	}
	return &renamed
}
