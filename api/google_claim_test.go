package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/internal/testclock"
)

// TestGoogleClaimsUnactivatedAccount: someone registers an email they do
// not own and never activates it; when the email's owner signs in with
// Google, the account is theirs alone: the unverified password no longer
// logs in, and the maker's session and API key are revoked (the key is
// replaced). An account that was activated keeps its password and
// sessions. On both stores.
func TestGoogleClaimsUnactivatedAccount(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			clock := testclock.New(testStart)
			g := googletest.New(t)
			g.Now = clock.Now
			e := newAccEnv(t, envConfig{store: kind, google: g.Verifier(googletest.ClientID), clock: clock})

			squatter := e.register(t, "victim@example.com")
			squatterKey := e.svcAPIKey(t, squatter)
			rec := e.call("POST", "/auth/google", "", `{"id_token":"`+g.Token(t, "victim@example.com", nil)+`"}`)
			var owner wireUser
			dataOf(t, rec, &owner)
			if rec.Code != http.StatusCreated || owner.ID != squatter.ID {
				t.Fatalf("owner's Google sign-in: %d %s", rec.Code, rec.Body)
			}

			expect(t, e.call("POST", "/auth/session", basic(squatter.Email, squatter.Password), ""), http.StatusUnauthorized, bodyUnauth)
			for _, authz := range []string{bearer(squatter.Token), bearer(squatterKey)} {
				expect(t, e.call("GET", "/users/"+owner.ID, authz, ""), http.StatusUnauthorized, bodyUnauth)
			}
			stored, err := e.store.UserByID(context.Background(), owner.ID)
			if err != nil || stored.PasswordHash != "" || !stored.IsActive {
				t.Fatalf("claimed account: password hash %q, active %v, %v", stored.PasswordHash, stored.IsActive, err)
			}
			ownerKey := e.apiKey(t, account{ID: owner.ID, Token: owner.Token})
			if ownerKey == squatterKey {
				t.Fatal("the maker's API key was kept")
			}
			if rec := e.call("GET", "/users/"+owner.ID, bearer(ownerKey), ""); rec.Code != http.StatusOK {
				t.Fatalf("owner's new API key: %d %s", rec.Code, rec.Body)
			}

			// An activated account is only signed in: password, sessions
			// and key stay.
			ada := e.activeAccount(t, "ada@example.com")
			adaKey := e.apiKey(t, ada)
			rec = e.call("POST", "/auth/google", "", `{"id_token":"`+g.Token(t, "ada@example.com", nil)+`"}`)
			if rec.Code != http.StatusCreated {
				t.Fatalf("active account's Google sign-in: %d %s", rec.Code, rec.Body)
			}
			for _, authz := range []string{bearer(ada.Token), bearer(adaKey)} {
				if rec := e.call("GET", "/users/"+ada.ID, authz, ""); rec.Code != http.StatusOK {
					t.Fatalf("active account's credential after Google sign-in: %d %s", rec.Code, rec.Body)
				}
			}
			e.login(t, ada, "")
		})
	}
}
