package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// The login-failure policy of the checks: 3 failures within 10 minutes
// lock password login for 15 minutes.
const (
	failWindow = 10 * time.Minute
	failMax    = 3
	failLock   = 15 * time.Minute
)

// fail records a login failure of userID at now and checks the count and
// lock it returns.
func fail(t *testing.T, db store.DB, userID string, now time.Time, wantCount int, wantLock time.Time) {
	t.Helper()
	n, lock, err := db.LoginFailure(t.Context(), userID, now, failWindow, failMax, failLock)
	if err != nil {
		t.Fatalf("LoginFailure at %v: %v", now, err)
	}
	if n != wantCount {
		t.Errorf("LoginFailure at %v: count %d, want %d", now, n, wantCount)
	}
	requireTime(t, "LoginFailure lock", lock, wantLock)
}

// requireLock checks LoginLock.
func requireLock(t *testing.T, db store.DB, userID string, want time.Time) {
	t.Helper()
	got, err := db.LoginLock(t.Context(), userID)
	if err != nil {
		t.Fatalf("LoginLock: %v", err)
	}
	requireTime(t, "LoginLock", got, want)
}

// testLoginsCountAndLock counts failures up to the lock, which each
// further failure extends, and clears them after a good login.
func testLoginsCountAndLock(t *testing.T, db store.DB) {
	u, v := createUser(t, db), createUser(t, db)
	requireLock(t, db, u.ID, time.Time{})
	fail(t, db, u.ID, t0, 1, time.Time{})
	fail(t, db, u.ID, t0.Add(time.Minute), 2, time.Time{})
	requireLock(t, db, u.ID, time.Time{})
	locked := t0.Add(2 * time.Minute)
	fail(t, db, u.ID, locked, 3, locked.Add(failLock))
	requireLock(t, db, u.ID, locked.Add(failLock))
	again := t0.Add(3*time.Minute + 7*time.Nanosecond)
	fail(t, db, u.ID, again, 4, again.Add(failLock))
	requireLock(t, db, u.ID, again.Add(failLock))
	requireLock(t, db, v.ID, time.Time{})

	if err := db.ClearLoginFailures(t.Context(), u.ID); err != nil {
		t.Fatalf("ClearLoginFailures: %v", err)
	}
	requireLock(t, db, u.ID, time.Time{})
	fail(t, db, u.ID, t0.Add(4*time.Minute), 1, time.Time{})
}

// testLoginsWindow checks that failures older than the window are
// forgotten: the count starts again from the first failure after it.
func testLoginsWindow(t *testing.T, db store.DB) {
	u := createUser(t, db)
	fail(t, db, u.ID, t0, 1, time.Time{})
	fail(t, db, u.ID, t0.Add(failWindow), 2, time.Time{}) // exactly window old: still counted
	restart := t0.Add(failWindow + time.Microsecond)
	fail(t, db, u.ID, restart, 1, time.Time{})
	fail(t, db, u.ID, restart.Add(failWindow-time.Second), 2, time.Time{})
	fail(t, db, u.ID, restart.Add(failWindow), 3, restart.Add(failWindow+failLock))
}

// testLoginsLockRunsOut checks that a failure after the window and the lock
// have run out starts a fresh count and reports no lock, while a lock
// still running is reported.
func testLoginsLockRunsOut(t *testing.T, db store.DB) {
	u := createUser(t, db)
	fail(t, db, u.ID, t0, 1, time.Time{})
	fail(t, db, u.ID, t0, 2, time.Time{})
	fail(t, db, u.ID, t0, 3, t0.Add(failLock)) // failMax
	during := t0.Add(failWindow + time.Minute) // window over, lock running
	fail(t, db, u.ID, during, 1, t0.Add(failLock))
	after := t0.Add(failLock + failWindow + time.Minute)
	fail(t, db, u.ID, after, 1, time.Time{})
	lock, err := db.LoginLock(t.Context(), u.ID)
	if err != nil || lock.After(after) {
		t.Errorf("LoginLock after the lock ran out = %v, %v, want none in force", lock, err)
	}
}

// testLoginsMissing checks the errors for an unknown user.
func testLoginsMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	const id = "user_00000000000000000000000000000000"
	_, _, err := db.LoginFailure(ctx, id, t0, failWindow, failMax, failLock)
	requireCode(t, "LoginFailure", err, core.CodeNotFound, "User")
	_, err = db.LoginLock(ctx, id)
	requireCode(t, "LoginLock", err, core.CodeNotFound, "User")
	requireCode(t, "ClearLoginFailures", db.ClearLoginFailures(ctx, id), core.CodeNotFound, "User")
}

// testLoginsConcurrent records 30 failures at once with a limit of 10: no
// increment is lost (the counts are 1 to 30, the count going on past the
// limit), and exactly the failures from the 10th on report the lock.
func testLoginsConcurrent(t *testing.T, db store.DB) {
	const n, limit = 30, 10
	u := createUser(t, db)
	type result struct {
		count int
		lock  time.Time
	}
	var (
		mu      sync.Mutex
		results []result
		wg      sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			c, lock, err := db.LoginFailure(t.Context(), u.ID, t0, failWindow, limit, failLock)
			if err != nil {
				t.Errorf("LoginFailure: %v", err)
				return
			}
			mu.Lock()
			results = append(results, result{c, lock})
			mu.Unlock()
		})
	}
	wg.Wait()
	counts := make([]int, 0, n)
	for _, r := range results {
		counts = append(counts, r.count)
		want := time.Time{}
		if r.count >= limit {
			want = t0.Add(failLock)
		}
		requireTime(t, "lock of a concurrent failure", r.lock, want)
	}
	slices.Sort(counts)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(counts, want) {
		t.Errorf("counts of %d concurrent failures = %v, want 1…%d", n, counts, n)
	}
	requireLock(t, db, u.ID, t0.Add(failLock))
}
