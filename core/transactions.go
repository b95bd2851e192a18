package core

import (
	"context"
	"fmt"
)

// Page bounds of list endpoints.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// checkPage records a problem unless limit is 1 to 100 and offset is not
// negative.
func (f *fields) checkPage(limit, offset int) {
	if limit < 1 || limit > MaxLimit {
		f.add("limit", "must be a whole number from 1 to 100")
	}
	if offset < 0 {
		f.add("offset", "must be a whole number of 0 or more")
	}
}

// ListTransactions returns the user's transactions, newest first.
func (s *Service) ListTransactions(ctx context.Context, p Principal, userID string, limit, offset int) ([]Transaction, error) {
	return listPage(ctx, s, p, CapListTransactions, userID, limit, offset, s.store.Transactions, LedgerEntry.Transaction)
}

// listPage is a list endpoint, capability c: the caller's own rows (load),
// a page of them, each shown by view.
func listPage[R, T any](ctx context.Context, s *Service, p Principal, c Capability, userID string, limit, offset int,
	load func(ctx context.Context, userID string, limit, offset int) ([]R, error), view func(R) T) ([]T, error) {
	if err := s.authorize(p, c, userID); err != nil {
		return nil, err
	}
	var f fields
	f.checkPage(limit, offset)
	if err := f.err(); err != nil {
		return nil, err
	}
	rows, err := load(ctx, p.user.ID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = view(r)
	}
	return out, nil
}

// ViewTransaction returns one of the user's transactions; another user's
// is a 403.
func (s *Service) ViewTransaction(ctx context.Context, p Principal, userID, transactionID string) (Transaction, error) {
	if err := s.authorize(p, CapViewTransaction, userID); err != nil {
		return Transaction{}, err
	}
	e, err := s.store.TransactionByID(ctx, transactionID)
	if err != nil {
		if ErrorCode(err) == CodeNotFound {
			return Transaction{}, ErrNotFound("Transaction")
		}
		return Transaction{}, fmt.Errorf("load transaction: %w", err)
	}
	if e.UserID != p.user.ID {
		return Transaction{}, ErrForbidden()
	}
	return e.Transaction(), nil
}

// GrantInput is an operator's gift of credits.
type GrantInput struct {
	Email   string
	Credits int64
	Reason  string // shown to the user as the transaction's description
	Key     string // the idempotency key: a repeated grant with one key adds nothing
}

// GrantCredits adds credits to a user's balance as a CREDIT transaction,
// for operators (the command line; no caller credentials). It reports
// whether the grant was applied (false: one with the same key was).
func (s *Service) GrantCredits(ctx context.Context, in GrantInput) (Transaction, bool, error) {
	var f fields
	if in.Credits <= 0 {
		f.add("credits", "must be a whole number above 0")
	}
	if in.Reason == "" {
		f.add("reason", "is required: it is the description the user sees")
	}
	if in.Key == "" {
		f.add("key", "is required")
	}
	if err := f.err(); err != nil {
		return Transaction{}, false, err
	}
	u, err := s.userByEmail(ctx, in.Email)
	if err != nil {
		return Transaction{}, false, err
	}
	e, applied, err := s.store.PostLedger(ctx, LedgerEntry{
		ID: NewID(PrefixTransaction), UserID: u.ID, Kind: LedgerGrant, DAvailable: in.Credits,
		Description: in.Reason, IdemKey: "grant:" + in.Key, RefType: "operator", CreatedAt: s.now(),
	})
	if err != nil {
		return Transaction{}, false, fmt.Errorf("grant credits: %w", err)
	}
	return e.Transaction(), applied, nil
}

// Reconcile checks the books: it lists every user whose balances differ
// from the sums of the ledger. None means every credit is accounted for.
func (s *Service) Reconcile(ctx context.Context) ([]Imbalance, error) {
	out, err := s.store.Imbalances(ctx)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	return out, nil
}
