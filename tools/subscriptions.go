package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// subscriptionPoll is how often a subscribed task is read.
const subscriptionPoll = 500 * time.Millisecond

// taskURIPrefix starts the URI of a task resource, the one kind of
// resource that can be subscribed to.
const taskURIPrefix = "clara://tasks/"

// errSubscribeNeedsSession is the refusal of a subscription over
// stateless Streamable HTTP, where no stream stays open to carry the
// notifications.
var errSubscribeNeedsSession = errors.New("resources/subscribe needs a session that stays open (stdio or SSE); " +
	"over Streamable HTTP, read clara://tasks/{task_id} or call view_task instead")

// subscriptions keeps the subscriptions of sessions to their tasks
// (resources/subscribe on clara://tasks/{task_id}): each is a watch of the
// task that sends the session notifications/resources/updated when its
// status changes, until the task finishes, the session unsubscribes, or it
// ends.
type subscriptions struct {
	rt  *toolEnv
	srv *server.MCPServer // set once the server is built

	mu      sync.Mutex
	watches map[string]map[string]*watch // session id → URI → its watch
}

// watch is one subscription's watch of its task.
type watch struct{ cancel context.CancelFunc }

// hook registers the subscriptions' hooks.
func (w *subscriptions) hook(hooks *server.Hooks) {
	hooks.AddOnRequestInitialization(w.check)
	hooks.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		w.start(ctx, req.Params.URI)
	})
	hooks.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if s := server.ClientSessionFromContext(ctx); s != nil {
			w.stop(s.SessionID(), req.Params.URI)
		}
	})
	hooks.AddOnUnregisterSession(func(_ context.Context, s server.ClientSession) { w.stop(s.SessionID(), "") })
	hooks.AddBeforeSubscriptionsListen(func(ctx context.Context, _ any, req *mcp.SubscriptionsListenRequest) {
		for _, uri := range req.Params.Notifications.ResourceSubscriptions {
			w.listen(ctx, uri)
		}
	})
}

// check refuses, before it is acknowledged, a subscription Clara cannot
// keep: outside a lasting session, to a URI that is not a task, or to
// another user's task (with the REST message).
func (w *subscriptions) check(ctx context.Context, _ any, message any) error {
	raw, ok := message.(json.RawMessage)
	if !ok || !mayConcern(raw, "subscri") {
		return nil
	}
	var req struct {
		Method string `json:"method"`
		Params struct {
			URI           string `json:"uri"`
			Notifications struct {
				ResourceSubscriptions []string `json:"resourceSubscriptions"`
			} `json:"notifications"`
		} `json:"params"`
	}
	if json.Unmarshal(raw, &req) != nil {
		return nil
	}
	switch req.Method {
	case string(mcp.MethodResourcesSubscribe):
		creds, _ := caller.Credentials(ctx)
		if creds.Transport == core.TransportMCPHTTP || server.ClientSessionFromContext(ctx) == nil {
			return errSubscribeNeedsSession
		}
		return w.checkTask(ctx, req.Params.URI)
	case string(mcp.MethodSubscriptionsListen):
		// The 2026-07-28 way: the stream is the request itself, so it
		// works over stateless Streamable HTTP too.
		for _, uri := range req.Params.Notifications.ResourceSubscriptions {
			if err := w.checkTask(ctx, uri); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTask refuses a URI that is not one of the caller's tasks.
func (w *subscriptions) checkTask(ctx context.Context, uri string) error {
	taskID, ok := strings.CutPrefix(uri, taskURIPrefix)
	if !ok || taskID == "" {
		return errors.New("only clara://tasks/{task_id} can be subscribed to")
	}
	ctx, p := w.rt.caller(ctx)
	if _, err := w.rt.svc.ViewTask(ctx, p, "", taskID); err != nil {
		var e *core.Error
		if errors.As(err, &e) {
			return refusal(e.Message)
		}
		return refusal(core.MsgInternal)
	}
	return nil
}

// refusal is a subscription refused with the REST message of its reason.
type refusal string

// Error returns the message.
func (r refusal) Error() string { return string(r) }

// start watches the task at uri for the session of ctx, replacing an
// earlier watch of the same URI.
func (w *subscriptions) start(ctx context.Context, uri string) {
	session := server.ClientSessionFromContext(ctx)
	taskID, ok := strings.CutPrefix(uri, taskURIPrefix)
	if session == nil || !ok || w.srv == nil {
		w.rt.log.Warn("subscription not watched", "uri", uri, "session", session != nil, "server", w.srv != nil)
		return
	}
	sid := session.SessionID()
	ctx, p := w.rt.caller(ctx)
	watchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	this := &watch{cancel: cancel}
	w.mu.Lock()
	if w.watches == nil {
		w.watches = map[string]map[string]*watch{}
	}
	if w.watches[sid] == nil {
		w.watches[sid] = map[string]*watch{}
	}
	if old := w.watches[sid][uri]; old != nil {
		old.cancel()
	}
	w.watches[sid][uri] = this
	w.mu.Unlock()
	go func() {
		defer w.forget(sid, uri, this)
		w.watchTask(watchCtx, p, taskID, func() {
			_ = w.srv.SendNotificationToSpecificClient(sid, string(mcp.MethodNotificationResourceUpdated), map[string]any{"uri": uri})
		})
	}()
}

// listen watches the task at uri for a subscriptions/listen stream whose
// request context is ctx: updates go to that stream, and the watch ends
// with it (or when the task finishes).
func (w *subscriptions) listen(ctx context.Context, uri string) {
	taskID, ok := strings.CutPrefix(uri, taskURIPrefix)
	if !ok || w.srv == nil {
		return
	}
	ctx, p := w.rt.caller(ctx)
	go w.watchTask(ctx, p, taskID, func() {
		_ = w.srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationResourceUpdated), map[string]any{"uri": uri})
	})
}

// watchTask reads the task every subscriptionPoll until it finishes or ctx
// ends, calling changed after each change of its status.
func (w *subscriptions) watchTask(ctx context.Context, p core.Principal, taskID string, changed func()) {
	var last core.TaskStatus
	seen := func(t core.Task) {
		if last != "" && t.Status != last {
			changed()
		}
		last = t.Status
	}
	if _, err := w.rt.svc.WatchTask(ctx, p, "", taskID, subscriptionPoll, seen, nil); err != nil {
		w.rt.log.Warn("watch subscribed task", "task", taskID, "err", err)
	}
}

// forget ends this watch and drops it, unless another took its place.
func (w *subscriptions) forget(sid, uri string, this *watch) {
	this.cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watches[sid][uri] == this {
		delete(w.watches[sid], uri)
		if len(w.watches[sid]) == 0 {
			delete(w.watches, sid)
		}
	}
}

// stop ends the session's watch of uri, or all its watches when uri is
// "".
func (w *subscriptions) stop(sid, uri string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for u, wt := range w.watches[sid] {
		if uri == "" || u == uri {
			wt.cancel()
			delete(w.watches[sid], u)
		}
	}
	if len(w.watches[sid]) == 0 {
		delete(w.watches, sid)
	}
}
