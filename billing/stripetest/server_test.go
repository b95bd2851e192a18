package stripetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/billing/stripetest"
)

// post sends a form to the fake with the test key and returns the status
// and decoded body.
func post(t *testing.T, srv *stripetest.Server, path, key string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+stripetest.TestKey)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return do(t, srv, req)
}

// do sends req and decodes the JSON answer.
func do(t *testing.T, srv *stripetest.Server, req *http.Request) (int, map[string]any) {
	t.Helper()
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("answer %q is not JSON: %v", raw, err)
	}
	return res.StatusCode, body
}

// session is a valid checkout session form.
func session() url.Values {
	return url.Values{
		"mode": {"payment"}, "success_url": {"https://a.example/?s={CHECKOUT_SESSION_ID}"},
		"line_items[0][price_data][currency]": {"usd"}, "line_items[0][price_data][unit_amount]": {"500"},
		"line_items[0][price_data][product_data][name]": {"500 Clara credits"},
		"line_items[0][quantity]":                       {"1"}, "metadata[user_id]": {"usr_1"}, "customer_email": {"a@example.com"},
	}
}

func TestSessionLifecycle(t *testing.T) {
	srv := stripetest.NewServer(t)
	status, body := post(t, srv, "/v1/checkout/sessions", "k1", session())
	id, _ := body["id"].(string)
	if status != 200 || !strings.HasPrefix(id, "cs_test_") || body["amount_total"] != 500.0 ||
		body["payment_status"] != "unpaid" || body["metadata"].(map[string]any)["user_id"] != "usr_1" {
		t.Fatalf("create session = %d %v", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v1/checkout/sessions/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+stripetest.TestKey)
	if status, got := do(t, srv, req); status != 200 || got["id"] != id {
		t.Errorf("get session = %d %v", status, got)
	}
	paid, ok := srv.PaySession(id, "paid")
	if !ok || paid["payment_status"] != "paid" || !strings.HasPrefix(paid["customer"].(string), "cus_") {
		t.Errorf("PaySession = %v, %v", paid, ok)
	}
	if got, _ := srv.Session(id); got["status"] != "complete" {
		t.Errorf("Session after payment = %v", got)
	}
	if _, ok := srv.PaySession("cs_test_nope", "paid"); ok {
		t.Error("PaySession of an unknown session succeeded")
	}
}

func TestIdempotency(t *testing.T) {
	srv := stripetest.NewServer(t)
	_, first := post(t, srv, "/v1/checkout/sessions", "k1", session())
	_, again := post(t, srv, "/v1/checkout/sessions", "k1", session())
	if first["id"] != again["id"] {
		t.Errorf("same key gave sessions %v and %v", first["id"], again["id"])
	}
	changed := session()
	changed.Set("line_items[0][price_data][unit_amount]", "600")
	if status, body := post(t, srv, "/v1/checkout/sessions", "k1", changed); status != 400 ||
		body["error"].(map[string]any)["type"] != "idempotency_error" {
		t.Errorf("same key, other params = %d %v; want 400 idempotency_error", status, body)
	}
}

func TestRefusals(t *testing.T) {
	srv := stripetest.NewServer(t)
	both := session()
	both.Set("customer", "cus_1")
	for name, c := range map[string]struct {
		path   string
		form   url.Values
		status int
	}{
		"customer and email": {"/v1/checkout/sessions", both, 400},
		"no mode":            {"/v1/checkout/sessions", url.Values{"success_url": {"https://a.example"}}, 400},
		"portal without cus": {"/v1/billing_portal/sessions", url.Values{}, 400},
		"unknown route":      {"/v1/prices", url.Values{}, 404},
	} {
		if status, body := post(t, srv, c.path, "", c.form); status != c.status || body["error"] == nil {
			t.Errorf("%s: %d %v, want %d with an error", name, status, body, c.status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/customers", nil)
	req.Header.Set("Authorization", "Bearer sk_live_x")
	if status, _ := do(t, srv, req); status != 401 {
		t.Errorf("live key: %d, want 401", status)
	}
}

func TestFailNext(t *testing.T) {
	srv := stripetest.NewServer(t)
	srv.FailNext(2, 402)
	for i := range 3 {
		status, _ := post(t, srv, "/v1/customers", "c1", url.Values{"email": {"a@example.com"}})
		if want := map[bool]int{true: 402, false: 200}[i < 2]; status != want {
			t.Errorf("request %d: %d, want %d", i, status, want)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[2].Form.Get("email") != "a@example.com" || reqs[2].IdempotencyKey != "c1" {
		t.Errorf("recorded %+v", reqs)
	}
	if last, ok := srv.LastRequest("/v1/customers"); !ok || last.Status != 200 {
		t.Errorf("LastRequest = %+v, %v", last, ok)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := stripetest.NewServer(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { // no t.Fatal off the test goroutine
			req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/customers", strings.NewReader("email=a%40example.com"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+stripetest.TestKey)
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("status %d", res.StatusCode)
			}
			_ = srv.Requests()
		})
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 8 {
		t.Errorf("recorded %d requests, want 8", n)
	}
}
