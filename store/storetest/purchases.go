package storetest

import (
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newPurchase returns a pending purchase of the user with fresh ids, made
// at t0.
func newPurchase(userID string) core.Purchase {
	id := core.NewID(core.PrefixPurchase)
	return core.Purchase{
		ID: id, UserID: userID, SessionID: "cs_test_" + id[len(core.PrefixPurchase):],
		Amount: 2500, Credits: 2500, Status: core.PurchasePending, CreatedAt: t0, UpdatedAt: t0,
	}
}

// createPurchase stores a new pending purchase of the user and returns it.
func createPurchase(t *testing.T, db store.DB, userID string) core.Purchase {
	t.Helper()
	p := newPurchase(userID)
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatalf("CreatePurchase: %v", err)
	}
	return p
}

// requirePurchase checks that got is want as stored.
func requirePurchase(t *testing.T, what string, got, want core.Purchase) {
	t.Helper()
	requireTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, what+".UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n\t%+v\nwant\n\t%+v", what, got, want)
	}
}

// testPurchasesRoundTrip stores a purchase and reads it back by session;
// a taken session id is a conflict, an unknown user or session not found.
func testPurchasesRoundTrip(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	p := createPurchase(t, db, u.ID)
	got, err := db.PurchaseBySession(ctx, p.SessionID)
	if err != nil {
		t.Fatalf("PurchaseBySession: %v", err)
	}
	requirePurchase(t, "PurchaseBySession", got, p)

	dup := newPurchase(u.ID)
	dup.SessionID = p.SessionID
	requireCode(t, "CreatePurchase with a taken session", db.CreatePurchase(ctx, dup), core.CodeConflict)
	orphan := newPurchase("user_00000000000000000000000000000000")
	requireCode(t, "CreatePurchase of an unknown user", db.CreatePurchase(ctx, orphan), core.CodeNotFound, "User")
	_, err = db.PurchaseBySession(ctx, "cs_test_unknown")
	requireCode(t, "PurchaseBySession(unknown)", err, core.CodeNotFound, "Purchase")
	_, _, err = db.MovePurchase(ctx, "cs_test_unknown", []core.PurchaseStatus{core.PurchasePending}, core.PurchasePaid, t0)
	requireCode(t, "MovePurchase(unknown)", err, core.CodeNotFound, "Purchase")
}

// testPurchasesMove moves purchases between states: only from one of the
// given states, once, with updated_at set.
func testPurchasesMove(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	pending := []core.PurchaseStatus{core.PurchasePending}
	move := func(p *core.Purchase, from []core.PurchaseStatus, to core.PurchaseStatus, now time.Time, want bool) {
		t.Helper()
		got, moved, err := db.MovePurchase(ctx, p.SessionID, from, to, now)
		if err != nil {
			t.Fatalf("MovePurchase(%v → %s): %v", from, to, err)
		}
		if moved != want {
			t.Errorf("MovePurchase(%v → %s) moved %v, want %v", from, to, moved, want)
		}
		if moved {
			p.Status, p.UpdatedAt = to, now
		}
		requirePurchase(t, "MovePurchase", got, *p)
		stored, err := db.PurchaseBySession(ctx, p.SessionID)
		if err != nil {
			t.Fatalf("PurchaseBySession: %v", err)
		}
		requirePurchase(t, "PurchaseBySession after MovePurchase", stored, *p)
	}

	a := createPurchase(t, db, u.ID)
	move(&a, pending, core.PurchasePaid, t0.Add(time.Minute), true)
	move(&a, pending, core.PurchasePaid, t0.Add(2*time.Minute), false)
	move(&a, nil, core.PurchaseFailed, t0.Add(3*time.Minute), false)

	b := createPurchase(t, db, u.ID)
	move(&b, pending, core.PurchaseFailed, t0.Add(time.Minute), true)
	move(&b, pending, core.PurchasePaid, t0.Add(2*time.Minute), false)
	move(&b, []core.PurchaseStatus{core.PurchasePending, core.PurchaseFailed}, core.PurchasePaid, t0.Add(3*time.Minute), true)
	move(&b, []core.PurchaseStatus{core.PurchasePending, core.PurchaseFailed}, core.PurchasePaid, t0.Add(4*time.Minute), false)
}

// testPurchasesMoveConcurrent moves one purchase from 20 goroutines at
// once: exactly one moves it.
func testPurchasesMoveConcurrent(t *testing.T, db store.DB) {
	const n = 20
	p := createPurchase(t, db, newAccount(t, db).ID)
	var moved atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, ok, err := db.MovePurchase(t.Context(), p.SessionID, []core.PurchaseStatus{core.PurchasePending},
				core.PurchasePaid, t0.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Errorf("MovePurchase %d: %v", i, err)
			}
			if ok {
				moved.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if moved.Load() != 1 {
		t.Errorf("%d moves succeeded, want 1", moved.Load())
	}
}

// testPaymentEvents records event ids: the first recording of an id is
// new, later ones (also concurrent ones) are not, and a rolled-back
// recording does not count.
func testPaymentEvents(t *testing.T, db store.DB) {
	ctx := t.Context()
	record := func(q core.Queries, id string, want bool) {
		t.Helper()
		fresh, err := q.RecordPaymentEvent(ctx, id, "checkout.session.completed", t0)
		if err != nil {
			t.Fatalf("RecordPaymentEvent(%s): %v", id, err)
		}
		if fresh != want {
			t.Errorf("RecordPaymentEvent(%s) = %v, want %v", id, fresh, want)
		}
	}
	record(db, "evt_1", true)
	record(db, "evt_1", false)
	record(db, "evt_2", true)
	_ = db.InTx(ctx, func(q core.Queries) error {
		record(q, "evt_3", true)
		return errAbort
	})
	record(db, "evt_3", true)

	const n = 20
	var fresh atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			ok, err := db.RecordPaymentEvent(ctx, "evt_concurrent", "kind "+strconv.Itoa(i), t0)
			if err != nil {
				t.Errorf("RecordPaymentEvent %d: %v", i, err)
			}
			if ok {
				fresh.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if fresh.Load() != 1 {
		t.Errorf("%d concurrent recordings were new, want 1", fresh.Load())
	}
}

// testStripeCustomer sets users' Stripe customers: the first id stored
// wins, also among concurrent calls, and every call returns the winner.
func testStripeCustomer(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	for _, set := range []string{"cus_first", "cus_second"} {
		got, err := db.SetStripeCustomer(ctx, u.ID, set)
		if err != nil {
			t.Fatalf("SetStripeCustomer(%s): %v", set, err)
		}
		if got != "cus_first" {
			t.Errorf("SetStripeCustomer(%s) = %q, want cus_first", set, got)
		}
	}
	stored, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if stored.StripeCustomerID != "cus_first" {
		t.Errorf("UserByID: StripeCustomerID %q, want cus_first", stored.StripeCustomerID)
	}
	_, err = db.SetStripeCustomer(ctx, "user_00000000000000000000000000000000", "cus_x")
	requireCode(t, "SetStripeCustomer(unknown user)", err, core.CodeNotFound, "User")

	const n = 10
	v := newAccount(t, db)
	var got [n]string
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			var err error
			if got[i], err = db.SetStripeCustomer(ctx, v.ID, "cus_"+strconv.Itoa(i)); err != nil {
				t.Errorf("SetStripeCustomer %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if stored, err = db.UserByID(ctx, v.ID); err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	for i, id := range got {
		if id != stored.StripeCustomerID || id == "" {
			t.Errorf("SetStripeCustomer %d = %q, want the stored %q", i, id, stored.StripeCustomerID)
		}
	}
}
