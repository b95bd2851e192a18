package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// t0 is the base time of the account checks: not UTC and with nanoseconds,
// so that the stores' truncation to the microsecond and conversion to UTC
// are seen.
var t0 = time.Date(2025, 11, 26, 23, 51, 28, 123456789, time.FixedZone("IST", 5*3600+30*60))

// stored returns t as a store gives it back: in UTC, to the microsecond.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// newUser returns a user with every field set, a fresh id and an email
// made of it.
func newUser() core.User {
	id := core.NewID(core.PrefixUser)
	last := "Lovelace"
	return core.User{
		ID:           id,
		Email:        strings.TrimPrefix(id, core.PrefixUser) + "@example.com",
		FirstName:    "Ada",
		LastName:     &last,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		IsActive:     true,
		Is2FAEnabled: true,
		IsDarkMode:   false,
		Credits:      500,
		TOTPSecret:   "sealed-secret",
		TOTPEnabled:  true,
		TOTPLastStep: 58_000_000,
		CreatedAt:    core.Timestamp(t0),
		UpdatedAt:    core.Timestamp(t0.Add(time.Minute + 1500*time.Nanosecond)),

		Held:             25,
		StripeCustomerID: "cus_" + strings.TrimPrefix(id, core.PrefixUser)[:14],
	}
}

// createUser stores a new user (see newUser) with a fresh API key id and
// returns it.
func createUser(t *testing.T, db store.DB) core.User {
	t.Helper()
	u := newUser()
	if err := db.CreateUser(t.Context(), u, core.NewID(core.PrefixAPIKey)); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// requireUser checks that got is want as stored: every field equal and
// times in UTC, to the microsecond.
func requireUser(t *testing.T, what string, got, want core.User) {
	t.Helper()
	requireTime(t, what+".CreatedAt", got.CreatedAt.Time(), want.CreatedAt.Time())
	requireTime(t, what+".UpdatedAt", got.UpdatedAt.Time(), want.UpdatedAt.Time())
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = core.Timestamp{}, core.Timestamp{}, core.Timestamp{}, core.Timestamp{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n\t%s\nwant\n\t%s", what, showUser(got), showUser(want))
	}
}

// showUser prints u with its last name dereferenced.
func showUser(u core.User) string {
	last := "<nil>"
	if u.LastName != nil {
		last = fmt.Sprintf("%q", *u.LastName)
	}
	u.LastName = nil
	return fmt.Sprintf("%+v LastName=%s", u, last)
}

// requireTime checks that got is want as stored (see stored), and in UTC.
func requireTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	want = stored(want)
	if !got.Equal(want) || got.IsZero() != want.IsZero() {
		t.Errorf("%s = %v, want %v", what, got, want)
	} else if !got.IsZero() && got.Location() != time.UTC {
		t.Errorf("%s = %v, want it in UTC", what, got)
	}
}

// requireCode checks that err has code want; for core.CodeNotFound,
// resource names what was not found.
func requireCode(t *testing.T, what string, err error, want core.Code, resource ...string) {
	t.Helper()
	if got := core.ErrorCode(err); got != want {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, want)
		return
	}
	if len(resource) > 0 {
		if msg, wantMsg := core.ErrorOf(err).Message, core.ErrNotFound(resource[0]).Message; msg != wantMsg {
			t.Errorf("%s: message %q, want %q", what, msg, wantMsg)
		}
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
