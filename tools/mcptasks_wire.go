package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// rpcRequest is a JSON-RPC request that TaskMethods answers.
type rpcRequest struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// rpcError is the error of a JSON-RPC response.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// invalidParams is a -32602 error.
func invalidParams(message string) *rpcError {
	return &rpcError{Code: mcp.INVALID_PARAMS, Message: message}
}

// msgNoTask is the refusal of a task id that is not one of the caller's.
var msgNoTask = core.ErrNotFound("Task").Message

// failure renders the core's error of a task method: an unknown task, or
// another user's, is -32602 with the REST message of an unknown one; a
// server fault is -32603 with a generic message and a log line; any other
// refusal is -32603 with its REST message, as resources answer.
func (m *TaskMethods) failure(ctx context.Context, method string, err error) *rpcError {
	switch core.ErrorCode(err) {
	case core.CodeNotFound, core.CodeForbidden:
		return invalidParams(msgNoTask)
	case core.CodeInvalid:
		return invalidParams(protocolFailure(ctx, m.rt, "task method", method, err).Error())
	}
	return &rpcError{Code: mcp.INTERNAL_ERROR, Message: protocolFailure(ctx, m.rt, "task method", method, err).Error()}
}

// modern reports whether the request speaks protocol 2026-07-28 or later,
// whose results carry their resultType.
func (req rpcRequest) modern() bool {
	var params struct {
		Meta *mcp.Meta `json:"_meta"`
	}
	if json.Unmarshal(req.Params, &params) != nil || params.Meta == nil {
		return false
	}
	return mcp.IsModernProtocol(params.Meta.ProtocolVersion())
}

// answer returns the response to req whose result is result.
func (req rpcRequest) answer(result any) []byte {
	if rm, ok := result.(mcp.ResultMetadata); ok && req.modern() && rm.GetResultType() == "" {
		rm.SetResultType(mcp.ResultTypeComplete)
	}
	out, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  any             `json:"result"`
	}{mcp.JSONRPC_VERSION, req.ID, result})
	if err != nil {
		return req.fail(&rpcError{Code: mcp.INTERNAL_ERROR, Message: core.MsgInternal})
	}
	return out
}

// fail returns the error response to req.
func (req rpcRequest) fail(e *rpcError) []byte {
	out, _ := json.Marshal(struct { // strings and a number always marshal
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *rpcError       `json:"error"`
	}{mcp.JSONRPC_VERSION, req.ID, e})
	return out
}

// mcpTask returns the MCP task of a Clara task: PENDING and RUNNING are
// working; COMPLETED is completed; FAILED is failed, or cancelled when its
// user cancelled it. Clara keeps its tasks: the ttl is null.
func mcpTask(t core.Task) mcp.Task {
	status, message := taskStatus(t)
	task := mcp.Task{
		TaskId: t.ID, Status: status, StatusMessage: message,
		CreatedAt: isoTime(t.CreatedAt), LastUpdatedAt: isoTime(t.UpdatedAt),
	}
	if !status.IsTerminal() {
		task.PollInterval = mcp.ToInt64Ptr(taskPollInterval)
	}
	return task
}

// taskStatus returns the MCP status of t and a sentence saying where it
// stands.
func taskStatus(t core.Task) (mcp.TaskStatus, string) {
	switch t.Status {
	case core.TaskPending:
		return mcp.TaskStatusWorking, "Queued: the analysis starts as soon as a worker is free."
	case core.TaskRunning:
		return mcp.TaskStatusWorking, "The agent is analysing the query."
	case core.TaskCompleted:
		if t.Result == nil {
			return mcp.TaskStatusCompleted, "The analysis is complete."
		}
		return mcp.TaskStatusCompleted, fmt.Sprintf("Verdict: %s (confidence %.2f).", t.Result.Verdict, t.Result.Confidence)
	}
	reason := "The analysis failed."
	if t.Error != nil {
		reason = *t.Error
	}
	if reason == core.MsgCancelled {
		return mcp.TaskStatusCancelled, reason
	}
	return mcp.TaskStatusFailed, reason
}

// isoTime writes a task's timestamp in ISO 8601 (RFC 3339), in UTC.
func isoTime(t core.Timestamp) string {
	return time.Time(t).UTC().Format(time.RFC3339)
}
