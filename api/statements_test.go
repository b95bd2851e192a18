package api

import (
	"net/http"
	"testing"

	"github.com/clara-backend/clara/store/pgtest"
)

// An authenticated request resolves its caller once, with the session or
// API key and its user in one statement, and View User needs nothing more:
// on PostgreSQL, GET /users/{id} runs exactly one statement, with an API
// key and with a user token.
func TestViewUserRunsOneStatement(t *testing.T) {
	var count pgtest.Statements
	e := newAccEnv(t, envConfig{store: onPostgres, statements: &count})
	a := e.activeAccount(t, "ada@example.com")
	for _, c := range []struct{ name, authorization string }{
		{"api key", bearer(e.apiKey(t, a))},
		{"user token", bearer(a.Token)},
	} {
		count.Reset()
		rec := e.call("GET", "/users/"+a.ID, c.authorization, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", c.name, rec.Code, rec.Body)
		}
		if n := count.Count(); n != 1 {
			t.Errorf("%s: GET /users/{id} ran %d statements, want 1", c.name, n)
		}
	}
}
