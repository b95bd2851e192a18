package stripetest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// createSession answers POST /v1/checkout/sessions; s.mu is held. It
// checks the parameters Stripe would refuse for a payment-mode session.
func (s *Server) createSession(f url.Values) (int, []byte) {
	if f.Get("mode") == "" {
		return missing("mode")
	}
	if f.Get("success_url") == "" {
		return missing("success_url")
	}
	if f.Get("line_items[0][quantity]") == "" {
		return missing("line_items[0][quantity]")
	}
	amount, err := strconv.ParseInt(f.Get("line_items[0][price_data][unit_amount]"), 10, 64)
	if err != nil || amount < 0 {
		return invalid("line_items[0][price_data][unit_amount]", "must be a non-negative integer")
	}
	qty, err := strconv.ParseInt(f.Get("line_items[0][quantity]"), 10, 64)
	if err != nil || qty < 1 {
		return invalid("line_items[0][quantity]", "must be a positive integer")
	}
	for _, other := range []string{"customer_creation", "customer_email"} {
		if f.Get("customer") != "" && f.Get(other) != "" {
			return http.StatusBadRequest, stripeError("invalid_request_error", "parameter_unknown",
				"You may only specify one of these parameters: customer, "+other+".")
		}
	}
	id := "cs_test_" + randomID(58)
	now := time.Now().Unix()
	sess := map[string]any{
		"id": id, "object": "checkout.session", "livemode": false,
		"mode": f.Get("mode"), "status": "open", "payment_status": "unpaid",
		"amount_subtotal": amount * qty, "amount_total": amount * qty,
		"currency":            orNil(f.Get("line_items[0][price_data][currency]")),
		"client_reference_id": orNil(f.Get("client_reference_id")),
		"customer":            orNil(f.Get("customer")),
		"customer_creation":   orNil(f.Get("customer_creation")),
		"customer_email":      orNil(f.Get("customer_email")),
		"metadata":            nested(f, "metadata"),
		"success_url":         f.Get("success_url"),
		"cancel_url":          orNil(f.Get("cancel_url")),
		"payment_intent":      nil,
		"created":             now, "expires_at": now + 24*60*60,
		"url": "https://checkout.stripe.com/c/pay/" + id + "#" + randomID(24),
	}
	s.sessions[id] = sess
	return http.StatusOK, mustJSON(sess)
}

// getSession answers GET /v1/checkout/sessions/{id}; s.mu is held.
func (s *Server) getSession(id string) (int, []byte) {
	sess, ok := s.sessions[id]
	if !ok {
		return http.StatusNotFound, stripeError("invalid_request_error", "resource_missing",
			fmt.Sprintf("No such checkout.session: '%s'", id))
	}
	return http.StatusOK, mustJSON(sess)
}

// createPortal answers POST /v1/billing_portal/sessions; s.mu is held.
func (s *Server) createPortal(f url.Values) (int, []byte) {
	if f.Get("customer") == "" {
		return missing("customer")
	}
	id := "bps_" + randomID(24)
	return http.StatusOK, mustJSON(map[string]any{
		"id": id, "object": "billing_portal.session", "livemode": false,
		"customer": f.Get("customer"), "return_url": orNil(f.Get("return_url")),
		"configuration": "bpc_" + randomID(24), "created": time.Now().Unix(),
		"url": "https://billing.stripe.com/p/session/test_" + randomID(40),
	})
}

// createCustomer answers POST /v1/customers; s.mu is held.
func (s *Server) createCustomer(f url.Values) (int, []byte) {
	return http.StatusOK, mustJSON(s.newCustomer(f.Get("email"), nested(f, "metadata")))
}

// newCustomer makes a customer object; s.mu is held.
func (s *Server) newCustomer(email string, meta map[string]string) map[string]any {
	return map[string]any{
		"id": "cus_" + randomID(14), "object": "customer", "livemode": false,
		"email": orNil(email), "metadata": meta, "created": time.Now().Unix(),
	}
}

// Session returns a copy of the checkout session id made through the
// fake, as Stripe would return it.
func (s *Server) Session(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	return cloneJSON(sess), ok
}

// PaySession marks checkout session id as completed with paymentStatus
// ("paid", "unpaid" for a delayed payment method), gives it a customer
// when it had none, and returns a copy for SignedEvent. It returns false
// for an unknown id.
func (s *Server) PaySession(id, paymentStatus string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return nil, false
	}
	sess["status"] = "complete"
	sess["payment_status"] = paymentStatus
	sess["payment_intent"] = "pi_" + randomID(24)
	sess["url"] = nil
	if sess["customer"] == nil {
		email, _ := sess["customer_email"].(string)
		sess["customer"] = s.newCustomer(email, nil)["id"]
	}
	return cloneJSON(sess), true
}

// missing is Stripe's answer to a missing required parameter.
func missing(param string) (int, []byte) {
	return http.StatusBadRequest, stripeError("invalid_request_error", "parameter_missing",
		"Missing required param: "+param+".")
}

// invalid is Stripe's answer to a bad parameter value.
func invalid(param, problem string) (int, []byte) {
	return http.StatusBadRequest, stripeError("invalid_request_error", "parameter_invalid_integer",
		"Invalid "+param+": "+problem+".")
}

// nested collects the form fields name[key] into a map.
func nested(f url.Values, name string) map[string]string {
	out := map[string]string{}
	for k := range f {
		inner, ok := strings.CutPrefix(k, name+"[")
		if key, ok2 := strings.CutSuffix(inner, "]"); ok && ok2 && !strings.Contains(key, "[") {
			out[key] = f.Get(k)
		}
	}
	return out
}

// orNil is v, or JSON null when v is empty.
func orNil(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// cloneJSON deep-copies a JSON-shaped map.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal(mustJSON(m), &out); err != nil {
		panic(fmt.Sprintf("stripetest: copy: %v", err))
	}
	return out
}

// randomID returns n random letters and digits, as in Stripe's ids.
func randomID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
