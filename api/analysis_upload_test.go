package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Uploads over the limits, too many files and files the model cannot take
// are refused before anything is held.
func TestAnalysisUploadLimits(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	var six []formPart
	for i := range 6 {
		six = append(six, filePart(string(rune('a'+i))+".txt", []byte("text")))
	}
	expectInvalid(t, e.postAnalysis(t, a, six), "attachments")
	big := bytes.Repeat([]byte("a"), 11<<20)
	expect(t, e.postAnalysis(t, a, []formPart{queryPart("x"), filePart("big.txt", big)}), http.StatusRequestEntityTooLarge, bodyTooLarge)
	nine := bytes.Repeat([]byte("b"), 9<<20)
	expect(t, e.postAnalysis(t, a, []formPart{filePart("1.txt", nine), filePart("2.txt", nine), filePart("3.txt", nine)}),
		http.StatusRequestEntityTooLarge, bodyTooLarge)
	expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("x"), filePart("chart.pdf", tinyPNG)}), "chart.pdf")
	expectInvalid(t, e.postAnalysis(t, a, []formPart{filePart("run.exe", []byte("MZ"))}), "run.exe")
	expectInvalid(t, e.postAnalysis(t, a, nil), "query")
	expectInvalid(t, e.rawAnalysis(a.ID, bearer(a.Token), "application/json", []byte(`{"query":"x"}`)), "Content-Type")
	expect(t, e.rawAnalysis(a.ID, bearer(a.Token), "", nil), http.StatusBadRequest, bodyEmpty)
	// A body declared over the whole limit is refused unread.
	req := httptest.NewRequest(http.MethodPost, basePath+"/users/"+a.ID+"/agent/analysis", strings.NewReader("--x--"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", bearer(a.Token))
	req.ContentLength = e.srv.uploads.body() + 1
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	expect(t, rec, http.StatusRequestEntityTooLarge, bodyTooLarge)
	e.nothingHeld(t, a, "100.0")

	// A file over the 1 MiB limit of JSON bodies is fine.
	body, ctype := multipartBody(t, queryPart("long notes"), filePart("notes.md", bytes.Repeat([]byte("n"), 3<<20)))
	started(t, e.rawAnalysis(a.ID, bearer(a.Token), ctype, body))
}

// The caller's credentials are checked before an upload is read.
func TestAnalysisNeedsCredentials(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	body, ctype := multipartBody(t, queryPart("x"))
	expect(t, e.rawAnalysis(a.ID, "", ctype, body), http.StatusUnauthorized, bodyUnauth)
	expect(t, e.rawAnalysis(a.ID, bearer("clara_user_x.y.z"), ctype, body), http.StatusUnauthorized, bodyUnauth)
	expect(t, e.rawAnalysis(a.ID, testPublicKey, ctype, body), http.StatusUnauthorized, bodyUnauth)
	b := e.activeAccount(t, "bob@example.com")
	expect(t, e.rawAnalysis(b.ID, bearer(a.Token), ctype, body), http.StatusForbidden, bodyForbidden)
	rec := e.call("GET", "/users/"+a.ID+"/agent/analysis", bearer(a.Token), "")
	expect(t, rec, http.StatusMethodNotAllowed, errorBody("null", msgMethodNotAllowed))
	if got := rec.Header().Get("Allow"); got != "POST" {
		t.Errorf("Allow %q", got)
	}
	e.nothingHeld(t, a, "100.0")
}

// Only POST to an Analysis path gets the upload limit.
func TestIsAnalysis(t *testing.T) {
	for target, want := range map[string]bool{
		"POST " + basePath + "/users/user_1/agent/analysis":              true,
		"GET " + basePath + "/users/user_1/agent/analysis":               false,
		"POST " + basePath + "/users//agent/analysis":                    false,
		"POST " + basePath + "/users/user_1/agent/analysis/x":            false,
		"POST " + basePath + "/users/user_1/x/agent/analysis":            false,
		"POST " + basePath + "/users/user_1/agent/supported_attachments": false,
		"POST /api/v2/users/user_1/agent/analysis":                       false,
	} {
		method, path, _ := strings.Cut(target, " ")
		if got := isAnalysis(httptest.NewRequest(method, path, nil)); got != want {
			t.Errorf("isAnalysis(%s) = %v, want %v", target, got, want)
		}
	}
}
