package stripetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// APIVersion is the Stripe API version of events that SignedEvent builds
// by default, the one stripe-go v76 expects.
const APIVersion = stripe.APIVersion

// EventOption adjusts an event that SignedEvent builds.
type EventOption func(*eventOptions)

// eventOptions are the settable parts of a built event.
type eventOptions struct {
	id         string
	at         time.Time
	apiVersion string
}

// WithEventID sets the event's id (default a random evt_…).
func WithEventID(id string) EventOption { return func(o *eventOptions) { o.id = id } }

// WithTimestamp sets when the delivery was signed (default now); a time
// more than the tolerance ago makes a too-old delivery.
func WithTimestamp(t time.Time) EventOption { return func(o *eventOptions) { o.at = t } }

// WithAPIVersion sets the event's api_version (default APIVersion).
func WithAPIVersion(v string) EventOption { return func(o *eventOptions) { o.apiVersion = v } }

// SignedEvent builds a webhook delivery of an event of eventType whose
// data.object is object (a checkout session, see CheckoutSession and
// Server.PaySession), signed with secret. It returns the body and the
// Stripe-Signature header value.
func SignedEvent(tb testing.TB, secret, eventType string, object map[string]any, opts ...EventOption) (payload []byte, header string) {
	tb.Helper()
	o := eventOptions{id: "evt_test_" + randomID(24), at: time.Now(), apiVersion: APIVersion}
	for _, opt := range opts {
		opt(&o)
	}
	payload, err := json.Marshal(map[string]any{
		"id": o.id, "object": "event", "api_version": o.apiVersion, "created": o.at.Unix(),
		"data": map[string]any{"object": object}, "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": nil, "idempotency_key": nil}, "type": eventType,
	})
	if err != nil {
		tb.Fatalf("stripetest: marshal event: %v", err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: o.at})
	return payload, signed.Header
}

// CheckoutSession returns a minimal checkout session object for
// SignedEvent: its id, payment status ("paid", "unpaid") and customer (""
// for none).
func CheckoutSession(id, paymentStatus, customer string) map[string]any {
	return map[string]any{
		"id": id, "object": "checkout.session", "mode": "payment", "livemode": false,
		"status": "complete", "payment_status": paymentStatus, "customer": orNil(customer),
	}
}
