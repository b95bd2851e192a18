package storetest

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newClient returns a confidential client with every field set but
// LastUsedAt, its redirect URIs out of sorted order.
func newClient() core.OAuthClient {
	return core.OAuthClient{
		ID: core.NewID(core.PrefixOAuthClient), SecretHash: bytes.Repeat([]byte{0xc1, 0x00}, 16),
		AuthMethod: "client_secret_basic", Name: "Host", URI: "https://host.example",
		RedirectURIs: []string{"https://host.example/cb", "http://127.0.0.1/cb", "https://a.example/cb"},
		CreatedAt:    t0,
	}
}

// createClient stores c.
func createClient(t *testing.T, db store.DB, c core.OAuthClient) {
	t.Helper()
	if err := db.CreateOAuthClient(t.Context(), c); err != nil {
		t.Fatalf("CreateOAuthClient: %v", err)
	}
}

// requireClient checks that the stored client with want's id is want as
// stored, a nil SecretHash staying nil.
func requireClient(t *testing.T, db store.DB, want core.OAuthClient) {
	t.Helper()
	got, err := db.OAuthClientByID(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("OAuthClientByID: %v", err)
	}
	requireTime(t, want.ID+" CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, want.ID+" LastUsedAt", got.LastUsedAt, want.LastUsedAt)
	if got.ID != want.ID || !bytes.Equal(got.SecretHash, want.SecretHash) || (got.SecretHash == nil) != (want.SecretHash == nil) ||
		got.AuthMethod != want.AuthMethod || got.Name != want.Name || got.URI != want.URI ||
		!slices.Equal(got.RedirectURIs, want.RedirectURIs) {
		t.Errorf("OAuthClientByID = %+v, want %+v", got, want)
	}
}

// testOAuthClientsRoundTrip stores a confidential client and a public one
// (no secret, no URI, used already) and reads them back.
func testOAuthClientsRoundTrip(t *testing.T, db store.DB) {
	confidential, public := newClient(), newClient()
	public.SecretHash, public.AuthMethod, public.URI = nil, "none", ""
	public.RedirectURIs, public.LastUsedAt = []string{"http://localhost/callback"}, t0.Add(time.Second)
	createClient(t, db, confidential)
	createClient(t, db, public)
	requireClient(t, db, confidential)
	requireClient(t, db, public)
}

// testOAuthClientsMissing reads and touches an unknown client: not found.
func testOAuthClientsMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	id := core.NewID(core.PrefixOAuthClient)
	_, err := db.OAuthClientByID(ctx, id)
	requireCode(t, "OAuthClientByID(unknown)", err, core.CodeNotFound, "OAuth client")
	requireCode(t, "TouchOAuthClient(unknown)", db.TouchOAuthClient(ctx, id, t0), core.CodeNotFound, "OAuth client")
}

// testOAuthClientsDuplicate stores a client id twice: a conflict that
// keeps the first.
func testOAuthClientsDuplicate(t *testing.T, db store.DB) {
	c := newClient()
	createClient(t, db, c)
	again := c
	again.Name = "Impostor"
	requireCode(t, "CreateOAuthClient(duplicate)", db.CreateOAuthClient(t.Context(), again), core.CodeConflict)
	requireClient(t, db, c)
}

// testOAuthClientsTouch records a client's last use, twice.
func testOAuthClientsTouch(t *testing.T, db store.DB) {
	c := newClient()
	createClient(t, db, c)
	for _, at := range []time.Time{t0.Add(time.Minute), t0.Add(time.Hour)} {
		if err := db.TouchOAuthClient(t.Context(), c.ID, at); err != nil {
			t.Fatalf("TouchOAuthClient: %v", err)
		}
		c.LastUsedAt = at
		requireClient(t, db, c)
	}
}

// testOAuthClientsDeleteUnused deletes only the clients created before the
// cutoff and never used.
func testOAuthClientsDeleteUnused(t *testing.T, db store.DB) {
	ctx := t.Context()
	cutoff := t0.Add(time.Hour)
	oldUnused, oldUsed, atCutoff, newUnused := newClient(), newClient(), newClient(), newClient()
	oldUsed.LastUsedAt = t0.Add(time.Minute)
	atCutoff.CreatedAt, newUnused.CreatedAt = cutoff, cutoff.Add(time.Minute)
	for _, c := range []core.OAuthClient{oldUnused, oldUsed, atCutoff, newUnused} {
		createClient(t, db, c)
	}
	if n, err := db.DeleteUnusedOAuthClients(ctx, cutoff); err != nil || n != 1 {
		t.Fatalf("DeleteUnusedOAuthClients = %d, %v; want 1", n, err)
	}
	if n, err := db.DeleteUnusedOAuthClients(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("DeleteUnusedOAuthClients(again) = %d, %v; want 0", n, err)
	}
	_, err := db.OAuthClientByID(ctx, oldUnused.ID)
	requireCode(t, "OAuthClientByID(deleted)", err, core.CodeNotFound, "OAuth client")
	requireClient(t, db, oldUsed)
	requireClient(t, db, atCutoff)
	requireClient(t, db, newUnused)
}

// newToken returns an active token of kind for the request and grant, with
// a fresh signature, made at t0 and expiring an hour later.
func newToken(kind core.OAuthTokenKind, requestID, grantID string) core.OAuthToken {
	return core.OAuthToken{
		Kind: kind, Signature: core.NewID("sig_"), RequestID: requestID, GrantID: grantID,
		ClientID: "https://host.example/client.json", Request: []byte(`{"scopes":["clara:account"],"n":1}`),
		Active: true, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour),
	}
}

// createToken stores tok.
func createToken(t *testing.T, db store.DB, tok core.OAuthToken) {
	t.Helper()
	if err := db.CreateOAuthToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateOAuthToken(%s): %v", tok.Kind, err)
	}
}

// requireToken checks that the stored token of want's kind and signature is
// want as stored.
func requireToken(t *testing.T, db store.DB, want core.OAuthToken) {
	t.Helper()
	got, err := db.OAuthTokenBySignature(t.Context(), want.Kind, want.Signature)
	if err != nil {
		t.Fatalf("OAuthTokenBySignature(%s): %v", want.Kind, err)
	}
	requireTime(t, string(want.Kind)+" CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, string(want.Kind)+" ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	if got.Kind != want.Kind || got.Signature != want.Signature || got.RequestID != want.RequestID ||
		got.GrantID != want.GrantID || got.ClientID != want.ClientID || !bytes.Equal(got.Request, want.Request) ||
		got.Active != want.Active {
		t.Errorf("OAuthTokenBySignature = %+v, want %+v", got, want)
	}
}

// testOAuthTokensRoundTrip stores a token of each kind, one inactive, two
// under one signature, and reads them back; a duplicate is a conflict.
func testOAuthTokensRoundTrip(t *testing.T, db store.DB) {
	req, grant := core.NewID("req_"), core.NewID(core.PrefixOAuthGrant)
	code, refresh := newToken(core.OAuthCodeToken, req, grant), newToken(core.OAuthRefreshToken, req, grant)
	pkce := newToken(core.OAuthPKCEToken, req, grant)
	pkce.Signature = code.Signature
	refresh.Active, refresh.CreatedAt, refresh.ExpiresAt = false, t0.Add(time.Minute), t0.Add(30*24*time.Hour)
	for _, tok := range []core.OAuthToken{code, pkce, refresh} {
		createToken(t, db, tok)
	}
	for _, tok := range []core.OAuthToken{code, pkce, refresh} {
		requireToken(t, db, tok)
	}
	again := code
	again.RequestID = core.NewID("req_")
	requireCode(t, "CreateOAuthToken(duplicate)", db.CreateOAuthToken(t.Context(), again), core.CodeConflict)
	requireToken(t, db, code)
}

// testOAuthTokensMissing reads an unknown signature, and a known one under
// another kind: not found.
func testOAuthTokensMissing(t *testing.T, db store.DB) {
	ctx := t.Context()
	code := newToken(core.OAuthCodeToken, core.NewID("req_"), core.NewID(core.PrefixOAuthGrant))
	createToken(t, db, code)
	_, err := db.OAuthTokenBySignature(ctx, core.OAuthCodeToken, core.NewID("sig_"))
	requireCode(t, "OAuthTokenBySignature(unknown)", err, core.CodeNotFound, "OAuth token")
	_, err = db.OAuthTokenBySignature(ctx, core.OAuthRefreshToken, code.Signature)
	requireCode(t, "OAuthTokenBySignature(other kind)", err, core.CodeNotFound, "OAuth token")
}

// testOAuthTokensDeactivate uses a token once: then, and for a missing
// token, it is a conflict; the same signature of another kind stays active.
func testOAuthTokensDeactivate(t *testing.T, db store.DB) {
	ctx := t.Context()
	code := newToken(core.OAuthCodeToken, core.NewID("req_"), core.NewID(core.PrefixOAuthGrant))
	pkce := code
	pkce.Kind = core.OAuthPKCEToken
	createToken(t, db, code)
	createToken(t, db, pkce)
	if err := db.DeactivateOAuthToken(ctx, code.Kind, code.Signature); err != nil {
		t.Fatalf("DeactivateOAuthToken: %v", err)
	}
	requireCode(t, "DeactivateOAuthToken(again)", db.DeactivateOAuthToken(ctx, code.Kind, code.Signature), core.CodeConflict)
	requireCode(t, "DeactivateOAuthToken(missing)", db.DeactivateOAuthToken(ctx, code.Kind, core.NewID("sig_")), core.CodeConflict)
	code.Active = false
	requireToken(t, db, code)
	requireToken(t, db, pkce)
}

// testOAuthTokensDeactivateConcurrent uses one token from 20 goroutines at
// once: exactly one succeeds, the others conflict.
func testOAuthTokensDeactivateConcurrent(t *testing.T, db store.DB) {
	tok := newToken(core.OAuthRefreshToken, core.NewID("req_"), core.NewID(core.PrefixOAuthGrant))
	createToken(t, db, tok)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			switch err := db.DeactivateOAuthToken(t.Context(), tok.Kind, tok.Signature); core.ErrorCode(err) {
			case "":
				wins.Add(1)
			case core.CodeConflict:
			default:
				t.Errorf("DeactivateOAuthToken: %v", err)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("%d of 20 concurrent DeactivateOAuthToken succeeded, want 1", n)
	}
}

// testOAuthTokensDelete deletes a token, then again and an unknown one:
// no error; the same signature of another kind stays.
func testOAuthTokensDelete(t *testing.T, db store.DB) {
	ctx := t.Context()
	code := newToken(core.OAuthCodeToken, core.NewID("req_"), core.NewID(core.PrefixOAuthGrant))
	pkce := code
	pkce.Kind = core.OAuthPKCEToken
	createToken(t, db, code)
	createToken(t, db, pkce)
	for i := range 2 {
		if err := db.DeleteOAuthToken(ctx, code.Kind, code.Signature); err != nil {
			t.Fatalf("DeleteOAuthToken #%d: %v", i+1, err)
		}
	}
	if err := db.DeleteOAuthToken(ctx, code.Kind, core.NewID("sig_")); err != nil {
		t.Errorf("DeleteOAuthToken(unknown): %v", err)
	}
	_, err := db.OAuthTokenBySignature(ctx, code.Kind, code.Signature)
	requireCode(t, "OAuthTokenBySignature(deleted)", err, core.CodeNotFound, "OAuth token")
	requireToken(t, db, pkce)
}

// testOAuthTokensRevokeRequest revokes one request: all its tokens go
// inactive and its grant is revoked, at the first revocation only; another
// request's tokens and grant stay live, also when revoking it in a
// transaction that rolls back. An unknown request is no error.
func testOAuthTokensRevokeRequest(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := createUser(t, db)
	g, h := createGrant(t, db, u.ID, t0, "clara:account"), createGrant(t, db, u.ID, t0, "clara:billing")
	req, other := core.NewID("req_"), core.NewID("req_")
	code, pkce := newToken(core.OAuthCodeToken, req, g.ID), newToken(core.OAuthPKCEToken, req, g.ID)
	refresh, kept := newToken(core.OAuthRefreshToken, req, g.ID), newToken(core.OAuthRefreshToken, other, h.ID)
	code.Active = false
	for _, tok := range []core.OAuthToken{code, pkce, refresh, kept} {
		createToken(t, db, tok)
	}
	at := t0.Add(time.Hour)
	for i, when := range []time.Time{at, at.Add(time.Hour)} {
		if err := db.RevokeOAuthRequest(ctx, req, when); err != nil {
			t.Fatalf("RevokeOAuthRequest #%d: %v", i+1, err)
		}
	}
	if err := db.RevokeOAuthRequest(ctx, core.NewID("req_"), at); err != nil {
		t.Errorf("RevokeOAuthRequest(unknown): %v", err)
	}
	err := db.InTx(ctx, func(q core.Queries) error {
		if err := q.RevokeOAuthRequest(ctx, other, at); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("InTx(RevokeOAuthRequest, abort) = %v, want the abort", err)
	}
	pkce.Active, refresh.Active = false, false
	for _, tok := range []core.OAuthToken{code, pkce, refresh, kept} {
		requireToken(t, db, tok)
	}
	got, _, err := db.OAuthGrantWithUser(ctx, g.ID)
	if err != nil {
		t.Fatalf("OAuthGrantWithUser: %v", err)
	}
	g.RevokedAt = at
	requireGrant(t, "revoked grant", got, g)
	if got, _, err = db.OAuthGrantWithUser(ctx, h.ID); err != nil || !got.Live() {
		t.Errorf("other request's grant = %+v, %v; want it live", got, err)
	}
}

// testOAuthTokensDeleteExpired deletes only the tokens that expired before
// the cutoff, active or not.
func testOAuthTokensDeleteExpired(t *testing.T, db store.DB) {
	ctx := t.Context()
	cutoff := t0.Add(time.Hour)
	var toks []core.OAuthToken
	for i, exp := range []time.Time{cutoff.Add(-time.Microsecond), cutoff.Add(-time.Hour), cutoff, cutoff.Add(time.Minute)} {
		tok := newToken(core.OAuthRefreshToken, core.NewID("req_"), core.NewID(core.PrefixOAuthGrant))
		tok.ExpiresAt, tok.Active = exp, i != 1
		createToken(t, db, tok)
		toks = append(toks, tok)
	}
	if n, err := db.DeleteExpiredOAuthTokens(ctx, cutoff); err != nil || n != 2 {
		t.Fatalf("DeleteExpiredOAuthTokens = %d, %v; want 2", n, err)
	}
	for _, tok := range toks[:2] {
		_, err := db.OAuthTokenBySignature(ctx, tok.Kind, tok.Signature)
		requireCode(t, "OAuthTokenBySignature(expired)", err, core.CodeNotFound, "OAuth token")
	}
	for _, tok := range toks[2:] {
		requireToken(t, db, tok)
	}
}
