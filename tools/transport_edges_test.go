package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/ratelimit"
	"github.com/clara-backend/clara/tools/caller"
)

// addressOut is what test_address reports.
type addressOut struct {
	Address string `json:"address" jsonschema:"the client address the core sees"`
}

// addressTool reports the client address of the call's credentials.
func addressTool() Tool[NoInput, addressOut] {
	return Tool[NoInput, addressOut]{
		Name: "test_address", Title: "Test address", Description: "Reports the caller's address.",
		Hints: Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Handle: func(ctx context.Context, _ core.Principal, _ NoInput) (addressOut, error) {
			creds, _ := caller.Credentials(ctx)
			return addressOut{Address: creds.RemoteIP}, nil
		},
	}
}

// forwardedHeaders are the headers of a client behind a proxy that
// forwarded it as 203.0.113.7.
var forwardedHeaders = map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}

// The MCP transports take the client address from X-Forwarded-For exactly
// when the REST API would: with TrustProxy, and only then.
func TestHTTPTransportsHonourTrustProxy(t *testing.T) {
	for _, trust := range []bool{true, false} {
		want := "127.0.0.1"
		if trust {
			want = "203.0.113.7"
		}
		s, _, _ := newTestServer(t)
		mustAdd(s, &toolEnv{log: testLoggerOnly(t)}, addressTool())
		ts := serveHTTPWith(t, s, mcpserve.HTTPOptions{TrustProxy: trust, Anonymous: true})
		streamable, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(forwardedHeaders))
		if err != nil {
			t.Fatal(err)
		}
		sse, err := transport.NewSSE(ts.URL+"/sse", transport.WithHeaders(forwardedHeaders))
		if err != nil {
			t.Fatal(err)
		}
		for name, tr := range map[string]transport.Interface{"streamable": streamable, "sse": sse} {
			c := client.NewClient(tr)
			t.Cleanup(func() { _ = c.Close() })
			connect(t, c, eras[0].protocol)
			if got := structured(t, call(t, c, "test_address", nil))["address"]; got != want {
				t.Errorf("trust %v, %s: address %v, want %s", trust, name, got, want)
			}
		}
	}
}

// testLoggerOnly returns the test logger of testLogger.
func testLoggerOnly(t *testing.T) *slog.Logger {
	logger, _ := testLogger(t)
	return logger
}

// Per-address limits of the core apply per forwarded address behind a
// trusted proxy: a second registration from one forwarded address is
// refused, one from another forwarded address is not, although every
// request comes from the same peer.
func TestPerAddressLimitsFollowForwardedAddress(t *testing.T) {
	logger, _ := testLogger(t)
	p := core.DefaultPolicy()
	p.RegisterIP = core.Rate{Events: 1, Per: time.Hour}
	svc := core.New(core.Deps{
		Store: newStore(t), Version: testVersion, Secret: testSecret, PublicAPIKey: testPublicKey, Policy: &p,
		Passwords: auth.NewPasswords(auth.FastPasswordParams), Limiter: ratelimit.New(nil),
		Mailer: mail.NewDev(filepath.Join(t.TempDir(), "outbox"), logger),
	})
	ts := serveHTTPWith(t, NewServer(svc, Options{ValidateOutput: true, Logger: logger}),
		mcpserve.HTTPOptions{Logger: logger, Service: svc, TrustProxy: true, Anonymous: true})
	register := func(forwardedFor, email string) *mcp.CallToolResult {
		tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"X-Forwarded-For": forwardedFor}))
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr)
		t.Cleanup(func() { _ = c.Close() })
		connect(t, c, eras[0].protocol)
		return call(t, c, "register", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": email, "password": flowPassword})
	}
	ok(t, register("203.0.113.7", "one@example.com"))
	if res := register("203.0.113.7", "two@example.com"); !res.IsError || !strings.HasPrefix(text(t, res), core.MsgRateLimited) {
		t.Fatalf("second registration from one address: %s", text(t, res))
	}
	ok(t, register("203.0.113.8", "three@example.com"))
}

// sseStream is an open legacy SSE stream read event by event.
type sseStream struct {
	endpoint string // the message endpoint, with its session id
	r        *bufio.Reader
	body     io.Closer
}

// openSSE opens GET /sse with the headers; a refused stream is returned as
// its response with a nil stream.
func openSSE(t *testing.T, ts *httptest.Server, header map[string]string) (*http.Response, *sseStream) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/sse", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return resp, nil
	}
	st := &sseStream{r: bufio.NewReader(resp.Body), body: resp.Body}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	event, data := st.next(t)
	if event != "endpoint" {
		t.Fatalf("first event %q %q", event, data)
	}
	st.endpoint = ts.URL + data
	return resp, st
}

// close ends the stream from the client's side.
func (st *sseStream) close() { st.body.Close() }

// next reads the stream's next event: its name and data.
func (st *sseStream) next(t *testing.T) (event, data string) {
	t.Helper()
	for {
		line, err := st.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read stream: %v", err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "" && event != "":
			return event, data
		}
	}
}

// post sends a JSON-RPC message to the stream's endpoint with the headers
// and returns the status and the JSON-RPC error message, if any.
func (st *sseStream) post(t *testing.T, msg string, header map[string]string) (int, string) {
	t.Helper()
	resp, b := mcpservetest.Do(t, http.MethodPost, st.endpoint, header, strings.NewReader(msg))
	var body struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body.Error.Message
}

// signUp registers and activates email over Streamable HTTP and returns
// its user token.
func signUp(t *testing.T, e *accountsEnv, ts *httptest.Server, email string) string {
	t.Helper()
	anon := httpDriver(ts, eras[0]).mustOpen(t, "")
	reg := ok(t, anon.call(t, "register", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": email, "password": flowPassword}))
	ok(t, anon.call(t, "activate_account", map[string]any{"email": email, "code": e.code(t, email)}))
	return reg["token"].(string)
}

// A legacy SSE session belongs to whoever opened it: a message posted into
// it with another user's credentials, or none, is refused at the HTTP
// level and never answered into the stream; the opener's own is.
func TestSSESessionBelongsToItsOpener(t *testing.T) {
	e := newAccountsEnv(t)
	ts := serveHTTPWith(t, e.server(), mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, SSEKeepAlive: -1, Anonymous: true})
	ada := map[string]string{"Authorization": "Bearer " + signUp(t, e, ts, "ada@example.com")}
	bob := map[string]string{"Authorization": "Bearer " + signUp(t, e, ts, "bob@example.com")}
	_, st := openSSE(t, ts, ada)

	ping := func(id int) string { return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"ping"}` }
	if status, msg := st.post(t, ping(1), bob); status != http.StatusForbidden || msg != core.MsgForbidden {
		t.Errorf("another user's message: %d %q, want 403", status, msg)
	}
	if status, msg := st.post(t, ping(2), nil); status != http.StatusUnauthorized || msg != core.MsgUnauthenticated {
		t.Errorf("a message without credentials: %d %q, want 401", status, msg)
	}
	if status, _ := st.post(t, ping(3), map[string]string{"Authorization": ada["Authorization"], mcpserve.UserIDHeader: "user_someone_else"}); status != http.StatusUnauthorized {
		t.Errorf("the opener's token naming another user: %d, want 401", status)
	}
	if status, _ := st.post(t, ping(4), ada); status != http.StatusAccepted {
		t.Fatalf("the opener's message: %d, want 202", status)
	}
	event, data := st.next(t)
	var answer struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal([]byte(data), &answer); event != "message" || err != nil || answer.ID != 4 {
		t.Errorf("first answer on the stream: %s %s, want the answer to id 4", event, data)
	}

	// An anonymous stream takes anonymous messages only.
	_, anon := openSSE(t, ts, nil)
	if status, _ := anon.post(t, ping(5), bob); status != http.StatusForbidden {
		t.Errorf("a signed-in message into an anonymous stream: %d, want 403", status)
	}
	if status, _ := anon.post(t, ping(6), nil); status != http.StatusAccepted {
		t.Errorf("an anonymous message into an anonymous stream: %d, want 202", status)
	}
}

// Anonymous SSE streams are capped per client address (429) and in all
// (503), both with Retry-After; streams with credentials are not, and a
// closed stream gives its place back.
func TestAnonymousSSEStreamsAreCapped(t *testing.T) {
	s, _, _ := newTestServer(t)
	ts := serveHTTPWith(t, s, mcpserve.HTTPOptions{TrustProxy: true, SSEAnonymousPerAddress: 2, SSEAnonymousTotal: 3, SSEKeepAlive: -1, Anonymous: true})
	from := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }
	refused := func(addr string, want int) {
		t.Helper()
		resp, st := openSSE(t, ts, from(addr))
		if st != nil || resp.StatusCode != want || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("stream from %s: %d (Retry-After %q), want %d", addr, resp.StatusCode, resp.Header.Get("Retry-After"), want)
		}
	}
	_, first := openSSE(t, ts, from("203.0.113.1"))
	openSSE(t, ts, from("203.0.113.1"))
	refused("203.0.113.1", http.StatusTooManyRequests)
	openSSE(t, ts, from("203.0.113.2"))
	refused("203.0.113.3", http.StatusServiceUnavailable)
	if resp, st := openSSE(t, ts, map[string]string{"Authorization": "Bearer tok_123", "X-Forwarded-For": "203.0.113.1"}); st == nil {
		t.Fatalf("a stream with credentials: %d", resp.StatusCode)
	}

	// The server notices the closed stream when its request ends.
	first.close()
	for {
		resp, st := openSSE(t, ts, from("203.0.113.4"))
		if st != nil {
			break
		}
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("after a stream closed: %d", resp.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An analyze call carrying attachments at the policy's limits fits the
// HTTP body limit; a body just over the limit derived from the policy is
// a 413.
func TestBodyLimitFollowsAttachmentPolicy(t *testing.T) {
	p := core.DefaultPolicy()
	limit := mcpserve.MaxBodyBytes(p)
	if min := p.MaxTotalBytes / 3 * 4; limit < min {
		t.Fatalf("limit %d is below the base64 of the attachments (%d)", limit, min)
	}
	s, _, _ := newTestServer(t)
	ts := serveHTTP(t, s)
	resp, msg := mcpservetest.PostJSON(t, ts.URL+"/mcp", strings.NewReader(string(mcpservetest.PaddedPing(int(limit)+1))))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d %v", resp.StatusCode, msg)
	}

	// 5 files in all of 25 MiB (10 + 10 + 5 × 1/3 …), each at most 10 MiB,
	// with the longest query: the call reaches the tool.
	var atts []map[string]any
	sizes := []int64{p.MaxFileBytes, p.MaxFileBytes}
	rest := p.MaxTotalBytes - 2*p.MaxFileBytes
	for i := 2; i < p.MaxAttachments; i++ {
		n := rest / int64(p.MaxAttachments-2)
		if i == p.MaxAttachments-1 {
			n = rest - n*int64(p.MaxAttachments-3)
		}
		sizes = append(sizes, n)
	}
	for i, n := range sizes {
		atts = append(atts, map[string]any{"name": "f" + strconv.Itoa(i) + ".txt", "content_base64": strings.Repeat("QUFB", int(n/3))})
	}
	args, _ := json.Marshal(map[string]any{"query": strings.Repeat("\u00e9", 50_000), "attachments": atts})
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_echo_size","arguments":` + string(args) + `}}`
	mustAdd(s, &toolEnv{log: testLoggerOnly(t)}, echoSizeTool())
	resp, msg = mcpservetest.PostJSON(t, ts.URL+"/mcp", strings.NewReader(body))
	result, _ := msg["result"].(map[string]any)
	if resp.StatusCode != http.StatusOK || result == nil || result["isError"] == true {
		t.Fatalf("analyze-sized call of %d bytes (limit %d): %d %v", len(body), limit, resp.StatusCode, msg["error"])
	}
}

// echoSizeIn has analyze's arguments.
type echoSizeIn = analyzeIn

// echoSizeOut is what test_echo_size reports.
type echoSizeOut struct {
	Files int `json:"files" jsonschema:"how many attachments arrived"`
}

// echoSizeTool takes analyze's arguments and counts the attachments.
func echoSizeTool() Tool[echoSizeIn, echoSizeOut] {
	return Tool[echoSizeIn, echoSizeOut]{
		Name: "test_echo_size", Title: "Test echo size", Description: "Counts attachments.",
		Hints: Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Handle: func(_ context.Context, _ core.Principal, in echoSizeIn) (echoSizeOut, error) {
			return echoSizeOut{Files: len(in.Attachments)}, nil
		},
	}
}

// By default (anonymous access off) the HTTP transports serve only
// identified callers: none gets 401 with the challenge, a refused token
// 401 with error="invalid_token", and a valid user token is served.
func TestHTTPChallengesCallersByDefault(t *testing.T) {
	e := newAccountsEnv(t)
	token := "Bearer " + signUp(t, e, serveAccountsHTTP(t, e), "ada@example.com")
	ts := serveHTTPWith(t, e.server(), mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, PublicURL: testClaraURL, SSEKeepAlive: -1})
	params := `resource_metadata="` + testClaraURL + `/.well-known/oauth-protected-resource/mcp", scope="clara:account clara:analysis clara:billing"`
	for authorization, want := range map[string]string{
		"":                         "Bearer " + params,
		"Bearer clara_user_forged": `Bearer error="invalid_token", ` + params,
	} {
		header := map[string]string{}
		if authorization != "" {
			header["Authorization"] = authorization
		}
		resp, msg := mcpservetest.PostJSONWith(t, ts.URL+"/mcp", header, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		if e, _ := msg["error"].(map[string]any); resp.StatusCode != http.StatusUnauthorized ||
			resp.Header.Get("WWW-Authenticate") != want || e["message"] != core.MsgUnauthenticated {
			t.Errorf("Authorization %q: %d, WWW-Authenticate %q, body %v", authorization, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), msg)
		}
	}
	signedIn := httpDriver(ts, eras[0]).mustOpen(t, token)
	if u := ok(t, signedIn.call(t, "view_user", nil)); u["email"] != "ada@example.com" {
		t.Errorf("view_user with a user token: %v", u)
	}
}
