package storetest

import (
	"errors"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testOTPsDeleteOrdered proves the guard against using a code twice
// without relying on scheduling: a second DeleteOTP that starts while a
// first transaction has deleted the code but not yet ended wins exactly
// when that transaction rolls back. Whether the second call runs before or
// after the first transaction ends, the answer is the same.
func testOTPsDeleteOrdered(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	for _, commit := range []bool{true, false} {
		o := putOTP(t, db, u.ID, core.OTPChangePassword, t0)
		deleted, end := make(chan bool, 1), make(chan struct{})
		txDone := make(chan error, 1)
		go func() {
			txDone <- db.InTx(ctx, func(q core.Queries) error {
				won, err := q.DeleteOTP(ctx, o.ID)
				deleted <- won && err == nil
				<-end
				if err == nil && !commit {
					err = errAbort
				}
				return err
			})
		}()
		if !<-deleted {
			close(end)
			t.Fatalf("commit=%v: the first transaction did not win its code: %v", commit, <-txDone)
		}
		type result struct {
			won bool
			err error
		}
		second := make(chan result, 1)
		go func() {
			var r result
			r.err = db.InTx(ctx, func(q core.Queries) error {
				var err error
				r.won, err = q.DeleteOTP(ctx, o.ID)
				return err
			})
			second <- r
		}()
		close(end)
		if err := <-txDone; commit && err != nil || !commit && !errors.Is(err, errAbort) {
			t.Fatalf("commit=%v: first transaction: %v", commit, err)
		}
		r := <-second
		if r.err != nil {
			t.Fatalf("commit=%v: second DeleteOTP: %v", commit, r.err)
		}
		if want := !commit; r.won != want {
			t.Errorf("commit=%v: second DeleteOTP won %v, want %v", commit, r.won, want)
		}
		if _, err := db.OTPOf(ctx, u.ID, core.OTPChangePassword); core.ErrorCode(err) != core.CodeNotFound {
			t.Errorf("commit=%v: the code after both: %v, want gone", commit, err)
		}
	}
}
