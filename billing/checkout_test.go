package billing_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

// buy is a checkout request of a user without a Stripe customer yet.
var buy = core.CheckoutRequest{
	PurchaseID: "pur_1", UserID: "usr_1", Email: "ann@example.com",
	Amount: 2500, Credits: 2500, SuccessURL: "https://app.example/billing", CancelURL: "https://app.example/billing",
}

func TestCheckoutSendsTheFields(t *testing.T) {
	s, srv := newStripe(t)
	co, err := s.Checkout(context.Background(), buy)
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if !strings.HasPrefix(co.SessionID, "cs_test_") ||
		!strings.HasPrefix(co.URL, "https://checkout.stripe.com/c/pay/"+co.SessionID) {
		t.Errorf("Checkout = %+v, want a cs_test_ session and its checkout URL", co)
	}
	r := only(t, srv)
	if r.Method != "POST" || r.Path != "/v1/checkout/sessions" {
		t.Errorf("request %s %s, want POST /v1/checkout/sessions", r.Method, r.Path)
	}
	want := map[string]string{
		"mode":                                          "payment",
		"line_items[0][price_data][currency]":           "usd",
		"line_items[0][price_data][unit_amount]":        "2500",
		"line_items[0][price_data][product_data][name]": "2500 Clara credits",
		"line_items[0][quantity]":                       "1",
		"client_reference_id":                           "usr_1",
		"metadata[user_id]":                             "usr_1",
		"metadata[purchase_id]":                         "pur_1",
		"metadata[credits]":                             "2500",
		"payment_intent_data[metadata][user_id]":        "usr_1",
		"payment_intent_data[metadata][purchase_id]":    "pur_1",
		"payment_intent_data[metadata][credits]":        "2500",
		"customer_creation":                             "always",
		"customer_email":                                "ann@example.com",
		"success_url":                                   "https://app.example/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
		"cancel_url":                                    "https://app.example/billing?checkout=cancelled",
	}
	for k, v := range want {
		if got := r.Form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if extra := slices.DeleteFunc(slices.Sorted(maps.Keys(r.Form)), func(k string) bool {
		_, ok := want[k]
		return ok
	}); len(extra) > 0 {
		t.Errorf("unexpected form fields %q", extra)
	}
	if r.IdempotencyKey != "buy:pur_1" {
		t.Errorf("Idempotency-Key = %q, want buy:pur_1", r.IdempotencyKey)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+stripetest.TestKey {
		t.Errorf("Authorization = %q, want the configured key", got)
	}
	if got := r.Header.Get("Stripe-Version"); got != "2023-10-16" {
		t.Errorf("Stripe-Version = %q, want 2023-10-16", got)
	}
}

func TestCheckoutWithCustomer(t *testing.T) {
	s, srv := newStripe(t)
	req := buy
	req.CustomerID = "cus_known"
	if _, err := s.Checkout(context.Background(), req); err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	f := only(t, srv).Form
	if got := f.Get("customer"); got != "cus_known" {
		t.Errorf("customer = %q, want cus_known", got)
	}
	for _, k := range []string{"customer_creation", "customer_email"} {
		if f.Has(k) {
			t.Errorf("%s = %q sent with a customer; Stripe refuses both", k, f.Get(k))
		}
	}
}

func TestCheckoutURLsKeepTheirQuery(t *testing.T) {
	s, srv := newStripe(t)
	req := buy
	req.SuccessURL = "https://app.example/billing?tab=credits"
	req.CancelURL = "https://app.example/billing?tab=credits#top"
	if _, err := s.Checkout(context.Background(), req); err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	f := only(t, srv).Form
	if got, want := f.Get("success_url"),
		"https://app.example/billing?tab=credits&checkout=success&session_id={CHECKOUT_SESSION_ID}"; got != want {
		t.Errorf("success_url = %q, want %q", got, want)
	}
	if got, want := f.Get("cancel_url"), "https://app.example/billing?tab=credits&checkout=cancelled#top"; got != want {
		t.Errorf("cancel_url = %q, want %q", got, want)
	}
}

func TestCheckoutIsIdempotentPerPurchase(t *testing.T) {
	s, srv := newStripe(t)
	first, err := s.Checkout(context.Background(), buy)
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	again, err := s.Checkout(context.Background(), buy)
	if err != nil {
		t.Fatalf("Checkout again: %v", err)
	}
	if again != first {
		t.Errorf("repeated Checkout = %+v, want the first session %+v", again, first)
	}
	other := buy
	other.PurchaseID = "pur_2"
	second, err := s.Checkout(context.Background(), other)
	if err != nil {
		t.Fatalf("Checkout of another purchase: %v", err)
	}
	if second.SessionID == first.SessionID {
		t.Errorf("another purchase got the same session %s", second.SessionID)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("fake got %d requests, want 3", n)
	}
}

func TestCheckoutStripeFailure(t *testing.T) {
	for _, status := range []int{500, 402, 400} {
		s, srv := newStripe(t)
		srv.FailNext(1, status)
		_, err := s.Checkout(context.Background(), buy)
		if err == nil {
			t.Fatalf("status %d: Checkout succeeded, want an error", status)
		}
		if strings.Contains(err.Error(), stripetest.TestKey) {
			t.Errorf("status %d: error reveals the secret key: %v", status, err)
		}
		if !strings.Contains(err.Error(), "pur_1") {
			t.Errorf("status %d: error %q lacks the purchase id", status, err)
		}
		if r := only(t, srv); r.Status != status {
			t.Errorf("fake answered %d, want %d", r.Status, status)
		}
	}
}

func TestCheckoutRejectsBadRequests(t *testing.T) {
	s, srv := newStripe(t)
	bad := map[string]func(*core.CheckoutRequest){
		"no purchase": func(r *core.CheckoutRequest) { r.PurchaseID = "" },
		"no user":     func(r *core.CheckoutRequest) { r.UserID = "" },
		"zero amount": func(r *core.CheckoutRequest) { r.Amount = 0 },
		"no credits":  func(r *core.CheckoutRequest) { r.Credits = 0 },
		"no success":  func(r *core.CheckoutRequest) { r.SuccessURL = "" },
		"no cancel":   func(r *core.CheckoutRequest) { r.CancelURL = "" },
	}
	for name, mod := range bad {
		req := buy
		mod(&req)
		if _, err := s.Checkout(context.Background(), req); err == nil {
			t.Errorf("%s: Checkout succeeded, want an error", name)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("fake got %d requests for bad checkouts, want 0", n)
	}
}

func TestCheckoutPassesContext(t *testing.T) {
	s, _ := newStripe(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Checkout(ctx, buy)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Checkout with a cancelled context = %v, want context.Canceled", err)
	}
}
