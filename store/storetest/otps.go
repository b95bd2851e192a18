package storetest

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newOTP returns a code of type typ for userID, made at created, valid for
// ten minutes.
func newOTP(userID string, typ core.OTPType, created time.Time) core.OTP {
	return core.OTP{
		ID:        core.NewID(core.PrefixOTP),
		UserID:    userID,
		Type:      typ,
		CodeHash:  "hmac-" + core.NewID(""),
		CreatedAt: created,
		ExpiresAt: created.Add(10*time.Minute + 999*time.Nanosecond),
	}
}

// putOTP stores a new code (see newOTP) and returns it.
func putOTP(t *testing.T, db store.DB, userID string, typ core.OTPType, created time.Time) core.OTP {
	t.Helper()
	o := newOTP(userID, typ, created)
	if err := db.PutOTP(t.Context(), o); err != nil {
		t.Fatalf("PutOTP: %v", err)
	}
	return o
}

// requireOTP checks that the user's stored code of want's type is want.
func requireOTP(t *testing.T, db store.DB, want core.OTP) {
	t.Helper()
	got, err := db.OTPOf(t.Context(), want.UserID, want.Type)
	if err != nil {
		t.Fatalf("OTPOf(%s): %v", want.Type, err)
	}
	requireTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, "ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	got.CreatedAt, got.ExpiresAt, want.CreatedAt, want.ExpiresAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("OTPOf = %+v, want %+v", got, want)
	}
}

// testOTPsRoundTrip stores a code of each type and reads each back; codes
// of one type are independent of the others and of other users'.
func testOTPsRoundTrip(t *testing.T, db store.DB) {
	u, v := createUser(t, db), createUser(t, db)
	var codes []core.OTP
	for _, typ := range []core.OTPType{core.OTPActivation, core.OTPChangePassword, core.OTPTwoFactor} {
		codes = append(codes, putOTP(t, db, u.ID, typ, t0), putOTP(t, db, v.ID, typ, t0.Add(time.Second)))
	}
	for _, o := range codes {
		requireOTP(t, db, o)
	}
}

// testOTPsReplace puts a second code of the same user and type: it replaces
// the first (new id and hash, attempts back to 0), and only one is left.
func testOTPsReplace(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	old := putOTP(t, db, u.ID, core.OTPTwoFactor, t0)
	other := putOTP(t, db, u.ID, core.OTPActivation, t0)
	for range 3 {
		if _, err := db.CountOTPAttempt(ctx, old.ID, 5); err != nil {
			t.Fatalf("CountOTPAttempt: %v", err)
		}
	}
	fresh := putOTP(t, db, u.ID, core.OTPTwoFactor, t0.Add(time.Minute))
	requireOTP(t, db, fresh)
	requireOTP(t, db, other)
	_, err := db.CountOTPAttempt(ctx, old.ID, 5)
	requireCode(t, "CountOTPAttempt(replaced code)", err, core.CodeNotFound, "OTP")
	if ok, err := db.DeleteOTP(ctx, old.ID); ok || err != nil {
		t.Errorf("DeleteOTP(replaced code) = %v, %v, want false, nil", ok, err)
	}
	if ok, err := db.DeleteOTP(ctx, fresh.ID); !ok || err != nil {
		t.Fatalf("DeleteOTP(fresh) = %v, %v, want true", ok, err)
	}
	_, err = db.OTPOf(ctx, u.ID, core.OTPTwoFactor)
	requireCode(t, "OTPOf after deleting the only code", err, core.CodeNotFound, "OTP")
	requireOTP(t, db, other)
}

// testOTPsMissing checks the answers for unknown codes and users.
func testOTPsMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	_, err := db.OTPOf(ctx, u.ID, core.OTPActivation)
	requireCode(t, "OTPOf", err, core.CodeNotFound, "OTP")
	_, err = db.CountOTPAttempt(ctx, "otp_00000000000000000000000000000000", 5)
	requireCode(t, "CountOTPAttempt", err, core.CodeNotFound, "OTP")
	if ok, err := db.DeleteOTP(ctx, "otp_00000000000000000000000000000000"); ok || err != nil {
		t.Errorf("DeleteOTP(unknown) = %v, %v, want false, nil", ok, err)
	}
	err = db.PutOTP(ctx, newOTP("user_00000000000000000000000000000000", core.OTPActivation, t0))
	requireCode(t, "PutOTP of an unknown user", err, core.CodeNotFound, "User")
	err = db.PutOTP(ctx, newOTP(u.ID, "BOGUS", t0))
	if code := core.ErrorCode(err); code == "" || code == core.CodeConflict || code == core.CodeInsufficientCredits {
		t.Errorf("PutOTP of an unknown type: %v (code %q), want a failure of another code", err, code)
	}
}

// testOTPsExpiredKept checks that a store returns an expired code as it
// is: expiry is the core's business.
func testOTPsExpiredKept(t *testing.T, db store.DB) {
	u := createUser(t, db)
	o := newOTP(u.ID, core.OTPChangePassword, t0.Add(-24*time.Hour))
	if err := db.PutOTP(t.Context(), o); err != nil {
		t.Fatalf("PutOTP: %v", err)
	}
	requireOTP(t, db, o)
}

// testOTPsAttempts counts attempts up to the limit, after which the code
// has none left.
func testOTPsAttempts(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	o := putOTP(t, db, u.ID, core.OTPActivation, t0)
	for want := 1; want <= 5; want++ {
		n, err := db.CountOTPAttempt(ctx, o.ID, 5)
		if err != nil || n != want {
			t.Fatalf("CountOTPAttempt #%d = %d, %v, want %d", want, n, err, want)
		}
	}
	_, err := db.CountOTPAttempt(ctx, o.ID, 5)
	requireCode(t, "CountOTPAttempt #6", err, core.CodeNotFound, "OTP")
	o.Attempts = 5
	requireOTP(t, db, o)
	if n, err := db.CountOTPAttempt(ctx, o.ID, 6); err != nil || n != 6 {
		t.Errorf("CountOTPAttempt with a higher limit = %d, %v, want 6", n, err)
	}
}

// testOTPsDeleteConcurrent consumes one code from 20 goroutines at once:
// exactly one wins.
func testOTPsDeleteConcurrent(t *testing.T, db store.DB) {
	u := createUser(t, db)
	o := putOTP(t, db, u.ID, core.OTPTwoFactor, t0)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			ok, err := db.DeleteOTP(t.Context(), o.ID)
			if err != nil {
				t.Errorf("DeleteOTP: %v", err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("%d of 20 concurrent DeleteOTP won, want 1", n)
	}
}

// testOTPsAttemptsConcurrent counts attempts from 20 goroutines at once
// with a limit of 5: exactly 5 succeed, with the counts 1 to 5, and the
// others find no attempt left.
func testOTPsAttemptsConcurrent(t *testing.T, db store.DB) {
	u := createUser(t, db)
	o := putOTP(t, db, u.ID, core.OTPTwoFactor, t0)
	var (
		mu     sync.Mutex
		counts []int
		wg     sync.WaitGroup
	)
	for range 20 {
		wg.Go(func() {
			n, err := db.CountOTPAttempt(t.Context(), o.ID, 5)
			switch core.ErrorCode(err) {
			case "":
				mu.Lock()
				counts = append(counts, n)
				mu.Unlock()
			case core.CodeNotFound:
			default:
				t.Errorf("CountOTPAttempt: %v", err)
			}
		})
	}
	wg.Wait()
	slices.Sort(counts)
	if !slices.Equal(counts, []int{1, 2, 3, 4, 5}) {
		t.Errorf("counts of the successful attempts = %v, want [1 2 3 4 5]", counts)
	}
	o.Attempts = 5
	requireOTP(t, db, o)
}
