package tools

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// agentTools builds the tools of analyses: what files the model reads,
// starting an analysis, and reading tasks.
type agentTools struct {
	svc *core.Service
	// poll is how often analyze, told to wait, reads its task.
	poll time.Duration
}

// guideNoTask is the guidance after an unknown task id.
const guideNoTask = "No task has this id: call list_tasks for the ids of your tasks."

// listTasksIn is the input of list_tasks. Limit and offset are pointers so
// that an explicit 0 reaches the core (a 400 for limit) rather than taking
// the default.
type listTasksIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Limit  *int   `json:"limit,omitempty" jsonschema:"how many tasks to return, 1 to 100; default 20"`
	Offset *int   `json:"offset,omitempty" jsonschema:"how many of the newest tasks to skip, for the next page; default 0"`
}

// listTasksTool is the twin of GET /users/{user_id}/tasks.
func (a agentTools) listTasksTool() Tool[listTasksIn, List[core.Task]] {
	return Tool[listTasksIn, List[core.Task]]{
		Name:  "list_tasks",
		Title: "List analysis tasks",
		Description: "Returns the caller's analysis tasks, newest first: each with its query, attachments, status " +
			"(PENDING, RUNNING, COMPLETED or FAILED), credits, and the result once COMPLETED or the error once " +
			"FAILED. Pages with limit (1 to 100, default 20) and offset (default 0). Use it to find an earlier " +
			"analysis or a task id for view_task. Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapListTasks,
		Handle: func(ctx context.Context, p core.Principal, in listTasksIn) (List[core.Task], error) {
			limit, offset := core.DefaultLimit, 0
			if in.Limit != nil {
				limit = *in.Limit
			}
			if in.Offset != nil {
				offset = *in.Offset
			}
			list, err := a.svc.ListTasks(ctx, p, in.UserID, limit, offset)
			return ListOf(list), err
		},
	}
}

// viewTaskIn is the input of view_task.
type viewTaskIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	TaskID string `json:"task_id" jsonschema:"the task's id (task_…), as analyze or list_tasks returns it"`
}

// viewTaskTool is the twin of GET /users/{user_id}/tasks/{task_id}.
func (a agentTools) viewTaskTool() Tool[viewTaskIn, core.Task] {
	return Tool[viewTaskIn, core.Task]{
		Name:  "view_task",
		Title: "View an analysis task",
		Description: "Returns one of the caller's analysis tasks by its id: its status and, once COMPLETED, the " +
			"result (verdict, confidence, summary, the claims checked and the sources read), or once FAILED the " +
			"error. An analysis takes seconds to a few minutes: while it is PENDING or RUNNING, call again a few " +
			"seconds later. Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapViewTask,
		Handle: func(ctx context.Context, p core.Principal, in viewTaskIn) (core.Task, error) {
			t, err := a.svc.ViewTask(ctx, p, in.UserID, in.TaskID)
			return t, guide(err, core.CodeNotFound, guideNoTask)
		},
	}
}

// supportedAttachmentsIn is the input of supported_attachments.
type supportedAttachmentsIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
}

// supportedAttachmentsTool is the twin of GET
// /users/{user_id}/agent/supported_attachments.
func (a agentTools) supportedAttachmentsTool() Tool[supportedAttachmentsIn, map[string][]string] {
	return Tool[supportedAttachmentsIn, map[string][]string]{
		Name:  "supported_attachments",
		Title: "List the supported attachments",
		Description: "Returns the file extensions that analyze accepts as attachments, by category (document, " +
			"image, and audio for video and audio clips), e.g. {\"document\": [\".pdf\", \".txt\"], \"image\": [\".png\"], " +
			"\"audio\": [\".mp4\", \".mp3\"]}. It lists only what the configured analysis model and server can read. " +
			"Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapSupportedAttachments,
		Handle: func(ctx context.Context, p core.Principal, in supportedAttachmentsIn) (map[string][]string, error) {
			return a.svc.SupportedAttachments(ctx, p, in.UserID)
		},
	}
}

// cancelTaskTool is the twin of DELETE /users/{user_id}/tasks/{task_id}.
func (a agentTools) cancelTaskTool() Tool[viewTaskIn, core.Task] {
	return Tool[viewTaskIn, core.Task]{
		Name:  "cancel_task",
		Title: "Cancel an analysis task",
		Description: "Stops one of the caller's analysis tasks that is still PENDING or RUNNING: the task becomes " +
			"FAILED with the error \"" + core.MsgCancelled + "\" and the credits held for it are released to the " +
			"balance (nothing is charged). A task that has already finished (COMPLETED or FAILED) is returned as it " +
			"is, so calling it again changes nothing. Use it when the user no longer wants an analysis, or started " +
			"one by mistake; its result is lost. Returns the task. Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(true), OpenWorld(false)),
		Capability: core.CapCancelTask,
		Handle: func(ctx context.Context, p core.Principal, in viewTaskIn) (core.Task, error) {
			t, err := a.svc.CancelTask(ctx, p, in.UserID, in.TaskID)
			return t, guide(err, core.CodeNotFound, guideNoTask)
		},
	}
}
