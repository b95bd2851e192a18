package billing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/clara-backend/clara/billing"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/core"
)

const secret = stripetest.TestWebhookSecret

func TestParseEventKinds(t *testing.T) {
	s, _ := newStripe(t)
	for _, c := range []struct {
		typ, status string
		kind        core.PaymentEventKind
		paid        bool
	}{
		{"checkout.session.completed", "paid", core.EventCheckoutCompleted, true},
		{"checkout.session.completed", "unpaid", core.EventCheckoutCompleted, false},
		{"checkout.session.async_payment_succeeded", "paid", core.EventPaymentSucceeded, true},
		{"checkout.session.async_payment_failed", "unpaid", core.EventPaymentFailed, false},
	} {
		payload, sig := stripetest.SignedEvent(t, secret, c.typ,
			stripetest.CheckoutSession("cs_test_1", c.status, "cus_1"), stripetest.WithEventID("evt_1"))
		ev, err := s.ParseEvent(payload, sig)
		if err != nil {
			t.Errorf("%s/%s: ParseEvent: %v", c.typ, c.status, err)
			continue
		}
		want := core.PaymentEvent{ID: "evt_1", Type: c.typ, Kind: c.kind, SessionID: "cs_test_1", Paid: c.paid,
			CustomerID: "cus_1"}
		if ev != want {
			t.Errorf("%s/%s: ParseEvent = %+v, want %+v", c.typ, c.status, ev, want)
		}
	}
}

func TestParseEventCustomerShapes(t *testing.T) {
	s, _ := newStripe(t)
	for name, c := range map[string]struct {
		customer any
		want     string
	}{
		"none": {nil, ""}, "id": {"cus_2", "cus_2"}, "expanded": {map[string]any{"id": "cus_3", "object": "customer"}, "cus_3"},
	} {
		obj := stripetest.CheckoutSession("cs_test_1", "paid", "")
		obj["customer"] = c.customer
		payload, sig := stripetest.SignedEvent(t, secret, "checkout.session.completed", obj)
		ev, err := s.ParseEvent(payload, sig)
		if err != nil || ev.CustomerID != c.want {
			t.Errorf("%s: ParseEvent = %+v, %v; want customer %q", name, ev, err, c.want)
		}
	}
}

func TestParseEventOtherTypes(t *testing.T) {
	s, _ := newStripe(t)
	for _, typ := range []string{"checkout.session.expired", "customer.created", "charge.refunded"} {
		payload, sig := stripetest.SignedEvent(t, secret, typ, map[string]any{"id": "x_1", "object": "thing"},
			stripetest.WithEventID("evt_2"))
		ev, err := s.ParseEvent(payload, sig)
		if want := (core.PaymentEvent{ID: "evt_2", Type: typ, Kind: core.EventOther}); err != nil || ev != want {
			t.Errorf("%s: ParseEvent = %+v, %v; want %+v", typ, ev, err, want)
		}
	}
}

func TestParseEventRejects(t *testing.T) {
	s, _ := newStripe(t)
	session := stripetest.CheckoutSession("cs_test_1", "paid", "")
	good, goodSig := stripetest.SignedEvent(t, secret, "checkout.session.completed", session)
	_, otherSig := stripetest.SignedEvent(t, "whsec_other", "checkout.session.completed", session)
	old, oldSig := stripetest.SignedEvent(t, secret, "checkout.session.completed", session,
		stripetest.WithTimestamp(time.Now().Add(-10*time.Minute)))
	v, vSig := stripetest.SignedEvent(t, secret, "checkout.session.completed", session,
		stripetest.WithAPIVersion("2024-04-10"))
	junk := []byte(`{"id": "evt_1", "type": `)
	junkSig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: junk, Secret: secret}).Header
	noSess, noSessSig := stripetest.SignedEvent(t, secret, "checkout.session.completed", map[string]any{"object": "checkout.session"})
	tampered := append([]byte(nil), good...)
	tampered[len(tampered)-2] = ' '
	for name, c := range map[string]struct {
		payload []byte
		sig     string
		is      error
	}{
		"wrong secret":      {good, otherSig, webhook.ErrNoValidSignature},
		"tampered body":     {tampered, goodSig, webhook.ErrNoValidSignature},
		"no signature":      {good, "", webhook.ErrNotSigned},
		"garbage signature": {good, "nonsense", webhook.ErrInvalidHeader},
		"too old":           {old, oldSig, webhook.ErrTooOld},
		"wrong API version": {v, vSig, nil},
		"malformed JSON":    {junk, junkSig, nil},
		"no session id":     {noSess, noSessSig, nil},
	} {
		if _, err := s.ParseEvent(c.payload, c.sig); err == nil {
			t.Errorf("%s: ParseEvent succeeded, want an error", name)
		} else if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: ParseEvent = %v, want %v", name, err, c.is)
		}
	}
}

func TestParseEventClockAndTolerance(t *testing.T) {
	past := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	s, _ := newStripe(t, func(c *billing.Config) {
		c.Now = func() time.Time { return past }
		c.Tolerance = time.Minute
	})
	session := stripetest.CheckoutSession("cs_test_1", "paid", "")
	payload, sig := stripetest.SignedEvent(t, secret, "checkout.session.completed", session,
		stripetest.WithTimestamp(past.Add(-50*time.Second)))
	if _, err := s.ParseEvent(payload, sig); err != nil {
		t.Errorf("event signed 50 s before the clock: %v", err)
	}
	payload, sig = stripetest.SignedEvent(t, secret, "checkout.session.completed", session,
		stripetest.WithTimestamp(past.Add(-70*time.Second)))
	if _, err := s.ParseEvent(payload, sig); !errors.Is(err, webhook.ErrTooOld) {
		t.Errorf("event signed 70 s before the clock = %v, want ErrTooOld", err)
	}
	payload, sig = stripetest.SignedEvent(t, "whsec_other", "checkout.session.completed", session,
		stripetest.WithTimestamp(past))
	if _, err := s.ParseEvent(payload, sig); !errors.Is(err, webhook.ErrNoValidSignature) {
		t.Errorf("event with a bad signature = %v, want ErrNoValidSignature", err)
	}
	if _, err := s.ParseEvent(payload, "v1=abc"); !errors.Is(err, webhook.ErrInvalidHeader) {
		t.Errorf("signature without a timestamp = %v, want ErrInvalidHeader", err)
	}
}
