package billing

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v76"
)

// Portal opens a Stripe Billing Portal session of customerID that returns
// to returnURL, and returns the session's URL. Stripe refuses it until a
// portal configuration is saved in the Dashboard.
func (s *Stripe) Portal(ctx context.Context, customerID, returnURL string) (string, error) {
	if customerID == "" {
		return "", errors.New("open stripe billing portal: customer id is empty")
	}
	p := &stripe.BillingPortalSessionParams{Customer: stripe.String(customerID)}
	if returnURL != "" {
		p.ReturnURL = stripe.String(returnURL)
	}
	p.Context = ctx
	sess, err := s.api.BillingPortalSessions.New(p)
	if err != nil {
		return "", fmt.Errorf("open stripe billing portal for customer %s: %w", customerID, err)
	}
	if sess.URL == "" {
		return "", fmt.Errorf("open stripe billing portal for customer %s: answer lacks url", customerID)
	}
	return sess.URL, nil
}

// CreateCustomer creates a Stripe customer with email and metadata user_id
// and returns its id. The idempotency key is "customer:" + userID, so calls
// for one user within Stripe's 24-hour key lifetime return the same
// customer (and a call with another email in that time is refused).
func (s *Stripe) CreateCustomer(ctx context.Context, email, userID string) (string, error) {
	if userID == "" {
		return "", errors.New("create stripe customer: user id is empty")
	}
	p := &stripe.CustomerParams{Metadata: map[string]string{"user_id": userID}}
	if email != "" {
		p.Email = stripe.String(email)
	}
	p.Context = ctx
	p.SetIdempotencyKey("customer:" + userID)
	c, err := s.api.Customers.New(p)
	if err != nil {
		return "", fmt.Errorf("create stripe customer for user %s: %w", userID, err)
	}
	if c.ID == "" {
		return "", fmt.Errorf("create stripe customer for user %s: answer lacks id", userID)
	}
	return c.ID, nil
}
