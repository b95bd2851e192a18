package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// completionTasks is how many of the caller's recent tasks completions
// look through.
const completionTasks = 50

// completionValues is the most values one completion offers.
const completionValues = 10

// completions offers values for the arguments of Clara's resource
// templates and prompts (completion/complete): the caller's recent task
// ids for clara://tasks/{task_id}, "me" for clara://users/{id}, and the
// claims the caller checked lately for the fact_check prompt. A caller
// without an account gets no values, never an error.
type completions struct{ rt *toolEnv }

var (
	_ server.ResourceCompletionProvider = completions{}
	_ server.PromptCompletionProvider   = completions{}
)

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c completions) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	switch {
	case strings.HasPrefix(uri, "clara://tasks/") && arg.Name == "task_id":
		return c.recent(ctx, arg.Value, func(t core.Task) string { return t.ID }), nil
	case strings.HasPrefix(uri, "clara://users/") && arg.Name == "id":
		return matching([]string{meID}, arg.Value), nil
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c completions) CompletePromptArgument(ctx context.Context, prompt string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	if prompt == factCheckName && arg.Name == "claim" {
		return c.recent(ctx, arg.Value, func(t core.Task) string { return strings.TrimSpace(t.Query) }), nil
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// recent returns the values of the caller's recent tasks that start with
// prefix (case-insensitively), newest first and without repeats.
func (c completions) recent(ctx context.Context, prefix string, value func(core.Task) string) *mcp.Completion {
	ctx, p := c.rt.caller(ctx)
	tasks, err := c.rt.svc.ListTasks(ctx, p, "", completionTasks, 0)
	if err != nil {
		return &mcp.Completion{Values: []string{}}
	}
	values := make([]string, 0, len(tasks))
	for _, t := range tasks {
		values = append(values, value(t))
	}
	return matching(values, prefix)
}

// matching returns the distinct values starting with prefix
// (case-insensitively), at most completionValues of them.
func matching(values []string, prefix string) *mcp.Completion {
	out := &mcp.Completion{Values: []string{}}
	seen := map[string]bool{}
	for _, v := range values {
		if v == "" || seen[v] || !strings.HasPrefix(strings.ToLower(v), strings.ToLower(prefix)) {
			continue
		}
		seen[v] = true
		out.Total++
		if len(out.Values) < completionValues {
			out.Values = append(out.Values, v)
		}
	}
	out.HasMore = out.Total > len(out.Values)
	return out
}
