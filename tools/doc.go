// Package tools is Clara's MCP server: one typed tool per capability of the
// domain core, registered on a mark3labs/mcp-go server. Package mcpserve
// serves it on its transports (stdio, Streamable HTTP, legacy HTTP+SSE);
// package caller carries each request's caller from one to the other.
//
// A tool is declared once as a [Tool] value: its name, title, an LLM-facing
// description, its four behaviour [Hints], and a typed handler over
// [core.Service]. Input and output schemas are inferred from the handler's
// types. Declarations carry no mcp-go type; a single generic adapter turns
// every declaration into an mcp-go tool and maps results and core errors
// onto MCP results:
//
//   - success: structuredContent holds the output object (lists wrapped as
//     {"items": [...]}, see [List]), and the text content its JSON, followed
//     by any images the tool finds in it ([Image]: start_totp's QR code);
//   - a business failure (a [core.Error] of any code but internal): a result
//     with isError set and exactly the message of the REST API, followed for
//     invalid input by the offending fields on a second line, and the
//     error's data (REST's data, such as login's {"is_2fa_enabled": true})
//     as structuredContent when it has any;
//   - a server fault (internal code, unknown errors, panics): a JSON-RPC
//     internal error with a generic message; the cause goes to the log only.
//
// Two resource templates ([Resources]: clara://users/{id}, clara://tasks/{task_id})
// and a prompt ([Prompts]: fact_check) are declared the same way, without
// mcp-go types. A resource is read through the same core method as its twin
// tool and returns the same JSON; having no isError, a resource or prompt
// fails with a JSON-RPC error carrying the REST message, or for a server
// fault the generic one.
//
// Callers identify themselves with credentials: the Authorization and
// User-Id headers over HTTP, and credentials given to [StdioSession]
// (CLARA_API_KEY) over stdio, or else the user token of the last login,
// register or google_sign_in of the session. Each request is identified
// once with [core.Service.Identify]: at the HTTP edge (a bad token is
// refused with 401 before mcp-go sees the request), or by the adapter for
// each stdio call, so that a revoked token or a replaced key stops at once.
// Every handler gets that [core.Principal] and passes it to the core,
// which authorizes it against its access table; a tool names its
// [core.Capability] and declares no access of its own; the tools that sign
// users up and in call the core as their caller too (REST's public API key
// of client apps is REST's own gate). tools/list shows each caller only the
// tools its credentials can use, derived from the same table (visible.go),
// and a stdio session that signs in or out is told to list them again. A
// tool refused for want of credentials says, on a line after the REST
// message, how to authenticate on the caller's transport; arguments that
// break the input schema are named in plain words (arguments.go).
//
// Every tool belongs to one toolset (account, billing, analysis, system;
// toolsets.go): [Options] may serve only some toolsets, or only the
// read-only tools, on every transport of the server.
package tools
