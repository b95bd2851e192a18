package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/billing"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

// testAppURL is the client app that checkout and portal pages return to.
const testAppURL = "https://app.example.com"

// newStripe returns a fake Stripe API and the real Stripe adapter
// (stripe-go) pointed at it, checking webhook timestamps against clock.
func newStripe(t testing.TB, clock *fakeClock) (*stripetest.Server, core.Payments) {
	t.Helper()
	fake := stripetest.NewServer(t)
	p, err := billing.NewStripe(billing.Config{
		SecretKey: stripetest.TestKey, WebhookSecret: stripetest.TestWebhookSecret,
		APIURL: fake.URL(), HTTPClient: fake.Client(), MaxNetworkRetries: -1, Now: clock.Now,
	})
	if err != nil {
		t.Fatalf("billing.NewStripe: %v", err)
	}
	return fake, p
}

// The events of a checkout that Clara acts on.
const (
	evCompleted = "checkout.session.completed"
	evSucceeded = "checkout.session.async_payment_succeeded"
	evFailed    = "checkout.session.async_payment_failed"
)

// checkoutURLPrefix starts the URL of every checkout page of the fake.
const checkoutURLPrefix = "https://checkout.stripe.com/c/pay/"

// purchase is an opened checkout as the tests hold it.
type purchase struct {
	Session string // the Stripe Checkout Session id
	URL     string
}

// buy opens a checkout of amount dollars for a over REST.
func (e *accEnv) buy(t testing.TB, a account, amount int) purchase {
	t.Helper()
	rec := e.call("POST", "/stripe/buy", bearer(a.Token), fmt.Sprintf(`{"amount":%d}`, amount))
	if rec.Code != http.StatusCreated {
		t.Fatalf("buy %d: %d %s", amount, rec.Code, rec.Body)
	}
	var out struct {
		URL string `json:"url"`
	}
	dataOf(t, rec, &out)
	id, _, _ := strings.Cut(strings.TrimPrefix(out.URL, checkoutURLPrefix), "#")
	if !strings.HasPrefix(out.URL, checkoutURLPrefix) || !strings.HasPrefix(id, "cs_test_") {
		t.Fatalf("checkout url %q", out.URL)
	}
	return purchase{Session: id, URL: out.URL}
}

// signed builds a webhook delivery of an event of eventType about a
// checkout session, signed now by the env's clock.
func (e *accEnv) signed(t testing.TB, eventType string, session map[string]any, opts ...stripetest.EventOption) (payload []byte, header string) {
	t.Helper()
	opts = append([]stripetest.EventOption{stripetest.WithTimestamp(e.clock.Now())}, opts...)
	return stripetest.SignedEvent(t, stripetest.TestWebhookSecret, eventType, session, opts...)
}

// post delivers a webhook as Stripe does: the raw body, JSON, signed.
func (e *accEnv) post(payload []byte, header string) *httptest.ResponseRecorder {
	return e.call("POST", "/stripe/webhook", "", string(payload), "Stripe-Signature", header)
}

// deliver signs and delivers one event about a checkout session of
// payment status ("paid", "unpaid"), expecting 200.
func (e *accEnv) deliver(t testing.TB, eventType, session, status string, opts ...stripetest.EventOption) {
	t.Helper()
	expect(t, e.post(e.signed(t, eventType, stripetest.CheckoutSession(session, status, ""), opts...)),
		http.StatusOK, bodyWebhookOK)
}

// bodyWebhookOK is the exact answer of a handled webhook delivery.
var bodyWebhookOK = successBody("null", msgWebhookProcessed)

// credits returns a's balance as the wire writes it ("500.0").
func (e *accEnv) credits(t testing.TB, a account) string {
	t.Helper()
	rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("view user: %d %s", rec.Code, rec.Body)
	}
	var u struct {
		Credits jsonNumber `json:"credits"`
	}
	dataOf(t, rec, &u)
	return string(u.Credits)
}

// jsonNumber keeps a JSON number as written.
type jsonNumber string

// UnmarshalJSON implements json.Unmarshaler.
func (n *jsonNumber) UnmarshalJSON(b []byte) error { *n = jsonNumber(b); return nil }

// transactions returns a's transactions as raw JSON, newest first.
func (e *accEnv) transactions(t testing.TB, a account) []wireTransaction {
	t.Helper()
	rec := e.call("GET", "/users/"+a.ID+"/transactions?limit=100", bearer(a.Token), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("list transactions: %d %s", rec.Code, rec.Body)
	}
	var list []wireTransaction
	dataOf(t, rec, &list)
	return list
}

// wireTransaction is a transaction as decoded from an answer.
type wireTransaction struct {
	ID             string     `json:"id"`
	UserID         string     `json:"user_id"`
	Type           string     `json:"type"`
	ValueInCredits jsonNumber `json:"value_in_credits"`
	ValueInFiat    jsonNumber `json:"value_in_fiat"`
	Description    string     `json:"description"`
	CreatedAt      string     `json:"created_at"`
	UpdatedAt      string     `json:"updated_at"`
}

// wantTransaction is the exact wire form of a transaction, keys in
// alphabetical order.
func wantTransaction(id, userID, typ, credits, fiat, description string, at time.Time) string {
	ts := at.UTC().Format(http.TimeFormat)
	return fmt.Sprintf(`{"created_at":%q,"description":%s,"id":%q,"type":%q,"updated_at":%q,"user_id":%q,`+
		`"value_in_credits":%s,"value_in_fiat":%s}`, ts, mustJSON(description), id, typ, ts, userID, credits, fiat)
}

// balanced checks that the books agree: every balance equals the sums of
// its ledger.
func (e *accEnv) balanced(t testing.TB) {
	t.Helper()
	off, err := e.svc.Reconcile(t.Context())
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if len(off) != 0 {
		t.Fatalf("the books do not agree: %+v", off)
	}
}

// grant gives a credits as an operator, the fixture of transaction tests,
// and returns the transaction.
func (e *accEnv) grant(t testing.TB, a account, credits int64, reason string) core.Transaction {
	t.Helper()
	tx, applied, err := e.svc.GrantCredits(t.Context(), core.GrantInput{
		Email: a.Email, Credits: credits, Reason: reason, Key: core.NewID(""),
	})
	if err != nil || !applied {
		t.Fatalf("grant %d to %s: applied %v, %v", credits, a.Email, applied, err)
	}
	return tx
}
