package tools

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// progress sends the notifications/progress of one tool call, when its
// client asked for them with a progressToken; progress only grows.
type progress struct {
	token mcp.ProgressToken // nil: the client did not ask
	sent  float64
}

// progressFlush is how long a handler that sent progress waits before it
// returns. On the wire every tick now precedes the response (the patched
// mcp-go in third_party writes them in order over Streamable HTTP and
// stdio), but the official TypeScript client handles a notification in a
// microtask and a response at once: when both arrive in one read, it
// resolves the call and forgets its progress token before it sees the last
// tick. The pause sends the response in a later read.
const progressFlush = 50 * time.Millisecond

// progressKey is the context key of a call's *progress.
type progressKey struct{}

// withProgress returns ctx carrying the progress of req, for handlers.
func withProgress(ctx context.Context, req mcp.CallToolRequest) context.Context {
	p := &progress{}
	if req.Params.Meta != nil {
		p.token = req.Params.Meta.ProgressToken
	}
	return context.WithValue(ctx, progressKey{}, p)
}

// progressOf returns the progress of the call of ctx; one that sends
// nothing when there is none.
func progressOf(ctx context.Context) *progress {
	if p, ok := ctx.Value(progressKey{}).(*progress); ok {
		return p
	}
	return &progress{}
}

// report sends progress done of progressTotal with message, unless the
// client did not ask or done was reported already. A notification that
// cannot be sent is dropped: progress is advisory.
func (p *progress) report(ctx context.Context, done float64, message string) {
	if p.token == nil || done <= p.sent {
		return
	}
	s := server.ServerFromContext(ctx)
	if s == nil {
		return
	}
	p.sent = done
	_ = s.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
		"progressToken": p.token, "progress": done, "total": progressTotal, "message": message,
	})
}

// flush waits, when progress was sent, for the transport to write it; see
// progressFlush.
func (p *progress) flush(ctx context.Context) {
	if p.sent == 0 {
		return
	}
	select {
	case <-time.After(progressFlush):
	case <-ctx.Done():
	}
}
