package tools

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/testclock"
	"github.com/clara-backend/clara/ratelimit"
)

// newBudgetEnv is an accounts env with the in-memory limiter on a settable
// clock, the account budgets of DefaultPolicy, and per-address request
// limits out of reach (in-process calls share one address).
func newBudgetEnv(t *testing.T) (*accountsEnv, *testclock.Clock) {
	t.Helper()
	clock := testclock.New(time.Date(2025, 11, 26, 23, 51, 28, 0, time.UTC))
	return newEnvTweaked(t, false, nil, func(d *core.Deps) {
		p := core.DefaultPolicy()
		lots := core.Rate{Events: 1_000_000, Per: time.Second}
		p.PerCaller, p.RegisterIP, p.LoginIP, p.OTPIP = lots, lots, lots, lots
		d.Policy, d.Now, d.Limiter = &p, clock.Now, ratelimit.New(clock.Now)
	}), clock
}

// retryIn is the line an isError result adds to a 429.
func retryIn(seconds string) string { return "Retry in " + seconds + " seconds." }

// Over MCP as over REST, wrong codes for one account and purpose are
// capped however many codes are burnt and sent again: past the budget even
// the right code is refused with when to retry.
func TestOTPGuessBudgetOverMCP(t *testing.T) {
	e, clock := newBudgetEnv(t)
	anon := inProcessDriver(e, eras[0]).mustOpen(t, "")
	registerVia(t, anon)
	change := func(code string) map[string]any {
		return map[string]any{"email": flowEmail, "password": "Difference-Engine-1822", "code": code}
	}
	for range 2 {
		clock.Advance(61 * time.Second)
		ok(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
		for range 5 {
			wantError(t, anon.call(t, "change_password", change("000000")), core.MsgUnauthenticated, wrongCode(core.OTPChangePassword))
		}
	}
	clock.Advance(61 * time.Second)
	ok(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
	code := e.code(t, flowEmail)
	wantError(t, anon.call(t, "change_password", change(code)), core.MsgRateLimited, retryIn("238"))
	clock.Advance(238 * time.Second)
	ok(t, anon.call(t, "change_password", change(code)))
}

// Over MCP, a 6th code of one purpose within the hour is refused with when
// to retry; failed logins from one address stop it for the rest of 15
// minutes, known email or not, with the same answer.
func TestAccountBudgetsOverMCP(t *testing.T) {
	e, clock := newBudgetEnv(t)
	anon := inProcessDriver(e, eras[0]).mustOpen(t, "")
	registerVia(t, anon)
	for range 5 {
		clock.Advance(61 * time.Second)
		ok(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "TWO_FACTOR_AUTH"}))
	}
	clock.Advance(61 * time.Second)
	wantError(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "TWO_FACTOR_AUTH"}),
		core.MsgRateLimited, retryIn("415"))

	for _, email := range []string{flowEmail, "nobody@example.com"} {
		for range 10 {
			wantError(t, anon.call(t, "login", map[string]any{"email": email, "password": "not-the-password"}),
				core.MsgUnauthenticated, guideLoginBad)
		}
		wantError(t, anon.call(t, "login", map[string]any{"email": email, "password": flowPassword}),
			core.MsgRateLimited, retryIn("900"))
	}
}
