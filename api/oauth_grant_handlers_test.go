package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
)

// testResource is the MCP endpoint the grants of these tests are for.
const testResource = "https://clara.example/mcp"

// bodyNoGrant is the 404 of a grant that is not the caller's to revoke.
var bodyNoGrant = errorBody("null", "OAuth grant with the given identifier does not exist.")

// oauthGrant stores a live OAuth grant of a made at the clock's now plus age.
func (e *accEnv) oauthGrant(t *testing.T, a account, age time.Duration, scopes ...string) core.OAuthGrant {
	t.Helper()
	g := core.OAuthGrant{
		ID: core.NewID(core.PrefixOAuthGrant), UserID: a.ID, ClientID: "https://host.example/client.json",
		ClientName: "Host", Scopes: scopes, Resource: testResource, CreatedAt: e.clock.Now().Add(age),
	}
	if err := e.store.CreateOAuthGrant(t.Context(), g); err != nil {
		t.Fatalf("CreateOAuthGrant: %v", err)
	}
	return g
}

// oauthToken mints an access token of g for its resource, as Clara's
// authorization server does.
func (e *accEnv) oauthToken(t *testing.T, g core.OAuthGrant) string {
	t.Helper()
	tokens := auth.NewTokens(auth.DeriveKeys(testSecret), auth.TokenOptions{Now: e.clock.Now})
	tok, _, err := tokens.IssueOAuth(g.UserID, g.ID, g.Resource, g.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A user lists their live OAuth grants, newest first, and revokes them
// one by one; another user's grant, an unknown one and one revoked
// already are not found; only the user's own token may do either.
func TestOAuthGrantsListAndRevoke(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			e := newAccEnv(t, envConfig{store: kind})
			a, b := e.activeAccount(t, "ada@example.com"), e.activeAccount(t, "bob@example.com")
			older := e.oauthGrant(t, a, 0, "clara:account")
			newer := e.oauthGrant(t, a, time.Second, "clara:account", "clara:billing")
			others := e.oauthGrant(t, b, 0, "clara:analysis")
			list := "/users/" + a.ID + "/oauth/grants"

			rec := e.call("GET", list, bearer(a.Token), "")
			expect(t, rec, http.StatusOK, successBody(mustJSON([]core.OAuthGrantInfo{newer.Info(), older.Info()}), msgOAuthGrantsFetched))
			var got []map[string]any
			dataOf(t, rec, &got)
			if got[0]["last_used_at"] != nil || len(got[0]["scopes"].([]any)) != 2 || got[0]["resource"] != testResource {
				t.Errorf("first grant %v", got[0])
			}
			expect(t, e.call("GET", list, bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
			expect(t, e.call("GET", list, bearer(e.apiKey(t, a)), ""), http.StatusUnauthorized, bodyUnauth)
			expect(t, e.call("GET", list, "", ""), http.StatusUnauthorized, bodyUnauth)
			// An OAuth access token is for the MCP endpoint, never for REST.
			expect(t, e.call("GET", "/users/"+a.ID, bearer(e.oauthToken(t, newer)), ""), http.StatusUnauthorized, bodyUnauth)

			expect(t, e.call("DELETE", list+"/"+others.ID, bearer(a.Token), ""), http.StatusNotFound, bodyNoGrant)
			expect(t, e.call("DELETE", list+"/"+core.NewID(core.PrefixOAuthGrant), bearer(a.Token), ""), http.StatusNotFound, bodyNoGrant)
			expect(t, e.call("DELETE", list+"/"+older.ID, bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
			expect(t, e.call("DELETE", list+"/"+older.ID, bearer(a.Token), ""), http.StatusOK, successBody("null", msgOAuthGrantRevoked))
			expect(t, e.call("DELETE", list+"/"+older.ID, bearer(a.Token), ""), http.StatusNotFound, bodyNoGrant)
			expect(t, e.call("GET", list, bearer(a.Token), ""), http.StatusOK,
				successBody(mustJSON([]core.OAuthGrantInfo{newer.Info()}), msgOAuthGrantsFetched))
			expect(t, e.call("GET", "/users/"+b.ID+"/oauth/grants", bearer(b.Token), ""), http.StatusOK,
				successBody(mustJSON([]core.OAuthGrantInfo{others.Info()}), msgOAuthGrantsFetched))
		})
	}
}

// An inactive account may not list its grants; none gives an empty list.
func TestOAuthGrantsInactiveAndEmpty(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	expect(t, e.call("GET", "/users/"+a.ID+"/oauth/grants", bearer(a.Token), ""), http.StatusUnauthorized, bodyInactive)
	b := e.activeAccount(t, "bob@example.com")
	expect(t, e.call("GET", "/users/"+b.ID+"/oauth/grants", bearer(b.Token), ""), http.StatusOK, successBody("[]", msgOAuthGrantsFetched))
}

// A password change revokes every OAuth grant of the user, with the
// sessions, in one transaction.
func TestPasswordChangeRevokesOAuthGrants(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			e := newAccEnv(t, envConfig{store: kind})
			a, b := e.activeAccount(t, "ada@example.com"), e.activeAccount(t, "bob@example.com")
			g := e.oauthGrant(t, a, 0, "clara:account")
			kept := e.oauthGrant(t, b, 0, "clara:account")
			code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
			expect(t, e.call("PATCH", "/users/"+a.Email+"/password", testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+code+`"}`),
				http.StatusOK, successBody("null", msgPasswordChanged))
			got, _, err := e.store.OAuthGrantWithUser(t.Context(), g.ID)
			if err != nil || got.Live() {
				t.Fatalf("grant after a password change: %+v, %v; want it revoked", got, err)
			}
			a.Password = "N3w-Passw0rd!"
			expect(t, e.call("GET", "/users/"+a.ID+"/oauth/grants", bearer(e.login(t, a, "")), ""), http.StatusOK,
				successBody("[]", msgOAuthGrantsFetched))
			if other, _, err := e.store.OAuthGrantWithUser(t.Context(), kept.ID); err != nil || !other.Live() {
				t.Errorf("another user's grant: %+v, %v; want it live", other, err)
			}
		})
	}
}
