package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/store/sqlite"
)

// testVersion is the release the test services report.
const testVersion = "1.2.3"

// openStore opens a migrated SQLite database in a temporary file, closed
// when the test ends.
func openStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "clara.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate store: %v", err)
	}
	return db
}

// echoRequest is what the test echo route decodes.
type echoRequest struct {
	Name  string         `json:"name"`
	Count int            `json:"count"`
	Tags  []string       `json:"tags"`
	Inner *echoInner     `json:"inner"`
	When  core.Timestamp `json:"when"`
}

type echoInner struct {
	Flag bool `json:"flag"`
}

// testErrors are the errors the route GET /api/v1/test/errors/{name} answers.
var testErrors = map[string]error{}

// registerTestError makes GET /api/v1/test/errors/{name} answer err.
func registerTestError(name string, err error) string {
	testErrorsMu.Lock()
	defer testErrorsMu.Unlock()
	testErrors[name] = err
	return basePath + "/test/errors/" + name
}

var testErrorsMu sync.Mutex

// testRoutes are the routes, under /api/v1, that only tests serve:
//
//	POST /test/echo               decodeJSON into echoRequest, echoed back
//	GET  /test/errors/{name}      writeError of testErrors[name]
//	GET  /test/panic              panics before writing
//	GET  /test/panic-after-write  panics after writing a status
//	GET  /test/abort              panics with http.ErrAbortHandler
//	GET  /test/credentials        answers the core.Credentials that identify resolves
//	GET  /test/nothing            writes nothing at all
//	DELETE /test/no-content       answers 204
func testRoutes(r chi.Router) {
	r.Post(basePath+"/test/echo", func(w http.ResponseWriter, r *http.Request) {
		var req echoRequest
		if err := decodeJSON(r, &req); err != nil {
			writeError(w, r, err)
			return
		}
		writeData(w, r, http.StatusOK, req, "Echo.")
	})
	r.Get(basePath+"/test/errors/{name}", func(w http.ResponseWriter, r *http.Request) {
		testErrorsMu.Lock()
		err, ok := testErrors[chi.URLParam(r, "name")]
		testErrorsMu.Unlock()
		if !ok {
			err = errors.New("test: no such error")
		}
		writeError(w, r, err)
	})
	r.Get(basePath+"/test/panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		panic("secret detail 42")
	})
	r.Get(basePath+"/test/panic-after-write", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "partial")
		panic("late")
	})
	r.Get(basePath+"/test/abort", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})
	r.Get(basePath+"/test/credentials", func(w http.ResponseWriter, r *http.Request) {
		writeData(w, r, http.StatusOK, credentialsOf(r), "Credentials.")
	})
	r.Get(basePath+"/test/nothing", func(w http.ResponseWriter, r *http.Request) {})
	r.Delete(basePath+"/test/no-content", func(w http.ResponseWriter, r *http.Request) { writeNoContent(w) })
}

// testEnv is a server under test with what it was built from.
type testEnv struct {
	srv   *server
	store *sqlite.DB
	logs  *logbuf.Buffer
}

// newTestEnv returns a server over a fresh migrated SQLite store, with the
// test routes, logging JSON at debug level into a buffer.
func newTestEnv(tb testing.TB, opts Options) *testEnv {
	tb.Helper()
	db := openStore(tb)
	svc := core.New(core.Deps{Store: db, Version: testVersion})
	logs := new(logbuf.Buffer)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return &testEnv{srv: newServer(svc, opts, testRoutes), store: db, logs: logs}
}

// do serves one request and returns the recorded response.
func (e *testEnv) do(method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// errorBody returns the exact error envelope of message and data (raw JSON).
func errorBody(data, message string) string {
	return `{"data":` + data + `,"message":"` + message + `","status":"error"}` + "\n"
}
