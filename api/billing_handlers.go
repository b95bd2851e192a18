package api

import (
	"net/http"

	"github.com/clara-backend/clara/core"
)

// The messages of the Stripe endpoints (contract §5, rows 20–22).
const (
	msgRateFetched = "Credits rate fetched successfully. Upper limit and lower limit are in fiat. " +
		"Rate is in credits per dollar. Any amount beyond the limits will not be credited."
	msgPortalCreated   = "Customer portal session created successfully."
	msgCheckoutCreated = "Checkout session created successfully."
)

// creditRate answers GET /api/v1/stripe/rate (general auth): 200 with the
// price list of credits, a list of tiers.
func (s *server) creditRate(w http.ResponseWriter, r *http.Request) {
	tiers, err := s.svc.CreditRates(r.Context(), principal(r))
	reply(w, r, err, http.StatusOK, tiers, msgRateFetched)
}

// billingPortal answers POST /api/v1/stripe/portal (general auth): 201 with
// {url}, a Stripe Billing Portal session of the user. It takes no body; one
// that is sent anyway is ignored.
func (s *server) billingPortal(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.BillingPortal(r.Context(), principal(r))
	reply(w, r, err, http.StatusCreated, out, msgPortalCreated)
}

// buyRequest is the body of Buy. Amount is whole US dollars: a fraction or
// a string is refused when decoding.
type buyRequest struct {
	Amount     int64  `json:"amount"`
	ReturnPath string `json:"return_path"`
}

// buyCredits answers POST /api/v1/stripe/buy (general auth): 201 with the
// opened Stripe Checkout page and what it sells. The credits arrive with
// the webhook, once Stripe reports the payment.
func (s *server) buyCredits(w http.ResponseWriter, r *http.Request) {
	var req buyRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	out, err := s.svc.BuyCredits(r.Context(), principal(r), core.BuyInput{Amount: req.Amount, ReturnPath: req.ReturnPath})
	reply(w, r, err, http.StatusCreated, out, msgCheckoutCreated)
}
