package core

import "context"

// Payments is the port to the payment provider (package billing: Stripe).
type Payments interface {
	// Checkout opens a hosted checkout page for one purchase.
	Checkout(ctx context.Context, req CheckoutRequest) (Checkout, error)
	// Portal opens a billing portal session of customerID that returns to
	// returnURL, and returns its URL.
	Portal(ctx context.Context, customerID, returnURL string) (string, error)
	// CreateCustomer makes a customer for the user and returns its id.
	CreateCustomer(ctx context.Context, email, userID string) (string, error)
	// ParseEvent verifies a webhook delivery's signature and decodes it. A
	// bad or stale signature is an error.
	ParseEvent(payload []byte, signature string) (PaymentEvent, error)
}

// CheckoutRequest is what a checkout page sells.
type CheckoutRequest struct {
	PurchaseID string // ours, also the idempotency key of the request
	UserID     string
	Email      string
	CustomerID string // the user's customer, "" to have one created
	Amount     Cents
	Credits    int64
	SuccessURL string
	CancelURL  string
}

// Checkout is an opened checkout page.
type Checkout struct {
	SessionID string
	URL       string
}

// PaymentEventKind is what a payment event means to Clara.
type PaymentEventKind int

// The payment events Clara acts on; others are acknowledged and ignored.
const (
	EventOther             PaymentEventKind = iota
	EventCheckoutCompleted                  // a checkout finished; paid or not yet
	EventPaymentSucceeded                   // a delayed payment of a checkout succeeded
	EventPaymentFailed                      // a delayed payment of a checkout failed
)

// PaymentEvent is a verified webhook event.
type PaymentEvent struct {
	ID         string
	Type       string // the provider's name for it
	Kind       PaymentEventKind
	SessionID  string
	Paid       bool   // the checkout's payment status is paid
	CustomerID string // the checkout's customer, "" when none
}
