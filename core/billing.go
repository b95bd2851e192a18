package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MsgBillingOff is the message of the 503 of Buy, Portal and the webhook
// on a server without Stripe.
const MsgBillingOff = "Billing is not configured on this server."

func errBillingOff() *Error {
	return &Error{Code: CodeUnavailable, Message: MsgBillingOff, Err: errors.New("no payment provider configured")}
}

// CreditRates returns the price list of credits.
func (s *Service) CreditRates(ctx context.Context, p Principal) ([]Tier, error) {
	if err := s.authorize(p, CapCreditRate, ""); err != nil {
		return nil, err
	}
	return append([]Tier(nil), s.tiers...), nil
}

// BuyInput is a purchase of credits for whole dollars, with where the
// checkout page sends the buyer back to (a path of the app).
type BuyInput struct {
	Amount     int64
	ReturnPath string
}

// BuyResult is an opened checkout: pay at URL; the credits arrive when
// Stripe reports the payment.
type BuyResult struct {
	ReturnPath     string `json:"return_path" jsonschema:"the app path the checkout page returns to"`
	URL            string `json:"url" jsonschema:"the Stripe Checkout page where the user pays"`
	ValueInCredits int64  `json:"value_in_credits" jsonschema:"the credits this purchase adds once paid"`
	ValueInFiat    int64  `json:"value_in_fiat" jsonschema:"the price in US dollars"`
}

// BuyCredits opens a Stripe Checkout page for amount dollars of credits at
// the price list's rate, and records the purchase as pending. Credits are
// granted only when Stripe reports the payment (HandlePaymentEvent).
func (s *Service) BuyCredits(ctx context.Context, p Principal, in BuyInput) (BuyResult, error) {
	if err := s.authorize(p, CapBuyCredits, ""); err != nil {
		return BuyResult{}, err
	}
	var f fields
	if in.Amount <= 0 {
		f.add("amount", "must be a whole number of US dollars above 0")
	}
	back, ok := s.appURL(in.ReturnPath)
	if !ok {
		f.add("return_path", "must be a path of the app such as /billing, or empty")
	}
	if err := f.err(); err != nil {
		return BuyResult{}, err
	}
	tier, ok := tierFor(s.tiers, in.Amount)
	if !ok {
		return BuyResult{}, ErrNoRate()
	}
	if s.payments == nil {
		return BuyResult{}, errBillingOff()
	}
	purchase := Purchase{
		ID: NewID(PrefixPurchase), UserID: p.user.ID, Amount: Cents(in.Amount * 100),
		Credits: in.Amount * tier.Rate, Status: PurchasePending,
	}
	co, err := s.payments.Checkout(ctx, CheckoutRequest{
		PurchaseID: purchase.ID, UserID: p.user.ID, Email: p.user.Email, CustomerID: p.user.StripeCustomerID,
		Amount: purchase.Amount, Credits: purchase.Credits, SuccessURL: back, CancelURL: back,
	})
	if err != nil {
		return BuyResult{}, ErrUnavailable(fmt.Errorf("open checkout: %w", err))
	}
	purchase.SessionID = co.SessionID
	purchase.CreatedAt = s.now()
	purchase.UpdatedAt = purchase.CreatedAt
	if err := s.store.CreatePurchase(ctx, purchase); err != nil {
		return BuyResult{}, fmt.Errorf("record purchase: %w", err)
	}
	return BuyResult{ReturnPath: in.ReturnPath, URL: co.URL, ValueInCredits: purchase.Credits, ValueInFiat: in.Amount}, nil
}

// appURL returns the app's URL with path appended, or false when path is
// not a plain path of the app (no scheme, host, or "//" that would lead
// elsewhere).
func (s *Service) appURL(path string) (string, bool) {
	if path == "" {
		return s.app, true
	}
	u, err := url.Parse(path)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(path, "/") ||
		strings.HasPrefix(path, "//") || strings.ContainsAny(path, "\\\r\n\t ") {
		return "", false
	}
	return s.app + path, true
}

// PortalResult is an opened billing portal.
type PortalResult struct {
	URL string `json:"url" jsonschema:"the Stripe Billing Portal page for the user's payment details and receipts"`
}

// BillingPortal opens the Stripe Billing Portal for the user, creating the
// user's Stripe customer on first need.
func (s *Service) BillingPortal(ctx context.Context, p Principal) (PortalResult, error) {
	if err := s.authorize(p, CapBillingPortal, ""); err != nil {
		return PortalResult{}, err
	}
	if s.payments == nil {
		return PortalResult{}, errBillingOff()
	}
	customer := p.user.StripeCustomerID
	if customer == "" {
		made, err := s.payments.CreateCustomer(ctx, p.user.Email, p.user.ID)
		if err != nil {
			return PortalResult{}, ErrUnavailable(fmt.Errorf("create customer: %w", err))
		}
		// A concurrent first call may have stored its own: use the winner.
		if customer, err = s.store.SetStripeCustomer(ctx, p.user.ID, made); err != nil {
			return PortalResult{}, fmt.Errorf("store customer: %w", err)
		}
	}
	link, err := s.payments.Portal(ctx, customer, s.app)
	if err != nil {
		return PortalResult{}, ErrUnavailable(fmt.Errorf("open portal: %w", err))
	}
	return PortalResult{URL: link}, nil
}

// HandlePaymentEvent applies a webhook delivery of the payment provider:
// it verifies the signature (a bad one is a 400), then, in one transaction,
// skips an event already seen, credits a paid checkout exactly once (ledger
// key stripe:<session id>), or marks a failed one. However often and in
// whatever order events arrive, a paid purchase is credited once. Any error
// leaves the event to the provider's retries.
func (s *Service) HandlePaymentEvent(ctx context.Context, payload []byte, signature string) error {
	if s.payments == nil {
		return errBillingOff()
	}
	ev, err := s.payments.ParseEvent(payload, signature)
	if err != nil {
		e := ErrInvalid(FieldError{Field: "Stripe-Signature", Problem: "does not verify: " + err.Error()})
		e.Err = err
		return e
	}
	return s.store.InTx(ctx, func(q Queries) error {
		fresh, err := q.RecordPaymentEvent(ctx, ev.ID, ev.Type, s.now())
		if err != nil || !fresh {
			return err
		}
		switch {
		case ev.Kind == EventCheckoutCompleted && ev.Paid, ev.Kind == EventPaymentSucceeded:
			return s.fulfil(ctx, q, ev)
		case ev.Kind == EventPaymentFailed:
			_, _, err := q.MovePurchase(ctx, ev.SessionID, []PurchaseStatus{PurchasePending}, PurchaseFailed, s.now())
			if ErrorCode(err) == CodeNotFound {
				return nil
			}
			return err
		}
		return nil
	})
}

// fulfil credits the purchase of a paid checkout, once.
func (s *Service) fulfil(ctx context.Context, q Queries, ev PaymentEvent) error {
	p, moved, err := q.MovePurchase(ctx, ev.SessionID, []PurchaseStatus{PurchasePending, PurchaseFailed}, PurchasePaid, s.now())
	if ErrorCode(err) == CodeNotFound {
		s.log.WarnContext(ctx, "payment event for an unknown checkout", "event", ev.ID, "session", ev.SessionID)
		return nil
	}
	if err != nil || !moved {
		return err
	}
	_, _, err = q.PostLedger(ctx, LedgerEntry{
		ID: NewID(PrefixTransaction), UserID: p.UserID, Kind: LedgerPurchase,
		DAvailable: p.Credits, Fiat: p.Amount,
		Description: fmt.Sprintf("Purchased %d credits for $%s.", p.Credits, p.Amount.Money()),
		IdemKey:     "stripe:" + ev.SessionID, RefType: "purchase", RefID: p.ID, CreatedAt: s.now(),
	})
	if err != nil {
		return fmt.Errorf("credit purchase %s: %w", p.ID, err)
	}
	if ev.CustomerID != "" {
		if _, err := q.SetStripeCustomer(ctx, p.UserID, ev.CustomerID); err != nil {
			return fmt.Errorf("store customer: %w", err)
		}
	}
	return nil
}
