package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// grantResource is the resource of the grants of these checks.
const grantResource = "https://clara.example/mcp"

// createGrant stores a live grant of userID with scopes, made at at.
func createGrant(t *testing.T, db store.DB, userID string, at time.Time, scopes ...string) core.OAuthGrant {
	t.Helper()
	g := core.OAuthGrant{
		ID: core.NewID(core.PrefixOAuthGrant), UserID: userID, ClientID: "https://host.example/client.json",
		ClientName: "Host", Scopes: scopes, Resource: grantResource, CreatedAt: at,
	}
	if err := db.CreateOAuthGrant(t.Context(), g); err != nil {
		t.Fatalf("CreateOAuthGrant: %v", err)
	}
	return g
}

// requireGrant checks that got is want as stored.
func requireGrant(t *testing.T, what string, got, want core.OAuthGrant) {
	t.Helper()
	requireTime(t, what+" CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, what+" LastUsedAt", got.LastUsedAt, want.LastUsedAt)
	requireTime(t, what+" RevokedAt", got.RevokedAt, want.RevokedAt)
	if got.ID != want.ID || got.UserID != want.UserID || got.ClientID != want.ClientID ||
		got.ClientName != want.ClientName || got.Resource != want.Resource || !slices.Equal(got.Scopes, want.Scopes) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

// grantIDs returns the ids of grants, in order.
func grantIDs(grants []core.OAuthGrant) []string {
	ids := make([]string, len(grants))
	for i, g := range grants {
		ids[i] = g.ID
	}
	return ids
}

// testOAuthGrantsRoundTrip stores grants and lists a user's, newest first
// and only theirs; a grant of an unknown user is not found.
func testOAuthGrantsRoundTrip(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	older := createGrant(t, db, u.ID, t0, "clara:account")
	newer := createGrant(t, db, u.ID, t0.Add(time.Minute), "clara:account", "clara:billing")
	createGrant(t, db, v.ID, t0.Add(2*time.Minute), "clara:analysis")
	got, err := db.OAuthGrants(ctx, u.ID)
	if err != nil {
		t.Fatalf("OAuthGrants: %v", err)
	}
	if ids, want := grantIDs(got), []string{newer.ID, older.ID}; !slices.Equal(ids, want) {
		t.Fatalf("OAuthGrants ids = %v, want %v", ids, want)
	}
	requireGrant(t, "newer", got[0], newer)
	requireGrant(t, "older", got[1], older)
	if none, err := db.OAuthGrants(ctx, core.NewID(core.PrefixUser)); err != nil || none == nil || len(none) != 0 {
		t.Errorf("OAuthGrants(unknown user) = %v, %v; want an empty list", none, err)
	}
	orphan := core.OAuthGrant{ID: core.NewID(core.PrefixOAuthGrant), UserID: core.NewID(core.PrefixUser), Scopes: []string{"clara:account"}, Resource: grantResource, CreatedAt: t0}
	requireCode(t, "CreateOAuthGrant(unknown user)", db.CreateOAuthGrant(ctx, orphan), core.CodeNotFound, "User")
}

// testOAuthGrantsRevoke revokes one grant of its user: gone from the list,
// kept (revoked) for identity; another user's grant, an unknown one and a
// revoked one are not found.
func testOAuthGrantsRevoke(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	g := createGrant(t, db, u.ID, t0, "clara:account")
	keep := createGrant(t, db, u.ID, t0, "clara:billing")
	other := createGrant(t, db, v.ID, t0, "clara:account")
	at := t0.Add(time.Hour)
	requireCode(t, "RevokeOAuthGrant(other user's)", db.RevokeOAuthGrant(ctx, u.ID, other.ID, at), core.CodeNotFound, "OAuth grant")
	requireCode(t, "RevokeOAuthGrant(unknown)", db.RevokeOAuthGrant(ctx, u.ID, core.NewID(core.PrefixOAuthGrant), at), core.CodeNotFound, "OAuth grant")
	if err := db.RevokeOAuthGrant(ctx, u.ID, g.ID, at); err != nil {
		t.Fatalf("RevokeOAuthGrant: %v", err)
	}
	requireCode(t, "RevokeOAuthGrant(again)", db.RevokeOAuthGrant(ctx, u.ID, g.ID, at.Add(time.Hour)), core.CodeNotFound, "OAuth grant")
	list, err := db.OAuthGrants(ctx, u.ID)
	if err != nil || !slices.Equal(grantIDs(list), []string{keep.ID}) {
		t.Errorf("OAuthGrants after revoke = %v, %v; want only %s", grantIDs(list), err, keep.ID)
	}
	got, _, err := db.OAuthGrantWithUser(ctx, g.ID)
	if err != nil {
		t.Fatalf("OAuthGrantWithUser(revoked): %v", err)
	}
	g.RevokedAt = at
	requireGrant(t, "revoked grant", got, g)
	if got, _, err = db.OAuthGrantWithUser(ctx, other.ID); err != nil || !got.Live() {
		t.Errorf("other user's grant after a refused revoke = %+v, %v; want it live", got, err)
	}
}

// testOAuthGrantsRevokeUser revokes every live grant of one user, no
// other's, and counts them.
func testOAuthGrantsRevokeUser(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := createUser(t, db), createUser(t, db)
	createGrant(t, db, u.ID, t0, "clara:account")
	createGrant(t, db, u.ID, t0, "clara:analysis")
	other := createGrant(t, db, v.ID, t0, "clara:account")
	if n, err := db.RevokeUserOAuthGrants(ctx, u.ID, t0); err != nil || n != 2 {
		t.Fatalf("RevokeUserOAuthGrants = %d, %v; want 2", n, err)
	}
	if n, err := db.RevokeUserOAuthGrants(ctx, u.ID, t0); err != nil || n != 0 {
		t.Errorf("RevokeUserOAuthGrants(none left) = %d, %v; want 0", n, err)
	}
	if list, err := db.OAuthGrants(ctx, u.ID); err != nil || len(list) != 0 {
		t.Errorf("OAuthGrants after revoking all = %v, %v; want none", grantIDs(list), err)
	}
	if list, err := db.OAuthGrants(ctx, v.ID); err != nil || !slices.Equal(grantIDs(list), []string{other.ID}) {
		t.Errorf("other user's grants = %v, %v; want %s", grantIDs(list), err, other.ID)
	}
}

// testOAuthGrantsTouch records a grant's last use.
func testOAuthGrantsTouch(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	g := createGrant(t, db, u.ID, t0, "clara:account")
	at := t0.Add(time.Minute)
	if err := db.TouchOAuthGrant(ctx, g.ID, at); err != nil {
		t.Fatalf("TouchOAuthGrant: %v", err)
	}
	got, _, err := db.OAuthGrantWithUser(ctx, g.ID)
	if err != nil {
		t.Fatalf("OAuthGrantWithUser: %v", err)
	}
	g.LastUsedAt = at
	requireGrant(t, "touched grant", got, g)
	requireCode(t, "TouchOAuthGrant(unknown)", db.TouchOAuthGrant(ctx, core.NewID(core.PrefixOAuthGrant), at), core.CodeNotFound, "OAuth grant")
}

// testIdentityOAuthGrant reads a grant with its user in one statement; an
// unknown grant is not found.
func testIdentityOAuthGrant(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	g := createGrant(t, db, u.ID, t0, "clara:account", "clara:analysis")
	got, user, err := db.OAuthGrantWithUser(ctx, g.ID)
	if err != nil {
		t.Fatalf("OAuthGrantWithUser: %v", err)
	}
	requireGrant(t, "OAuthGrantWithUser", got, g)
	requireUser(t, "OAuthGrantWithUser user", user, u)
	_, _, err = db.OAuthGrantWithUser(ctx, core.NewID(core.PrefixOAuthGrant))
	requireCode(t, "OAuthGrantWithUser(unknown)", err, core.CodeNotFound, "OAuth grant")
}
