package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// taskTool is a tool whose output is a Clara task (analyze): clients may
// call it as an MCP task (execution.taskSupport "optional", answered by
// TaskMethods), and each result it returns with a task links to the
// task's resource (a resource_link content block after the text).
type taskTool struct{ Definition }

// bind implements Definition.
func (d taskTool) bind(rt *toolEnv) boundTool {
	b := d.Definition.bind(rt)
	b.Tool.Execution = &mcp.ToolExecution{TaskSupport: mcp.TaskSupportOptional}
	next := b.Handler
	b.Handler = func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := next(ctx, req)
		if t, ok := outputTask(res); ok {
			res.Content = append(res.Content, taskLink(t))
		}
		return res, err
	}
	return b
}

// outputTask returns the task a successful result of a task tool holds.
func outputTask(res *mcp.CallToolResult) (core.Task, bool) {
	if res == nil || res.IsError {
		return core.Task{}, false
	}
	t, ok := res.StructuredContent.(core.Task)
	return t, ok
}

// taskLink links to the resource of task t, clara://tasks/{id}.
func taskLink(t core.Task) mcp.ResourceLink {
	link := mcp.NewResourceLink(taskURIPrefix+t.ID, t.ID,
		"The analysis task as JSON, as view_task returns it; subscribe to it to hear when it changes.", resourceMIMEType)
	link.Title = "Analysis task " + t.ID
	return link
}

// taskResult is what a task tool returns for t: t as structuredContent and
// as text, and the link to its resource.
func taskResult(t core.Task) (*mcp.CallToolResult, error) {
	text, err := json.Marshal(t)
	if err != nil {
		return nil, core.ErrInternal(fmt.Errorf("render task %s: %w", t.ID, err))
	}
	res := mcp.NewToolResultStructured(t, string(text))
	res.RawStructuredContent = text // encoded once, as in adapt
	res.Content = append(res.Content, taskLink(t))
	return res, nil
}

// startOnlyKey marks the context of a call made as an MCP task.
type startOnlyKey struct{}

// startOnly returns ctx marked for a call made as an MCP task: the tool
// starts its task and returns it at once, without waiting.
func startOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, startOnlyKey{}, true)
}

// isStartOnly reports whether ctx is the context of a call made as an MCP
// task.
func isStartOnly(ctx context.Context) bool {
	v, _ := ctx.Value(startOnlyKey{}).(bool)
	return v
}
