package tools

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/clara-backend/clara/core"
)

// maxWaitSeconds is the longest analyze waits for its task.
const maxWaitSeconds = 120

// defaultPoll is how often a waiting analyze reads its task: a few reads a
// second, well within the caller's rate limit.
const defaultPoll = 250 * time.Millisecond

// attachmentIn is a file or a link given to analyze.
type attachmentIn struct {
	Name          string `json:"name" jsonschema:"the file name with its extension (report.pdf, photo.png, clip.mp4), as supported_attachments lists them; for a link, any short name to cite it by, with a video or audio extension (clip.mp4) for a link to a clip"`
	ContentBase64 string `json:"content_base64,omitempty" jsonschema:"the file's content in standard base64, at most {max_file} once decoded ({max_total} for all files together); give this or url"`
	URL           string `json:"url,omitempty" jsonschema:"a public http(s) URL the agent reads instead of a file: a page, or a video or audio file when name has a media extension; give this or content_base64"`
}

// analyzeIn is the input of analyze.
type analyzeIn struct {
	UserID         string         `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Query          string         `json:"query,omitempty" jsonschema:"what to check: a claim, a post's text, or links; required unless attachments are given"`
	Attachments    []attachmentIn `json:"attachments,omitempty" jsonschema:"up to {max_files} files (each at most {max_file}, {max_total} in all) or links to analyse with the query"`
	WaitSeconds    *int           `json:"wait_seconds,omitempty" jsonschema:"how long to wait for the result, 0 to 120 seconds; default 0: return the PENDING task at once"`
	IdempotencyKey string         `json:"idempotency_key,omitempty" jsonschema:"any unique string; repeating a call with the same key returns the first task instead of starting and paying for another"`
	CancelOnAbort  bool           `json:"cancel_on_abort,omitempty" jsonschema:"true: if this call is cancelled (notifications/cancelled) or its connection lost while it waits (wait_seconds), the analysis is cancelled too and its credits released; default false: the analysis goes on, for view_task"`
}

// analyzeTool is the twin of POST /users/{user_id}/agent/analysis. Its
// results link to the task's resource, and clients may call it as an MCP
// task (taskTool, mcptasks.go).
func (a agentTools) analyzeTool() Definition {
	return taskTool{Tool[analyzeIn, core.Task]{
		Name:  "analyze",
		Title: "Analyse a claim",
		Description: "Starts an analysis by Clara's AI agent of a claim, a post's text or links, with optional " +
			"attachments (files in base64, or public URLs): the agent reads the sources it needs on the web and " +
			"returns a verdict (TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE or UNVERIFIABLE) with its " +
			"confidence, a summary, each claim checked and the sources read. It costs credits (20 by default): " +
			"they are held when the task starts, charged when it completes and released if it fails; without " +
			"enough credits it is refused. It returns the task: with wait_seconds (up to 120) it waits for the " +
			"result, sending progress notifications when the request carries a progressToken, and returns the " +
			"finished task if it finishes in time; otherwise poll view_task with the task's id. If the call is " +
			"cancelled while it waits, the analysis goes on (and is paid for) unless cancel_on_abort is true; " +
			"cancel_task stops it at any time. Hosts that support MCP tasks may call it as a task: it returns " +
			"at once, and tasks/get, tasks/result and tasks/cancel follow the analysis. The result links to the " +
			"task's resource, clara://tasks/{id}. Call supported_attachments for the file types accepted. Each " +
			"call starts and pays for a new analysis unless it repeats an idempotency_key.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(true)),
		Capability: core.CapAnalyze,
		Handle:     a.analyze,
		Vars:       attachmentLimits(a.svc.Policy()),
	}}
}

// attachmentLimits are the placeholders of analyze's argument descriptions:
// the policy's limits of attachments, as the REST API enforces them.
func attachmentLimits(p core.Policy) map[string]string {
	return map[string]string{
		"max_files": strconv.Itoa(p.MaxAttachments),
		"max_file":  sizeText(p.MaxFileBytes),
		"max_total": sizeText(p.MaxTotalBytes),
	}
}

// sizeText writes a size in bytes for people: "10 MiB", "512 KiB" or
// "1000 bytes".
func sizeText(n int64) string {
	switch {
	case n > 0 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n > 0 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// analyze starts the analysis and, when asked to and not called as an MCP
// task, waits for it. A wait that the call's cancellation ends cancels the
// analysis when the call asked for it (cancel_on_abort).
func (a agentTools) analyze(ctx context.Context, p core.Principal, in analyzeIn) (core.Task, error) {
	wait := 0
	if in.WaitSeconds != nil {
		wait = *in.WaitSeconds
	}
	if wait < 0 || wait > maxWaitSeconds {
		return core.Task{}, core.ErrInvalid(core.FieldError{Field: "wait_seconds", Problem: fmt.Sprintf("must be from 0 to %d", maxWaitSeconds)})
	}
	atts, err := attachments(in.Attachments)
	if err != nil {
		return core.Task{}, err
	}
	t, err := a.svc.Analyze(ctx, p, in.UserID, core.AnalyzeInput{Query: in.Query, Attachments: atts, IdempotencyKey: in.IdempotencyKey})
	if err != nil || wait == 0 || isStartOnly(ctx) {
		return t, guide(err, core.CodeInsufficientCredits, guideCredits)
	}
	t = a.await(ctx, p, in.UserID, t, time.Duration(wait)*time.Second)
	if in.CancelOnAbort && ctx.Err() != nil && !t.Status.Done() {
		return a.cancelAbandoned(ctx, p, in.UserID, t)
	}
	return t, nil
}

// abandonTimeout bounds the cancellation of an analysis whose call was
// cancelled.
const abandonTimeout = 10 * time.Second

// cancelAbandoned cancels the task t of a call that ended, ctx, as the
// caller p: with a context of its own, as ctx is done.
func (a agentTools) cancelAbandoned(ctx context.Context, p core.Principal, userID string, t core.Task) (core.Task, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abandonTimeout)
	defer cancel()
	cancelled, err := a.svc.CancelTask(ctx, p, userID, t.ID)
	if err != nil {
		return t, fmt.Errorf("cancel analysis %s of a cancelled call: %w", t.ID, err)
	}
	return cancelled, nil
}

// guideCredits is the guidance after an analysis refused for want of
// credits.
const guideCredits = "Check the balance with view_user; buy_credits sells more (ask the user first: it costs money)."

// attachments decodes the attachments of analyze; the core checks their
// number, sizes and types.
func attachments(in []attachmentIn) ([]core.AttachmentData, error) {
	out := make([]core.AttachmentData, 0, len(in))
	for i, att := range in {
		field := fmt.Sprintf("attachments[%d]", i)
		switch {
		case att.URL != "" && att.ContentBase64 != "":
			return nil, core.ErrInvalid(core.FieldError{Field: field, Problem: "give content_base64 or url, not both"})
		case att.URL != "":
			out = append(out, core.AttachmentData{Name: att.Name, URL: att.URL})
			continue
		case att.ContentBase64 == "":
			return nil, core.ErrInvalid(core.FieldError{Field: field, Problem: "give content_base64 or url"})
		}
		data, err := base64.StdEncoding.DecodeString(att.ContentBase64)
		if err != nil {
			return nil, core.ErrInvalid(core.FieldError{Field: field + ".content_base64", Problem: "is not valid standard base64"})
		}
		out = append(out, core.AttachmentData{Name: att.Name, Data: data})
	}
	return out, nil
}
