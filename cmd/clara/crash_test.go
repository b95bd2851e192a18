package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/store/pgtest"
)

// blockingModel is an OpenAI-compatible chat server whose first call never
// answers (the model call in flight when its worker dies) and whose later
// calls answer with a valid analysis.
type blockingModel struct {
	mu      sync.Mutex
	calls   int
	started chan struct{} // closed when the first call arrives
	release chan struct{} // closed when the test ends
}

func (m *blockingModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.calls++
	n := m.calls
	m.mu.Unlock()
	if n == 1 {
		close(m.started)
		select { // hang until the worker's connection dies
		case <-r.Context().Done():
		case <-m.release:
		}
		return
	}
	answer, _ := json.Marshal(map[string]any{
		"verdict": "TRUE", "confidence": 0.9, "summary": "The tower was completed in 1889.",
		"claims": []map[string]any{{"claim": "The Eiffel Tower was finished in 1889.", "verdict": "TRUE",
			"explanation": "Widely documented.", "sources": []any{}}},
		"sources": []any{}, "model": "ignored",
	})
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": time.Now().Unix(), "model": "fake",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": string(answer)}}},
	})
}

func (m *blockingModel) callCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

// buildBinary builds clara into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "clara")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestWorkerKilledMidTask kills a `clara worker` process while its model
// call is in flight; a new worker rescues the job and finishes the task,
// and the task's credits are captured exactly once.
func TestWorkerKilledMidTask(t *testing.T) {
	bin := buildBinary(t)
	model := &blockingModel{started: make(chan struct{}), release: make(chan struct{})}
	modelSrv := httptest.NewServer(model)
	t.Cleanup(modelSrv.Close)
	t.Cleanup(func() { close(model.release) })

	vars := []string{
		"CLARA_DATABASE_URL", pgtest.NewURL(t),
		"CLARA_TOKEN_SECRET", strings.Repeat("s", 32), "CLARA_PUBLIC_API_KEY", "test-public-key-1234",
		"CLARA_MODEL_PROVIDER", "openai", "CLARA_MODEL_BASE_URL", modelSrv.URL + "/v1", "CLARA_MODEL_API_KEY", "sk-test",
		"CLARA_JOB_TIMEOUT", "3s", "CLARA_JOB_RESCUE_AFTER", "4s", "CLARA_LOG_LEVEL", "debug",
	}
	// This process only enqueues; the workers are separate processes.
	a := openApp(t, append(vars, "CLARA_WORKERS", "0")...)
	user := signUpActive(t, a, "ada@example.com")
	if _, _, err := a.svc.GrantCredits(t.Context(), core.GrantInput{Email: user.Email, Credits: 100, Reason: "test", Key: "t"}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	caller, _ := asUser(t, a, user)
	task, err := a.svc.Analyze(ctx, caller, "", core.AnalyzeInput{Query: "The Eiffel Tower was finished in 1889."})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}

	first := startWorker(t, bin, vars)
	select {
	case <-model.started:
	case <-time.After(60 * time.Second):
		t.Fatalf("the first worker never called the model; its log:\n%s", first.log)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()

	second := startWorker(t, bin, vars)
	deadline := time.Now().Add(90 * time.Second)
	var got core.Task
	for {
		got, err = a.svc.ViewTask(ctx, caller, "", task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Done() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task still %s; second worker's log:\n%s", got.Status, second.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got.Status != core.TaskCompleted || got.Result == nil || got.Result.Verdict != "TRUE" {
		t.Fatalf("task %s, error %v, result %+v", got.Status, got.Error, got.Result)
	}
	settle, err := a.db.LedgerEntryByKey(t.Context(), user.ID, "task:"+task.ID+":settle")
	if err != nil || settle.Kind != core.LedgerCapture || settle.DHeld != -20 {
		t.Fatalf("settlement %+v, %v", settle, err)
	}
	avail, held, err := a.db.Balances(t.Context(), user.ID)
	if err != nil || avail != 80 || held != 0 {
		t.Fatalf("balances %d available, %d held (%v); want 80, 0", avail, held, err)
	}
	if bad, err := a.svc.Reconcile(t.Context()); err != nil || len(bad) != 0 {
		t.Fatalf("books: %+v %v", bad, err)
	}
	if n := model.callCount(); n < 2 {
		t.Fatalf("%d model calls, want the lost one and the rescued one", n)
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("second worker exit: %v\n%s", err, second.log)
	}
}

type workerProc struct {
	cmd *exec.Cmd
	log *logbuf.Buffer
}

func startWorker(t *testing.T, bin string, vars []string) workerProc {
	t.Helper()
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(), "CLARA_DATA_DIR="+t.TempDir(), "CLARA_WORKERS=1", "CLARA_LOG_FORMAT=text")
	for i := 0; i+1 < len(vars); i += 2 {
		cmd.Env = append(cmd.Env, vars[i]+"="+vars[i+1])
	}
	log := &logbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return workerProc{cmd: cmd, log: log}
}

// openApp opens the commands' wiring in this process with vars set.
func openApp(t *testing.T, vars ...string) *app {
	t.Helper()
	env, _, errOut := testEnv(t, nil, vars...)
	loader := config.Bind(pflag.NewFlagSet("test", pflag.ContinueOnError), 0)
	a, err := open(t.Context(), loader, env, true)
	if err != nil {
		t.Fatalf("open: %v: %s", err, errOut)
	}
	t.Cleanup(a.close)
	return a
}

// signUpActive registers and activates a user.
func signUpActive(t *testing.T, a *app, email string) core.User {
	t.Helper()
	app, err := a.svc.Identify(t.Context(), core.Credentials{Authorization: a.cfg.PublicAPIKey, Transport: core.TransportInProcess})
	if err != nil {
		t.Fatal(err)
	}
	in, err := a.svc.Register(t.Context(), app, core.RegisterInput{FirstName: "Ada", LastName: "Lovelace", Email: email, Password: "analytical-engine-1843"})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if err := a.db.ActivateUser(t.Context(), in.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	in.User.IsActive = true
	return in.User
}

// asUser logs u in and returns the caller of its fresh user token, and the
// Authorization value that carries the token.
func asUser(t *testing.T, a *app, u core.User) (core.Principal, string) {
	t.Helper()
	in, err := a.svc.Login(t.Context(), core.Anonymous(core.TransportInProcess, ""), core.LoginInput{Email: u.Email, Password: "analytical-engine-1843"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	authorization := "Bearer " + in.Token
	p, err := a.svc.Identify(t.Context(), core.Credentials{Authorization: authorization, Transport: core.TransportInProcess})
	if err != nil {
		t.Fatal(err)
	}
	return p, authorization
}
