package api

import (
	"encoding/base64"
	"net/http"
	"testing"
)

// NUL characters and invalid UTF-8 anywhere a client can put text (JSON
// fields, path segments, query parameters, headers that reach the core,
// Basic credentials, multipart fields) are a 400 naming the field, on both
// stores: never a 500, and never stored.
func TestBadTextIsInvalid(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			e, a := analysisEnv(t, envConfig{store: kind, analysis: &analysisConfig{NoWorkers: true}}, 100)
			user := bearer(a.Token)
			cases := []struct {
				name, method, path, authz, body string
				header                          []string
				field                           string
			}{
				{"NUL in a JSON field", "POST", "/auth/register", testPublicKey,
					`{"first_name":"A\u0000da","last_name":"L","email":"nul@example.com","password":"analytical-engine-1843"}`, nil, "first_name"},
				{"NUL in an email", "POST", "/auth/register", testPublicKey,
					`{"first_name":"Ada","email":"n\u0000ul@example.com","password":"analytical-engine-1843"}`, nil, "email"},
				{"invalid UTF-8 in a JSON body", "POST", "/auth/register", testPublicKey,
					"{\"first_name\":\"\xff\",\"email\":\"ff@example.com\",\"password\":\"analytical-engine-1843\"}", nil, "body"},
				{"NUL in an unknown field's key", "PATCH", "/users/" + a.ID, user, `{"first_name":"Ada","x\u0000":1}`, nil, `x\u0000`},
				{"NUL in a JSON update", "PATCH", "/users/" + a.ID, user, `{"first_name":"Ada\u0000"}`, nil, "first_name"},
				{"NUL in a user id", "GET", "/users/%00", user, "", nil, "user_id"},
				{"invalid UTF-8 in a user id", "GET", "/users/%FF", user, "", nil, "user_id"},
				{"invalid UTF-8 in a task id", "GET", "/users/" + a.ID + "/tasks/%FF%FE", user, "", nil, "task_id"},
				{"NUL in a transaction id", "GET", "/users/" + a.ID + "/transactions/tx%00", user, "", nil, "transaction_id"},
				{"NUL in an email path", "POST", "/users/ada%00@example.com/activate", testPublicKey, `{"code":"123456"}`, nil, "user_email"},
				{"invalid UTF-8 in an email path", "POST", "/users/%C3@example.com/otp/ACTIVATION", testPublicKey, "", nil, "user_email"},
				{"NUL in a query parameter", "GET", "/users/" + a.ID + "/tasks?limit=%00", user, "", nil, "limit"},
				{"invalid UTF-8 in Basic credentials", "POST", "/auth/session",
					"Basic " + base64.StdEncoding.EncodeToString([]byte("ada@example.com:\xff\xfe")), "", nil, "Authorization"},
				{"NUL in Basic credentials", "POST", "/auth/session",
					"Basic " + base64.StdEncoding.EncodeToString([]byte("ada\x00@example.com:pw")), "", nil, "Authorization"},
				{"NUL in a bearer token", "GET", "/users/" + a.ID, "Bearer clara_user_\x00", "", nil, "Authorization"},
				{"invalid UTF-8 in User-Id", "GET", "/users/" + a.ID, user, "", []string{"User-Id", "user_\xff"}, "User-Id"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					expectInvalid(t, e.call(tc.method, tc.path, tc.authz, tc.body, tc.header...), tc.field)
				})
			}

			t.Run("multipart query", func(t *testing.T) {
				expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("is\x00it")}), "query")
				expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("is \xffit")}), "query")
			})
			t.Run("multipart file name", func(t *testing.T) {
				expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("x"), filePart("a\xff.txt", []byte("text"))}), "attachments")
			})
			t.Run("Idempotency-Key", func(t *testing.T) {
				expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("x")}, IdempotencyKeyHeader, "k\x00"), IdempotencyKeyHeader)
			})
			e.nothingHeld(t, a, "100.0")

			// Nothing was registered, and the honest request still works.
			rec := e.call("POST", "/auth/register", testPublicKey, registerBody("nul@example.com"))
			if rec.Code != http.StatusCreated {
				t.Fatalf("register after refusals: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
