package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/attach/attachtest"
	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
)

// TestServeRefusesHostilePDFs sends every hostile PDF to a real `clara
// serve` as an analysis upload: each task fails with a readable error and
// its credits released, the server answers its health check throughout and
// does not die, a normal analysis then completes, and the books agree.
func TestServeRefusesHostilePDFs(t *testing.T) {
	bin := buildBinary(t)
	model := modeltest.New(t)
	model.SetFallback(modeltest.Answer(modeltest.AnalysisJSON("TRUE", "attachment:report.pdf")))
	vars := []string{
		"CLARA_DATA_DIR", t.TempDir(),
		"CLARA_TOKEN_SECRET", strings.Repeat("s", 32), "CLARA_PUBLIC_API_KEY", "test-public-key-1234",
		"CLARA_MODEL_PROVIDER", "openai", "CLARA_MODEL_BASE_URL", model.URL(), "CLARA_MODEL_API_KEY", "sk-test",
	}
	// This process reads and writes the same SQLite database; the server's
	// workers run the analyses.
	a := openApp(t, append(vars, "CLARA_WORKERS", "0")...)
	user := signUpActive(t, a, "ada@example.com")
	if _, _, err := a.svc.GrantCredits(t.Context(), core.GrantInput{Email: user.Email, Credits: 200, Reason: "test", Key: "t"}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	caller, authorization := asUser(t, a, user)
	srv := startServe(t, bin, vars)

	hostile := attachtest.Hostile()
	ids := map[string]string{} // task id → hostile PDF
	for name, data := range hostile {
		ids[postAnalysis(t, srv.base, authorization, user.ID, data)] = name
	}
	waitTasks(t, a, srv, ids, core.TaskFailed)
	for id, name := range ids {
		got, err := a.svc.ViewTask(ctx, caller, "", id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Error == nil || !strings.HasPrefix(*got.Error, "report.pdf could not be read: ") {
			t.Errorf("%s: task error %v", name, got.Error)
		}
	}
	if avail, held, err := a.db.Balances(t.Context(), user.ID); err != nil || avail != 200 || held != 0 {
		t.Fatalf("after the refusals: %d available, %d held (%v); want 200, 0", avail, held, err)
	}
	if n := model.Calls(); n != 0 {
		t.Errorf("%d model calls for refused files, want none", n)
	}

	id := postAnalysis(t, srv.base, authorization, user.ID, attachtest.PDF("The Eiffel Tower was finished in 1889."))
	waitTasks(t, a, srv, map[string]string{id: "a normal PDF"}, core.TaskCompleted)
	if avail, held, err := a.db.Balances(t.Context(), user.ID); err != nil || avail != 180 || held != 0 {
		t.Fatalf("after a normal analysis: %d available, %d held (%v); want 180, 0", avail, held, err)
	}
	if !strings.Contains(model.Requests()[0].Text(), "The Eiffel Tower was finished in 1889.") {
		t.Errorf("the model was not given the PDF's text: %q", model.Requests()[0].Text())
	}

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("clara serve exit: %v\n%s", err, srv.log)
	}
	if strings.Contains(srv.log.String(), "fatal error") {
		t.Errorf("a fatal error reached the server's log:\n%s", srv.log)
	}
	reconcile := exec.Command(bin, "credits", "reconcile")
	reconcile.Env = childEnv(vars)
	if out, err := reconcile.CombinedOutput(); err != nil || !strings.Contains(string(out), "the books agree") {
		t.Fatalf("credits reconcile: %v\n%s", err, out)
	}
}

// serveProc is a running `clara serve` and its address.
type serveProc struct {
	cmd  *exec.Cmd
	log  *logbuf.Buffer
	base string // http://host:port
}

// startServe starts `clara serve` with vars on a free port.
func startServe(t *testing.T, bin string, vars []string) serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(childEnv(vars), "CLARA_HTTP_ADDR=127.0.0.1:0", "CLARA_LOG_FORMAT=json")
	log := &logbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrRE := regexp.MustCompile(`"addr":"([^"]+)"`)
	deadline := time.Now().Add(60 * time.Second)
	for !addrRE.MatchString(log.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("clara serve did not start:\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return serveProc{cmd: cmd, log: log, base: "http://" + addrRE.FindStringSubmatch(log.String())[1]}
}

// childEnv is this process's environment with vars (name, value pairs)
// set.
func childEnv(vars []string) []string {
	env := os.Environ()
	for i := 0; i+1 < len(vars); i += 2 {
		env = append(env, vars[i]+"="+vars[i+1])
	}
	return env
}

// postAnalysis asks, over REST, for an analysis of report.pdf with content
// pdf, and returns the new task's id.
func postAnalysis(t *testing.T, base, authorization, userID string, pdf []byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("query", "Is this report right?"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("report.pdf", "report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(pdf)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/users/"+userID+"/agent/analysis", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", authorization)
	status, resp := do(t, req)
	var env struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(resp), &env); status != http.StatusCreated || err != nil || env.Data.ID == "" {
		t.Fatalf("analysis: %d %s", status, resp)
	}
	return env.Data.ID
}

// waitTasks waits until every task of ids is done, checking between polls
// that the server answers its health check, and that each ended in want.
func waitTasks(t *testing.T, a *app, srv serveProc, ids map[string]string, want core.TaskStatus) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute) // a guard against a hang, not a measure of speed
	for {
		req, _ := http.NewRequest("GET", srv.base+"/api/v1/health", nil)
		if status, body := do(t, req); status != http.StatusOK {
			t.Fatalf("health: %d %s\n%s", status, body, srv.log)
		}
		pending := 0
		for id, name := range ids {
			got, err := a.db.TaskByID(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case !got.Status.Done():
				pending++
			case got.Status != want:
				t.Fatalf("%s: task %s, want %s (error %q)", name, got.Status, want, got.Error)
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks still running; server log:\n%s", pending, srv.log)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func TestExtractCommand(t *testing.T) {
	env, out, errOut := testEnv(t, bytes.NewReader(attachtest.PDF("Hello Clara")))
	if code := run(t.Context(), []string{"extract", "--name", "report.pdf"}, env); code != 0 || out.String() != "Hello Clara\n" {
		t.Errorf("extract: exit %d, out %q, err %q", code, out, errOut)
	}
	env, out, errOut = testEnv(t, bytes.NewReader(attachtest.HugeSize()))
	code := run(t.Context(), []string{"extract", "--name", "report.pdf"}, env)
	if want := "clara extract: report.pdf could not be read: reading it needed too much memory\n"; code != 1 || out.String() != "" || errOut.String() != want {
		t.Errorf("hostile: exit %d, out %q, err %q, want %q", code, out, errOut, want)
	}
	env, _, errOut = testEnv(t, nil)
	if code := run(t.Context(), []string{"extract"}, env); code != 2 || !strings.Contains(errOut.String(), "--name is required") {
		t.Errorf("no name: exit %d, err %q", code, errOut)
	}
}
