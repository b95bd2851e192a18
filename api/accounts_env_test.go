package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/hkdf"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/testclock"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/ratelimit"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The fixed configuration of the account tests.
const (
	testSecret    = "test-secret-0123456789-abcdefghijklmnop"
	testPublicKey = "test-public-key-0123"
	testPassword  = `e|YUiO2PIj7E'0&V` // the docs' example: | ' & in Basic credentials
)

// testStart is where every fake clock starts: a whole second, so that
// stored times and their whole-second wire form agree.
var testStart = time.Date(2025, 11, 26, 23, 51, 28, 0, time.UTC)

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock = testclock.Clock

// storeKind names the database of an account test environment.
type storeKind string

const (
	onSQLite   storeKind = "sqlite"
	onPostgres storeKind = "postgres"
)

// envConfig varies an account test environment.
type envConfig struct {
	store storeKind // sqlite when empty
	// realLimits keeps DefaultPolicy's request rate limits; otherwise they
	// are raised out of reach (the clock stands still, so buckets never
	// refill). The OTP and login-lockout rules are real either way.
	realLimits bool
	google     core.GoogleVerifier
	clock      *fakeClock // a new one at testStart when nil
	// billing turns Stripe on: real stripe-go (package billing) against a
	// stripetest fake, at e.stripe.
	billing bool
	tiers   []core.Tier // the credit price list; core's default when nil
	// analysis turns analyses on (analysis_env_test.go): the real agent
	// against a modeltest fake at e.model, real River jobs.
	analysis *analysisConfig
	// wrapStore, when set, wraps the real store (to order concurrent
	// requests at a point of their work).
	wrapStore func(store.DB) store.DB
	// passwords replaces the fast test hasher (to bound its slots).
	passwords *auth.Passwords
	// policy, when set, changes the policy's numbers.
	policy func(*core.Policy)
	// statements, when set on PostgreSQL, counts every statement the
	// store runs.
	statements *pgtest.Statements
}

// accEnv is a REST server over a real core.Service, a real store, the dev
// mailer and the in-memory limiter, all on one fake clock.
type accEnv struct {
	srv            *server
	svc            *core.Service
	store          core.Store
	clock          *fakeClock
	outbox         string
	stripe         *stripetest.Server // the fake Stripe API when billing is on
	*analysisParts                    // the model fake, pages and jobs when analyses are on
}

// newAccEnv builds an account test environment.
func newAccEnv(t testing.TB, cfg envConfig) *accEnv {
	t.Helper()
	var st store.DB
	switch cfg.store {
	case "", onSQLite:
		st = openStore(t)
	case onPostgres:
		var opts []postgres.Option
		if cfg.statements != nil {
			opts = append(opts, postgres.WithTracer(cfg.statements))
		}
		db, err := postgres.Open(context.Background(), pgtest.NewURL(t), opts...)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { _ = db.Close() })
		st = db
	default:
		t.Fatalf("unknown store %q", cfg.store)
	}
	if cfg.wrapStore != nil {
		st = cfg.wrapStore(st)
	}
	clock := cfg.clock
	if clock == nil {
		clock = testclock.New(testStart)
	}
	p := core.DefaultPolicy()
	if !cfg.realLimits {
		lots := core.Rate{Events: 1_000_000, Per: time.Second}
		p.PerCaller, p.RegisterIP, p.LoginIP, p.OTPIP = lots, lots, lots, lots
	}
	if cfg.policy != nil {
		cfg.policy(&p)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	outbox := t.TempDir()
	var fake *stripetest.Server
	var payments core.Payments
	if cfg.billing {
		fake, payments = newStripe(t, clock)
	}
	if cfg.passwords == nil {
		cfg.passwords = auth.NewPasswords(auth.FastPasswordParams)
	}
	deps := core.Deps{
		Store:        st,
		Version:      testVersion,
		Now:          clock.Now,
		Policy:       &p,
		Secret:       testSecret,
		PublicAPIKey: testPublicKey,
		Passwords:    cfg.passwords,
		Mailer:       mail.NewDev(outbox, logger),
		Limiter:      ratelimit.New(clock.Now),
		Google:       cfg.google,
		Payments:     payments,
		Tiers:        cfg.tiers,
		AppURL:       testAppURL,
	}
	var parts *analysisParts
	if cfg.analysis != nil {
		parts = newAnalysisParts(t, st, *cfg.analysis, &deps)
	}
	svc := core.New(deps)
	parts.start(t, svc)
	return &accEnv{
		srv:    newServer(svc, Options{Logger: logger}, nil),
		svc:    svc,
		store:  st,
		clock:  clock,
		outbox: outbox,
		stripe: fake,

		analysisParts: parts,
	}
}

// call serves one request: method, path under /api/v1, the Authorization
// header ("" for none) and a JSON body ("" for none).
func (e *accEnv) call(method, path, authz, body string, header ...string) *httptest.ResponseRecorder {
	return e.callFrom("", method, path, authz, body, header...)
}

// callFrom is call from the client address addr (httptest's 192.0.2.1
// when "").
func (e *accEnv) callFrom(addr, method, path, authz, body string, header ...string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, basePath+path, r)
	if addr != "" {
		req.RemoteAddr = net.JoinHostPort(addr, "40000")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// basic returns a Basic Authorization value.
func basic(email, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(email+":"+password))
}

// bearer returns a Bearer Authorization value.
func bearer(token string) string { return "Bearer " + token }

// The exact error bodies of the contract.
var (
	bodyEmpty        = errorBody("null", msgEmptyBody)
	bodyInvalidStart = `{"data":null,"message":"` + core.MsgInvalid + `","status":"error","errors":[`
	bodyConflict     = errorBody("null", core.MsgConflict)
	bodyUnauth       = errorBody("null", core.MsgUnauthenticated)
	bodyNeeds2FA     = errorBody(`{"is_2fa_enabled":true}`, core.MsgUnauthenticated)
	bodyInactive     = errorBody("null", core.MsgInactive)
	bodyForbidden    = errorBody("null", core.MsgForbidden)
	bodyNoUser       = errorBody("null", "User with the given identifier does not exist.")
	bodyRateLimited  = errorBody("null", core.MsgRateLimited)
)

// successBody returns the exact success envelope of raw JSON data.
func successBody(data, message string) string {
	return `{"data":` + data + `,"message":"` + message + `","status":"success"}` + "\n"
}

// expect checks a response's status and exact body.
func expect(t testing.TB, rec *httptest.ResponseRecorder, status int, body string) {
	t.Helper()
	if rec.Code != status || rec.Body.String() != body {
		t.Fatalf("got %d %s\nwant %d %s", rec.Code, rec.Body, status, body)
	}
}

// expectInvalid checks a 400 invalid-schema answer whose detail names field.
func expectInvalid(t testing.TB, rec *httptest.ResponseRecorder, field string) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest || !strings.HasPrefix(body, bodyInvalidStart) ||
		!strings.Contains(body, `"field":"`+field+`"`) {
		t.Fatalf("got %d %s\nwant 400 invalid schema naming %q", rec.Code, body, field)
	}
}

// expectNoContent checks a 204 without a body.
func expectNoContent(t testing.TB, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("got %d %q, want 204 without a body", rec.Code, rec.Body)
	}
}

// expectRetryAfter checks a 429 with the exact body and Retry-After.
func expectRetryAfter(t testing.TB, rec *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	expect(t, rec, http.StatusTooManyRequests, bodyRateLimited)
	if got := rec.Header().Get("Retry-After"); got != retryAfter {
		t.Fatalf("Retry-After = %q, want %q", got, retryAfter)
	}
}

// wireUser is a user (with a token when signed in) as decoded from an
// answer, to read its ids and token.
type wireUser struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// dataOf decodes the data of a success envelope into v.
func dataOf(t testing.TB, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", env.Data, err)
	}
}

// The shapes of identifiers and tokens.
var (
	userIDShape    = regexp.MustCompile(`^user_[0-9a-f]{32}$`)
	apiKeyIDShape  = regexp.MustCompile(`^api_key_[0-9a-f]{32}$`)
	userTokenShape = regexp.MustCompile(`^clara_user_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
	apiKeyShape    = regexp.MustCompile(`^clara_api_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
)

// wantUser is the expected wire form of a user.
type wantUser struct {
	ID, Email, First  string
	Last              *string
	Active, TwoFA     bool
	Dark              bool
	Created, Updated  time.Time
	Token             string // "" when the answer has none
	CreditsWireNumber string // "" means "0.0"
}

// json returns u exactly as Clara writes it: keys in alphabetical order,
// credits with one decimal, HTTP-date timestamps.
func (u wantUser) json() string {
	q := func(s string) string { return mustJSON(s) }
	last := "null"
	if u.Last != nil {
		last = q(*u.Last)
	}
	credits := u.CreditsWireNumber
	if credits == "" {
		credits = "0.0"
	}
	token := ""
	if u.Token != "" {
		token = `"token":` + q(u.Token) + `,`
	}
	return fmt.Sprintf(`{"created_at":%q,"credits":%s,"email":%s,"first_name":%s,"id":%q,`+
		`"is_2fa_enabled":%t,"is_active":%t,"is_dark_mode":%t,"last_name":%s,%s"updated_at":%q}`,
		u.Created.Format(http.TimeFormat), credits, q(u.Email), q(u.First), u.ID,
		u.TwoFA, u.Active, u.Dark, last, token, u.Updated.Format(http.TimeFormat))
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// account is a registered user as the tests hold it.
type account struct {
	Email, Password string
	ID, Token       string // the id and the user token of the latest sign-in
}

// registerBody returns a Register body for email with the test password.
func registerBody(email string) string {
	return `{"first_name":"Ada","last_name":"Lovelace","email":"` + email + `","password":` +
		mustJSON(testPassword) + `}`
}

// mustJSON returns v in JSON as the envelope's encoder writes it: without
// HTML escaping.
func mustJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// register signs up email over REST and returns the inactive account.
func (e *accEnv) register(t testing.TB, email string) account {
	t.Helper()
	rec := e.call("POST", "/auth/register", testPublicKey, registerBody(email))
	if rec.Code != http.StatusCreated {
		t.Fatalf("register %s: %d %s", email, rec.Code, rec.Body)
	}
	var u wireUser
	dataOf(t, rec, &u)
	return account{Email: email, Password: testPassword, ID: u.ID, Token: u.Token}
}

// activeAccount registers email and activates it with the mailed code; its
// token is the one Register gave.
func (e *accEnv) activeAccount(t testing.TB, email string) account {
	t.Helper()
	a := e.register(t, email)
	rec := e.call("POST", "/users/"+email+"/activate", testPublicKey, `{"code":"`+e.lastCode(t, email)+`"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("activate %s: %d %s", email, rec.Code, rec.Body)
	}
	return a
}

// login signs in with the account's password (and code, when not "") and
// returns the new user token.
func (e *accEnv) login(t testing.TB, a account, code string) string {
	t.Helper()
	body := ""
	if code != "" {
		body = `{"code":"` + code + `"}`
	}
	rec := e.call("POST", "/auth/session", basic(a.Email, a.Password), body)
	if rec.Code != http.StatusOK {
		t.Fatalf("login %s: %d %s", a.Email, rec.Code, rec.Body)
	}
	var u wireUser
	dataOf(t, rec, &u)
	return u.Token
}

// sendOTP asks for a code of otpType for email and returns it from the
// outbox.
func (e *accEnv) sendOTP(t testing.TB, email, otpType string) string {
	t.Helper()
	rec := e.call("POST", "/users/"+email+"/otp/"+otpType, testPublicKey, "")
	expect(t, rec, http.StatusCreated, successBody("null", msgOTPSent))
	return e.lastCode(t, email)
}

// apiKey returns the account's current API key token.
func (e *accEnv) apiKey(t testing.TB, a account) string {
	t.Helper()
	rec := e.call("GET", "/users/"+a.ID+"/api_key", bearer(a.Token), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("view api key: %d %s", rec.Code, rec.Body)
	}
	var k struct {
		Token string `json:"token"`
	}
	dataOf(t, rec, &k)
	return k.Token
}

// codeSubject finds the code in a mailed subject.
var codeSubject = regexp.MustCompile(`^Your Clara code: ([0-9]{6})$`)

// mailsTo returns how many messages the outbox holds for email.
func (e *accEnv) mailsTo(t testing.TB, email string) int {
	t.Helper()
	msgs, err := mail.ReadOutbox(e.outbox)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	n := 0
	for _, m := range msgs {
		if m.To == email {
			n++
		}
	}
	return n
}

// lastSubject returns the subject of the latest message mailed to email.
func (e *accEnv) lastSubject(t testing.TB, email string) string {
	t.Helper()
	m, _, err := mail.LatestTo(e.outbox, email)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return m.Subject
}

// lastCode returns the code of the latest message mailed to email; its text
// must carry the same code.
func (e *accEnv) lastCode(t testing.TB, email string) string {
	t.Helper()
	m, ok, err := mail.LatestTo(e.outbox, email)
	if err != nil || !ok {
		t.Fatalf("no message to %s in the outbox: %v", email, err)
	}
	c := codeSubject.FindStringSubmatch(m.Subject)
	if c == nil || !strings.Contains(m.Text, c[1]) {
		t.Fatalf("message to %s has no code: %q %q", email, m.Subject, m.Text)
	}
	return c[1]
}

// wrongCode returns a six-digit code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// jwtKey derives the HS256 key of testSecret as package auth does
// (HKDF-SHA256, its salt and info), to forge tokens signed with the right
// key but wrong in some other way. TestForgedTokens checks with a correct
// token that the derivation matches.
func jwtKey(secret string) []byte {
	k := make([]byte, 32)
	r := hkdf.New(sha256.New, []byte(secret), []byte("clara/auth/hkdf-salt/v1"), []byte("clara/auth/jwt-hs256/v1"))
	if _, err := io.ReadFull(r, k); err != nil {
		panic(err)
	}
	return k
}

// testTokens issues and parses tokens as the test services do.
func testTokens(now func() time.Time) *auth.Tokens {
	return auth.NewTokens(auth.DeriveKeys(testSecret), auth.TokenOptions{Now: now})
}

// svcAPIKey returns the account's API key token without the REST API (which
// refuses inactive users): from its stored key id.
func (e *accEnv) svcAPIKey(t testing.TB, a account) string {
	t.Helper()
	key, err := e.store.APIKeyOf(context.Background(), a.ID)
	if err != nil {
		t.Fatalf("api key of %s: %v", a.ID, err)
	}
	token, err := testTokens(e.clock.Now).IssueAPIKey(a.ID, key.ID)
	if err != nil {
		t.Fatal(err)
	}
	return token
}
