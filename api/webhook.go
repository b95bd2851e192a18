package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/clara-backend/clara/core"
)

// msgWebhookProcessed is the message of a handled webhook delivery
// (contract §5, row 23).
const msgWebhookProcessed = "Webhook processed successfully."

// maxWebhookBytes limits a Stripe webhook delivery: Stripe's events are a
// few KiB.
const maxWebhookBytes = 64 << 10

// stripeWebhook answers POST /api/v1/stripe/webhook (no auth: the
// Stripe-Signature header proves the sender). It hands the raw body, never
// decoded here, to the core, which verifies the signature and applies the
// event exactly once: 200 when applied or ignored, 400 for a bad signature,
// 413 for a body over 64 KiB, 503 when billing is off, and 500 for a store
// failure, which Stripe retries.
func (s *server) stripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := readWebhook(w, r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	err = s.svc.HandlePaymentEvent(r.Context(), payload, r.Header.Get("Stripe-Signature"))
	reply(w, r, err, http.StatusOK, nil, msgWebhookProcessed)
}

// readWebhook reads the raw body of a webhook delivery, at most
// maxWebhookBytes of it.
func readWebhook(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxWebhookBytes {
		return nil, core.ErrTooLarge()
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	payload, err := io.ReadAll(http.MaxBytesReader(unwrapTracker(w), r.Body, maxWebhookBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, core.ErrTooLarge()
		}
		return nil, core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "could not be read"})
	}
	return payload, nil
}
