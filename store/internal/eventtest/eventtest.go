// Package eventtest holds what the task events tests of both drivers
// share: fixtures, waits on wake-ups, and the check that a wait on one
// replica hears at once a task that another replica runs.
package eventtest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

// Prompt bounds every wait for a wake-up. The waits under test have no
// poll shorter than Slow, so only a wake-up explains an answer within it.
const (
	Prompt = 5 * time.Second
	Slow   = time.Minute
)

// Fixture is a task of a new, active user, with the id of the user's API
// key.
type Fixture struct {
	Task     core.TaskRecord
	APIKeyID string
}

// NewTask stores a new active user holding the cost of a new PENDING task,
// and that task.
func NewTask(t *testing.T, q core.Queries) Fixture {
	t.Helper()
	now := time.Now().UTC()
	id := core.NewID(core.PrefixUser)
	u := core.User{
		ID: id, Email: strings.TrimPrefix(id, core.PrefixUser) + "@example.com", FirstName: "Ada",
		IsActive: true, Held: 10, CreatedAt: core.Timestamp(now), UpdatedAt: core.Timestamp(now),
	}
	key := core.NewID(core.PrefixAPIKey)
	if err := q.CreateUser(t.Context(), u, key); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	r := core.TaskRecord{
		ID: core.NewID(core.PrefixTask), UserID: u.ID, Query: "Is the moon made of cheese?",
		Status: core.TaskPending, Cost: 10, CreatedAt: now, UpdatedAt: now,
	}
	if err := q.CreateTask(t.Context(), r, nil); err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	return Fixture{Task: r, APIKeyID: key}
}

// Woken waits up to Prompt for a wake-up on wake, and fails t without
// one.
func Woken(t *testing.T, wake <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-wake:
	case <-time.After(Prompt):
		t.Fatalf("%s: no wake-up within %s", what, Prompt)
	}
}

// NotWoken fails t when a wake-up is waiting on wake.
func NotWoken(t *testing.T, wake <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-wake:
		t.Errorf("%s: woken", what)
	default:
	}
}

// Move moves the task from PENDING or RUNNING to `to` on q and fails t
// when it does not move.
func Move(t *testing.T, q core.Queries, taskID string, to core.TaskStatus) {
	t.Helper()
	active := []core.TaskStatus{core.TaskPending, core.TaskRunning}
	up := core.TaskUpdate{}
	if to == core.TaskFailed {
		up.Error = "why"
	}
	if _, moved, err := q.MoveTask(t.Context(), taskID, active, to, up, time.Now()); err != nil || !moved {
		t.Fatalf("MoveTask(%s → %s) = %v, %v; want moved", taskID, to, moved, err)
	}
}

// secret keys the tokens of both replicas of WatchAcross.
const secret = "eventtest-secret-eventtest-secret-0123456789"

// WatchAcross checks core.Service.WatchTask across two replicas: a wait on
// a Service over here, woken by events, returns the task that a Service
// over there (another process, on PostgreSQL) runs to completion, within
// Prompt, although the wait's poll and fallback are Slow. The wait begins
// before the task runs.
func WatchAcross(t *testing.T, here core.Store, events core.TaskEvents, there core.Store) {
	t.Helper()
	f := NewTask(t, there)
	watcher := core.New(core.Deps{Store: here, Secret: secret, TaskEvents: events, WatchFallback: Slow})
	worker := core.New(core.Deps{Store: there, Secret: secret, Analyzer: analyzer{}})
	token, err := watcher.Tokens().IssueAPIKey(f.Task.UserID, f.APIKeyID)
	if err != nil {
		t.Fatalf("IssueAPIKey: %v", err)
	}
	p, err := watcher.Identify(t.Context(), core.Credentials{Authorization: "Bearer " + token})
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), Prompt)
	defer cancel()
	var (
		mu       sync.Mutex
		statuses []core.TaskStatus
		first    = make(chan struct{})
		once     sync.Once
	)
	seen := func(tk core.Task) {
		mu.Lock()
		statuses = append(statuses, tk.Status)
		mu.Unlock()
		once.Do(func() { close(first) })
	}
	type watched struct {
		task core.Task
		err  error
	}
	done := make(chan watched, 1)
	go func() {
		tk, err := watcher.WatchTask(ctx, p, "", f.Task.ID, Slow, seen, nil)
		done <- watched{tk, err}
	}()
	select {
	case <-first:
	case <-ctx.Done():
		t.Fatal("WatchTask did not read the task")
	}
	if err := worker.RunTask(t.Context(), f.Task.ID, true); err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	w := <-done
	mu.Lock()
	defer mu.Unlock()
	if w.err != nil || w.task.Status != core.TaskCompleted {
		t.Fatalf("WatchTask = %s, %v after reads %v; want COMPLETED within %s", w.task.Status, w.err, statuses, Prompt)
	}
	if w.task.Result == nil || w.task.Result.Verdict != "FALSE" {
		t.Errorf("WatchTask returned result %+v, want the worker's", w.task.Result)
	}
}

// analyzer is a model that answers at once.
type analyzer struct{}

// Supported implements core.AttachmentChecker.
func (analyzer) Supported() map[string][]string { return map[string][]string{} }

// CheckAttachment implements core.AttachmentChecker.
func (analyzer) CheckAttachment(context.Context, string, []byte) error { return nil }

// Analyze implements core.Analyzer.
func (analyzer) Analyze(context.Context, core.AnalysisRequest) (core.AnalysisResult, error) {
	return core.AnalysisResult{Verdict: "FALSE", Summary: "It is rock.", Model: "fake/fake", Confidence: 0.9}, nil
}
