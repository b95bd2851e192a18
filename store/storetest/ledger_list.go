package storetest

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// at returns e made at t0+d.
func at(e core.LedgerEntry, d time.Duration) core.LedgerEntry {
	e.CreatedAt = t0.Add(d)
	return e
}

// testLedgerHoldCaptureRelease reserves credits for two tasks and settles
// each with one settle key: the first settlement applies, a later one of
// the other kind under the same key changes nothing. Holds and releases
// are not transactions users see.
func testLedgerHoldCaptureRelease(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	grant := postApplied(t, db, at(entry(u.ID, core.LedgerGrant, 100, 0, "grant"), 0))

	holdA := postApplied(t, db, at(entry(u.ID, core.LedgerHold, -30, 30, "task:A:hold"), time.Second))
	requireBalances(t, db, u.ID, 70, 30)
	captureA := postApplied(t, db, at(entry(u.ID, core.LedgerCapture, 0, -30, "task:A:settle"), 2*time.Second))
	requireBalances(t, db, u.ID, 70, 0)
	got, applied := post(t, db, at(entry(u.ID, core.LedgerRelease, 30, -30, "task:A:settle"), 3*time.Second))
	if applied {
		t.Error("release after capture under one settle key: applied true, want false")
	}
	requireEntry(t, "release after capture", got, captureA)
	requireBalances(t, db, u.ID, 70, 0)

	postApplied(t, db, at(entry(u.ID, core.LedgerHold, -20, 20, "task:B:hold"), 4*time.Second))
	requireBalances(t, db, u.ID, 50, 20)
	releaseB := postApplied(t, db, at(entry(u.ID, core.LedgerRelease, 20, -20, "task:B:settle"), 5*time.Second))
	requireBalances(t, db, u.ID, 70, 0)
	got, applied = post(t, db, at(entry(u.ID, core.LedgerCapture, 0, -20, "task:B:settle"), 6*time.Second))
	if applied {
		t.Error("capture after release under one settle key: applied true, want false")
	}
	requireEntry(t, "capture after release", got, releaseB)
	requireBalances(t, db, u.ID, 70, 0)

	list, err := db.Transactions(ctx, u.ID, 10, 0)
	if err != nil {
		t.Fatalf("Transactions: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("Transactions = %+v, want the capture and the grant", list)
	}
	requireEntry(t, "Transactions[0]", list[0], captureA)
	requireEntry(t, "Transactions[1]", list[1], grant)
	for _, hidden := range []core.LedgerEntry{holdA, releaseB} {
		_, err := db.TransactionByID(ctx, hidden.ID)
		requireCode(t, "TransactionByID("+string(hidden.Kind)+")", err, core.CodeNotFound, "Transaction")
	}
	if got, err = db.LedgerEntryByKey(ctx, u.ID, "task:A:hold"); err != nil {
		t.Fatalf("LedgerEntryByKey(hold): %v", err)
	}
	requireEntry(t, "LedgerEntryByKey(hold)", got, holdA)
	requireBooksAgree(t, db)
}

// testLedgerListing lists a user's transactions page by page: visible
// kinds only, newest first, ties broken by id (descending), and no other
// user's.
func testLedgerListing(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, other := newAccount(t, db), newAccount(t, db)
	postApplied(t, db, at(entry(other.ID, core.LedgerGrant, 5, 0, "other"), 3*time.Minute))
	var visible []core.LedgerEntry
	for i, s := range []struct {
		kind   core.LedgerKind
		dA, dH int64
		minute int
		shown  bool
	}{
		{core.LedgerGrant, 100, 0, 0, true},
		{core.LedgerPurchase, 10, 0, 1, true},
		{core.LedgerRefund, 3, 0, 1, true},
		{core.LedgerHold, -20, 20, 1, false},
		{core.LedgerCapture, 0, -5, 2, true},
		{core.LedgerRelease, 15, -15, 2, false},
		{core.LedgerAdjust, -4, 0, 3, true},
		{core.LedgerGrant, 1, 0, 3, true},
		{core.LedgerGrant, 2, 0, 3, true},
		{core.LedgerAdjust, 7, 0, 4, true},
		{core.LedgerPurchase, 9, 0, 5, true},
	} {
		e := at(entry(u.ID, s.kind, s.dA, s.dH, "k"+strconv.Itoa(i)), time.Duration(s.minute)*time.Minute)
		e = postApplied(t, db, e)
		if s.shown {
			visible = append(visible, e)
		}
	}
	slices.SortFunc(visible, func(a, b core.LedgerEntry) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	const limit = 4
	var listed []core.LedgerEntry
	for offset := 0; ; offset += limit {
		page, err := db.Transactions(ctx, u.ID, limit, offset)
		if err != nil {
			t.Fatalf("Transactions(%d, %d): %v", limit, offset, err)
		}
		if want := min(limit, max(0, len(visible)-offset)); len(page) != want {
			t.Fatalf("Transactions(%d, %d): %d entries, want %d", limit, offset, len(page), want)
		}
		if len(page) == 0 {
			break
		}
		listed = append(listed, page...)
	}
	if len(listed) != len(visible) {
		t.Fatalf("listed %d entries, want %d", len(listed), len(visible))
	}
	for i := range visible {
		requireEntry(t, "listed entry "+strconv.Itoa(i), listed[i], visible[i])
	}
	if all, err := db.Transactions(ctx, u.ID, 100, 0); err != nil || len(all) != len(visible) {
		t.Errorf("Transactions(100, 0): %d entries, %v; want %d", len(all), err, len(visible))
	}
	requireBooksAgree(t, db)
}

// testLedgerImbalances posts a mix of entries to several users, refused
// and repeated ones included: the books agree. A user created with a
// balance and no entries, and later postings to it, are reported.
func testLedgerImbalances(t *testing.T, db store.DB) {
	ctx := t.Context()
	users := []core.User{newAccount(t, db), newAccount(t, db), newAccount(t, db)}
	for i := range 90 {
		u := users[i%len(users)]
		var e core.LedgerEntry
		switch key := "k" + strconv.Itoa(i%30); i % 5 {
		case 0:
			e = entry(u.ID, core.LedgerGrant, int64(10+i), 0, key)
		case 1:
			e = entry(u.ID, core.LedgerHold, -int64(i%13), int64(i%13), key)
		case 2:
			e = entry(u.ID, core.LedgerCapture, 0, -int64(i%4), key)
		case 3:
			e = entry(u.ID, core.LedgerRelease, int64(i%3), -int64(i%3), key)
		default:
			e = entry(u.ID, core.LedgerAdjust, -int64(i%17), 0, key)
		}
		if _, _, err := db.PostLedger(ctx, e); err != nil && core.ErrorCode(err) != core.CodeInsufficientCredits {
			t.Fatalf("PostLedger %d: %v", i, err)
		}
	}
	requireBooksAgree(t, db)

	rich := createUser(t, db) // made with credits and held, without entries
	postApplied(t, db, entry(rich.ID, core.LedgerGrant, 10, 0, "grant"))
	got, err := db.Imbalances(ctx)
	if err != nil {
		t.Fatalf("Imbalances: %v", err)
	}
	want := []core.Imbalance{{
		UserID: rich.ID, Available: int64(rich.Credits) + 10, Held: rich.Held, LedgerAvailable: 10, LedgerHeld: 0,
	}}
	if !slices.Equal(got, want) {
		t.Errorf("Imbalances = %+v, want %+v", got, want)
	}
}

// rawExec runs a statement on the database behind the store, through the
// driver's own handle (postgres Pool, sqlite SQL), and reports whether the
// store offers one.
func rawExec(ctx context.Context, db store.DB, query string, args ...any) (bool, error) {
	switch d := db.(type) {
	case interface{ Pool() *pgxpool.Pool }:
		_, err := d.Pool().Exec(ctx, query, args...)
		return true, err
	case interface{ SQL() *sql.DB }:
		_, err := d.SQL().ExecContext(ctx, query, args...)
		return true, err
	}
	return false, nil
}

// testLedgerAppendOnly checks that the database itself refuses to change
// or remove ledger entries, whoever asks.
func testLedgerAppendOnly(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	e := postApplied(t, db, entry(u.ID, core.LedgerGrant, 10, 0, "grant"))
	for _, stmt := range []string{
		`UPDATE credit_ledger SET d_available = d_available + 1 WHERE id = $1`,
		`UPDATE credit_ledger SET description = 'changed' WHERE id = $1`,
		`DELETE FROM credit_ledger WHERE id = $1`,
	} {
		ok, err := rawExec(ctx, db, stmt, e.ID)
		if !ok {
			t.Skipf("the %s store gives no raw handle to test with", db.Dialect())
		}
		if err == nil {
			t.Errorf("%s succeeded, want an error", stmt)
		} else if !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only error", stmt, err)
		}
	}
	got, err := db.LedgerEntryByKey(ctx, u.ID, "grant")
	if err != nil {
		t.Fatalf("LedgerEntryByKey: %v", err)
	}
	requireEntry(t, "entry after the refused changes", got, e)
	requireBooksAgree(t, db)
}
