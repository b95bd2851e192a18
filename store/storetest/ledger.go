package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newAccount stores a new user as the core creates one: no credits,
// nothing held, no Stripe customer. It returns the user.
func newAccount(t *testing.T, db store.DB) core.User {
	t.Helper()
	u := newUser()
	u.Credits, u.Held, u.StripeCustomerID = 0, 0, ""
	if err := db.CreateUser(t.Context(), u, core.NewID(core.PrefixAPIKey)); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// entry returns a ledger entry of the user with a fresh id, made at t0
// (not UTC, with nanoseconds, to see the stores' normalisation).
func entry(userID string, kind core.LedgerKind, dAvailable, dHeld int64, key string) core.LedgerEntry {
	return core.LedgerEntry{
		ID: core.NewID(core.PrefixTransaction), UserID: userID, Kind: kind,
		DAvailable: dAvailable, DHeld: dHeld, Description: fmt.Sprintf("%s %d/%d", kind, dAvailable, dHeld),
		IdemKey: key, RefType: "test", RefID: key, CreatedAt: t0,
	}
}

// post posts e through q and fails t on an error.
func post(t *testing.T, q core.Queries, e core.LedgerEntry) (core.LedgerEntry, bool) {
	t.Helper()
	got, applied, err := q.PostLedger(t.Context(), e)
	if err != nil {
		t.Fatalf("PostLedger(%s %d/%d, key %q): %v", e.Kind, e.DAvailable, e.DHeld, e.IdemKey, err)
	}
	return got, applied
}

// postApplied posts e, requires it to apply, and returns it as stored.
func postApplied(t *testing.T, q core.Queries, e core.LedgerEntry) core.LedgerEntry {
	t.Helper()
	got, applied := post(t, q, e)
	if !applied {
		t.Fatalf("PostLedger(key %q): applied false, want true (got entry %s)", e.IdemKey, got.ID)
	}
	requireEntry(t, "PostLedger", got, e)
	return got
}

// requireEntry checks that got is want as stored: every field equal, the
// time in UTC, to the microsecond.
func requireEntry(t *testing.T, what string, got, want core.LedgerEntry) {
	t.Helper()
	requireTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n\t%+v\nwant\n\t%+v", what, got, want)
	}
}

// requireBalances checks the user's balances, through Balances and
// UserByID on q.
func requireBalances(t *testing.T, q core.Queries, userID string, available, held int64) {
	t.Helper()
	a, h, err := q.Balances(t.Context(), userID)
	if err != nil {
		t.Fatalf("Balances: %v", err)
	}
	if a != available || h != held {
		t.Errorf("Balances = %d available, %d held; want %d, %d", a, h, available, held)
	}
	u, err := q.UserByID(t.Context(), userID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if int64(u.Credits) != available || u.Held != held {
		t.Errorf("UserByID: Credits %d, Held %d; want %d, %d", u.Credits, u.Held, available, held)
	}
}

// requireBooksAgree checks that Imbalances finds none.
func requireBooksAgree(t *testing.T, db store.DB) {
	t.Helper()
	got, err := db.Imbalances(t.Context())
	if err != nil {
		t.Fatalf("Imbalances: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("Imbalances = %+v, want none", got)
	}
}

// requireNoEntry checks that the user has no entry with that key.
func requireNoEntry(t *testing.T, q core.Queries, userID, key string) {
	t.Helper()
	_, err := q.LedgerEntryByKey(t.Context(), userID, key)
	requireCode(t, "LedgerEntryByKey("+key+")", err, core.CodeNotFound, "Transaction")
}

// testLedgerPostCreditDebit posts credits and a debit: each comes back as
// stored, moves the balance, and can be found by key and by id.
func testLedgerPostCreditDebit(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	grant := postApplied(t, db, entry(u.ID, core.LedgerGrant, 100, 0, "grant:1"))
	requireBalances(t, db, u.ID, 100, 0)
	buy := entry(u.ID, core.LedgerPurchase, 50, 0, "stripe:cs_1")
	buy.Fiat, buy.RefType, buy.RefID = 50, "purchase", core.NewID(core.PrefixPurchase)
	postApplied(t, db, buy)
	requireBalances(t, db, u.ID, 150, 0)
	debit := postApplied(t, db, entry(u.ID, core.LedgerAdjust, -30, 0, "adjust:1"))
	requireBalances(t, db, u.ID, 120, 0)

	got, err := db.LedgerEntryByKey(ctx, u.ID, debit.IdemKey)
	if err != nil {
		t.Fatalf("LedgerEntryByKey: %v", err)
	}
	requireEntry(t, "LedgerEntryByKey", got, debit)
	if got, err = db.TransactionByID(ctx, grant.ID); err != nil {
		t.Fatalf("TransactionByID: %v", err)
	}
	requireEntry(t, "TransactionByID", got, grant)
	requireBooksAgree(t, db)
}

// testLedgerDuplicate posts a credit and a debit twice under their keys,
// the second time with another id and amount: nothing changes, and the
// earlier entry comes back with applied false.
func testLedgerDuplicate(t *testing.T, db store.DB) {
	u := newAccount(t, db)
	credit := postApplied(t, db, entry(u.ID, core.LedgerGrant, 100, 0, "k-credit"))
	debit := postApplied(t, db, entry(u.ID, core.LedgerAdjust, -40, 0, "k-debit"))
	for _, first := range []core.LedgerEntry{credit, debit} {
		again := entry(u.ID, core.LedgerGrant, 999, 0, first.IdemKey)
		got, applied := post(t, db, again)
		if applied {
			t.Errorf("PostLedger(%s again): applied true, want false", first.IdemKey)
		}
		requireEntry(t, "PostLedger("+first.IdemKey+" again)", got, first)
		requireBalances(t, db, u.ID, 60, 0)
	}
	list, err := db.Transactions(t.Context(), u.ID, 10, 0)
	if err != nil {
		t.Fatalf("Transactions: %v", err)
	}
	if len(list) != 2 {
		t.Errorf("Transactions: %d entries, want 2", len(list))
	}
	requireBooksAgree(t, db)
}

// testLedgerKeyPerUser checks that idempotency keys are per user: another
// user's entry with the same key applies, and re-posting a key, or looking
// it up, finds the poster's own entry, never another user's.
func testLedgerKeyPerUser(t *testing.T, db store.DB) {
	ctx := t.Context()
	a, b, c := newAccount(t, db), newAccount(t, db), newAccount(t, db)
	first := postApplied(t, db, entry(a.ID, core.LedgerGrant, 10, 0, "same-key"))
	second := postApplied(t, db, entry(b.ID, core.LedgerGrant, 20, 0, "same-key"))
	requireBalances(t, db, a.ID, 10, 0)
	requireBalances(t, db, b.ID, 20, 0)

	// Each user re-posting the key gets back their own entry, unapplied.
	for _, own := range []core.LedgerEntry{second, first} {
		got, applied := post(t, db, entry(own.UserID, core.LedgerGrant, 999, 0, "same-key"))
		if applied {
			t.Errorf("PostLedger(same-key again, user %s): applied true, want false", own.UserID)
		}
		requireEntry(t, "PostLedger(same-key again, user "+own.UserID+")", got, own)
		got, err := db.LedgerEntryByKey(ctx, own.UserID, "same-key")
		if err != nil {
			t.Fatalf("LedgerEntryByKey(%s, same-key): %v", own.UserID, err)
		}
		requireEntry(t, "LedgerEntryByKey("+own.UserID+", same-key)", got, own)
	}
	// The same again inside a transaction, where SQLite looks the key up
	// under the caller's write lock.
	err := db.InTx(ctx, func(q core.Queries) error {
		got, applied := post(t, q, entry(b.ID, core.LedgerAdjust, -5, 0, "same-key"))
		if applied {
			t.Error("PostLedger(same-key again in a transaction): applied true, want false")
		}
		requireEntry(t, "PostLedger(same-key again in a transaction)", got, second)
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	// A user who never posted the key has no entry under it, and posting it
	// applies to that user.
	requireNoEntry(t, db, c.ID, "same-key")
	postApplied(t, db, entry(c.ID, core.LedgerGrant, 30, 0, "same-key"))
	requireBalances(t, db, a.ID, 10, 0)
	requireBalances(t, db, b.ID, 20, 0)
	requireBalances(t, db, c.ID, 30, 0)
	requireBooksAgree(t, db)
}

// testLedgerInsufficient checks that an entry that would make a balance
// negative is refused with CodeInsufficientCredits and writes nothing, so
// that its key stays free.
func testLedgerInsufficient(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	postApplied(t, db, entry(u.ID, core.LedgerGrant, 50, 0, "grant"))
	refused := []core.LedgerEntry{
		entry(u.ID, core.LedgerAdjust, -51, 0, "too-much"),   // available −1
		entry(u.ID, core.LedgerHold, -51, 51, "hold-big"),    // available −1
		entry(u.ID, core.LedgerCapture, 0, -1, "capture"),    // held −1
		entry(u.ID, core.LedgerRelease, 1, -1, "release"),    // held −1
		entry(u.ID, core.LedgerAdjust, -1000, 0, "way-over"), // far below
	}
	for _, e := range refused {
		got, applied, err := db.PostLedger(ctx, e)
		requireCode(t, fmt.Sprintf("PostLedger(%s %d/%d)", e.Kind, e.DAvailable, e.DHeld), err, core.CodeInsufficientCredits)
		if applied || got.ID != "" {
			t.Errorf("PostLedger(%s): %+v, applied %v; want a zero entry, false", e.IdemKey, got, applied)
		}
		requireNoEntry(t, db, u.ID, e.IdemKey)
		requireBalances(t, db, u.ID, 50, 0)
	}
	// The refused key is free: the same posting within the balance applies.
	postApplied(t, db, entry(u.ID, core.LedgerAdjust, -50, 0, "too-much"))
	requireBalances(t, db, u.ID, 0, 0)
	list, err := db.Transactions(ctx, u.ID, 10, 0)
	if err != nil {
		t.Fatalf("Transactions: %v", err)
	}
	if len(list) != 2 {
		t.Errorf("Transactions: %d entries, want 2", len(list))
	}
	requireBooksAgree(t, db)
}

// testLedgerMissing checks the ledger's lookups of what does not exist.
func testLedgerMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	const nobody = "user_00000000000000000000000000000000"
	_, applied, err := db.PostLedger(ctx, entry(nobody, core.LedgerGrant, 10, 0, "k"))
	requireCode(t, "PostLedger(unknown user)", err, core.CodeNotFound, "User")
	if applied {
		t.Error("PostLedger(unknown user): applied true")
	}
	_, _, err = db.Balances(ctx, nobody)
	requireCode(t, "Balances(unknown user)", err, core.CodeNotFound, "User")
	requireNoEntry(t, db, u.ID, "k")
	_, err = db.TransactionByID(ctx, core.NewID(core.PrefixTransaction))
	requireCode(t, "TransactionByID(unknown)", err, core.CodeNotFound, "Transaction")
	list, err := db.Transactions(ctx, u.ID, 10, 0)
	if err != nil || len(list) != 0 {
		t.Errorf("Transactions(no entries) = %v, %v; want none, nil", list, err)
	}
	requireBalances(t, db, u.ID, 0, 0)
}
