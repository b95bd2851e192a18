package billing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/stripe/stripe-go/v76"

	"github.com/clara-backend/clara/core"
)

// Query strings appended to the success and cancel URLs of a checkout.
// Stripe replaces {CHECKOUT_SESSION_ID} with the session's id, so the
// braces must reach Stripe unescaped.
const (
	successQuery = "checkout=success&session_id={CHECKOUT_SESSION_ID}"
	cancelQuery  = "checkout=cancelled"
)

// Checkout opens a Stripe Checkout Session (mode payment) selling
// req.Credits credits for req.Amount, with one price_data line item in USD.
// The purchase id is the idempotency key, so a repeated call for the same
// purchase returns the same session.
func (s *Stripe) Checkout(ctx context.Context, req core.CheckoutRequest) (core.Checkout, error) {
	if err := checkCheckout(req); err != nil {
		return core.Checkout{}, fmt.Errorf("checkout of purchase %q: %w", req.PurchaseID, err)
	}
	meta := map[string]string{
		"user_id":     req.UserID,
		"purchase_id": req.PurchaseID,
		"credits":     strconv.FormatInt(req.Credits, 10),
	}
	p := &stripe.CheckoutSessionParams{
		Mode: stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:   stripe.String(string(stripe.CurrencyUSD)),
				UnitAmount: stripe.Int64(int64(req.Amount)),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{
					Name: stripe.String(fmt.Sprintf("%d Clara credits", req.Credits)),
				},
			},
			Quantity: stripe.Int64(1),
		}},
		ClientReferenceID: stripe.String(req.UserID),
		Metadata:          meta,
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: maps.Clone(meta)},
		SuccessURL:        stripe.String(withQuery(req.SuccessURL, successQuery)),
		CancelURL:         stripe.String(withQuery(req.CancelURL, cancelQuery)),
	}
	if req.CustomerID != "" {
		p.Customer = stripe.String(req.CustomerID)
	} else {
		p.CustomerCreation = stripe.String(string(stripe.CheckoutSessionCustomerCreationAlways))
		if req.Email != "" {
			p.CustomerEmail = stripe.String(req.Email)
		}
	}
	p.Context = ctx
	p.SetIdempotencyKey("buy:" + req.PurchaseID)
	sess, err := s.api.CheckoutSessions.New(p)
	if err != nil {
		return core.Checkout{}, fmt.Errorf("create stripe checkout session for purchase %s: %w", req.PurchaseID, err)
	}
	if sess.ID == "" || sess.URL == "" {
		return core.Checkout{}, fmt.Errorf("create stripe checkout session for purchase %s: answer lacks id or url",
			req.PurchaseID)
	}
	return core.Checkout{SessionID: sess.ID, URL: sess.URL}, nil
}

// checkCheckout rejects a request Stripe would refuse or that would sell
// nothing.
func checkCheckout(req core.CheckoutRequest) error {
	var errs []error
	if req.PurchaseID == "" {
		errs = append(errs, errors.New("purchase id is empty"))
	}
	if req.UserID == "" {
		errs = append(errs, errors.New("user id is empty"))
	}
	if req.Amount <= 0 {
		errs = append(errs, fmt.Errorf("amount %d cents is not positive", req.Amount))
	}
	if req.Credits <= 0 {
		errs = append(errs, fmt.Errorf("credits %d is not positive", req.Credits))
	}
	if req.SuccessURL == "" || req.CancelURL == "" {
		errs = append(errs, errors.New("success and cancel URLs are required"))
	}
	return errors.Join(errs...)
}

// withQuery appends query to the query string of link, before any
// fragment, with "?" or "&" as needed. It works on the string rather than
// on url.URL so that {CHECKOUT_SESSION_ID} stays unescaped.
func withQuery(link, query string) string {
	base, frag, hasFrag := strings.Cut(link, "#")
	switch {
	case !strings.Contains(base, "?"):
		base += "?"
	case !strings.HasSuffix(base, "?") && !strings.HasSuffix(base, "&"):
		base += "&"
	}
	base += query
	if hasFrag {
		base += "#" + frag
	}
	return base
}
