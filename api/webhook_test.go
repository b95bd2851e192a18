package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

// paidPurchase is the transaction of a purchase of $5 at the default rate.
const paidPurchase = "Purchased 500 credits for $5.00."

// expectCredited checks that a holds exactly one CREDIT transaction, the
// purchase of $5 at the default rate, and 500 credits; and that the books
// agree.
func (e *accEnv) expectCredited(t *testing.T, a account, at time.Time) {
	t.Helper()
	list := e.transactions(t, a)
	if len(list) != 1 {
		t.Fatalf("%d transactions, want 1: %+v", len(list), list)
	}
	rec := e.call("GET", "/users/"+a.ID+"/transactions/"+list[0].ID, bearer(a.Token), "")
	expect(t, rec, http.StatusOK, successBody(
		wantTransaction(list[0].ID, a.ID, "CREDIT", "500.0", "5.0", paidPurchase, at), msgTransactionFetched))
	if got := e.credits(t, a); got != "500.0" {
		t.Fatalf("credits %s, want 500.0", got)
	}
	e.balanced(t)
}

// expectNothing checks that a has no transaction and no credits, and that
// the books agree.
func (e *accEnv) expectNothing(t *testing.T, a account) {
	t.Helper()
	if list := e.transactions(t, a); len(list) != 0 {
		t.Fatalf("transactions %+v, want none", list)
	}
	if got := e.credits(t, a); got != "0.0" {
		t.Fatalf("credits %s, want 0.0", got)
	}
	e.balanced(t)
}

func TestWebhookSignature(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	p := e.buy(t, a, 5)
	session := stripetest.CheckoutSession(p.Session, "paid", "")
	payload, header := e.signed(t, evCompleted, session)
	forged, forgedHeader := stripetest.SignedEvent(t, "whsec_not_clara_0000", evCompleted, session,
		stripetest.WithTimestamp(e.clock.Now()))
	old, oldHeader := e.signed(t, evCompleted, session, stripetest.WithTimestamp(e.clock.Now().Add(-10*time.Minute)))
	otherVersion, otherHeader := e.signed(t, evCompleted, session, stripetest.WithAPIVersion("2020-08-27"))
	tampered := []byte(strings.Replace(string(payload), `"paid"`, `"unpaid"`, 1))

	for name, tc := range map[string]struct {
		payload []byte
		header  string
	}{
		"no signature":        {payload, ""},
		"garbage signature":   {payload, "garbage"},
		"wrong v1":            {payload, "t=" + strings.Split(strings.TrimPrefix(header, "t="), ",")[0] + ",v1=00ff"},
		"another secret":      {forged, forgedHeader},
		"tampered body":       {tampered, header},
		"too old":             {old, oldHeader},
		"another API version": {otherVersion, otherHeader},
		"empty body":          {nil, header},
	} {
		rec := e.post(tc.payload, tc.header)
		if rec.Code != http.StatusBadRequest || !strings.HasPrefix(rec.Body.String(), bodyInvalidStart) ||
			!strings.Contains(rec.Body.String(), `"field":"Stripe-Signature"`) {
			t.Errorf("%s: got %d %s, want 400 naming Stripe-Signature", name, rec.Code, rec.Body)
		}
	}
	e.expectNothing(t, a)

	// Signed a minute ago is within the tolerance; the webhook needs no
	// credentials, and takes Stripe's content type or none.
	e.clock.Advance(time.Minute)
	rec := e.call("POST", "/stripe/webhook", "", string(payload), "Stripe-Signature", header,
		"Content-Type", "application/json; charset=utf-8")
	expect(t, rec, http.StatusOK, bodyWebhookOK)
	e.expectCredited(t, a, e.clock.Now())
	if rec := e.call("GET", "/stripe/webhook", "", ""); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET webhook: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestWebhookBodyLimit(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	big := `{"id":"evt_big","pad":"` + strings.Repeat("x", 64<<10) + `"}`
	tooLarge := errorBody("null", core.MsgTooLarge)
	// Declared and chunked (no Content-Length) bodies alike.
	expect(t, e.call("POST", "/stripe/webhook", "", big, "Stripe-Signature", "t=1,v1=00"), http.StatusRequestEntityTooLarge, tooLarge)
	req := httptest.NewRequest("POST", basePath+"/stripe/webhook", strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Stripe-Signature", "t=1,v1=00")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	expect(t, rec, http.StatusRequestEntityTooLarge, tooLarge)

	// A signed event just under the limit is read whole and handled.
	a := e.activeAccount(t, "ada@example.com")
	p := e.buy(t, a, 5)
	session := stripetest.CheckoutSession(p.Session, "paid", "")
	payload, _ := e.signed(t, evCompleted, session)
	session["pad"] = strings.Repeat("x", maxWebhookBytes-len(payload)-len(`,"pad":""`))
	payload, header := e.signed(t, evCompleted, session)
	if len(payload) != maxWebhookBytes {
		t.Fatalf("payload of %d bytes, want %d", len(payload), maxWebhookBytes)
	}
	expect(t, e.post(payload, header), http.StatusOK, bodyWebhookOK)
	e.expectCredited(t, a, e.clock.Now())
}

func TestWebhookCredits(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	p := e.buy(t, a, 5)

	// Completed but not yet paid (a delayed method): nothing yet.
	e.deliver(t, evCompleted, p.Session, "unpaid")
	e.expectNothing(t, a)

	// Paid: one CREDIT; the customer Stripe made is the user's from now on.
	e.clock.Advance(time.Hour)
	paid, ok := e.stripe.PaySession(p.Session, "paid")
	if !ok {
		t.Fatal("unknown session")
	}
	payload, header := e.signed(t, evSucceeded, paid)
	expect(t, e.post(payload, header), http.StatusOK, bodyWebhookOK)
	at := e.clock.Now()
	e.expectCredited(t, a, at)

	// The same delivery again, a completed event of another id, and a late
	// failure change nothing.
	e.clock.Advance(time.Minute)
	expect(t, e.post(payload, header), http.StatusOK, bodyWebhookOK)
	e.deliver(t, evCompleted, p.Session, "paid")
	e.deliver(t, evFailed, p.Session, "unpaid")
	e.expectCredited(t, a, at)

	e.buy(t, a, 5)
	req, _ := e.stripe.LastRequest("/v1/checkout/sessions")
	if want := paid["customer"].(string); req.Form.Get("customer") != want || req.Form.Get("customer_creation") != "" {
		t.Errorf("checkout after a paid one: customer %q, want %q", req.Form.Get("customer"), want)
	}
	if rec := e.call("POST", "/stripe/portal", bearer(a.Token), ""); rec.Code != http.StatusCreated {
		t.Fatalf("portal: %d %s", rec.Code, rec.Body)
	}
	if req, ok := e.stripe.LastRequest("/v1/customers"); ok {
		t.Errorf("the portal created a customer although the user has one: %v", req.Form)
	}
	if req, _ := e.stripe.LastRequest("/v1/billing_portal/sessions"); req.Form.Get("customer") != paid["customer"] {
		t.Errorf("portal of customer %q, want %q", req.Form.Get("customer"), paid["customer"])
	}
}

func TestWebhookOrder(t *testing.T) {
	type step struct{ event, status string }
	for _, tc := range []struct {
		name     string
		steps    []step
		credited bool
	}{
		{"completed paid", []step{{evCompleted, "paid"}}, true},
		{"completed then succeeded", []step{{evCompleted, "paid"}, {evSucceeded, "paid"}}, true},
		{"unpaid, then succeeded", []step{{evCompleted, "unpaid"}, {evSucceeded, "paid"}}, true},
		{"succeeded before completed unpaid", []step{{evSucceeded, "paid"}, {evCompleted, "unpaid"}}, true},
		{"failed after succeeded", []step{{evSucceeded, "paid"}, {evFailed, "unpaid"}}, true},
		{"failed before succeeded", []step{{evFailed, "unpaid"}, {evSucceeded, "paid"}}, true},
		{"unpaid, then failed", []step{{evCompleted, "unpaid"}, {evFailed, "unpaid"}}, false},
		{"failed, then completed unpaid", []step{{evFailed, "unpaid"}, {evCompleted, "unpaid"}}, false},
		{"completed unpaid only", []step{{evCompleted, "unpaid"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t, envConfig{billing: true})
			a := e.activeAccount(t, "ada@example.com")
			p := e.buy(t, a, 5)
			var at time.Time
			for _, s := range tc.steps {
				e.clock.Advance(time.Minute)
				e.deliver(t, s.event, p.Session, s.status)
				if at.IsZero() && s.status == "paid" {
					at = e.clock.Now()
				}
			}
			if tc.credited {
				e.expectCredited(t, a, at)
			} else {
				e.expectNothing(t, a)
			}
		})
	}
}

func TestWebhookUnknownSession(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	e.buy(t, a, 5)
	e.deliver(t, evCompleted, "cs_test_not_ours", "paid")
	e.deliver(t, evSucceeded, "cs_test_not_ours", "paid")
	e.deliver(t, evFailed, "cs_test_not_ours", "unpaid")
	// Events Clara does not act on are acknowledged.
	payload, header := e.signed(t, "customer.created", map[string]any{"id": "cus_1", "object": "customer"})
	expect(t, e.post(payload, header), http.StatusOK, bodyWebhookOK)
	e.expectNothing(t, a)
}

func TestWebhookConcurrentDeliveries(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			e := newAccEnv(t, envConfig{store: kind, billing: true})
			a := e.activeAccount(t, "ada@example.com")

			// 50 deliveries of one event.
			p := e.buy(t, a, 5)
			payload, header := e.signed(t, evCompleted, stripetest.CheckoutSession(p.Session, "paid", ""))
			e.concurrently(t, 50, func(int) ([]byte, string) { return payload, header })
			e.expectCredited(t, a, e.clock.Now())

			// 50 events of other ids and both kinds about one session.
			b := e.activeAccount(t, "bob@example.com")
			q := e.buy(t, b, 5)
			e.concurrently(t, 50, func(i int) ([]byte, string) {
				ev := evCompleted
				if i%2 == 1 {
					ev = evSucceeded
				}
				return e.signed(t, ev, stripetest.CheckoutSession(q.Session, "paid", ""))
			})
			e.expectCredited(t, b, e.clock.Now())
		})
	}
}

// concurrently signs n deliveries with delivery(i), posts them all at once
// and expects each to be answered 200.
func (e *accEnv) concurrently(t *testing.T, n int, delivery func(i int) ([]byte, string)) {
	t.Helper()
	type signed struct {
		payload []byte
		header  string
	}
	all := make([]signed, n)
	for i := range all {
		all[i].payload, all[i].header = delivery(i)
	}
	recs := make([]*httptest.ResponseRecorder, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range all {
		done.Go(func() {
			start.Wait()
			recs[i] = e.post(all[i].payload, all[i].header)
		})
	}
	start.Done()
	done.Wait()
	for i, rec := range recs {
		if rec.Code != http.StatusOK || rec.Body.String() != bodyWebhookOK {
			t.Errorf("delivery %d: %d %s", i, rec.Code, rec.Body)
		}
	}
}

func TestWebhookStoreFailure(t *testing.T) {
	e := newAccEnv(t, envConfig{billing: true})
	a := e.activeAccount(t, "ada@example.com")
	p := e.buy(t, a, 5)
	payload, header := e.signed(t, evCompleted, stripetest.CheckoutSession(p.Session, "paid", ""))
	if err := e.store.(interface{ Close() error }).Close(); err != nil {
		t.Fatal(err)
	}
	// A 500 has Stripe deliver the event again later.
	expect(t, e.post(payload, header), http.StatusInternalServerError, errorBody("null", core.MsgInternal))
}
