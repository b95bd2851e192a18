package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

// bodyNoRate is the answer of a purchase outside every tier.
var bodyNoRate = errorBody("null", "No credits rate found for the given amount.")

// bodyUnavailable is the answer of a 503 when Stripe does not answer.
var bodyUnavailable = errorBody("null", core.MsgUnavailable)

// bodyBillingOff is the answer of Buy, Portal and the webhook on a server
// without Stripe.
var bodyBillingOff = errorBody("null", core.MsgBillingOff)

func TestCreditRate(t *testing.T) {
	e := newAccEnv(t, envConfig{}) // billing off: the price list is still served
	a := e.activeAccount(t, "ada@example.com")
	want := successBody(`[{"currency":"usd","lower_limit":5,"rate":100,"upper_limit":10000}]`,
		"Credits rate fetched successfully. Upper limit and lower limit are in fiat. "+
			"Rate is in credits per dollar. Any amount beyond the limits will not be credited.")
	for _, authz := range []string{bearer(a.Token), bearer(e.apiKey(t, a))} {
		expect(t, e.call("GET", "/stripe/rate", authz, ""), http.StatusOK, want)
	}
	for _, authz := range []string{"", testPublicKey, basic(a.Email, a.Password)} {
		expect(t, e.call("GET", "/stripe/rate", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
	b := e.register(t, "bob@example.com")
	expect(t, e.call("GET", "/stripe/rate", bearer(b.Token), ""), http.StatusUnauthorized, bodyInactive)
	expect(t, e.call("POST", "/stripe/rate", bearer(a.Token), ""), http.StatusMethodNotAllowed,
		errorBody("null", msgMethodNotAllowed))
}

func TestCreditRateCustomTiers(t *testing.T) {
	tiers := []core.Tier{
		{Currency: "usd", LowerLimit: 5, UpperLimit: 99, Rate: 100},
		{Currency: "usd", LowerLimit: 100, UpperLimit: 1000, Rate: 120},
	}
	e := newAccEnv(t, envConfig{tiers: tiers, billing: true})
	a := e.activeAccount(t, "ada@example.com")
	expect(t, e.call("GET", "/stripe/rate", bearer(a.Token), ""), http.StatusOK, successBody(
		`[{"currency":"usd","lower_limit":5,"rate":100,"upper_limit":99},`+
			`{"currency":"usd","lower_limit":100,"rate":120,"upper_limit":1000}]`, msgRateFetched))

	// The second tier's rate applies to its amounts; gaps and the ends are 404.
	rec := e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":100}`)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"value_in_credits":12000,"value_in_fiat":100}`) {
		t.Fatalf("buy 100: %d %s", rec.Code, rec.Body)
	}
	for _, amount := range []string{"4", "1001"} {
		expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":`+amount+`}`), http.StatusNotFound, bodyNoRate)
	}
}

// checkoutURL is the shape of the fake's checkout pages.
var checkoutURL = regexp.MustCompile(`^https://checkout\.stripe\.com/c/pay/cs_test_[A-Za-z0-9]+#[A-Za-z0-9]+$`)

func TestBuyCredits(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")

	rec := e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":5,"return_path":"/billing?tab=credits"}`)
	var out struct {
		URL string `json:"url"`
	}
	dataOf(t, rec, &out)
	if !checkoutURL.MatchString(out.URL) {
		t.Fatalf("checkout url %q", out.URL)
	}
	expect(t, rec, http.StatusCreated, successBody(`{"return_path":"/billing?tab=credits","url":`+mustJSON(out.URL)+
		`,"value_in_credits":500,"value_in_fiat":5}`, msgCheckoutCreated))

	req, ok := e.stripe.LastRequest("/v1/checkout/sessions")
	if !ok {
		t.Fatal("no checkout session was created")
	}
	f := req.Form
	purchaseID := f.Get("metadata[purchase_id]")
	if !regexp.MustCompile(`^purchase_[0-9a-f]{32}$`).MatchString(purchaseID) {
		t.Errorf("metadata[purchase_id] = %q", purchaseID)
	}
	back := testAppURL + "/billing?tab=credits&"
	for key, want := range map[string]string{
		"mode":                                   "payment",
		"line_items[0][price_data][unit_amount]": "500",
		"line_items[0][price_data][currency]":    "usd",
		"line_items[0][quantity]":                "1",
		"client_reference_id":                    a.ID,
		"metadata[user_id]":                      a.ID,
		"metadata[credits]":                      "500",
		"customer_creation":                      "always",
		"customer_email":                         a.Email,
		"customer":                               "",
		"success_url":                            back + "checkout=success&session_id={CHECKOUT_SESSION_ID}",
		"cancel_url":                             back + "checkout=cancelled",
	} {
		if got := f.Get(key); got != want {
			t.Errorf("form %s = %q, want %q", key, got, want)
		}
	}
	if req.IdempotencyKey == "" || req.Header.Get("Authorization") != "Bearer "+stripetest.TestKey {
		t.Errorf("idempotency key %q, authorization %q", req.IdempotencyKey, req.Header.Get("Authorization"))
	}

	// Without return_path the pages return to the app itself; an API key
	// buys as well as a user token.
	rec = e.call("POST", "/stripe/buy", bearer(e.apiKey(t, a)), `{"amount":10000}`)
	if rec.Code != http.StatusCreated || !strings.HasPrefix(rec.Body.String(), `{"data":{"return_path":"","url":"`) ||
		!strings.Contains(rec.Body.String(), `"value_in_credits":1000000,"value_in_fiat":10000}`) {
		t.Fatalf("buy 10000: %d %s", rec.Code, rec.Body)
	}
	req, _ = e.stripe.LastRequest("/v1/checkout/sessions")
	if got := req.Form.Get("success_url"); got != testAppURL+"?checkout=success&session_id={CHECKOUT_SESSION_ID}" {
		t.Errorf("success_url %q", got)
	}
	if got := req.Form.Get("line_items[0][price_data][unit_amount]"); got != "1000000" {
		t.Errorf("unit_amount %q", got)
	}
	// Buying credits nothing until Stripe reports the payment.
	if got := e.credits(t, a); got != "0.0" {
		t.Errorf("credits after opening checkouts: %s", got)
	}
	if list := e.transactions(t, a); len(list) != 0 {
		t.Errorf("transactions after opening checkouts: %+v", list)
	}
	e.balanced(t)
}

func TestBuyCreditsErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), ""), http.StatusBadRequest, bodyEmpty)
	for _, tc := range []struct{ body, field string }{
		{`{}`, "amount"},
		{`{"amount":null}`, "amount"},
		{`{"amount":5.5}`, "amount"},
		{`{"amount":"5"}`, "amount"},
		{`{"amount":5e2}`, "amount"},
		{`{"amount":0}`, "amount"},
		{`{"amount":-5}`, "amount"},
		{`{"amount":5,"credits":1000000}`, "credits"},
		{`{"amount":5,"return_path":7}`, "return_path"},
		{`{"amount":5,"return_path":"https://evil.example"}`, "return_path"},
		{`{"amount":5,"return_path":"//evil.example/x"}`, "return_path"},
		{`{"amount":5,"return_path":"billing"}`, "return_path"},
		{`{"amount":5,"return_path":"javascript:alert(1)"}`, "return_path"},
		{`{"amount":5,"return_path":"/\\evil.example"}`, "return_path"},
		{`[5]`, "body"},
	} {
		expectInvalid(t, e.call("POST", "/stripe/buy", bearer(a.Token), tc.body), tc.field)
	}
	for _, amount := range []string{"1", "4", "10001", "9223372036854775807"} {
		expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":`+amount+`}`), http.StatusNotFound, bodyNoRate)
	}
	expect(t, e.call("POST", "/stripe/buy", "", `{"amount":5}`), http.StatusUnauthorized, bodyUnauth)
	b := e.register(t, "bob@example.com")
	expect(t, e.call("POST", "/stripe/buy", bearer(b.Token), `{"amount":5}`), http.StatusUnauthorized, bodyInactive)
	if reqs := e.stripe.Requests(); len(reqs) != 0 {
		t.Fatalf("refused purchases reached Stripe: %+v", reqs)
	}

	// Stripe failing is a 503; nothing is recorded, so nothing can be
	// credited for it.
	e.stripe.FailNext(1, http.StatusInternalServerError)
	expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":5}`), http.StatusServiceUnavailable, bodyUnavailable)
	e.balanced(t)
}

func TestBillingOff(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	if rec := e.call("GET", "/stripe/rate", bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("rate with billing off: %d %s", rec.Code, rec.Body)
	}
	expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":5}`), http.StatusServiceUnavailable, bodyBillingOff)
	expect(t, e.call("POST", "/stripe/portal", bearer(a.Token), ""), http.StatusServiceUnavailable, bodyBillingOff)
	// Validation and the price list still answer first.
	expect(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":4}`), http.StatusNotFound, bodyNoRate)
	expectInvalid(t, e.call("POST", "/stripe/buy", bearer(a.Token), `{"amount":5.5}`), "amount")
	expect(t, e.post([]byte(`{"id":"evt_1"}`), "t=1,v1=00"), http.StatusServiceUnavailable, bodyBillingOff)
	e.balanced(t)
}

func TestBillingPortal(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	portalURL := regexp.MustCompile(`^https://billing\.stripe\.com/p/session/test_[A-Za-z0-9]+$`)

	var customer string
	for i, body := range []string{"", `{}`} {
		rec := e.call("POST", "/stripe/portal", bearer(a.Token), body)
		var out struct {
			URL string `json:"url"`
		}
		dataOf(t, rec, &out)
		if !portalURL.MatchString(out.URL) {
			t.Fatalf("portal url %q", out.URL)
		}
		expect(t, rec, http.StatusCreated, successBody(`{"url":`+mustJSON(out.URL)+`}`, msgPortalCreated))
		req, _ := e.stripe.LastRequest("/v1/billing_portal/sessions")
		if i == 0 {
			customer = req.Form.Get("customer")
		}
		if got := req.Form.Get("customer"); got != customer || !strings.HasPrefix(got, "cus_") {
			t.Errorf("call %d: portal of customer %q, want %q", i, got, customer)
		}
		if got := req.Form.Get("return_url"); got != testAppURL {
			t.Errorf("return_url %q", got)
		}
	}
	// The customer was created once, for this user, and is reused.
	var made int
	for _, r := range e.stripe.Requests() {
		if r.Path == "/v1/customers" {
			made++
			if r.Form.Get("metadata[user_id]") != a.ID || r.Form.Get("email") != a.Email {
				t.Errorf("customer form %v", r.Form)
			}
		}
	}
	if made != 1 {
		t.Errorf("%d customers created, want 1", made)
	}
	// A later checkout is the customer's.
	e.buy(t, a, 5)
	req, _ := e.stripe.LastRequest("/v1/checkout/sessions")
	if req.Form.Get("customer") != customer || req.Form.Get("customer_creation") != "" || req.Form.Get("customer_email") != "" {
		t.Errorf("checkout of a known customer: %v", req.Form)
	}

	expect(t, e.call("POST", "/stripe/portal", "", ""), http.StatusUnauthorized, bodyUnauth)
	e.stripe.FailNext(1, http.StatusInternalServerError)
	expect(t, e.call("POST", "/stripe/portal", bearer(a.Token), ""), http.StatusServiceUnavailable, bodyUnavailable)
	e.balanced(t)
}
