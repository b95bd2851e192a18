package storetest

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newSession returns a session of userID made at created, live for a day.
func newSession(userID string, created time.Time) core.Session {
	return core.Session{
		ID:        core.NewID(core.PrefixSession),
		UserID:    userID,
		CreatedAt: created,
		ExpiresAt: created.Add(24*time.Hour + 321*time.Nanosecond),
		IP:        "2001:db8::1",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) ünïcode",
	}
}

// createSession stores a new session (see newSession) and returns it.
func createSession(t *testing.T, db store.DB, userID string, created time.Time) core.Session {
	t.Helper()
	s := newSession(userID, created)
	if err := db.CreateSession(t.Context(), s); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return s
}

// requireSession checks that the stored session id is want, as stored.
func requireSession(t *testing.T, db store.DB, want core.Session) {
	t.Helper()
	got, err := db.SessionByID(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("SessionByID(%s): %v", want.ID, err)
	}
	requireTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, "ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	requireTime(t, "RevokedAt", got.RevokedAt, want.RevokedAt)
	got.CreatedAt, got.ExpiresAt, got.RevokedAt = time.Time{}, time.Time{}, time.Time{}
	want.CreatedAt, want.ExpiresAt, want.RevokedAt = time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("SessionByID = %+v, want %+v", got, want)
	}
}

// testSessionsRoundTrip stores sessions, live and revoked, with and without
// client details, and reads them back.
func testSessionsRoundTrip(t *testing.T, db store.DB) {
	u := createUser(t, db)
	live := createSession(t, db, u.ID, t0)
	requireSession(t, db, live)
	revoked := newSession(u.ID, t0)
	revoked.RevokedAt = t0.Add(time.Hour + 5*time.Nanosecond)
	revoked.IP, revoked.UserAgent = "", ""
	if err := db.CreateSession(t.Context(), revoked); err != nil {
		t.Fatalf("CreateSession(revoked): %v", err)
	}
	requireSession(t, db, revoked)
}

// testSessionsMissing checks the errors for an unknown session and for a
// session of an unknown user.
func testSessionsMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	_, err := db.SessionByID(ctx, "session_00000000000000000000000000000000")
	requireCode(t, "SessionByID", err, core.CodeNotFound, "Session")
	err = db.RevokeSession(ctx, "session_00000000000000000000000000000000", t0)
	requireCode(t, "RevokeSession", err, core.CodeNotFound, "Session")
	err = db.CreateSession(ctx, newSession("user_00000000000000000000000000000000", t0))
	requireCode(t, "CreateSession of an unknown user", err, core.CodeNotFound, "User")
	u := createUser(t, db)
	s := createSession(t, db, u.ID, t0)
	requireCode(t, "CreateSession twice", db.CreateSession(ctx, s), core.CodeConflict)
}

// testSessionsRevoke revokes one session twice: the first time counts, the
// second is no error and changes nothing; other sessions stay live.
func testSessionsRevoke(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	s := createSession(t, db, u.ID, t0)
	other := createSession(t, db, u.ID, t0)
	if err := db.RevokeSession(ctx, s.ID, t0.Add(time.Minute)); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	if err := db.RevokeSession(ctx, s.ID, t0.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeSession again: %v", err)
	}
	s.RevokedAt = t0.Add(time.Minute)
	requireSession(t, db, s)
	requireSession(t, db, other)
}

// testSessionsRevokeUser revokes a user's live sessions but one, leaving
// expired and already-revoked sessions and other users' sessions alone.
func testSessionsRevokeUser(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	now := t0.Add(2 * time.Hour)
	keep := createSession(t, db, u.ID, t0)
	live1 := createSession(t, db, u.ID, t0.Add(time.Minute))
	live2 := createSession(t, db, u.ID, now.Add(-time.Nanosecond))
	expired := createSession(t, db, u.ID, t0.Add(-48*time.Hour))
	revoked := createSession(t, db, u.ID, t0)
	if err := db.RevokeSession(ctx, revoked.ID, t0.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	revoked.RevokedAt = t0.Add(time.Hour)
	others := createSession(t, db, v.ID, t0)

	n, err := db.RevokeUserSessions(ctx, u.ID, keep.ID, now)
	if err != nil || n != 2 {
		t.Fatalf("RevokeUserSessions(except one) = %d, %v, want 2", n, err)
	}
	live1.RevokedAt, live2.RevokedAt = now, now
	for _, s := range []core.Session{keep, live1, live2, expired, revoked, others} {
		requireSession(t, db, s)
	}

	later := now.Add(time.Minute)
	if n, err := db.RevokeUserSessions(ctx, u.ID, "", later); err != nil || n != 1 {
		t.Fatalf("RevokeUserSessions(all) = %d, %v, want 1", n, err)
	}
	keep.RevokedAt = later
	requireSession(t, db, keep)
	requireSession(t, db, others)
	if n, err := db.RevokeUserSessions(ctx, u.ID, "", later); err != nil || n != 0 {
		t.Errorf("RevokeUserSessions(none left) = %d, %v, want 0", n, err)
	}
	if n, err := db.RevokeUserSessions(ctx, "user_00000000000000000000000000000000", "", later); err != nil || n != 0 {
		t.Errorf("RevokeUserSessions(unknown user) = %d, %v, want 0", n, err)
	}
}
