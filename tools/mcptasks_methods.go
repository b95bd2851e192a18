package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// resultWait bounds how long tasks/result waits for a task to finish; the
// request's context may end it sooner.
const resultWait = 10 * time.Minute

// taskPage is how many tasks a tasks/list page holds.
const taskPage = core.DefaultLimit

// taskParams are the params of tasks/get, tasks/result and tasks/cancel.
type taskParams struct {
	TaskID string `json:"taskId"`
}

// taskID returns the task id of req's params, or the -32602 of a missing
// or malformed one.
func taskID(req rpcRequest) (string, *rpcError) {
	var params taskParams
	if len(req.Params) > 0 && json.Unmarshal(req.Params, &params) != nil {
		return "", invalidParams("params must be an object with the string taskId")
	}
	switch {
	case params.TaskID == "":
		return "", invalidParams("taskId: is required")
	case !cleantext.Valid(params.TaskID):
		return "", invalidParams("taskId: " + cleantext.Problem)
	}
	return params.TaskID, nil
}

// get answers tasks/get: the task's state.
func (m *TaskMethods) get(ctx context.Context, p core.Principal, req rpcRequest) (any, *rpcError) {
	id, bad := taskID(req)
	if bad != nil {
		return nil, bad
	}
	t, err := m.rt.svc.ViewTask(ctx, p, "", id)
	if err != nil {
		return nil, m.failure(ctx, req.Method, err)
	}
	return &mcp.GetTaskResult{Task: mcpTask(t)}, nil
}

// result answers tasks/result: once the task has finished, what analyze
// returns for it (the task as structuredContent and text, and the link to
// its resource). It waits for an unfinished task, until the request ends
// or resultWait passes, when it fails with -32800.
func (m *TaskMethods) result(ctx context.Context, p core.Principal, req rpcRequest) (any, *rpcError) {
	id, bad := taskID(req)
	if bad != nil {
		return nil, bad
	}
	waitCtx, cancel := context.WithTimeout(ctx, resultWait)
	defer cancel()
	t, err := m.rt.svc.WatchTask(waitCtx, p, "", id, defaultPoll, func(core.Task) {}, nil)
	if err != nil {
		return nil, m.failure(ctx, req.Method, err)
	}
	if !t.Status.Done() {
		return nil, &rpcError{Code: mcp.REQUEST_INTERRUPTED,
			Message: "Task " + id + " has not finished yet: poll tasks/get, then ask for its result again."}
	}
	res, err := taskResult(t)
	if err != nil {
		return nil, m.failure(ctx, req.Method, err)
	}
	res.Meta = mcp.WithRelatedTask(t.ID)
	return res, nil
}

// cancel answers tasks/cancel: it cancels a working task as cancel_task
// does (its held credits are released) and returns it, now cancelled. A
// task that has finished is refused with -32602.
func (m *TaskMethods) cancel(ctx context.Context, p core.Principal, req rpcRequest) (any, *rpcError) {
	id, bad := taskID(req)
	if bad != nil {
		return nil, bad
	}
	t, err := m.rt.svc.ViewTask(ctx, p, "", id)
	working := err == nil && !t.Status.Done()
	if working {
		t, err = m.rt.svc.CancelTask(ctx, p, "", id) // a task that finished meanwhile comes back as it is
	}
	if err != nil {
		return nil, m.failure(ctx, req.Method, err)
	}
	task := mcpTask(t)
	if !working || task.Status != mcp.TaskStatusCancelled {
		return nil, invalidParams(fmt.Sprintf("Task %s has already finished (%s): it cannot be cancelled.", id, task.Status))
	}
	return &mcp.CancelTaskResult{Task: task}, nil
}

// list answers tasks/list: the caller's tasks, newest first, a page at a
// time; the cursor is the offset of the next page.
func (m *TaskMethods) list(ctx context.Context, p core.Principal, req rpcRequest) (any, *rpcError) {
	var params mcp.PaginatedParams
	if len(req.Params) > 0 && json.Unmarshal(req.Params, &params) != nil {
		return nil, invalidParams("params must be an object with an optional string cursor")
	}
	offset := 0
	if params.Cursor != "" {
		n, err := strconv.Atoi(string(params.Cursor))
		if err != nil || n < 0 {
			return nil, invalidParams("cursor: is not one that tasks/list returned")
		}
		offset = n
	}
	tasks, err := m.rt.svc.ListTasks(ctx, p, "", taskPage+1, offset)
	if err != nil {
		return nil, m.failure(ctx, req.Method, err)
	}
	res := &mcp.ListTasksResult{Tasks: make([]mcp.Task, 0, len(tasks))}
	if len(tasks) > taskPage {
		tasks = tasks[:taskPage]
		res.NextCursor = mcp.Cursor(strconv.Itoa(offset + taskPage))
	}
	for _, t := range tasks {
		res.Tasks = append(res.Tasks, mcpTask(t))
	}
	return res, nil
}

// start answers a task-augmented tools/call: it runs the task tool's
// handler, which starts the task and returns it at once (startOnly), and
// answers with the task. A tool that cannot be called as a task is -32601;
// a call the tool refuses starts nothing and is -32602 with the lines of
// the tool's isError result.
func (m *TaskMethods) start(ctx context.Context, message json.RawMessage) (any, *rpcError) {
	var req mcp.CallToolRequest
	if err := json.Unmarshal(message, &req); err != nil {
		return nil, invalidParams("params must be those of tools/call")
	}
	if req.Params.Name != m.tool {
		return nil, &rpcError{Code: mcp.METHOD_NOT_FOUND,
			Message: fmt.Sprintf("Tool %q cannot be called as a task: call it without params.task.", req.Params.Name)}
	}
	res, err := m.call(startOnly(ctx), req)
	switch {
	case err != nil || res == nil:
		return nil, &rpcError{Code: mcp.INTERNAL_ERROR, Message: core.MsgInternal} // the adapter logged it
	case res.IsError:
		return nil, invalidParams(resultText(res))
	}
	t, ok := outputTask(res)
	if !ok {
		return nil, m.failure(ctx, "tools/call", core.ErrInternal(fmt.Errorf("tool %s returned no task", m.tool)))
	}
	return &mcp.CreateTaskResult{
		Result: mcp.Result{Meta: mcp.WithModelImmediateResponse("Analysis " + t.ID + " started: it takes seconds to a few " +
			"minutes. Its task is clara://tasks/" + t.ID + " (view_task reads it).")},
		Task: mcpTask(t),
	}, nil
}

// resultText joins the text blocks of a result.
func resultText(res *mcp.CallToolResult) string {
	var lines []string
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			lines = append(lines, tc.Text)
		}
	}
	return strings.Join(lines, "\n")
}
