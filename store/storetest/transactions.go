package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// errAbort is the error the transaction checks return from fn.
var errAbort = errors.New("storetest: abort the transaction")

// writeAccount creates u with a session and an OTP through q, and checks
// that q sees them.
func writeAccount(t *testing.T, q core.Queries, u core.User) error {
	t.Helper()
	ctx := t.Context()
	if err := q.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)); err != nil {
		return err
	}
	if err := q.CreateSession(ctx, newSession(u.ID, t0)); err != nil {
		return err
	}
	if err := q.PutOTP(ctx, newOTP(u.ID, core.OTPActivation, t0)); err != nil {
		return err
	}
	if err := q.PutSetting(ctx, "tx:"+u.ID, "written"); err != nil {
		return err
	}
	if _, err := q.UserByID(ctx, u.ID); err != nil {
		t.Errorf("UserByID inside the transaction: %v", err)
	}
	return nil
}

// requireNoAccount checks that nothing of u was left behind.
func requireNoAccount(t *testing.T, db store.DB, u core.User) {
	t.Helper()
	ctx := t.Context()
	_, err := db.UserByID(ctx, u.ID)
	requireCode(t, "UserByID", err, core.CodeNotFound, "User")
	_, err = db.APIKeyOf(ctx, u.ID)
	requireCode(t, "APIKeyOf", err, core.CodeNotFound, "API key")
	_, err = db.OTPOf(ctx, u.ID, core.OTPActivation)
	requireCode(t, "OTPOf", err, core.CodeNotFound, "OTP")
	_, err = db.Setting(ctx, "tx:"+u.ID)
	requireCode(t, "Setting", err, core.CodeNotFound, "Setting")
}

// testTxCommit checks that what fn writes is invisible outside until InTx
// commits it, and all there afterwards.
func testTxCommit(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newUser()
	err := db.InTx(ctx, func(q core.Queries) error {
		if err := writeAccount(t, q, u); err != nil {
			return err
		}
		_, err := db.UserByID(ctx, u.ID)
		requireCode(t, "UserByID outside the transaction before commit", err, core.CodeNotFound, "User")
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID after commit: %v", err)
	}
	requireUser(t, "UserByID after commit", got, u)
	if _, err := db.APIKeyOf(ctx, u.ID); err != nil {
		t.Errorf("APIKeyOf after commit: %v", err)
	}
	if _, err := db.OTPOf(ctx, u.ID, core.OTPActivation); err != nil {
		t.Errorf("OTPOf after commit: %v", err)
	}
	requireSetting(t, db, "tx:"+u.ID, "written")
}

// testTxRollbackOnError checks that an error from fn undoes everything fn
// wrote and comes back from InTx.
func testTxRollbackOnError(t *testing.T, db store.DB) {
	u := newUser()
	err := db.InTx(t.Context(), func(q core.Queries) error {
		if err := writeAccount(t, q, u); err != nil {
			t.Errorf("writing the account: %v", err)
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("InTx = %v, want fn's error", err)
	}
	requireNoAccount(t, db, u)
	createUser(t, db) // the store still writes
}

// testTxRollbackOnStoreError checks that a failed write inside the
// transaction (a duplicate email) keeps its code and undoes the earlier
// writes.
func testTxRollbackOnStoreError(t *testing.T, db store.DB) {
	taken := createUser(t, db)
	u := newUser()
	err := db.InTx(t.Context(), func(q core.Queries) error {
		if err := writeAccount(t, q, u); err != nil {
			return err
		}
		dup := newUser()
		dup.Email = taken.Email
		return q.CreateUser(t.Context(), dup, core.NewID(core.PrefixAPIKey))
	})
	requireCode(t, "InTx with a duplicate email", err, core.CodeConflict)
	requireNoAccount(t, db, u)
}

// testTxRollbackOnPanic checks that a panic in fn undoes its writes and
// goes on, with its value, out of InTx; the store still works afterwards.
func testTxRollbackOnPanic(t *testing.T, db store.DB) {
	u := newUser()
	type boom struct{ id string }
	func() {
		defer func() {
			if r := recover(); r != (boom{u.ID}) {
				t.Errorf("recovered %v, want the panic of fn", r)
			}
		}()
		_ = db.InTx(t.Context(), func(q core.Queries) error {
			if err := writeAccount(t, q, u); err != nil {
				t.Errorf("writing the account: %v", err)
			}
			panic(boom{u.ID})
		})
		t.Error("InTx returned, want a panic")
	}()
	requireNoAccount(t, db, u)
	// The transaction's connection and, in SQLite, the write lock were
	// released: a write must not wait for them.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := db.PutSetting(ctx, "after-panic", "ok"); err != nil {
		t.Fatalf("PutSetting after a panicking transaction: %v", err)
	}
}

// testTxConcurrent runs 20 transactions at once, each writing an account
// and reading it back: all must commit (no SQLITE_BUSY, no deadlock).
func testTxConcurrent(t *testing.T, db store.DB) {
	const n = 20
	users := make([]core.User, n)
	var wg sync.WaitGroup
	for i := range users {
		users[i] = newUser()
		wg.Go(func() {
			err := db.InTx(t.Context(), func(q core.Queries) error {
				if err := writeAccount(t, q, users[i]); err != nil {
					return err
				}
				_, err := q.RevokeUserSessions(t.Context(), users[i].ID, "", t0)
				return err
			})
			if err != nil {
				t.Errorf("InTx %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for _, u := range users {
		if _, err := db.APIKeyOf(t.Context(), u.ID); err != nil {
			t.Errorf("APIKeyOf(%s): %v", u.ID, err)
		}
	}
}
