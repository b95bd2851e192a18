package tools

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/billing"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/analysistest"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/tools/caller"
)

// The public API key and secret of the account tests' services, and the
// app that checkout and portal pages return to.
const (
	testPublicKey = "clara_pub_test_0123456789abcdef"
	testSecret    = "test-secret-0123456789abcdef-0123456789"
	testAppURL    = "https://app.example.com"
	// testClaraURL is the public URL the HTTP transports are told Clara
	// has: the one their challenges and metadata name.
	testClaraURL = "https://clara.example.com"
)

// accountsEnv is a real core with a development mailer, and what the
// account tests need around it.
type accountsEnv struct {
	svc            *core.Service
	outbox         string
	logger         *slog.Logger
	google         *googletest.Issuer // signs the ID tokens the core accepts
	stripe         *stripetest.Server // the fake Stripe API, when billing is on
	*analysisParts                    // the model fake and the jobs, when analyses are on
}

// newAccountsEnv returns a core over a fresh SQLite store that mails codes
// to an outbox folder and accepts the Google ID tokens of e.google; billing
// is off.
func newAccountsEnv(t *testing.T) *accountsEnv {
	t.Helper()
	return newEnv(t, false)
}

// newBillingEnv is newAccountsEnv with billing on: the real Stripe adapter
// (stripe-go) against a stripetest fake at e.stripe.
func newBillingEnv(t *testing.T) *accountsEnv {
	t.Helper()
	return newEnv(t, true)
}

// newEnv builds an accounts env, with billing or without.
func newEnv(t *testing.T, withBilling bool) *accountsEnv {
	t.Helper()
	return newEnvWith(t, withBilling, nil)
}

// newEnvWith builds an accounts env, with billing or without, and with
// analyses when analysis is not nil.
func newEnvWith(t *testing.T, withBilling bool, analysis *analysisConfig) *accountsEnv {
	t.Helper()
	return newEnvTweaked(t, withBilling, analysis, nil)
}

// newEnvTweaked is newEnvWith whose core is built from deps changed by
// tweak (when not nil) first.
func newEnvTweaked(t *testing.T, withBilling bool, analysis *analysisConfig, tweak func(*core.Deps)) *accountsEnv {
	t.Helper()
	logger, _ := testLogger(t)
	outbox := filepath.Join(t.TempDir(), "outbox")
	google := googletest.New(t)
	db := newStore(t)
	deps := core.Deps{
		Store:        db,
		Version:      testVersion,
		Secret:       testSecret,
		PublicAPIKey: testPublicKey,
		Passwords:    auth.NewPasswords(auth.FastPasswordParams),
		Mailer:       mail.NewDev(outbox, logger),
		Google:       google.Verifier(googletest.ClientID),
		AppURL:       testAppURL,
	}
	var fake *stripetest.Server
	if withBilling {
		fake = stripetest.NewServer(t)
		p, err := billing.NewStripe(billing.Config{
			SecretKey: stripetest.TestKey, WebhookSecret: stripetest.TestWebhookSecret,
			APIURL: fake.URL(), HTTPClient: fake.Client(), MaxNetworkRetries: -1,
		})
		if err != nil {
			t.Fatalf("billing.NewStripe: %v", err)
		}
		deps.Payments = p
	}
	var svc *core.Service
	var parts *analysisParts
	if analysis != nil {
		parts = analysistest.New(t, db, *analysis, &deps)
	}
	if tweak != nil {
		tweak(&deps)
	}
	svc = core.New(deps)
	parts.Start(t, svc)
	return &accountsEnv{svc: svc, outbox: outbox, logger: logger, google: google, stripe: fake, analysisParts: parts}
}

// server returns a new MCP server over the env's core, as the command line
// builds it.
func (e *accountsEnv) server() *server.MCPServer {
	return NewServer(e.svc, Options{ValidateOutput: true, Logger: e.logger})
}

// codePattern finds the one-time code in a message's text.
var codePattern = regexp.MustCompile(`\b\d{6}\b`)

// code returns the code of the latest message mailed to email.
func (e *accountsEnv) code(t *testing.T, email string) string {
	t.Helper()
	m, ok, err := mail.LatestTo(e.outbox, email)
	if err != nil || !ok {
		t.Fatalf("no message to %s in the outbox: %v", email, err)
	}
	c := codePattern.FindString(m.Text)
	if c == "" {
		t.Fatalf("no code in the latest message to %s:\n%s", email, m.Text)
	}
	return c
}

// flowClient is an MCP client presenting one set of credentials.
type flowClient struct {
	c     *client.Client
	ctx   func(t *testing.T) context.Context // the context of each call
	close func(t *testing.T)                 // disconnects; stdio waits for the server to return
}

// call calls a tool and fails the test on a protocol error.
func (fc *flowClient) call(t *testing.T, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := fc.callErr(t, name, args)
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// callErr calls a tool.
func (fc *flowClient) callErr(t *testing.T, name string, args map[string]any) (*mcp.CallToolResult, error) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	if args != nil {
		req.Params.Arguments = args
	}
	return fc.c.CallTool(fc.ctx(t), req)
}

// driver opens flow clients over one transport and protocol era.
type driver struct {
	name string
	// binds: login and register bind the session (stdio); otherwise the
	// flow opens a new client presenting the token they return.
	binds bool
	// how is the line that tells an anonymous caller how to authenticate.
	how string
	// howKeyOnly is the line that refuses an API key where a user token
	// is needed.
	howKeyOnly string
	// open connects a client presenting authorization ("" for none).
	open func(t *testing.T, authorization string) (*flowClient, error)
}

// mustOpen opens a client and fails the test when the transport refuses.
func (d driver) mustOpen(t *testing.T, authorization string) *flowClient {
	t.Helper()
	fc, err := d.open(t, authorization)
	if err != nil {
		t.Fatalf("%s: connect with %q: %v", d.name, authorization, err)
	}
	return fc
}

// initialize starts c and runs the handshake of its era.
func initialize(ctx context.Context, c *client.Client) error {
	if err := c.Start(ctx); err != nil {
		return err
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "clara-test", Version: "1.0.0"}
	_, err := c.Initialize(ctx, req)
	return err
}

// inProcessDriver carries credentials in each call's context, as an HTTP
// request would.
func inProcessDriver(e *accountsEnv, era protocolEra) driver {
	s := e.server()
	return driver{name: "in-process/" + era.name, how: howHTTP, howKeyOnly: howHTTPUserToken,
		open: func(t *testing.T, authorization string) (*flowClient, error) {
			c, err := client.NewInProcessClientWithOptions(s, era.opts...)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { _ = c.Close() })
			if err := initialize(t.Context(), c); err != nil {
				return nil, err
			}
			ctx := func(t *testing.T) context.Context {
				if authorization == "" {
					return t.Context()
				}
				return caller.WithCredentials(t.Context(), core.Credentials{Authorization: authorization, Transport: core.TransportInProcess})
			}
			return &flowClient{c: c, ctx: ctx, close: func(*testing.T) { _ = c.Close() }}, nil
		}}
}

// stdioDriver serves a new server over pipes for each client, as each
// `clara mcp` process does; authorization plays CLARA_API_KEY.
func stdioDriver(e *accountsEnv, era protocolEra) driver {
	return driver{name: "stdio/" + era.name, binds: true, how: howStdio, howKeyOnly: howStdioKeyOnly,
		open: func(t *testing.T, authorization string) (*flowClient, error) {
			c, done := stdioSession(t, context.Background(), e.server(), core.Credentials{Authorization: authorization}, era.opts...)
			if err := initialize(t.Context(), c); err != nil {
				return nil, err
			}
			return &flowClient{c: c, ctx: (*testing.T).Context, close: func(t *testing.T) {
				_ = c.Close()
				mcpservetest.WaitDone(t, done)
			}}, nil
		}}
}

// httpDriver connects Streamable HTTP clients to ts, sending authorization
// in the Authorization header.
func httpDriver(ts *httptest.Server, era protocolEra) driver {
	return httpDriverAt(func(*testing.T) string { return ts.URL }, era)
}

// httpDriverAt is httpDriver to the server whose URL url gives (it may
// start the server on first use).
func httpDriverAt(url func(t *testing.T) string, era protocolEra) driver {
	return netDriver("http", era, func(t *testing.T, authorization string) (transport.Interface, error) {
		var opts []transport.StreamableHTTPCOption
		if authorization != "" {
			opts = append(opts, transport.WithHTTPHeaders(map[string]string{"Authorization": authorization}))
		}
		return transport.NewStreamableHTTP(url(t)+"/mcp", opts...)
	})
}

// netDriver connects clients of era over the transports dial makes,
// sending authorization in the Authorization header.
func netDriver(name string, era protocolEra, dial func(t *testing.T, authorization string) (transport.Interface, error)) driver {
	return driver{name: name + "/" + era.name, how: howHTTP, howKeyOnly: howHTTPUserToken,
		open: func(t *testing.T, authorization string) (*flowClient, error) {
			tr, err := dial(t, authorization)
			if err != nil {
				return nil, err
			}
			c := client.NewClient(tr, era.opts...)
			t.Cleanup(func() { _ = c.Close() })
			if err := initialize(t.Context(), c); err != nil {
				return nil, err
			}
			return &flowClient{c: c, ctx: (*testing.T).Context, close: func(*testing.T) { _ = c.Close() }}, nil
		}}
}

// serveAccountsHTTP mounts the HTTP transports of a server over e as
// `clara serve` does with anonymous access on (CLARA_MCP_ANONYMOUS), so
// that callers may register and sign in through tools, checking
// credentials at the transport.
func serveAccountsHTTP(t *testing.T, e *accountsEnv) *httptest.Server {
	t.Helper()
	return serveHTTPWith(t, e.server(), mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, PublicURL: testClaraURL, Anonymous: true})
}

// wantError checks that res is an isError result of exactly these lines.
func wantError(t *testing.T, res *mcp.CallToolResult, lines ...string) {
	t.Helper()
	got := text(t, res)
	if !res.IsError {
		t.Fatalf("isError not set; result %s", got)
	}
	if want := strings.Join(lines, "\n"); got != want {
		t.Fatalf("error text\n%s\nwant\n%s", got, want)
	}
}

// ok checks that res is a success and returns its structuredContent.
func ok(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	if res.IsError {
		t.Fatalf("tool failed: %s", text(t, res))
	}
	m := structured(t, res)
	var fromText map[string]any
	if err := json.Unmarshal([]byte(text(t, res)), &fromText); err != nil || len(fromText) != len(m) {
		t.Errorf("text rendering %q does not match structuredContent %v", text(t, res), m)
	}
	return m
}

// jsonDecode decodes the body of resp into v.
func jsonDecode(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
