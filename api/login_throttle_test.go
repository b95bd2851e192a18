package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/auth"
)

// The owner's own address and a stranger's, in the login tests.
const (
	ownerAddr    = "198.51.100.7"
	strangerAddr = "203.0.113.66"
)

// TestStrangerCannotLockOwnerOut: failures from one address stop only that
// address (until 15 minutes after its first); the owner, from their own
// address, still logs in.
func TestStrangerCannotLockOwnerOut(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	for i := range 10 {
		rec := e.callFrom(strangerAddr, "POST", "/auth/session", basic(a.Email, "wrong-password"), "")
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("stranger's guess %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	expectRetryAfter(t, e.callFrom(strangerAddr, "POST", "/auth/session", basic(a.Email, "wrong-password"), ""), "900")
	expectRetryAfter(t, e.callFrom(strangerAddr, "POST", "/auth/session", basic(a.Email, a.Password), ""), "900")
	rec := e.callFrom(ownerAddr, "POST", "/auth/session", basic(a.Email, a.Password), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("owner after a stranger's 12 failures: %d %s", rec.Code, rec.Body)
	}
}

// TestLoginGuessesFromManyAddresses: guesses spread over many addresses
// are capped per account: past 50 every attempt on the account, the
// owner's too, is slowed to one per 18 s (429 with Retry-After), never
// locked for longer.
func TestLoginGuessesFromManyAddresses(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	for i := range 50 {
		rec := e.callFrom(addr(i), "POST", "/auth/session", basic(a.Email, "wrong-password"), "")
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	expectRetryAfter(t, e.callFrom(addr(50), "POST", "/auth/session", basic(a.Email, "wrong-password"), ""), "18")
	expectRetryAfter(t, e.callFrom(ownerAddr, "POST", "/auth/session", basic(a.Email, a.Password), ""), "18")
	e.clock.Advance(18 * time.Second)
	if rec := e.callFrom(ownerAddr, "POST", "/auth/session", basic(a.Email, a.Password), ""); rec.Code != http.StatusOK {
		t.Fatalf("owner after the slowdown: %d %s", rec.Code, rec.Body)
	}
	// The owner's good login gave its turn back: a guess still gets one.
	if rec := e.callFrom(addr(51), "POST", "/auth/session", basic(a.Email, "wrong-password"), ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a guess after the owner's login: %d %s", rec.Code, rec.Body)
	}
	expectRetryAfter(t, e.callFrom(addr(52), "POST", "/auth/session", basic(a.Email, "wrong-password"), ""), "18")
}

// answer is what a login answer shows a caller.
type answer struct {
	status           int
	body, retryAfter string
}

// TestUnknownEmailAnsweredAlike: an email with no account gets exactly the
// answers of one with an account and a wrong password (status, body,
// Retry-After), step by step, from one address and from many, after the
// same password-hashing work.
func TestUnknownEmailAnsweredAlike(t *testing.T) {
	var hashes atomic.Int64
	passwords := auth.NewPasswordsLimited(auth.FastPasswordParams, auth.HashLimits{OnHash: func() { hashes.Add(1) }})
	e := newAccEnv(t, envConfig{passwords: passwords})
	known := e.activeAccount(t, "ada@example.com")
	sequence := func(email string) ([]answer, int64) {
		before := hashes.Load()
		var got []answer
		try := func(from string) {
			rec := e.callFrom(from, "POST", "/auth/session", basic(email, "wrong-password"), "")
			got = append(got, answer{rec.Code, rec.Body.String(), rec.Header().Get("Retry-After")})
		}
		for range 12 {
			try(strangerAddr)
		}
		for i := range 45 {
			try(addr(i))
		}
		e.clock.Advance(18 * time.Second)
		try(addr(100))
		try(addr(101))
		return got, hashes.Load() - before
	}
	start := e.clock.Now()
	knownAnswers, knownHashes := sequence(known.Email)
	e.clock.Advance(start.Add(time.Hour).Sub(e.clock.Now())) // each sequence from the same state
	unknownAnswers, unknownHashes := sequence("nobody@example.com")
	if len(knownAnswers) != len(unknownAnswers) {
		t.Fatalf("%d answers for the known email, %d for the unknown", len(knownAnswers), len(unknownAnswers))
	}
	for i := range knownAnswers {
		if knownAnswers[i] != unknownAnswers[i] {
			t.Errorf("attempt %d: known email %+v, unknown %+v", i+1, knownAnswers[i], unknownAnswers[i])
		}
	}
	if knownHashes != unknownHashes || knownHashes == 0 {
		t.Errorf("password hashes: %d for the known email, %d for the unknown", knownHashes, unknownHashes)
	}
	// The sequence went through every kind of answer.
	kinds := map[string]bool{}
	for _, a := range knownAnswers {
		kinds[http.StatusText(a.status)+" "+a.retryAfter] = true
	}
	for _, want := range []string{"Unauthorized ", "Too Many Requests 900", "Too Many Requests 18"} {
		if !kinds[want] {
			t.Errorf("no %q among the answers %v", want, kinds)
		}
	}
}

// TestPasswordHashingBusy: with every hashing slot held, a login, a
// registration and a password change whose code is right answer 429 with
// Retry-After at once; no more hashes run together than there are slots;
// the held login then finishes. A wrong code costs no hash.
func TestPasswordHashingBusy(t *testing.T) {
	var running, most, total atomic.Int32
	hold := make(chan struct{})
	var holding atomic.Bool
	entered := make(chan struct{}, 1)
	passwords := auth.NewPasswordsLimited(auth.FastPasswordParams, auth.HashLimits{Slots: 1, Queue: -1, OnHash: func() {
		n := running.Add(1)
		defer running.Add(-1)
		total.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if holding.Load() {
			entered <- struct{}{}
			<-hold
		}
	}})
	e := newAccEnv(t, envConfig{passwords: passwords})
	a := e.activeAccount(t, "ada@example.com")
	e.clock.Advance(time.Minute)
	code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")

	// A wrong code is refused before any hashing.
	before := total.Load()
	expect(t, e.call("PATCH", "/users/ada@example.com/password", testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+wrongCode(code)+`"}`),
		http.StatusUnauthorized, bodyUnauth)
	if n := total.Load() - before; n != 0 {
		t.Fatalf("a wrong code cost %d hashes", n)
	}

	holding.Store(true)
	var wg sync.WaitGroup
	var held *httptest.ResponseRecorder
	wg.Go(func() { held = e.callFrom(ownerAddr, "POST", "/auth/session", basic(a.Email, a.Password), "") })
	<-entered
	holding.Store(false)
	for name, call := range map[string]func() *httptest.ResponseRecorder{
		"login": func() *httptest.ResponseRecorder {
			return e.call("POST", "/auth/session", basic(a.Email, a.Password), "")
		},
		"unknown login": func() *httptest.ResponseRecorder {
			return e.call("POST", "/auth/session", basic("nobody@example.com", "x"), "")
		},
		"register": func() *httptest.ResponseRecorder {
			return e.call("POST", "/auth/register", testPublicKey, registerBody("bob@example.com"))
		},
		"change password": func() *httptest.ResponseRecorder {
			return e.call("PATCH", "/users/ada@example.com/password", testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+code+`"}`)
		},
	} {
		t.Run(name, func(t *testing.T) { expectRetryAfter(t, call(), "1") })
	}
	close(hold)
	wg.Wait()
	if held.Code != http.StatusOK {
		t.Fatalf("the held login: %d %s", held.Code, held.Body)
	}
	if n := most.Load(); n != 1 {
		t.Fatalf("%d hashes ran at once with one slot", n)
	}
	// Busy answers were no failures: the code and the logins still work.
	expect(t, e.call("PATCH", "/users/ada@example.com/password", testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+code+`"}`),
		http.StatusOK, successBody("null", msgPasswordChanged))
	e.login(t, account{Email: a.Email, Password: "N3w-Passw0rd!"}, "")
	if _, err := e.store.UserByEmail(context.Background(), "bob@example.com"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a registration refused as busy left a user: %v", err)
	}
}
