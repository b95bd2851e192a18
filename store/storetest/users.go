package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testUsersRoundTrip stores users with and without a last name and with
// default-valued fields, and reads each back, by id and by email, unchanged
// (times in UTC, to the microsecond).
func testUsersRoundTrip(t *testing.T, db store.DB) {
	ctx := t.Context()
	full := newUser()
	bare := newUser()
	bare.LastName, bare.PasswordHash, bare.TOTPSecret = nil, "", ""
	bare.IsActive, bare.Is2FAEnabled, bare.IsDarkMode, bare.TOTPEnabled = false, false, true, false
	bare.Credits, bare.TOTPLastStep, bare.Held, bare.StripeCustomerID = 0, 0, 0, ""
	bare.CreatedAt, bare.UpdatedAt = core.Timestamp(t0.UTC()), core.Timestamp(t0.UTC())
	empty := newUser()
	empty.LastName = ptr("") // an empty last name is not a missing one
	for _, u := range []core.User{full, bare, empty} {
		if err := db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)); err != nil {
			t.Fatalf("CreateUser(%s): %v", u.ID, err)
		}
	}
	for _, u := range []core.User{full, bare, empty} {
		got, err := db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID(%s): %v", u.ID, err)
		}
		requireUser(t, "UserByID", got, u)
		got, err = db.UserByEmail(ctx, u.Email)
		if err != nil {
			t.Fatalf("UserByEmail(%s): %v", u.Email, err)
		}
		requireUser(t, "UserByEmail", got, u)
	}
}

// testUsersMissing checks the lookups and writes of an unknown user.
func testUsersMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	createUser(t, db)
	const id = "user_00000000000000000000000000000000"
	_, err := db.UserByID(ctx, id)
	requireCode(t, "UserByID", err, core.CodeNotFound, "User")
	_, err = db.UserByEmail(ctx, "nobody@example.com")
	requireCode(t, "UserByEmail", err, core.CodeNotFound, "User")
	_, err = db.UpdateProfile(ctx, id, core.ProfileUpdate{FirstName: ptr("X")}, t0)
	requireCode(t, "UpdateProfile", err, core.CodeNotFound, "User")
	requireCode(t, "ActivateUser", db.ActivateUser(ctx, id, t0), core.CodeNotFound, "User")
	requireCode(t, "SetPasswordHash", db.SetPasswordHash(ctx, id, "h", t0), core.CodeNotFound, "User")
	requireCode(t, "SetTwoFactor", db.SetTwoFactor(ctx, id, true, t0), core.CodeNotFound, "User")
	requireCode(t, "SetTOTP", db.SetTOTP(ctx, id, "s", true, t0), core.CodeNotFound, "User")
	if ok, err := db.AdvanceTOTPStep(ctx, id, 1); ok || err != nil {
		t.Errorf("AdvanceTOTPStep(unknown) = %v, %v, want false, nil", ok, err)
	}
}

// testUsersDuplicateEmail checks that a taken email is a conflict and that
// nothing of the second user is written, not even its API key.
func testUsersDuplicateEmail(t *testing.T, db store.DB) {
	ctx := t.Context()
	first := createUser(t, db)
	second := newUser()
	second.Email = first.Email
	err := db.CreateUser(ctx, second, core.NewID(core.PrefixAPIKey))
	requireCode(t, "CreateUser with a taken email", err, core.CodeConflict)
	_, err = db.UserByID(ctx, second.ID)
	requireCode(t, "UserByID(second)", err, core.CodeNotFound, "User")
	_, err = db.APIKeyOf(ctx, second.ID)
	requireCode(t, "APIKeyOf(second)", err, core.CodeNotFound, "API key")
	got, err := db.UserByEmail(ctx, first.Email)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	requireUser(t, "UserByEmail", got, first)
}

// testUsersDuplicateAPIKey checks that an API key id already in use is a
// conflict and leaves no user behind.
func testUsersDuplicateAPIKey(t *testing.T, db store.DB) {
	ctx := t.Context()
	first := createUser(t, db)
	key, err := db.APIKeyOf(ctx, first.ID)
	if err != nil {
		t.Fatalf("APIKeyOf: %v", err)
	}
	second := newUser()
	requireCode(t, "CreateUser with a taken key id", db.CreateUser(ctx, second, key.ID), core.CodeConflict)
	_, err = db.UserByID(ctx, second.ID)
	requireCode(t, "UserByID(second)", err, core.CodeNotFound, "User")
}

// testUsersNegativeCredits checks that the balances cannot go below zero:
// the store answers core.CodeInsufficientCredits and writes nothing.
func testUsersNegativeCredits(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newUser()
	u.Credits = -1
	requireCode(t, "CreateUser with credits -1", db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)),
		core.CodeInsufficientCredits)
	_, err := db.UserByID(ctx, u.ID)
	requireCode(t, "UserByID", err, core.CodeNotFound, "User")
	u = newUser()
	u.Held = -1
	requireCode(t, "CreateUser with held -1", db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)),
		core.CodeInsufficientCredits)
	_, err = db.UserByID(ctx, u.ID)
	requireCode(t, "UserByID", err, core.CodeNotFound, "User")
}

// testUsersCreateConcurrent registers one email from 10 goroutines at
// once: exactly one wins, the others get a conflict.
func testUsersCreateConcurrent(t *testing.T, db store.DB) {
	const n = 10
	email := newUser().Email
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			u := newUser()
			u.Email = email
			err := db.CreateUser(t.Context(), u, core.NewID(core.PrefixAPIKey))
			switch core.ErrorCode(err) {
			case "":
				wins.Add(1)
			case core.CodeConflict:
				conflicts.Add(1)
			default:
				t.Errorf("CreateUser: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != n-1 {
		t.Errorf("%d wins and %d conflicts, want 1 and %d", wins.Load(), conflicts.Load(), n-1)
	}
}

// testUsersUpdateProfile applies profile updates field by field: nil
// fields stay, updated_at moves, the user comes back updated.
func testUsersUpdateProfile(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	other := createUser(t, db)
	steps := []struct {
		p     core.ProfileUpdate
		apply func(u *core.User)
	}{
		{core.ProfileUpdate{}, func(*core.User) {}},
		{core.ProfileUpdate{FirstName: ptr("Augusta")}, func(u *core.User) { u.FirstName = "Augusta" }},
		{core.ProfileUpdate{LastName: ptr("King")}, func(u *core.User) { u.LastName = ptr("King") }},
		{core.ProfileUpdate{IsDarkMode: ptr(true)}, func(u *core.User) { u.IsDarkMode = true }},
		{core.ProfileUpdate{IsDarkMode: ptr(false)}, func(u *core.User) { u.IsDarkMode = false }},
		{
			core.ProfileUpdate{FirstName: ptr("Ada"), LastName: ptr(""), IsDarkMode: ptr(true)},
			func(u *core.User) { u.FirstName, u.LastName, u.IsDarkMode = "Ada", ptr(""), true },
		},
	}
	for i, s := range steps {
		now := t0.Add(time.Duration(i+2)*time.Hour + 777*time.Nanosecond)
		s.apply(&u)
		u.UpdatedAt = core.Timestamp(now)
		got, err := db.UpdateProfile(ctx, u.ID, s.p, now)
		if err != nil {
			t.Fatalf("step %d: UpdateProfile: %v", i, err)
		}
		requireUser(t, "UpdateProfile", got, u)
		if got, err = db.UserByID(ctx, u.ID); err != nil {
			t.Fatalf("step %d: UserByID: %v", i, err)
		}
		requireUser(t, "UserByID after UpdateProfile", got, u)
	}
	got, err := db.UserByID(ctx, other.ID)
	if err != nil {
		t.Fatalf("UserByID(other): %v", err)
	}
	requireUser(t, "the other user", got, other)
}

// testUsersSetters checks ActivateUser, SetPasswordHash, SetTwoFactor and
// SetTOTP: each changes its field and updated_at, nothing else.
func testUsersSetters(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newUser()
	u.IsActive, u.Is2FAEnabled, u.TOTPEnabled, u.TOTPSecret = false, false, false, ""
	if err := db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	steps := []struct {
		name  string
		do    func(now time.Time) error
		apply func(u *core.User)
	}{
		{"ActivateUser", func(now time.Time) error { return db.ActivateUser(ctx, u.ID, now) },
			func(u *core.User) { u.IsActive = true }},
		{"SetPasswordHash", func(now time.Time) error { return db.SetPasswordHash(ctx, u.ID, "new-hash", now) },
			func(u *core.User) { u.PasswordHash = "new-hash" }},
		{"SetTwoFactor(true)", func(now time.Time) error { return db.SetTwoFactor(ctx, u.ID, true, now) },
			func(u *core.User) { u.Is2FAEnabled = true }},
		{"SetTOTP(pending)", func(now time.Time) error { return db.SetTOTP(ctx, u.ID, "sealed-2", false, now) },
			func(u *core.User) { u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep = "sealed-2", false, 0 }},
		{"SetTOTP(confirmed)", func(now time.Time) error { return db.SetTOTP(ctx, u.ID, "sealed-2", true, now) },
			func(u *core.User) { u.TOTPEnabled = true }},
		{"SetTwoFactor(false)", func(now time.Time) error { return db.SetTwoFactor(ctx, u.ID, false, now) },
			func(u *core.User) { u.Is2FAEnabled = false }},
		{"SetTOTP(removed)", func(now time.Time) error { return db.SetTOTP(ctx, u.ID, "", false, now) },
			func(u *core.User) { u.TOTPSecret, u.TOTPEnabled = "", false }},
		{"ActivateUser again", func(now time.Time) error { return db.ActivateUser(ctx, u.ID, now) },
			func(*core.User) {}},
	}
	for i, s := range steps {
		now := t0.Add(time.Duration(i+1)*time.Hour + 999*time.Nanosecond)
		if err := s.do(now); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		s.apply(&u)
		u.UpdatedAt = core.Timestamp(now)
		got, err := db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID after %s: %v", s.name, err)
		}
		requireUser(t, "after "+s.name, got, u)
	}
}

// testUsersAdvanceTOTPStep checks that only a later step is accepted, and
// that SetTOTP starts the steps again.
func testUsersAdvanceTOTPStep(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newUser()
	u.TOTPLastStep = 0
	if err := db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	for _, s := range []struct {
		step int64
		want bool
	}{{100, true}, {100, false}, {99, false}, {0, false}, {101, true}, {1 << 40, true}, {101, false}} {
		ok, err := db.AdvanceTOTPStep(ctx, u.ID, s.step)
		if err != nil || ok != s.want {
			t.Errorf("AdvanceTOTPStep(%d) = %v, %v, want %v", s.step, ok, err, s.want)
		}
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil || got.TOTPLastStep != 1<<40 {
		t.Errorf("TOTPLastStep = %d, %v, want %d", got.TOTPLastStep, err, int64(1<<40))
	}
	if err := db.SetTOTP(ctx, u.ID, "sealed-3", false, t0); err != nil {
		t.Fatalf("SetTOTP: %v", err)
	}
	if ok, err := db.AdvanceTOTPStep(ctx, u.ID, 1); !ok || err != nil {
		t.Errorf("AdvanceTOTPStep(1) after SetTOTP = %v, %v, want true", ok, err)
	}
}

// testUsersAdvanceTOTPStepConcurrent submits one step from 20 goroutines:
// exactly one is accepted, the rest are replays.
func testUsersAdvanceTOTPStepConcurrent(t *testing.T, db store.DB) {
	u := createUser(t, db)
	step := u.TOTPLastStep + 1
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			ok, err := db.AdvanceTOTPStep(t.Context(), u.ID, step)
			if err != nil {
				t.Errorf("AdvanceTOTPStep: %v", err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("%d of 20 concurrent AdvanceTOTPStep(%d) accepted, want 1", n, step)
	}
}
