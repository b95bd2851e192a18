package tools

import (
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// argumentsField names a tool's whole arguments in a core.FieldError.
const argumentsField = "arguments"

// badArguments returns the invalid-argument error of tool arguments that
// hold text the core must not see (NUL characters or invalid UTF-8, see
// cleantext), naming the argument; nil when every string is clean.
func badArguments(args any) error {
	field, bad := cleantext.Find(args, "")
	if !bad {
		return nil
	}
	return errBadText(field)
}

// errBadText is the invalid-argument error of a value that is not UTF-8
// text without NUL characters; field "" names the whole arguments.
func errBadText(field string) error {
	if field == "" {
		field = argumentsField
	}
	return core.ErrInvalid(core.FieldError{Field: field, Problem: cleantext.Problem})
}

// credentialHeaders are the request headers whose values reach the core.
var credentialHeaders = []string{"Authorization", UserIDHeader}

// refuseBadHeaders answers 400 with a JSON-RPC error to a request whose
// Authorization or User-Id holds a NUL character or invalid UTF-8: no tool,
// and no store, ever sees such a value.
func refuseBadHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, name := range credentialHeaders {
			for _, v := range r.Header.Values(name) {
				if !cleantext.Valid(v) {
					writeRPCError(w, http.StatusBadRequest, mcp.INVALID_REQUEST,
						core.MsgInvalid+"\n"+name+": "+cleantext.Problem)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
