package authserver_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/api"
	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/authserver"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/testclock"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/ratelimit"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/sqlite"
	"github.com/clara-backend/clara/tools"
)

// TestMain stops the PostgreSQL that pgtest starts.
func TestMain(m *testing.M) { pgtest.Main(m) }

// The secrets of the test services.
const (
	testSecret    = "authserver-test-secret-0123456789abcdef0123456789"
	testPublicKey = "clara_pub_authserver_test"
	testPassword  = "correct-horse-battery-staple"
)

// env is a whole Clara HTTP surface (REST, MCP, the authorization server)
// served by httptest at its own public URL.
type env struct {
	url    string // the public URL: the issuer, and /mcp and /sse under it
	svc    *core.Service
	store  core.Store
	outbox string
	clock  *testclock.Clock
	srv    *httptest.Server
}

// envOptions tune newEnv.
type envOptions struct {
	postgres bool // PostgreSQL instead of SQLite
	loopback bool // client metadata documents from loopback
	regs     int  // registrations per hour
	google   *authserver.GoogleOptions
	verifier core.GoogleVerifier
}

// newEnv starts a Clara on a fresh store.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	ctx := t.Context()
	var st core.Store
	if o.postgres {
		db, err := postgres.Open(ctx, pgtest.NewURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		st = db
	} else {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "clara.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		st = db
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	e := &env{store: st, outbox: filepath.Join(t.TempDir(), "outbox"), clock: testclock.New(time.Now())}
	e.svc = core.New(core.Deps{
		Store: st, Version: "test", Secret: testSecret, PublicAPIKey: testPublicKey,
		Passwords: auth.NewPasswords(auth.FastPasswordParams), Mailer: mail.NewDev(e.outbox, logger), Now: e.clock.Now,
		Limiter: ratelimit.New(e.clock.Now), Google: o.verifier,
	})
	e.srv = httptest.NewUnstartedServer(nil)
	e.url = "http://" + e.srv.Listener.Addr().String()
	mcpHTTP := mcpserve.NewHTTPHandlers(tools.NewServer(e.svc, tools.Options{ValidateOutput: true, Logger: logger, Version: "test"}), mcpserve.HTTPOptions{
		Logger: logger, Service: e.svc, AllowedHosts: []string{e.srv.Listener.Addr().String()}, PublicURL: e.url,
	})
	opts := authserver.Options{
		Service: e.svc, Store: st, PublicURL: e.url, Logger: logger, LoopbackClientMetadata: o.loopback,
		RegistrationsPerHour: o.regs, Now: e.clock.Now,
	}
	if o.google != nil {
		opts.Google = *o.google
	}
	oauth := authserver.New(opts)
	mounts := []api.Mount{{Pattern: "/mcp", Handler: mcpHTTP.Streamable}, {Pattern: "/sse", Handler: mcpHTTP.SSE}, {Pattern: "/message", Handler: mcpHTTP.Message}}
	for path, h := range mcpHTTP.ResourceMetadata {
		mounts = append(mounts, api.Mount{Pattern: "GET " + path, Handler: h})
	}
	for _, r := range oauth.Routes() {
		mounts = append(mounts, api.Mount{Pattern: r.Pattern, Handler: r.Handler})
	}
	e.srv.Config.Handler = api.New(e.svc, api.Options{Logger: logger, Mounts: mounts})
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// codePattern finds a one-time code in a mail.
var codePattern = regexp.MustCompile(`\b\d{6}\b`)

// code returns the latest one-time code mailed to email.
func (e *env) code(t *testing.T, email string) string {
	t.Helper()
	m, ok, err := mail.LatestTo(e.outbox, email)
	if err != nil || !ok {
		t.Fatalf("no mail to %s: %v", email, err)
	}
	return codePattern.FindString(m.Text)
}

// user registers and activates an account; with twoFactor, it has
// emailed-code 2FA on.
func (e *env) user(t *testing.T, email string, twoFactor bool) core.User {
	t.Helper()
	ctx := t.Context()
	app, err := e.svc.Identify(ctx, core.Credentials{Authorization: testPublicKey, Transport: core.TransportREST, RemoteIP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := e.svc.Register(ctx, app, core.RegisterInput{FirstName: "Ada", LastName: "Lovelace", Email: email, Password: testPassword})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	u, err := e.svc.Activate(ctx, app, email, e.code(t, email))
	if err != nil {
		t.Fatalf("activate: %v", err)
	}
	if twoFactor {
		if err := e.store.SetTwoFactor(ctx, signed.User.ID, true, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// browser is a user's browser: cookies kept, redirects to other hosts
// not followed (they are where the client receives its answer).
type browser struct {
	t    *testing.T
	e    *env
	http *http.Client
}

// newBrowser returns a browser with an empty cookie jar.
func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is a page the browser got.
type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

// get loads rawURL.
func (b *browser) get(rawURL string) page {
	b.t.Helper()
	resp, err := b.http.Get(rawURL)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

// submit posts the page's form of that step with fields over its hidden
// ones (the CSRF token among them).
func (b *browser) submit(p page, step string, fields map[string]string) page {
	b.t.Helper()
	action, values := formOf(b.t, p.body, step)
	for k, v := range fields {
		values.Set(k, v)
	}
	resp, err := b.http.PostForm(b.e.url+action, values)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

// readPage reads and closes resp.
func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location"), header: resp.Header}
}

// The parts of a form that formOf reads.
var (
	formPattern   = regexp.MustCompile(`(?s)<form method="post" action="([^"]*)"[^>]*>(.*?)</form>`)
	hiddenPattern = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formOf returns the action and hidden fields of the form of step in body.
func formOf(t *testing.T, body, step string) (string, url.Values) {
	t.Helper()
	for _, m := range formPattern.FindAllStringSubmatch(body, -1) {
		values := url.Values{}
		for _, h := range hiddenPattern.FindAllStringSubmatch(m[2], -1) {
			values.Set(h[1], htmlUnescape(h[2]))
		}
		if values.Get("step") == step {
			return htmlUnescape(m[1]), values
		}
	}
	t.Fatalf("no form of step %q in:\n%s", step, body)
	return "", nil
}

// htmlUnescape undoes html/template's escaping of attribute values.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}
