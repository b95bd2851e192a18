package tools

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// read reads a resource as cn's user.
func (cn *conn) read(t *testing.T, uri string) (*mcp.ReadResourceResult, error) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	return cn.c.ReadResource(cn.ctx(t), req)
}

// readJSON reads a resource and returns its JSON text, checking that it
// is one application/json text content of that URI.
func (cn *conn) readJSON(t *testing.T, uri string) string {
	t.Helper()
	res, err := cn.read(t, uri)
	if err != nil {
		t.Fatalf("read %s: %v", uri, err)
	}
	if len(res.Contents) != 1 {
		t.Fatalf("read %s: %d contents, want 1", uri, len(res.Contents))
	}
	tc, ok := mcp.AsTextResourceContents(res.Contents[0])
	if !ok {
		t.Fatalf("read %s: contents %T, want text", uri, res.Contents[0])
	}
	if tc.URI != uri || tc.MIMEType != "application/json" {
		t.Errorf("read %s: contents of %q, %q", uri, tc.URI, tc.MIMEType)
	}
	return tc.Text
}

// wantReadError checks that reading uri is a JSON-RPC error carrying
// exactly msg.
func (cn *conn) wantReadError(t *testing.T, uri, msg string) {
	t.Helper()
	_, err := cn.read(t, uri)
	wantRPCError(t, "read "+uri, err, msg)
}

// wantRPCError checks that err is mcp-go's internal error (-32603) with
// message msg, as every failure of a resource or prompt handler is.
func wantRPCError(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if !errors.Is(err, mcp.ErrInternalError) || err.Error() != mcp.ErrInternalError.Error()+": "+msg {
		t.Errorf("%s: got error %v, want -32603 %q", what, err, msg)
	}
}

// Both templates are listed, and the capabilities announced.
func TestResourceTemplatesListed(t *testing.T) {
	s, _, _ := newTestServer(t)
	for _, legacy := range []bool{false, true} {
		c := inProcess(t, s, legacy)
		list, err := c.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tmpl := range list.ResourceTemplates {
			got = append(got, tmpl.URITemplate.Raw()+" "+tmpl.MIMEType)
		}
		want := []string{"clara://tasks/{task_id} application/json", "clara://users/{id} application/json"}
		if !slices.Equal(got, want) {
			t.Errorf("legacy=%v: templates %v, want %v", legacy, got, want)
		}
	}
}

// clara://users/{id} is view_user: the caller's account by "me" or its own
// id, 403 for another's, 401 without credentials. Over every transport.
func TestUserResource(t *testing.T) {
	e := newAccountsEnv(t)
	ada := e.newMember(t, "ada@example.com", 0)
	bob := e.newMember(t, "bob@example.com", 0)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			cn := tr.open(t, e, "Bearer "+ada.Token)
			want := text(t, cn.call(t, "view_user", nil, nil))
			for _, uri := range []string{"clara://users/me", "clara://users/" + ada.ID} {
				if got := cn.readJSON(t, uri); got != want {
					t.Errorf("%s: %s, want %s", uri, got, want)
				}
			}
			cn.wantReadError(t, "clara://users/"+bob.ID, core.MsgForbidden)
			cn.wantReadError(t, "clara://users/", "User with the given identifier does not exist.")
			tr.open(t, e, "").wantReadError(t, "clara://users/me", core.MsgUnauthenticated)
		})
	}
}

// clara://tasks/{task_id} is view_task: the caller's task, 404 for an
// unknown id, 403 for another user's task. Over every transport.
func TestTaskResource(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	ada := e.newMember(t, "ada@example.com", 100)
	bob := e.newMember(t, "bob@example.com", 0)
	e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE")))
	owner := transports[0].open(t, e, "Bearer "+ada.Token)
	task := taskOf(t, owner.call(t, "analyze", map[string]any{"query": "The sky is blue.", "wait_seconds": 30}, nil))
	if task.Status != core.TaskCompleted {
		t.Fatalf("task %+v", task)
	}
	uri := "clara://tasks/" + task.ID
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			cn := tr.open(t, e, "Bearer "+ada.Token)
			want := text(t, cn.call(t, "view_task", map[string]any{"task_id": task.ID}, nil))
			if got := cn.readJSON(t, uri); got != want {
				t.Errorf("%s: %s, want %s", uri, got, want)
			}
			cn.wantReadError(t, "clara://tasks/task_00000000000000000000000000000000", "Task with the given identifier does not exist.")
			tr.open(t, e, "Bearer "+bob.Token).wantReadError(t, uri, core.MsgForbidden)
			tr.open(t, e, "").wantReadError(t, uri, core.MsgUnauthenticated)
		})
	}
}

// Over stdio, resources are read as the session's bound user, as tools are.
func TestResourcesFollowStdioBinding(t *testing.T) {
	e := newAccountsEnv(t)
	ada := e.newMember(t, "ada@example.com", 0)
	c, _ := stdioSession(t, context.Background(), e.server(), core.Credentials{})
	cn := newConn(t, c, (*testing.T).Context)
	cn.wantReadError(t, "clara://users/me", core.MsgUnauthenticated)
	ok(t, cn.call(t, "login", map[string]any{"email": "ada@example.com", "password": "Analytical-Engine-1843"}, nil))
	if got := cn.readJSON(t, "clara://users/me"); !strings.Contains(got, `"id":"`+ada.ID+`"`) {
		t.Errorf("after login: %s", got)
	}
	ok(t, cn.call(t, "logout", nil, nil))
	cn.wantReadError(t, "clara://users/me", core.MsgUnauthenticated)
}

// failResource fails the way its URI says, as failTool does.
func failResource() Resource {
	return Resource{
		URITemplate: "clara://test/{code}", Param: "code", Name: "test_fail", Title: "Fail on purpose",
		Description: "Test only: fails with the error named by code.",
		Read: func(ctx context.Context, p core.Principal, code string) (any, error) {
			_, err := failTool().Handle(ctx, p, failIn{Code: code})
			return map[string]string{"code": code}, err
		},
	}
}

// Business failures carry the REST message (and the invalid fields); server
// faults only the generic message, their causes going to the log.
func TestResourceFailures(t *testing.T) {
	s, _, _ := newTestServer(t)
	logger, logs := testLogger(t)
	mustAddResource(s, &toolEnv{log: logger}, failResource())
	cn := &conn{c: inProcess(t, s, false), ctx: (*testing.T).Context}
	if got := cn.readJSON(t, "clara://test/none"); got != `{"code":"none"}` {
		t.Errorf("read: %s", got)
	}
	for code, msg := range map[string]string{
		"not_found": "User with the given identifier does not exist.",
		"credits":   core.MsgInsufficientCredits,
		"invalid":   core.MsgInvalid + " email: is not an email address; password: is too short",
		"internal":  core.MsgInternal,
		"plain":     core.MsgInternal,
		"panic":     core.MsgInternal,
	} {
		cn.wantReadError(t, "clara://test/"+code, msg)
	}
	for _, want := range []string{"mcp resource failed", "mcp resource panicked", "dial " + secret, "lost connection to " + secret} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}
