package tools

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

// activeUser registers and activates the flow's account over d and
// returns a client acting as that user, and the user's id.
func activeUser(t *testing.T, e *accountsEnv, d driver) (*flowClient, string) {
	t.Helper()
	anon := d.mustOpen(t, "")
	reg := registerVia(t, anon)
	ok(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
	return d.session(t, anon, reg["token"].(string)), reg["id"].(string)
}

// balanced checks that the books of e agree.
func (e *accountsEnv) balanced(t *testing.T) {
	t.Helper()
	off, err := e.svc.Reconcile(t.Context())
	if err != nil || len(off) != 0 {
		t.Fatalf("reconcile: %+v, %v", off, err)
	}
}

// The shapes of the fake's pages.
var (
	checkoutPage = regexp.MustCompile(`^https://checkout\.stripe\.com/c/pay/(cs_test_[A-Za-z0-9]+)#[A-Za-z0-9]+$`)
	portalPage   = regexp.MustCompile(`^https://billing\.stripe\.com/p/session/test_[A-Za-z0-9]+$`)
)

// billingFlow prices, buys and checks credits over d: the price list, a
// checkout, the payment reported by a signed webhook, the transaction it
// made, and the billing portal.
func billingFlow(t *testing.T, e *accountsEnv, d driver) {
	me, userID := activeUser(t, e, d)

	rate := ok(t, me.call(t, "credit_rate", nil))
	want := map[string]any{"items": []any{map[string]any{"currency": "usd", "lower_limit": 5.0, "rate": 100.0, "upper_limit": 10000.0}}}
	if !reflect.DeepEqual(rate, want) {
		t.Fatalf("credit_rate %v", rate)
	}
	if got := ok(t, me.call(t, "list_transactions", nil)); !reflect.DeepEqual(got, map[string]any{"items": []any{}}) {
		t.Fatalf("list_transactions before buying: %v", got)
	}

	wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 4}), core.MsgNoRate, guideNoRate)
	wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 5, "return_path": "https://evil.example"}),
		core.MsgInvalid, "return_path: must be a path of the app such as /billing, or empty")
	wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 0}),
		core.MsgInvalid, "amount: must be a whole number of US dollars above 0")

	bought := ok(t, me.call(t, "buy_credits", map[string]any{"amount": 5, "return_path": "/billing"}))
	m := checkoutPage.FindStringSubmatch(bought["url"].(string))
	if m == nil || bought["value_in_credits"] != 500.0 || bought["value_in_fiat"] != 5.0 || bought["return_path"] != "/billing" {
		t.Fatalf("buy_credits %v", bought)
	}
	if req, _ := e.stripe.LastRequest("/v1/checkout/sessions"); req.Form.Get("metadata[user_id]") != userID ||
		req.Form.Get("line_items[0][price_data][unit_amount]") != "500" {
		t.Fatalf("checkout form %v", req.Form)
	}
	if got := ok(t, me.call(t, "list_transactions", nil)); len(got["items"].([]any)) != 0 {
		t.Fatalf("credited before payment: %v", got)
	}

	// Stripe reports the payment.
	payload, header := stripetest.SignedEvent(t, stripetest.TestWebhookSecret, "checkout.session.completed",
		stripetest.CheckoutSession(m[1], "paid", ""))
	if err := e.svc.HandlePaymentEvent(t.Context(), payload, header); err != nil {
		t.Fatalf("HandlePaymentEvent: %v", err)
	}
	list := ok(t, me.call(t, "list_transactions", map[string]any{"limit": 10, "offset": 0}))["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("transactions after payment: %v", list)
	}
	tx := list[0].(map[string]any)
	if tx["type"] != "CREDIT" || tx["value_in_credits"] != 500.0 || tx["value_in_fiat"] != 5.0 ||
		tx["description"] != "Purchased 500 credits for $5.00." || tx["user_id"] != userID {
		t.Fatalf("transaction %v", tx)
	}
	if got := ok(t, me.call(t, "view_transaction", map[string]any{"transaction_id": tx["id"]})); !reflect.DeepEqual(got, tx) {
		t.Fatalf("view_transaction %v, want %v", got, tx)
	}
	if u := ok(t, me.call(t, "view_user", nil)); u["credits"] != 500.0 {
		t.Fatalf("credits after payment: %v", u["credits"])
	}
	if got := ok(t, me.call(t, "list_transactions", map[string]any{"offset": 1})); len(got["items"].([]any)) != 0 {
		t.Fatalf("second page: %v", got)
	}

	wantError(t, me.call(t, "list_transactions", map[string]any{"limit": 0}),
		core.MsgInvalid, "limit: must be a whole number from 1 to 100")
	wantError(t, me.call(t, "list_transactions", map[string]any{"limit": 101, "offset": -1}),
		core.MsgInvalid, "limit: must be a whole number from 1 to 100; offset: must be a whole number of 0 or more")
	wantError(t, me.call(t, "view_transaction", map[string]any{"transaction_id": core.NewID(core.PrefixTransaction)}),
		"Transaction with the given identifier does not exist.", "No transaction has this id: call list_transactions for the ids.")
	wantError(t, me.call(t, "list_transactions", map[string]any{"user_id": "user_" + strings.Repeat("0", 32)}),
		core.MsgForbidden, guideForbidden)

	portal := ok(t, me.call(t, "billing_portal", nil))
	if !portalPage.MatchString(portal["url"].(string)) {
		t.Fatalf("billing_portal %v", portal)
	}
	e.balanced(t)
}

func TestBillingToolsInProcess(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			e := newBillingEnv(t)
			billingFlow(t, e, inProcessDriver(e, era))
		})
	}
}

func TestBillingToolsStdio(t *testing.T) {
	e := newBillingEnv(t)
	billingFlow(t, e, stdioDriver(e, eras[0]))
}

func TestBillingToolsStreamableHTTP(t *testing.T) {
	e := newBillingEnv(t)
	billingFlow(t, e, httpDriver(serveAccountsHTTP(t, e), eras[1]))
}

// Without Stripe, the price list is served; buying and the portal answer
// the REST 503 message, then why.
func TestBillingToolsOff(t *testing.T) {
	e := newAccountsEnv(t)
	d := inProcessDriver(e, eras[0])
	anon := d.mustOpen(t, "")
	wantError(t, anon.call(t, "buy_credits", map[string]any{"amount": 5}), core.MsgUnauthenticated, howHTTP)
	me, _ := activeUser(t, e, d)
	ok(t, me.call(t, "credit_rate", nil))
	for tool, args := range map[string]map[string]any{"buy_credits": {"amount": 5}, "billing_portal": nil} {
		wantError(t, me.call(t, tool, args), core.MsgBillingOff)
	}
	e.balanced(t)
}
