package billing_test

import (
	"testing"

	"github.com/clara-backend/clara/billing"
	"github.com/clara-backend/clara/billing/stripetest"
)

// newStripe returns a Stripe client talking to a fresh fake, with retries
// off; mods adjust the config first.
func newStripe(t *testing.T, mods ...func(*billing.Config)) (*billing.Stripe, *stripetest.Server) {
	t.Helper()
	srv := stripetest.NewServer(t)
	cfg := billing.Config{
		SecretKey: stripetest.TestKey, WebhookSecret: stripetest.TestWebhookSecret,
		APIURL: srv.URL(), HTTPClient: srv.Client(), MaxNetworkRetries: -1,
	}
	for _, m := range mods {
		m(&cfg)
	}
	s, err := billing.NewStripe(cfg)
	if err != nil {
		t.Fatalf("NewStripe: %v", err)
	}
	return s, srv
}

// only returns the single request the fake received, failing otherwise.
func only(t *testing.T, srv *stripetest.Server) stripetest.Request {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("fake got %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}
