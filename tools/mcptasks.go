package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
)

// MCP tasks (protocol 2025-11-25): a client may call analyze as a task
// (params.task), then follow it with tasks/get, tasks/result, tasks/cancel
// and tasks/list. The MCP task is the Clara task: its id is the task's id,
// and every method reads the task's row, so that any replica answers.
// mcp-go keeps its tasks in the memory of one process, so Clara's
// transports (mcpserve.Intercept) hand these messages to TaskMethods
// before mcp-go sees them; one that reaches mcp-go anyway (an in-process
// client) is refused.

// taskPollInterval is the pollInterval, in milliseconds, that working
// tasks suggest: well within the caller's rate limit.
const taskPollInterval = 2000

// TaskMethods answers the MCP task methods and task-augmented calls of
// analyze from the database, for the caller each request identifies as a
// tool call does; a caller sees only its own tasks. It implements
// mcpserve.Interceptor.
type TaskMethods struct {
	rt   *toolEnv
	tool string                 // the tool that may be called as a task
	call server.ToolHandlerFunc // its handler, as registered
}

// newTaskMethods returns the task methods of the tool of defs that may be
// called as a task, nil when defs have none (analyze is not served).
func newTaskMethods(rt *toolEnv, defs []Definition) *TaskMethods {
	for _, d := range defs {
		if _, ok := d.(taskTool); ok {
			return &TaskMethods{rt: rt, tool: d.Describe().Name}
		}
	}
	return nil
}

// capability declares the tasks capability (list, cancel, tools/call);
// none without task methods.
func (m *TaskMethods) capability() server.ServerOption {
	if m == nil {
		return func(*server.MCPServer) {}
	}
	return server.WithTaskCapabilities(true, true, true)
}

// errTasksElsewhere refuses what the transports alone answer.
var errTasksElsewhere = errors.New("MCP tasks are served over stdio, Streamable HTTP and SSE only")

// hook refuses the messages TaskMethods answers when they reach mcp-go,
// whose own tasks would live in one process's memory.
func (m *TaskMethods) hook(hooks *server.Hooks) {
	if m == nil {
		return
	}
	hooks.AddOnRequestInitialization(func(_ context.Context, _ any, message any) error {
		if raw, ok := message.(json.RawMessage); ok && m.Handles(raw) {
			return errTasksElsewhere
		}
		return nil
	})
}

// serve takes the handler of the task tool from s, once registered, and
// has s's transports hand task messages to m.
func (m *TaskMethods) serve(s *server.MCPServer) {
	if m == nil {
		return
	}
	t := s.GetTool(m.tool)
	if t == nil {
		panic(fmt.Sprintf("tools: task tool %q is not registered", m.tool))
	}
	m.call = t.Handler
	mcpserve.Intercept(s, m)
}

// Handles reports whether message is a request (with an id) of a task
// method or a task-augmented tools/call, which Handle answers.
func (m *TaskMethods) Handles(message json.RawMessage) bool {
	if !mayConcern(message, "task") {
		return false
	}
	var req struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Method  string          `json:"method"`
		Params  struct {
			Task json.RawMessage `json:"task"`
		} `json:"params"`
	}
	if json.Unmarshal(message, &req) != nil || req.JSONRPC != mcp.JSONRPC_VERSION || !present(req.ID) {
		return false
	}
	switch mcp.MCPMethod(req.Method) {
	case mcp.MethodTasksGet, mcp.MethodTasksResult, mcp.MethodTasksCancel, mcp.MethodTasksList:
		return true
	case mcp.MethodToolsCall:
		return present(req.Params.Task)
	}
	return false
}

// mayConcern reports whether a JSON message could hold word, in a method
// name or a key: whether its text has word, or escapes characters (and so
// could spell it otherwise). Hooks that look for one kind of message skip
// decoding all the others with it.
func mayConcern(message []byte, word string) bool {
	return bytes.Contains(message, []byte(word)) || bytes.IndexByte(message, '\\') >= 0
}

// present reports whether a JSON value is there and not null.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// Handle answers a message that Handles took, for the caller of ctx, with
// its JSON-RPC response, and logs one mcp.request line as mcp-go does.
// Failures are JSON-RPC errors: -32602 for an unknown task (or another
// user's) and refused arguments, -32603 with the REST message for other
// refusals, and with a generic one for faults.
func (m *TaskMethods) Handle(ctx context.Context, message json.RawMessage) []byte {
	var req rpcRequest
	if err := json.Unmarshal(message, &req); err != nil || !present(req.ID) {
		return nil
	}
	began := time.Now()
	result, err := m.dispatch(ctx, req, message)
	took := time.Since(began).Seconds()
	if err != nil {
		m.rt.log.InfoContext(ctx, "mcp.request", "mcp.method", req.Method, "duration_s", took, "outcome", "error", "error", err.Message)
		return req.fail(err)
	}
	m.rt.log.InfoContext(ctx, "mcp.request", "mcp.method", req.Method, "duration_s", took, "outcome", "ok")
	return req.answer(result)
}

// dispatch runs the method of req (whose whole message is message) for
// the caller of ctx.
func (m *TaskMethods) dispatch(ctx context.Context, req rpcRequest, message json.RawMessage) (result any, err *rpcError) {
	defer func() {
		if p := recover(); p != nil {
			m.rt.log.ErrorContext(ctx, "mcp task method panicked", "method", req.Method, "panic", p, "stack", string(debug.Stack()))
			result, err = nil, &rpcError{Code: mcp.INTERNAL_ERROR, Message: core.MsgInternal}
		}
	}()
	ctx, p := m.rt.caller(ctx)
	switch mcp.MCPMethod(req.Method) {
	case mcp.MethodTasksGet:
		result, err = m.get(ctx, p, req)
	case mcp.MethodTasksResult:
		result, err = m.result(ctx, p, req)
	case mcp.MethodTasksCancel:
		result, err = m.cancel(ctx, p, req)
	case mcp.MethodTasksList:
		result, err = m.list(ctx, p, req)
	default:
		result, err = m.start(ctx, message)
	}
	return result, err
}
