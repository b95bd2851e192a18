package storetest

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testIdentitySession reads sessions with their users: live and revoked
// sessions alike, each with its own user as stored.
func testIdentitySession(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	live := createSession(t, db, u.ID, t0)
	revoked := createSession(t, db, v.ID, t0)
	at := t0.Add(time.Hour)
	if err := db.RevokeSession(ctx, revoked.ID, at); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	revoked.RevokedAt = at
	for _, c := range []struct {
		session core.Session
		user    core.User
	}{{live, u}, {revoked, v}} {
		s, got, err := db.SessionWithUser(ctx, c.session.ID)
		if err != nil {
			t.Fatalf("SessionWithUser(%s): %v", c.session.ID, err)
		}
		requireTime(t, "CreatedAt", s.CreatedAt, c.session.CreatedAt)
		requireTime(t, "ExpiresAt", s.ExpiresAt, c.session.ExpiresAt)
		requireTime(t, "RevokedAt", s.RevokedAt, c.session.RevokedAt)
		if s.ID != c.session.ID || s.UserID != c.user.ID || s.IP != c.session.IP || s.UserAgent != c.session.UserAgent {
			t.Errorf("SessionWithUser = %+v, want %+v", s, c.session)
		}
		requireUser(t, "SessionWithUser user", got, c.user)
	}
	_, _, err := db.SessionWithUser(ctx, core.NewID(core.PrefixSession))
	requireCode(t, "SessionWithUser(unknown)", err, core.CodeNotFound, "Session")
}

// testIdentityAPIKey reads a user's current API key with the user: after
// a reset, the new key; for an unknown user, not found.
func testIdentityAPIKey(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newUser()
	keyID := core.NewID(core.PrefixAPIKey)
	if err := db.CreateUser(ctx, u, keyID); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	k, got, err := db.APIKeyWithUser(ctx, u.ID)
	if err != nil {
		t.Fatalf("APIKeyWithUser: %v", err)
	}
	requireAPIKey(t, "APIKeyWithUser", k, core.APIKey{ID: keyID, UserID: u.ID, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt})
	requireUser(t, "APIKeyWithUser user", got, u)

	now := t0.Add(2 * time.Hour)
	reset, err := db.ResetAPIKey(ctx, u.ID, core.NewID(core.PrefixAPIKey), now)
	if err != nil {
		t.Fatalf("ResetAPIKey: %v", err)
	}
	if k, _, err = db.APIKeyWithUser(ctx, u.ID); err != nil {
		t.Fatalf("APIKeyWithUser after reset: %v", err)
	}
	requireAPIKey(t, "APIKeyWithUser after reset", k, reset)

	_, _, err = db.APIKeyWithUser(ctx, core.NewID(core.PrefixUser))
	requireCode(t, "APIKeyWithUser(unknown)", err, core.CodeNotFound, "API key")
}
