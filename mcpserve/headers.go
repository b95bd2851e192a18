package mcpserve

import (
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

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
