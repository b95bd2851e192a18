package tools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// storeFor opens a fresh migrated store of the kind named.
func storeFor(t *testing.T, kind string) store.DB {
	t.Helper()
	if kind == "sqlite" {
		return newStore(t)
	}
	db, err := postgres.Open(context.Background(), pgtest.NewURL(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Tool arguments and credential headers holding NUL characters or invalid
// UTF-8 are an isError result naming the argument (a 400 for headers), on
// both stores: never a protocol error, never a server fault.
func TestBadTextArguments(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			logger, _ := testLogger(t)
			outbox := filepath.Join(t.TempDir(), "outbox")
			svc := core.New(core.Deps{
				Store: storeFor(t, kind), Version: testVersion, Secret: testSecret, PublicAPIKey: testPublicKey,
				Passwords: auth.NewPasswords(auth.FastPasswordParams), Mailer: mail.NewDev(outbox, logger),
			})
			e := &accountsEnv{svc: svc, outbox: outbox, logger: logger}
			ts := serveAccountsHTTP(t, e)
			token := signUp(t, e, ts, "ada@example.com")
			c := httpDriver(ts, eras[0]).mustOpen(t, "Bearer "+token)

			cases := []struct {
				tool  string
				args  map[string]any
				field string
			}{
				{"register", map[string]any{"first_name": "A\x00da", "last_name": "L", "email": "nul@example.com", "password": flowPassword}, "first_name"},
				{"register", map[string]any{"first_name": "Ada", "last_name": "L", "email": "n\x00ul@example.com", "password": flowPassword}, "email"},
				{"login", map[string]any{"email": "ada@example.com\x00", "password": flowPassword}, "email"},
				{"view_user", map[string]any{"user_id": "user_\x00"}, "user_id"},
				{"view_task", map[string]any{"task_id": "task_\x00"}, "task_id"},
				{"update_user", map[string]any{"first_name": "Ada\x00"}, "first_name"},
				{"activate_account", map[string]any{"email": "ada\x00@example.com", "code": "123456"}, "email"},
				{"analyze", map[string]any{"query": "x", "attachments": []any{map[string]any{"name": "a\x00.txt", "url": "https://example.com/"}}}, "attachments[0].name"},
			}
			for _, tc := range cases {
				res, err := c.callErr(t, tc.tool, tc.args)
				if err != nil {
					t.Errorf("%s %v: protocol error %v", tc.tool, tc.args, err)
					continue
				}
				wantError(t, res, core.MsgInvalid, tc.field+": "+cleantext.Problem)
			}
			if res := c.call(t, "view_user", nil); res.IsError {
				t.Errorf("an honest call after refusals: %s", text(t, res))
			}

			// Credential headers with bad text are refused before any tool.
			h := mcpserve.NewHTTPHandlers(e.server(), mcpserve.HTTPOptions{Logger: logger, Service: svc})
			for _, hdr := range [][2]string{
				{"Authorization", "Bearer clara_user_\x00"}, {"Authorization", "Bearer \xff"},
				{mcpserve.UserIDHeader, "user_\xff"}, {mcpserve.UserIDHeader, "user_\x00"},
			} {
				for path, handler := range map[string]http.Handler{"/mcp": h.Streamable, "/sse": h.SSE, "/message": h.Message} {
					req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Accept", "application/json, text/event-stream")
					req.Header.Set(hdr[0], hdr[1])
					rec := httptest.NewRecorder()
					handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), core.MsgInvalid) {
						t.Errorf("%s %s %q: %d %s, want 400", path, hdr[0], hdr[1], rec.Code, rec.Body)
					}
				}
			}
		})
	}
}
