package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

// formPart is a part of a multipart body: a text field when filename is
// "" and the field is query, else a file.
type formPart struct {
	field, filename string
	data            []byte
}

// fileParts is a file under a field named after it, as the contract says.
func filePart(name string, data []byte) formPart {
	return formPart{field: name, filename: name, data: data}
}

// queryPart is the query field.
func queryPart(q string) formPart { return formPart{field: "query", data: []byte(q)} }

// multipartBody encodes parts as multipart/form-data.
func multipartBody(t testing.TB, parts ...formPart) (body []byte, contentType string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + p.field + `"`
		if p.filename != "" {
			disp += `; filename="` + p.filename + `"`
			h.Set("Content-Type", "application/octet-stream")
		}
		h.Set("Content-Disposition", disp)
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// postAnalysis posts an analysis of parts for a, with extra headers.
func (e *accEnv) postAnalysis(t testing.TB, a account, parts []formPart, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	body, ctype := multipartBody(t, parts...)
	return e.rawAnalysis(a.ID, bearer(a.Token), ctype, body, header...)
}

// rawAnalysis posts body as an analysis of userID.
func (e *accEnv) rawAnalysis(userID, authz, contentType string, body []byte, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, basePath+"/users/"+userID+"/agent/analysis", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// started checks a 201 Analysis answer and returns its task.
func started(t testing.TB, rec *httptest.ResponseRecorder) core.Task {
	t.Helper()
	if rec.Code != http.StatusCreated || !bytes.Contains(rec.Body.Bytes(), []byte(`"message":"`+msgAnalysisStarted+`","status":"success"}`)) {
		t.Fatalf("analysis: %d %s", rec.Code, rec.Body)
	}
	var task core.Task
	dataOf(t, rec, &task)
	if task.Status != core.TaskPending || task.Result != nil || task.Error != nil || task.CostInCredits != 20 {
		t.Fatalf("a new task is PENDING, costs 20, and has neither result nor error: %s", rec.Body)
	}
	return task
}

// task reads a's task over REST.
func (e *accEnv) task(t testing.TB, a account, id string) core.Task {
	t.Helper()
	rec := e.call("GET", "/users/"+a.ID+"/tasks/"+id, bearer(a.Token), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("view task: %d %s", rec.Code, rec.Body)
	}
	var task core.Task
	dataOf(t, rec, &task)
	return task
}

// awaitTask polls a's task until it is finished, for up to 30 s.
func (e *accEnv) awaitTask(t testing.TB, a account, id string) core.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		task := e.task(t, a, id)
		if task.Status.Done() {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still %s after 30 s", id, task.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tasks lists a's tasks over REST.
func (e *accEnv) tasks(t testing.TB, a account) []core.Task {
	t.Helper()
	rec := e.call("GET", "/users/"+a.ID+"/tasks?limit=100", bearer(a.Token), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("list tasks: %d %s", rec.Code, rec.Body)
	}
	var list []core.Task
	dataOf(t, rec, &list)
	return list
}

// tinyPNG is a valid 2×2 PNG image.
var tinyPNG = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// analysisEnv returns an environment with analyses on, and an active
// account with credits (0 for none).
func analysisEnv(t testing.TB, cfg envConfig, credits int64) (*accEnv, account) {
	t.Helper()
	if cfg.analysis == nil {
		cfg.analysis = &analysisConfig{}
	}
	e := newAccEnv(t, cfg)
	a := e.activeAccount(t, "ada@example.com")
	if credits > 0 {
		e.grant(t, a, credits, "test credits")
	}
	e.clock.Advance(time.Second) // what follows is newer than the grant
	return e, a
}
