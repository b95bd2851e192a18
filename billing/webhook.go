package billing

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/clara-backend/clara/core"
)

// eventKinds maps the Stripe event types Clara acts on to their kinds.
var eventKinds = map[stripe.EventType]core.PaymentEventKind{
	stripe.EventTypeCheckoutSessionCompleted:             core.EventCheckoutCompleted,
	stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded: core.EventPaymentSucceeded,
	stripe.EventTypeCheckoutSessionAsyncPaymentFailed:    core.EventPaymentFailed,
}

// ParseEvent verifies a webhook delivery against its Stripe-Signature
// header and decodes it. A bad signature, a timestamp older than the
// tolerance, an API version other than 2023-10-16 or a malformed body is
// an error. Checkout events carry the session's id, customer and whether it
// is paid; other event types come back as core.EventOther.
func (s *Stripe) ParseEvent(payload []byte, signature string) (core.PaymentEvent, error) {
	ev, err := s.construct(payload, signature)
	if err != nil {
		return core.PaymentEvent{}, fmt.Errorf("stripe webhook: %w", err)
	}
	if ev.ID == "" {
		return core.PaymentEvent{}, errors.New("stripe webhook: event has no id")
	}
	out := core.PaymentEvent{ID: ev.ID, Type: string(ev.Type), Kind: core.EventOther}
	kind, ok := eventKinds[ev.Type]
	if !ok {
		return out, nil
	}
	if ev.Data == nil || len(ev.Data.Raw) == 0 {
		return core.PaymentEvent{}, fmt.Errorf("stripe webhook: event %s has no data object", ev.ID)
	}
	var sess stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &sess); err != nil {
		return core.PaymentEvent{}, fmt.Errorf("stripe webhook: decode checkout session of event %s: %w", ev.ID, err)
	}
	if sess.ID == "" || (sess.Object != "" && sess.Object != "checkout.session") {
		return core.PaymentEvent{}, fmt.Errorf("stripe webhook: event %s carries no checkout session", ev.ID)
	}
	out.Kind = kind
	out.SessionID = sess.ID
	out.Paid = sess.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid
	if sess.Customer != nil {
		out.CustomerID = sess.Customer.ID
	}
	return out, nil
}

// construct has stripe-go verify and decode the event. stripe-go checks
// the tolerance against time.Now only; with a clock of our own, the
// timestamp is checked here and stripe-go's check is skipped. The API
// version check always stays on.
func (s *Stripe) construct(payload []byte, signature string) (stripe.Event, error) {
	opts := webhook.ConstructEventOptions{Tolerance: s.tolerance}
	if s.now != nil {
		at, err := signedAt(signature)
		if err != nil {
			return stripe.Event{}, err
		}
		if s.now().Sub(at) > s.tolerance {
			return stripe.Event{}, webhook.ErrTooOld
		}
		opts.IgnoreTolerance = true
	}
	return webhook.ConstructEventWithOptions(payload, signature, s.webhookSecret, opts)
}

// signedAt returns the timestamp of a Stripe-Signature header
// ("t=…,v1=…"), read as stripe-go reads it: the last t wins.
func signedAt(header string) (time.Time, error) {
	if header == "" {
		return time.Time{}, webhook.ErrNotSigned
	}
	var at time.Time
	for _, pair := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.Contains(v, "=") {
			return time.Time{}, webhook.ErrInvalidHeader
		}
		if k == "t" {
			sec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, webhook.ErrInvalidHeader
			}
			at = time.Unix(sec, 0)
		}
	}
	if at.IsZero() {
		return time.Time{}, webhook.ErrInvalidHeader
	}
	return at, nil
}
