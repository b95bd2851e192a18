package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// TestTaskSubscription: over stdio, a subscription to one's task hears
// notifications/resources/updated when it runs and when it completes;
// another user's task, a URI that is no task, and stateless HTTP are
// refused with a clear error.
func TestTaskSubscription(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	m := e.newMember(t, "ada@example.com", 100)
	other := e.newMember(t, "bob@example.com", 100)
	// resources/subscribe is of the 2025-11-25 protocol (2026-07-28 moved
	// subscriptions into subscriptions/listen).
	sc, _ := stdioSession(t, context.Background(), e.server(), core.Credentials{Authorization: "Bearer " + m.Token},
		client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	stdio := newConn(t, sc, (*testing.T).Context)
	awaitUpdate := hearUpdates(stdio.c)
	e.Model.Enqueue(modeltest.Delay(300*time.Millisecond, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	task := taskOf(t, stdio.call(t, "analyze", map[string]any{"query": "The sky is blue."}, nil))
	uri := "clara://tasks/" + task.ID
	//lint:ignore SA1019 resources/subscribe is the 2025-11-25 protocol's, which this test speaks.
	if err := stdio.c.Subscribe(t.Context(), mcp.SubscribeRequest{Params: mcp.SubscribeParams{URI: uri}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if got := taskOf(t, stdio.call(t, "view_task", map[string]any{"task_id": task.ID}, nil)); got.Status == core.TaskCompleted {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := awaitUpdate(uri, time.Until(deadline)); len(got) == 0 || got[len(got)-1] != uri {
		t.Fatalf("updates heard: %v, want %s", got, uri)
	}

	theirs := taskOf(t, transports[0].open(t, e, "Bearer "+other.Token).call(t, "analyze", map[string]any{"query": "Mine."}, nil))
	for _, bad := range []struct{ uri, want string }{
		{"clara://tasks/" + theirs.ID, "do not have access"},
		{"clara://users/me", "only clara://tasks/{task_id}"},
	} {
		//lint:ignore SA1019 as above.
		err := stdio.c.Subscribe(t.Context(), mcp.SubscribeRequest{Params: mcp.SubscribeParams{URI: bad.uri}})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), bad.want) {
			t.Errorf("subscribe %s: %v, want an error saying %q", bad.uri, err, bad.want)
		}
	}

	for _, tr := range transports {
		if tr.name != "http-legacy" {
			continue
		}
		c := tr.open(t, e, "Bearer "+m.Token)
		//lint:ignore SA1019 as above.
		err := c.c.Subscribe(t.Context(), mcp.SubscribeRequest{Params: mcp.SubscribeParams{URI: uri}})
		if err == nil || !strings.Contains(err.Error(), "needs a session that stays open") {
			t.Errorf("subscribe over stateless HTTP: %v", err)
		}
	}
}

// TestTaskSubscriptionListen: a 2026-07-28 client over stateless
// Streamable HTTP opts in with subscriptions/listen and hears the task's
// updates on that stream; a listen naming another user's task is refused.
func TestTaskSubscriptionListen(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	m := e.newMember(t, "ada@example.com", 100)
	other := e.newMember(t, "bob@example.com", 100)
	var modern *conn
	for _, tr := range transports {
		if tr.name == "http" {
			modern = tr.open(t, e, "Bearer "+m.Token)
		}
	}
	awaitUpdate := hearUpdates(modern.c)
	e.Model.Enqueue(modeltest.Delay(400*time.Millisecond, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	task := taskOf(t, modern.call(t, "analyze", map[string]any{"query": "The sky is blue."}, nil))
	uri := "clara://tasks/" + task.ID
	stop, err := modern.c.ListenAsync(t.Context(), mcp.SubscriptionFilter{ResourceSubscriptions: []string{uri}}, nil)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer stop()
	if got := awaitUpdate(uri, 10*time.Second); len(got) == 0 || got[len(got)-1] != uri {
		t.Fatalf("updates heard on the listen stream: %v, want %s", got, uri)
	}

	theirs := taskOf(t, transports[0].open(t, e, "Bearer "+other.Token).call(t, "analyze", map[string]any{"query": "Mine."}, nil))
	err = modern.c.Listen(t.Context(), mcp.SubscriptionFilter{ResourceSubscriptions: []string{"clara://tasks/" + theirs.ID}})
	if err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Errorf("listen to another user's task: %v", err)
	}
}

// hearUpdates collects the notifications/resources/updated c receives,
// and returns a wait for one naming uri (at most within): the URIs heard
// by then.
func hearUpdates(c *client.Client) func(uri string, within time.Duration) []string {
	var mu sync.Mutex
	var updated []string
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationResourceUpdated) {
			mu.Lock()
			updated = append(updated, fmt.Sprint(n.Params.AdditionalFields["uri"]))
			mu.Unlock()
		}
	})
	return func(uri string, within time.Duration) []string {
		deadline := time.Now().Add(within)
		for {
			mu.Lock()
			heard := slices.Clone(updated)
			mu.Unlock()
			if slices.Contains(heard, uri) || time.Now().After(deadline) {
				return heard
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
