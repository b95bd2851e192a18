package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// ledger builds the tools that read the credit ledger.
type ledger struct {
	svc *core.Service
}

// listTransactionsIn is the input of list_transactions. Limit and offset
// are pointers so that an explicit 0 reaches the core (a 400 for limit)
// rather than taking the default.
type listTransactionsIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Limit  *int   `json:"limit,omitempty" jsonschema:"how many transactions to return, 1 to 100; default 20"`
	Offset *int   `json:"offset,omitempty" jsonschema:"how many of the newest transactions to skip, for the next page; default 0"`
}

// listTransactionsTool is the twin of GET /users/{user_id}/transactions.
func (l ledger) listTransactionsTool() Tool[listTransactionsIn, List[core.Transaction]] {
	return Tool[listTransactionsIn, List[core.Transaction]]{
		Name:  "list_transactions",
		Title: "List credit transactions",
		Description: "Returns the caller's credit transactions, newest first: CREDIT for credits added (purchases, " +
			"grants), DEBIT for credits spent on analyses, each with its amount in credits, the US dollars paid " +
			"(0 when no money moved) and a description. Pages with limit (1 to 100, default 20) and offset " +
			"(default 0): ask for the next page with offset increased by limit until fewer than limit come back. " +
			"Use it to explain a balance or to check that a purchase was credited. Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapListTransactions,
		Handle: func(ctx context.Context, p core.Principal, in listTransactionsIn) (List[core.Transaction], error) {
			limit, offset := core.DefaultLimit, 0
			if in.Limit != nil {
				limit = *in.Limit
			}
			if in.Offset != nil {
				offset = *in.Offset
			}
			list, err := l.svc.ListTransactions(ctx, p, in.UserID, limit, offset)
			return ListOf(list), err
		},
	}
}

// viewTransactionIn is the input of view_transaction.
type viewTransactionIn struct {
	UserID        string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	TransactionID string `json:"transaction_id" jsonschema:"the transaction's id (transaction_…), as list_transactions returns it"`
}

// viewTransactionTool is the twin of GET
// /users/{user_id}/transactions/{transaction_id}.
func (l ledger) viewTransactionTool() Tool[viewTransactionIn, core.Transaction] {
	return Tool[viewTransactionIn, core.Transaction]{
		Name:  "view_transaction",
		Title: "View a credit transaction",
		Description: "Returns one of the caller's credit transactions by its id: its type (CREDIT or DEBIT), credits, " +
			"US dollars paid, description and time. Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapViewTransaction,
		Handle: func(ctx context.Context, p core.Principal, in viewTransactionIn) (core.Transaction, error) {
			tx, err := l.svc.ViewTransaction(ctx, p, in.UserID, in.TransactionID)
			return tx, guide(err, core.CodeNotFound, "No transaction has this id: call list_transactions for the ids.")
		},
	}
}
