package billing_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clara-backend/clara/billing"
)

func TestPortal(t *testing.T) {
	s, srv := newStripe(t)
	link, err := s.Portal(context.Background(), "cus_1", "https://app.example")
	if err != nil {
		t.Fatalf("Portal: %v", err)
	}
	if !strings.HasPrefix(link, "https://billing.stripe.com/p/session/test_") {
		t.Errorf("Portal = %q, want a billing portal URL", link)
	}
	r := only(t, srv)
	if r.Path != "/v1/billing_portal/sessions" || r.Form.Get("customer") != "cus_1" ||
		r.Form.Get("return_url") != "https://app.example" || len(r.Form) != 2 {
		t.Errorf("portal request %s %v, want customer and return_url only", r.Path, r.Form)
	}
}

func TestPortalErrors(t *testing.T) {
	s, srv := newStripe(t)
	if _, err := s.Portal(context.Background(), "", "https://app.example"); err == nil {
		t.Error("Portal without a customer succeeded")
	}
	srv.FailNext(1, 500)
	if _, err := s.Portal(context.Background(), "cus_1", "https://app.example"); err == nil {
		t.Error("Portal succeeded although Stripe failed")
	}
}

func TestCreateCustomer(t *testing.T) {
	s, srv := newStripe(t)
	id, err := s.CreateCustomer(context.Background(), "ann@example.com", "usr_1")
	if err != nil {
		t.Fatalf("CreateCustomer: %v", err)
	}
	if !strings.HasPrefix(id, "cus_") {
		t.Errorf("CreateCustomer = %q, want a cus_ id", id)
	}
	r := only(t, srv)
	if r.Path != "/v1/customers" || r.Form.Get("email") != "ann@example.com" ||
		r.Form.Get("metadata[user_id]") != "usr_1" || len(r.Form) != 2 {
		t.Errorf("customer request %s %v, want email and metadata[user_id] only", r.Path, r.Form)
	}
	if r.IdempotencyKey != "customer:usr_1" {
		t.Errorf("Idempotency-Key = %q, want customer:usr_1", r.IdempotencyKey)
	}
	again, err := s.CreateCustomer(context.Background(), "ann@example.com", "usr_1")
	if err != nil || again != id {
		t.Errorf("repeated CreateCustomer = %q, %v; want %q", again, err, id)
	}
}

func TestCreateCustomerErrors(t *testing.T) {
	s, srv := newStripe(t)
	if _, err := s.CreateCustomer(context.Background(), "ann@example.com", ""); err == nil {
		t.Error("CreateCustomer without a user succeeded")
	}
	srv.FailNext(1, 500)
	if _, err := s.CreateCustomer(context.Background(), "ann@example.com", "usr_1"); err == nil {
		t.Error("CreateCustomer succeeded although Stripe failed")
	}
	if _, err := s.CreateCustomer(context.Background(), "ann@example.com", "usr_1"); err != nil {
		t.Errorf("CreateCustomer after a failure: %v", err)
	}
}

func TestRetriesAreConfigured(t *testing.T) {
	s, srv := newStripe(t, func(c *billing.Config) { c.MaxNetworkRetries = 1 })
	srv.FailNext(1, 503) // stripe-go retries a 503, not a POST's 500
	if _, err := s.CreateCustomer(context.Background(), "ann@example.com", "usr_1"); err != nil {
		t.Fatalf("CreateCustomer with one retry: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
		t.Errorf("requests %+v, want two with the same Idempotency-Key", reqs)
	}
}
