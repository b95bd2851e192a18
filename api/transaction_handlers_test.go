package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

// bodyNoTransaction is the answer of an unknown transaction id.
var bodyNoTransaction = errorBody("null", "Transaction with the given identifier does not exist.")

// grants gives a n grants of 1, 2, … n credits, a minute apart, and
// returns their wire forms, oldest first.
func (e *accEnv) grants(t *testing.T, a account, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		e.clock.Advance(time.Minute)
		credits := int64(i + 1)
		tx := e.grant(t, a, credits, fmt.Sprintf("Grant %d.", i+1))
		out[i] = wantTransaction(tx.ID, a.ID, "CREDIT", fmt.Sprintf("%d.0", credits), "0.0", tx.Description, e.clock.Now())
	}
	return out
}

// newestFirst returns the wire forms from index hi-1 down to lo as a JSON
// array.
func newestFirst(all []string, lo, hi int) string {
	var items []string
	for i := hi - 1; i >= lo; i-- {
		items = append(items, all[i])
	}
	return "[" + strings.Join(items, ",") + "]"
}

func TestListTransactions(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	path := "/users/" + a.ID + "/transactions"
	expect(t, e.call("GET", path, bearer(a.Token), ""), http.StatusOK, successBody("[]", msgTransactionsFetched))

	all := e.grants(t, a, 25)
	for _, tc := range []struct {
		query  string
		lo, hi int // the page holds all[lo:hi], newest first
	}{
		{"", 5, 25},
		{"?limit=&offset=", 5, 25},
		{"?limit=5", 20, 25},
		{"?limit=5&offset=5", 15, 20},
		{"?offset=20", 0, 5},
		{"?limit=100", 0, 25},
		{"?limit=1&offset=24", 0, 1},
		{"?offset=25", 0, 0},
		{"?offset=1000", 0, 0},
	} {
		want := newestFirst(all, tc.lo, tc.hi)
		if tc.lo == tc.hi {
			want = "[]"
		}
		expect(t, e.call("GET", path+tc.query, bearer(a.Token), ""), http.StatusOK, successBody(want, msgTransactionsFetched))
	}
	// An API key reads them too.
	expect(t, e.call("GET", path+"?limit=1", bearer(e.apiKey(t, a)), ""), http.StatusOK,
		successBody(newestFirst(all, 24, 25), msgTransactionsFetched))
	if got := e.credits(t, a); got != "325.0" {
		t.Errorf("credits %s, want 325.0", got)
	}
	e.balanced(t)
}

func TestListTransactionsErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	path := "/users/" + a.ID + "/transactions"
	for _, tc := range []struct{ query, field string }{
		{"?limit=0", "limit"},
		{"?limit=101", "limit"},
		{"?limit=-1", "limit"},
		{"?limit=abc", "limit"},
		{"?limit=1.5", "limit"},
		{"?limit=20.0", "limit"},
		{"?limit=99999999999999999999", "limit"},
		{"?offset=-1", "offset"},
		{"?offset=x", "offset"},
		{"?offset=1e3", "offset"},
		{"?limit=5&offset=-5", "offset"},
	} {
		expectInvalid(t, e.call("GET", path+tc.query, bearer(a.Token), ""), tc.field)
	}
	b := e.activeAccount(t, "bob@example.com")
	for _, id := range []string{b.ID, "user_00000000000000000000000000000000"} {
		expect(t, e.call("GET", "/users/"+id+"/transactions", bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	}
	expect(t, e.call("GET", path, "", ""), http.StatusUnauthorized, bodyUnauth)
	c := e.register(t, "carol@example.com")
	expect(t, e.call("GET", "/users/"+c.ID+"/transactions", bearer(c.Token), ""), http.StatusUnauthorized, bodyInactive)
}

func TestViewTransaction(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	b := e.activeAccount(t, "bob@example.com")
	e.clock.Advance(time.Hour)
	mine := e.grant(t, a, 10, "Welcome credits.")
	theirs := e.grant(t, b, 20, "Welcome credits.")

	want := successBody(wantTransaction(mine.ID, a.ID, "CREDIT", "10.0", "0.0", "Welcome credits.", e.clock.Now()),
		msgTransactionFetched)
	for _, authz := range []string{bearer(a.Token), bearer(e.apiKey(t, a))} {
		expect(t, e.call("GET", "/users/"+a.ID+"/transactions/"+mine.ID, authz, ""), http.StatusOK, want)
	}
	// Another user's transaction, under one's own id or theirs.
	expect(t, e.call("GET", "/users/"+a.ID+"/transactions/"+theirs.ID, bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	expect(t, e.call("GET", "/users/"+b.ID+"/transactions/"+theirs.ID, bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	expect(t, e.call("GET", "/users/"+b.ID+"/transactions/"+mine.ID, bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	for _, id := range []string{core.NewID(core.PrefixTransaction), "nope"} {
		expect(t, e.call("GET", "/users/"+a.ID+"/transactions/"+id, bearer(a.Token), ""), http.StatusNotFound, bodyNoTransaction)
	}
	expect(t, e.call("GET", "/users/"+a.ID+"/transactions/"+mine.ID, "", ""), http.StatusUnauthorized, bodyUnauth)
	e.balanced(t)
}
