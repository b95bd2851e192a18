package storetest

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testLedgerInTx posts inside transactions: a refused posting undoes only
// itself and leaves the transaction usable; a duplicate within one
// transaction returns the entry it inserted; a rolled-back transaction
// leaves no posting behind.
func testLedgerInTx(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	err := db.InTx(ctx, func(q core.Queries) error {
		postApplied(t, q, entry(u.ID, core.LedgerGrant, 10, 0, "grant"))
		_, _, err := q.PostLedger(ctx, entry(u.ID, core.LedgerAdjust, -100, 0, "big"))
		requireCode(t, "PostLedger(-100) in a transaction", err, core.CodeInsufficientCredits)
		requireNoEntry(t, q, u.ID, "big")
		requireBalances(t, q, u.ID, 10, 0)
		first := postApplied(t, q, entry(u.ID, core.LedgerAdjust, -4, 0, "small"))
		got, applied := post(t, q, entry(u.ID, core.LedgerAdjust, -4, 0, "small"))
		if applied {
			t.Error("repeated posting in one transaction: applied true, want false")
		}
		requireEntry(t, "repeated posting in one transaction", got, first)
		requireBalances(t, q, u.ID, 6, 0)
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	requireBalances(t, db, u.ID, 6, 0)
	requireNoEntry(t, db, u.ID, "big")

	err = db.InTx(ctx, func(q core.Queries) error {
		postApplied(t, q, entry(u.ID, core.LedgerGrant, 50, 0, "rolled-back"))
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("InTx = %v, want fn's error", err)
	}
	requireNoEntry(t, db, u.ID, "rolled-back")
	requireBalances(t, db, u.ID, 6, 0)
	requireBooksAgree(t, db)
}

// testLedgerConcurrentSameKey posts one key from 50 goroutines at once,
// half of them inside transactions: exactly one applies, all get its
// entry, and the balance changes once.
func testLedgerConcurrentSameKey(t *testing.T, db store.DB) {
	const n = 50
	ctx := t.Context()
	u := newAccount(t, db)
	var (
		applied atomic.Int32
		ids     [n]string
		wg      sync.WaitGroup
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			e := entry(u.ID, core.LedgerGrant, 7, 0, "same")
			var (
				got core.LedgerEntry
				ok  bool
				err error
			)
			if i%2 == 0 {
				got, ok, err = db.PostLedger(ctx, e)
			} else {
				err = db.InTx(ctx, func(q core.Queries) error {
					got, ok, err = q.PostLedger(ctx, e)
					return err
				})
			}
			if err != nil {
				t.Errorf("PostLedger %d: %v", i, err)
				return
			}
			if ok {
				applied.Add(1)
			}
			ids[i] = got.ID
		})
	}
	close(start)
	wg.Wait()
	if applied.Load() != 1 {
		t.Errorf("%d postings applied, want 1", applied.Load())
	}
	stored, err := db.LedgerEntryByKey(ctx, u.ID, "same")
	if err != nil {
		t.Fatalf("LedgerEntryByKey: %v", err)
	}
	for i, id := range ids {
		if id != stored.ID {
			t.Errorf("goroutine %d got entry %q, want %q", i, id, stored.ID)
		}
	}
	requireBalances(t, db, u.ID, 7, 0)
	requireBooksAgree(t, db)
}

// testLedgerConcurrentDebits spends 10 credits from 30 goroutines at once,
// 1 credit each under its own key: exactly 10 succeed, the others are
// refused for want of credits, and the balance ends at 0.
func testLedgerConcurrentDebits(t *testing.T, db store.DB) {
	const n, credits = 30, 10
	ctx := t.Context()
	u := newAccount(t, db)
	postApplied(t, db, entry(u.ID, core.LedgerGrant, credits, 0, "grant"))
	var (
		spent, refused atomic.Int32
		wg             sync.WaitGroup
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, ok, err := db.PostLedger(ctx, entry(u.ID, core.LedgerHold, -1, 1, "hold:"+strconv.Itoa(i)))
			switch {
			case err == nil && ok:
				spent.Add(1)
			case core.ErrorCode(err) == core.CodeInsufficientCredits:
				refused.Add(1)
			default:
				t.Errorf("PostLedger %d: applied %v, %v", i, ok, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if spent.Load() != credits || refused.Load() != n-credits {
		t.Errorf("%d holds applied and %d refused, want %d and %d", spent.Load(), refused.Load(), credits, n-credits)
	}
	requireBalances(t, db, u.ID, 0, credits)
	requireBooksAgree(t, db)
}

// testLedgerDuplicateOfUncommitted posts a key while another transaction
// holds an uncommitted entry with it: the posting waits for that
// transaction. When it commits, the posting returns its entry with applied
// false; when it rolls back, the posting applies its own.
func testLedgerDuplicateOfUncommitted(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	for _, commit := range []bool{true, false} {
		key := "uncommitted:" + strconv.FormatBool(commit)
		inserted, end := make(chan core.LedgerEntry, 1), make(chan struct{})
		txDone := make(chan error, 1)
		go func() {
			txDone <- db.InTx(ctx, func(q core.Queries) error {
				e, _, err := q.PostLedger(ctx, entry(u.ID, core.LedgerGrant, 5, 0, key))
				inserted <- e
				<-end
				if err == nil && !commit {
					err = errAbort
				}
				return err
			})
		}()
		first := <-inserted
		if first.ID == "" {
			close(end)
			t.Fatalf("the first transaction's posting failed: %v", <-txDone)
		}
		type result struct {
			e       core.LedgerEntry
			applied bool
			err     error
		}
		second := entry(u.ID, core.LedgerGrant, 5, 0, key)
		done := make(chan result, 1)
		go func() {
			e, applied, err := db.PostLedger(ctx, second)
			done <- result{e, applied, err}
		}()
		select {
		case r := <-done:
			t.Errorf("commit=%v: the second posting answered %+v before the first transaction ended", commit, r)
		case <-time.After(300 * time.Millisecond):
		}
		close(end)
		if err := <-txDone; commit && err != nil || !commit && !errors.Is(err, errAbort) {
			t.Fatalf("commit=%v: first transaction: %v", commit, err)
		}
		r := <-done
		if r.err != nil {
			t.Fatalf("commit=%v: second posting: %v", commit, r.err)
		}
		if want := !commit; r.applied != want {
			t.Errorf("commit=%v: second posting applied %v, want %v", commit, r.applied, want)
		}
		want := first
		if !commit {
			want = second
		}
		requireEntry(t, "second posting", r.e, want)
	}
	requireBalances(t, db, u.ID, 10, 0)
	requireBooksAgree(t, db)
}
