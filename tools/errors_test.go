package tools

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// A business failure is an isError result carrying exactly the REST message.
func TestBusinessErrorsAreToolErrors(t *testing.T) {
	s, _, _ := newTestServer(t)
	for _, era := range []struct {
		name   string
		legacy bool
	}{{"modern", false}, {"legacy", true}} {
		t.Run(era.name, func(t *testing.T) {
			c := inProcess(t, s, era.legacy)
			for _, tc := range []struct{ code, want string }{
				{"not_found", "User with the given identifier does not exist."},
				{"credits", core.MsgInsufficientCredits},
				{"invalid", core.MsgInvalid + "\nemail: is not an email address; password: is too short"},
			} {
				res := call(t, c, "test_fail", map[string]any{"code": tc.code})
				if !res.IsError {
					t.Errorf("%s: isError not set", tc.code)
				}
				if got := text(t, res); got != tc.want {
					t.Errorf("%s: message %q, want %q", tc.code, got, tc.want)
				}
			}
		})
	}
}

// With the database down, health answers the REST message and the
// unhealthy report.
func TestHealthUnavailable(t *testing.T) {
	s, db, logs := newTestServer(t)
	c := inProcess(t, s, false)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	res := call(t, c, "health", nil)
	if !res.IsError {
		t.Fatal("isError not set")
	}
	if got := text(t, res); got != "Service temporarily unavailable." {
		t.Errorf("message %q", got)
	}
	want := map[string]any{"service": "clara", "status": "unhealthy"}
	if got := structured(t, res); !reflect.DeepEqual(got, want) {
		t.Errorf("structuredContent %v, want %v", got, want)
	}
	if !strings.Contains(logs.String(), "sql: database is closed") {
		t.Errorf("cause not logged:\n%s", logs)
	}
}

// A server fault is a JSON-RPC internal error with a generic message; its
// cause reaches the log only.
func TestServerFaultsDoNotLeak(t *testing.T) {
	s, _, logs := newTestServer(t)
	c := inProcess(t, s, false)
	for _, code := range []string{"internal", "plain", "panic"} {
		_, err := callErr(t, c, "test_fail", map[string]any{"code": code})
		if err == nil {
			t.Fatalf("%s: no protocol error", code)
		}
		if !errors.Is(err, mcp.ErrInternalError) || !strings.Contains(err.Error(), core.MsgInternal) ||
			strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error %q", code, err)
		}
	}
	if n := strings.Count(logs.String(), "hunter2"); n < 3 {
		t.Errorf("causes logged %d times, want 3:\n%s", n, logs)
	}
}

// Arguments that break the input schema are tool errors that read like
// REST's errors[]: the contract's message, then each argument named with
// what is wrong, in plain words.
func TestSchemaViolationIsToolError(t *testing.T) {
	s, _, _ := newTestServer(t)
	c := inProcess(t, s, false)
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "code: is required"},
		{map[string]any{"code": 42}, "code: must be a string, not a number"},
		{map[string]any{"code": "x", "more": 1}, "more: is not an argument of test_fail (its arguments: code)"},
	} {
		res, err := callErr(t, c, "test_fail", tc.args)
		if err != nil {
			t.Fatalf("%v: protocol error %v", tc.args, err)
		}
		if want := core.MsgInvalid + "\n" + tc.want; !res.IsError || text(t, res) != want {
			t.Errorf("%v: got %q, want %q", tc.args, text(t, res), want)
		}
	}
}
