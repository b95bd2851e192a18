// Package mcpserve serves Clara's MCP server (built by package tools) on
// its transports: stdio for `clara mcp`, and Streamable HTTP at /mcp and
// the legacy HTTP+SSE transport at /sse and /message for `clara serve`.
//
// The transports own the edge of a request: over HTTP they bound bodies,
// refuse credential headers that are not clean text, guard loopback
// listeners against DNS rebinding, cap anonymous SSE streams, keep each SSE
// stream to its opener, and identify every request's caller once with
// [core.Service.Identify], refusing bad credentials with 401 before mcp-go
// sees the request. By default they refuse requests without credentials
// too; every 401 carries an OAuth challenge (RFC 6750, RFC 9728) naming the
// endpoint's protected resource metadata, which they also serve, and the
// scopes Clara grants. What they learn of the caller, the raw credentials and
// the principal, reaches the tools through package caller; over stdio the
// session's context func ([tools.StdioSession]) carries it.
package mcpserve
