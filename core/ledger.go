package core

import "time"

// LedgerKind is what a credit movement is for.
type LedgerKind string

// The kinds of ledger entries. Holds and releases reserve and free credits
// for an analysis; the others are the transactions a user sees.
const (
	LedgerPurchase LedgerKind = "purchase" // credits bought through Stripe
	LedgerGrant    LedgerKind = "grant"    // credits given by an operator
	LedgerHold     LedgerKind = "hold"     // credits reserved for a task
	LedgerCapture  LedgerKind = "capture"  // held credits charged for a task
	LedgerRelease  LedgerKind = "release"  // held credits given back
	LedgerRefund   LedgerKind = "refund"   // credits given back after a charge
	LedgerAdjust   LedgerKind = "adjust"   // an operator's correction
)

// Visible reports whether entries of kind k are transactions users see.
func (k LedgerKind) Visible() bool { return k != LedgerHold && k != LedgerRelease }

// LedgerEntry is one movement of a user's credits. Entries are never
// changed or removed; a user's available and held balances always equal the
// sums of DAvailable and DHeld over the user's entries. IdemKey is unique
// per user: posting an entry whose key is taken changes nothing.
type LedgerEntry struct {
	ID          string // transaction_…
	UserID      string
	Kind        LedgerKind
	DAvailable  int64 // change of the available credits
	DHeld       int64 // change of the held credits
	Fiat        Cents // money that moved with it (a purchase), else 0
	Description string
	IdemKey     string
	RefType     string // what it is about ("purchase", "task"), "" for nothing
	RefID       string
	CreatedAt   time.Time
}

// Transaction is a ledger entry as users see it. JSON keys are alphabetical.
type Transaction struct {
	CreatedAt      Timestamp `json:"created_at" jsonschema:"when the credits moved (HTTP-date, GMT)"`
	Description    string    `json:"description" jsonschema:"what happened, in words"`
	ID             string    `json:"id" jsonschema:"the transaction id: transaction_ followed by 32 hex characters"`
	Type           string    `json:"type" jsonschema:"CREDIT (credits added) or DEBIT (credits spent)"`
	UpdatedAt      Timestamp `json:"updated_at" jsonschema:"the same as created_at: transactions never change"`
	UserID         string    `json:"user_id" jsonschema:"the owner's user id"`
	ValueInCredits Credits   `json:"value_in_credits" jsonschema:"how many credits moved, always positive; the direction is type"`
	ValueInFiat    Cents     `json:"value_in_fiat" jsonschema:"the US dollars paid, 0 when no money moved"`
}

// The types of transactions.
const (
	TransactionCredit = "CREDIT"
	TransactionDebit  = "DEBIT"
)

// Transaction returns e as users see it: the net change of the user's
// credits (a capture spends what was held) as a CREDIT or a DEBIT.
func (e LedgerEntry) Transaction() Transaction {
	net := e.DAvailable + e.DHeld
	t := Transaction{
		CreatedAt: Timestamp(e.CreatedAt), UpdatedAt: Timestamp(e.CreatedAt), Description: e.Description,
		ID: e.ID, UserID: e.UserID, Type: TransactionCredit, ValueInCredits: Credits(net), ValueInFiat: e.Fiat,
	}
	if net < 0 {
		t.Type, t.ValueInCredits = TransactionDebit, Credits(-net)
	}
	return t
}

// Imbalance is a user whose balances differ from the sums of the ledger.
type Imbalance struct {
	UserID                      string
	Available, Held             int64 // the balances
	LedgerAvailable, LedgerHeld int64 // the sums of the ledger
}

// PurchaseStatus is where a credit purchase stands.
type PurchaseStatus string

// The states of a purchase: pending until Stripe reports the payment, then
// paid (credited) or failed.
const (
	PurchasePending PurchaseStatus = "pending"
	PurchasePaid    PurchaseStatus = "paid"
	PurchaseFailed  PurchaseStatus = "failed"
)

// Purchase is one Stripe Checkout of credits. Its credits come from the
// price list when it is made, never from the client or from Stripe.
type Purchase struct {
	ID        string // purchase_…
	UserID    string
	SessionID string // Stripe's cs_…, unique
	Amount    Cents
	Credits   int64
	Status    PurchaseStatus
	CreatedAt time.Time
	UpdatedAt time.Time
}
