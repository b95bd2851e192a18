package storetest

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// requireAPIKey checks that got is want as stored, without a token.
func requireAPIKey(t *testing.T, what string, got, want core.APIKey) {
	t.Helper()
	requireTime(t, what+".CreatedAt", got.CreatedAt.Time(), want.CreatedAt.Time())
	requireTime(t, what+".UpdatedAt", got.UpdatedAt.Time(), want.UpdatedAt.Time())
	if got.ID != want.ID || got.UserID != want.UserID || got.Token != "" {
		t.Errorf("%s = {ID:%s UserID:%s Token:%q}, want {ID:%s UserID:%s Token:\"\"}",
			what, got.ID, got.UserID, got.Token, want.ID, want.UserID)
	}
}

// testAPIKeysCreated checks that CreateUser gives the user its key, made
// when the user was.
func testAPIKeysCreated(t *testing.T, db store.DB) {
	u := newUser()
	keyID := core.NewID(core.PrefixAPIKey)
	if err := db.CreateUser(t.Context(), u, keyID); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	got, err := db.APIKeyOf(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("APIKeyOf: %v", err)
	}
	requireAPIKey(t, "APIKeyOf", got, core.APIKey{ID: keyID, UserID: u.ID, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt})
}

// testAPIKeysReset resets a key twice: each reset returns and stores the
// new id and time, and leaves other users' keys alone.
func testAPIKeysReset(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	before, err := db.APIKeyOf(ctx, v.ID)
	if err != nil {
		t.Fatalf("APIKeyOf(v): %v", err)
	}
	for i := range 2 {
		now := t0.Add(time.Duration(i+1)*time.Hour + 42*time.Nanosecond)
		want := core.APIKey{ID: core.NewID(core.PrefixAPIKey), UserID: u.ID,
			CreatedAt: core.Timestamp(now), UpdatedAt: core.Timestamp(now)}
		got, err := db.ResetAPIKey(ctx, u.ID, want.ID, now)
		if err != nil {
			t.Fatalf("ResetAPIKey: %v", err)
		}
		requireAPIKey(t, "ResetAPIKey", got, want)
		if got, err = db.APIKeyOf(ctx, u.ID); err != nil {
			t.Fatalf("APIKeyOf: %v", err)
		}
		requireAPIKey(t, "APIKeyOf after ResetAPIKey", got, want)
	}
	after, err := db.APIKeyOf(ctx, v.ID)
	if err != nil {
		t.Fatalf("APIKeyOf(v): %v", err)
	}
	requireAPIKey(t, "the other user's key", after, before)
}

// testAPIKeysMissing checks the errors for an unknown user and for a key
// id already in use.
func testAPIKeysMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	const id = "user_00000000000000000000000000000000"
	_, err := db.APIKeyOf(ctx, id)
	requireCode(t, "APIKeyOf", err, core.CodeNotFound, "API key")
	_, err = db.ResetAPIKey(ctx, id, core.NewID(core.PrefixAPIKey), t0)
	requireCode(t, "ResetAPIKey", err, core.CodeNotFound, "API key")
	u, v := createUser(t, db), createUser(t, db)
	taken, err := db.APIKeyOf(ctx, v.ID)
	if err != nil {
		t.Fatalf("APIKeyOf: %v", err)
	}
	_, err = db.ResetAPIKey(ctx, u.ID, taken.ID, t0)
	requireCode(t, "ResetAPIKey to a taken id", err, core.CodeConflict)
}
