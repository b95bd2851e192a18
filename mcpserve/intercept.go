package mcpserve

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"weak"

	"github.com/mark3labs/mcp-go/server"
)

// Interceptor answers some JSON-RPC requests in place of mcp-go, on every
// transport of the server it is registered for (Intercept): Clara's MCP
// tasks (tools.TaskMethods), which live in the database, where mcp-go
// would keep them in the memory of one process.
type Interceptor interface {
	// Handles reports, from the message alone and at once, whether Handle
	// answers it; the transports pass on every other message to mcp-go.
	Handles(message json.RawMessage) bool
	// Handle answers a message that Handles took, with the whole JSON-RPC
	// response (nil for none). ctx carries the caller's credentials as
	// mcp-go's context funcs do; Handle may take as long as ctx allows.
	Handle(ctx context.Context, message json.RawMessage) []byte
}

// interceptors maps each server to its Interceptor. Servers are weak keys:
// an entry goes with its server, which it must not refer to.
var interceptors sync.Map // weak.Pointer[server.MCPServer] → Interceptor

// Intercept makes the transports of s (ServeStdio, NewHTTPHandlers) ask h
// first about every message. Register h before serving s.
func Intercept(s *server.MCPServer, h Interceptor) {
	key := weak.Make(s)
	interceptors.Store(key, h)
	runtime.AddCleanup(s, func(k weak.Pointer[server.MCPServer]) { interceptors.Delete(k) }, key)
}

// interceptorOf returns the Interceptor registered for s, nil for none.
func interceptorOf(s *server.MCPServer) Interceptor {
	h, ok := interceptors.Load(weak.Make(s))
	if !ok {
		return nil
	}
	return h.(Interceptor)
}
