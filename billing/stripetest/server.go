package stripetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestKey and TestWebhookSecret are a valid-looking secret key and webhook
// signing secret for tests.
const (
	TestKey           = "sk_test_clara0000000000000000"
	TestWebhookSecret = "whsec_clara0000000000000000"
)

// Request is one request the fake received.
type Request struct {
	Method         string
	Path           string
	Form           url.Values  // the form body (POST) or query (GET), parsed
	Header         http.Header // as received, including Authorization
	IdempotencyKey string
	Status         int // the status the fake answered with
}

// Server is a fake Stripe API. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []Request
	sessions map[string]map[string]any // checkout sessions by id
	idem     map[string]stored         // answers by idempotency key
	failN    int
	failCode int
}

// stored is an answer kept for an idempotency key.
type stored struct {
	path   string
	form   string
	status int
	body   []byte
}

// NewServer starts a fake Stripe API that is closed when tb's test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{sessions: map[string]map[string]any{}, idem: map[string]stored{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL of the fake, for billing.Config.APIURL.
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client for the fake, for billing.Config.HTTPClient.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the fake; NewServer's cleanup also does.
func (s *Server) Close() { s.srv.Close() }

// FailNext makes the next n requests fail with status (500, 402, …) and a
// Stripe-shaped error body. Only successful answers are kept for an
// Idempotency-Key, so a retry after a failure gets a fresh attempt.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode = n, status
}

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r
		out[i].Form = cloneValues(r.Form)
		out[i].Header = r.Header.Clone()
	}
	return out
}

// LastRequest returns the latest request to path ("/v1/customers"), if any.
func (s *Server) LastRequest(path string) (Request, bool) {
	reqs := s.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return reqs[i], true
		}
	}
	return Request{}, false
}

// serve authenticates, records and answers one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.answer(w, r, http.StatusBadRequest, stripeError("invalid_request_error", "", "Invalid form body."))
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer sk_test_") && !strings.HasPrefix(auth, "Bearer rk_test_") {
		s.answer(w, r, http.StatusUnauthorized, stripeError("invalid_request_error", "",
			"Invalid API Key provided."))
		return
	}
	s.mu.Lock()
	if s.failN > 0 {
		s.failN--
		code := s.failCode
		s.mu.Unlock()
		s.answer(w, r, code, failure(code))
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key != "" && r.Method == http.MethodPost {
		if old, ok := s.idem[key]; ok {
			s.mu.Unlock()
			if old.path != r.URL.Path || old.form != r.PostForm.Encode() {
				s.answer(w, r, http.StatusBadRequest, stripeError("idempotency_error", "",
					"Keys for idempotent requests can only be used with the same parameters they were first used with."))
				return
			}
			w.Header().Set("Idempotent-Replayed", "true")
			s.answer(w, r, old.status, old.body)
			return
		}
	}
	status, body := s.route(r)
	if key != "" && r.Method == http.MethodPost && status == http.StatusOK {
		s.idem[key] = stored{path: r.URL.Path, form: r.PostForm.Encode(), status: status, body: body}
	}
	s.mu.Unlock()
	s.answer(w, r, status, body)
}

// route answers a request; s.mu is held.
func (s *Server) route(r *http.Request) (int, []byte) {
	const sessions = "/v1/checkout/sessions"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == sessions:
		return s.createSession(r.PostForm)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, sessions+"/"):
		return s.getSession(strings.TrimPrefix(r.URL.Path, sessions+"/"))
	case r.Method == http.MethodPost && r.URL.Path == "/v1/billing_portal/sessions":
		return s.createPortal(r.PostForm)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/customers":
		return s.createCustomer(r.PostForm)
	}
	return http.StatusNotFound, stripeError("invalid_request_error", "",
		fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
}

// answer records the request and writes a JSON answer.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Form: cloneValues(r.Form), Header: r.Header.Clone(),
		IdempotencyKey: r.Header.Get("Idempotency-Key"), Status: status,
	})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_"+randomID(14))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// failure is the error body of an injected failure with status code.
func failure(code int) []byte {
	switch {
	case code == http.StatusPaymentRequired:
		return stripeError("card_error", "card_declined", "Your card was declined.")
	case code >= 500:
		return stripeError("api_error", "", "An unknown error occurred (injected by stripetest).")
	}
	return stripeError("invalid_request_error", "", "Request failed (injected by stripetest).")
}

// stripeError is a Stripe error body.
func stripeError(typ, code, msg string) []byte {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	return mustJSON(map[string]any{"error": e})
}

// mustJSON marshals v, which holds only JSON-safe values.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("stripetest: marshal: %v", err))
	}
	return b
}

// cloneValues copies v deeply.
func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
