package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/internal/testclock"
)

// liveEnv is an account environment with Google sign-in, billing and
// analyses on, whose answers are checked against openapi.json.
type liveEnv struct {
	*accEnv
	v      *openapiChecker
	google *googletest.Issuer
}

// newLiveEnv returns a liveEnv.
func newLiveEnv(t *testing.T, cfg envConfig) *liveEnv {
	t.Helper()
	clock := testclock.New(testStart)
	g := googletest.New(t)
	g.Now = clock.Now
	cfg.clock, cfg.google = clock, g.Verifier(googletest.ClientID)
	e := newAccEnv(t, cfg)
	return &liveEnv{accEnv: e, v: newOpenAPIChecker(t, e.srv), google: g}
}

// want serves a request as accEnv.call does, checks its status, validates
// the answer against openapi.json and returns it.
func (e *liveEnv) want(t *testing.T, status int, method, path, authz, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.checked(t, status, method, path, e.call(method, path, authz, body, header...))
}

// checked checks rec's status and validates it against openapi.json.
func (e *liveEnv) checked(t *testing.T, status int, method, path string, rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s %s: got %d %s, want %d", method, path, rec.Code, rec.Body, status)
	}
	e.v.check(t, method, basePath+path, rec)
	return rec
}

// Every operation of openapi.json, served for real, answers at least one
// success and one error exactly as the document describes them: status,
// Content-Type, headers and body.
func TestOpenAPILiveAnswers(t *testing.T) {
	e := newLiveEnv(t, envConfig{billing: true, analysis: &analysisConfig{}})

	// Misc.
	e.want(t, 200, "GET", "/health", "", "")
	e.want(t, 400, "GET", "/health?x=%00", "", "")
	e.want(t, 200, "GET", "/version", "", "")
	e.want(t, 400, "GET", "/version?x=%ff", "", "")
	e.want(t, 200, "GET", "/openapi.json", "", "")
	e.want(t, 400, "GET", "/openapi.json?x=%00", "", "")

	// Auth.
	e.want(t, 201, "POST", "/auth/register", testPublicKey, registerBody("ada@example.com"))
	e.want(t, 400, "POST", "/auth/register", testPublicKey, registerBody("ada@example.com"))
	e.want(t, 400, "POST", "/auth/register", testPublicKey, "")
	e.want(t, 400, "POST", "/auth/register", testPublicKey, `{"email":"nope"}`)
	e.want(t, 401, "POST", "/auth/register", "", registerBody("bob@example.com"))
	e.want(t, 413, "POST", "/auth/register", testPublicKey, `{"first_name":"`+strings.Repeat("a", 1<<20)+`"}`)
	e.want(t, 404, "POST", "/users/nobody@example.com/activate", testPublicKey, `{"code":"123456"}`)
	e.want(t, 401, "POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+wrongCode(e.lastCode(t, "ada@example.com"))+`"}`)
	e.want(t, 200, "POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+e.lastCode(t, "ada@example.com")+`"}`)
	a := account{Email: "ada@example.com", Password: testPassword}
	var u wireUser
	dataOf(t, e.want(t, 200, "POST", "/auth/session", basic(a.Email, a.Password), ""), &u)
	a.ID, a.Token = u.ID, u.Token
	e.want(t, 401, "POST", "/auth/session", basic(a.Email, "wrong-password"), "")
	e.want(t, 201, "POST", "/auth/google", "", `{"id_token":"`+e.google.Token(t, "grace@example.com", nil)+`"}`)
	e.want(t, 201, "POST", "/auth/google", testPublicKey, `{"id_token":"`+e.google.Token(t, "grace@example.com", nil)+`"}`)
	e.want(t, 401, "POST", "/auth/google", "", `{"id_token":"not-a-token"}`)
	e.want(t, 201, "POST", "/users/ada@example.com/otp/CHANGE_PASSWORD", testPublicKey, "")
	e.want(t, 400, "POST", "/users/ada@example.com/otp/NOPE", testPublicKey, "")
	e.want(t, 404, "POST", "/users/nobody@example.com/otp/ACTIVATION", testPublicKey, "")
	e.want(t, 404, "PATCH", "/users/nobody@example.com/password", testPublicKey, `{"password":"a-new-password-1","code":"123456"}`)
	e.want(t, 200, "PATCH", "/users/ada@example.com/password", testPublicKey, `{"password":"a-new-password-1","code":"`+e.lastCode(t, a.Email)+`"}`)
	a.Password = "a-new-password-1"
	a.Token = e.login(t, a, "")
	b := e.activeAccount(t, "bob@example.com")
	bobToken := e.login(t, b, "")
	e.want(t, 204, "DELETE", "/auth/session", bearer(bobToken), "")
	e.want(t, 401, "DELETE", "/auth/session", bearer(bobToken), "")

	// Users and API keys.
	self, other := "/users/"+a.ID, "/users/"+b.ID
	e.want(t, 200, "GET", self, bearer(a.Token), "")
	e.want(t, 403, "GET", other, bearer(a.Token), "")
	e.want(t, 401, "GET", self, "", "")
	e.want(t, 200, "PATCH", self, bearer(a.Token), `{"is_dark_mode":false,"last_name":"King"}`)
	e.want(t, 400, "PATCH", self, bearer(a.Token), `{"credits":5}`)
	e.want(t, 200, "GET", self+"/api_key", bearer(a.Token), "")
	e.want(t, 403, "GET", other+"/api_key", bearer(a.Token), "")
	e.want(t, 201, "POST", self+"/api_key", bearer(a.Token), "")
	e.want(t, 401, "POST", self+"/api_key", "", "")
	key := e.apiKey(t, a)
	grant := e.oauthGrant(t, a, 0, "clara:account")
	e.want(t, 200, "GET", self+"/oauth/grants", bearer(a.Token), "")
	e.want(t, 403, "GET", other+"/oauth/grants", bearer(a.Token), "")
	e.want(t, 200, "DELETE", self+"/oauth/grants/"+grant.ID, bearer(a.Token), "")
	e.want(t, 404, "DELETE", self+"/oauth/grants/"+grant.ID, bearer(a.Token), "")

	// Two-factor login: Bob by emailed code, Ada by authenticator app.
	bobToken = e.login(t, b, "")
	e.want(t, 201, "POST", "/users/bob@example.com/otp/TWO_FACTOR_AUTH", testPublicKey, "")
	e.want(t, 403, "POST", other+"/2fa", bearer(a.Token), `{"code":"123456"}`)
	e.want(t, 200, "POST", other+"/2fa", bearer(bobToken), `{"code":"`+e.lastCode(t, b.Email)+`"}`)
	e.want(t, 401, "POST", "/auth/session", basic(b.Email, b.Password), "")
	e.want(t, 201, "POST", "/users/bob@example.com/otp/TWO_FACTOR_AUTH", testPublicKey, "")
	e.want(t, 400, "DELETE", other+"/2fa", bearer(bobToken), "")
	e.want(t, 204, "DELETE", other+"/2fa", bearer(bobToken), `{"code":"`+e.lastCode(t, b.Email)+`"}`)
	e.want(t, 400, "POST", self+"/2fa/totp/confirm", bearer(a.Token), `{"code":"123456"}`)
	e.want(t, 403, "POST", other+"/2fa/totp", bearer(a.Token), "")
	e.want(t, 201, "POST", self+"/2fa/totp", bearer(a.Token), "")
	e.want(t, 200, "POST", self+"/2fa/totp/confirm", bearer(a.Token), `{"code":"`+e.totpCode(t, a.ID)+`"}`)

	// Transactions, with the API key.
	tx := e.grant(t, a, 100, "test credits")
	e.want(t, 200, "GET", self+"/transactions?limit=5", bearer(key), "")
	e.want(t, 400, "GET", self+"/transactions?limit=abc", bearer(key), "")
	e.want(t, 200, "GET", self+"/transactions/"+tx.ID, bearer(key), "")
	e.want(t, 404, "GET", self+"/transactions/transaction_00000000000000000000000000000000", bearer(key), "")

	// The agent and tasks.
	e.want(t, 200, "GET", self+"/agent/supported_attachments", bearer(key), "")
	e.want(t, 403, "GET", other+"/agent/supported_attachments", bearer(key), "")
	page := e.pageURL()
	e.Model.Enqueue(modeltest.FetchURL(page), modeltest.Answer(modeltest.AnalysisJSON("MOSTLY_TRUE", page, "attachment:notes.txt")))
	body, ctype := multipartBody(t, queryPart("The Eiffel Tower is in Paris: "+page), filePart("notes.txt", []byte("Finished in 1889.")))
	analysis := self + "/agent/analysis"
	rec := e.checked(t, 201, "POST", analysis, e.rawAnalysis(a.ID, bearer(key), ctype, body))
	task := started(t, rec)
	e.checked(t, 400, "POST", analysis, e.rawAnalysis(a.ID, bearer(key), ctype, nil))
	e.checked(t, 401, "POST", analysis, e.rawAnalysis(a.ID, "", ctype, body))
	e.checked(t, 403, "POST", analysis, e.rawAnalysis(b.ID, bearer(key), ctype, body))
	e.awaitTask(t, a, task.ID)
	e.want(t, 200, "GET", self+"/tasks/"+task.ID, bearer(key), "") // COMPLETED, with its result
	e.want(t, 404, "GET", self+"/tasks/task_00000000000000000000000000000000", bearer(key), "")
	e.want(t, 200, "GET", self+"/tasks", bearer(key), "")
	e.want(t, 400, "GET", self+"/tasks?offset=-", bearer(key), "")
	e.want(t, 200, "DELETE", self+"/tasks/"+task.ID, bearer(key), "")
	e.want(t, 404, "DELETE", self+"/tasks/task_00000000000000000000000000000000", bearer(key), "")

	// Stripe.
	e.want(t, 200, "GET", "/stripe/rate", bearer(key), "")
	e.want(t, 401, "GET", "/stripe/rate", "", "")
	e.want(t, 201, "POST", "/stripe/portal", bearer(key), "")
	e.want(t, 401, "POST", "/stripe/portal", "Bearer clara_api_forged", "")
	rec = e.want(t, 201, "POST", "/stripe/buy", bearer(a.Token), `{"amount":5,"return_path":"/billing"}`)
	e.want(t, 404, "POST", "/stripe/buy", bearer(a.Token), `{"amount":1}`)
	e.want(t, 400, "POST", "/stripe/buy", bearer(a.Token), `{"amount":"5"}`)
	var out struct {
		URL string `json:"url"`
	}
	dataOf(t, rec, &out)
	session, _, _ := strings.Cut(strings.TrimPrefix(out.URL, checkoutURLPrefix), "#")
	payload, header := e.signed(t, evCompleted, stripetest.CheckoutSession(session, "paid", ""))
	e.want(t, 400, "POST", "/stripe/webhook", "", string(payload), "Stripe-Signature", "t=1,v1=00")
	e.want(t, 200, "POST", "/stripe/webhook", "", string(payload), "Stripe-Signature", header)
	e.want(t, 413, "POST", "/stripe/webhook", "", strings.Repeat(" ", maxWebhookBytes+1), "Stripe-Signature", header)

	e.v.covered(t)
}

// Where billing and analyses are off, their routes answer the
// document's 503s.
func TestOpenAPILiveUnavailable(t *testing.T) {
	e := newLiveEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	e.grant(t, a, 100, "test credits")
	e.want(t, 503, "POST", "/stripe/portal", bearer(a.Token), "")
	e.want(t, 503, "POST", "/stripe/buy", bearer(a.Token), `{"amount":5}`)
	e.want(t, 503, "POST", "/stripe/webhook", "", `{}`, "Stripe-Signature", "t=1,v1=00")
	body, ctype := multipartBody(t, queryPart("Is the sky blue?"))
	e.checked(t, 503, "POST", "/users/"+a.ID+"/agent/analysis", e.rawAnalysis(a.ID, bearer(a.Token), ctype, body))
	e.want(t, 201, "POST", "/users/ada@example.com/otp/CHANGE_PASSWORD", testPublicKey, "")
	e.want(t, 429, "POST", "/users/ada@example.com/otp/CHANGE_PASSWORD", testPublicKey, "") // again within 60 s
}
