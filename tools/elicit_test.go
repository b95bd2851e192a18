package tools

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// elicitor plays a host that shows the server's questions to the user:
// it keeps each question and answers it with answer.
type elicitor struct {
	mu     sync.Mutex
	asked  []mcp.ElicitationParams
	answer func(ctx context.Context, q mcp.ElicitationParams) (*mcp.ElicitationResult, error)
}

// Elicit implements client.ElicitationHandler.
func (h *elicitor) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	h.mu.Lock()
	h.asked = append(h.asked, req.Params)
	answer := h.answer
	h.mu.Unlock()
	if answer == nil {
		return nil, errors.New("no answer set")
	}
	return answer(ctx, req.Params)
}

// answers sets how the user answers from now on.
func (h *elicitor) answers(answer func(ctx context.Context, q mcp.ElicitationParams) (*mcp.ElicitationResult, error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answer = answer
}

// questions returns the questions asked since the last call, and forgets them.
func (h *elicitor) questions() []mcp.ElicitationParams {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := h.asked
	h.asked = nil
	return q
}

// reply answers every question with action and content.
func reply(action mcp.ElicitationResponseAction, content map[string]any) func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
	return func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action, Content: content}}, nil
	}
}

// asking returns era with h as the client's elicitation handler, which
// declares the elicitation capability.
func asking(era protocolEra, h *elicitor) protocolEra {
	era.opts = append(slices.Clone(era.opts), client.WithElicitationHandler(h))
	return era
}

// sseDriver connects SSE clients to ts, sending authorization in the
// Authorization header.
func sseDriver(ts func(t *testing.T) string, era protocolEra) driver {
	return netDriver("sse", era, func(t *testing.T, authorization string) (transport.Interface, error) {
		var opts []transport.ClientOption
		if authorization != "" {
			opts = append(opts, transport.WithHeaders(map[string]string{"Authorization": authorization}))
		}
		return transport.NewSSE(ts(t)+"/sse", opts...)
	})
}

// lazyHTTP serves e's HTTP transports once, on first use.
func lazyHTTP(e *accountsEnv) func(t *testing.T) string {
	var url string
	return func(t *testing.T) string {
		if url == "" {
			url = serveAccountsHTTP(t, e).URL
		}
		return url
	}
}

// makeDriver builds a driver over e whose host, if any, is h.
type makeDriver func(e *accountsEnv, h *elicitor) driver

// askingDrivers are the transports and eras on which a host that declares
// elicitation is asked: multi-round-trip requests for modern clients (in
// process, stdio, stateless Streamable HTTP, SSE), and server→client
// requests for legacy ones (in process, stdio).
var askingDrivers = []makeDriver{
	func(e *accountsEnv, h *elicitor) driver { return inProcessDriver(e, asking(eras[0], h)) },
	func(e *accountsEnv, h *elicitor) driver { return inProcessDriver(e, asking(eras[1], h)) },
	func(e *accountsEnv, h *elicitor) driver { return stdioDriver(e, asking(eras[0], h)) },
	func(e *accountsEnv, h *elicitor) driver { return stdioDriver(e, asking(eras[1], h)) },
	func(e *accountsEnv, h *elicitor) driver { return httpDriverAt(lazyHTTP(e), asking(eras[0], h)) },
	func(e *accountsEnv, h *elicitor) driver { return sseDriver(lazyHTTP(e), asking(eras[0], h)) },
}

// eachDriver runs f in a subtest per driver, each over a fresh env and
// host.
func eachDriver(t *testing.T, env func(t *testing.T) *accountsEnv, drivers []makeDriver,
	f func(t *testing.T, e *accountsEnv, d driver, h *elicitor)) {
	t.Helper()
	for _, make := range drivers {
		e, h := env(t), &elicitor{}
		d := make(e, h)
		t.Run(d.name, func(t *testing.T) { f(t, e, d, h) })
	}
}

// dead checks that a key no longer works: the HTTP transports refuse to
// connect, the others refuse the call.
func dead(t *testing.T, d driver, key string) {
	t.Helper()
	fc, err := d.open(t, "Bearer "+key)
	if err != nil {
		if !strings.HasPrefix(d.name, "http/") && !strings.HasPrefix(d.name, "sse/") {
			t.Fatalf("connect: %v", err)
		}
		return
	}
	if res := fc.call(t, "view_user", nil); !res.IsError {
		t.Fatalf("old key still works: %s", text(t, res))
	}
}

// checkouts counts the Checkout Sessions Stripe was asked to open.
func checkouts(e *accountsEnv) int {
	n := 0
	for _, r := range e.stripe.Requests() {
		if r.Path == "/v1/checkout/sessions" {
			n++
		}
	}
	return n
}

// wantQuestion checks that h was asked exactly one question, message with
// a form of the one field field of type typ, and returns it.
func wantQuestion(t *testing.T, h *elicitor, message, field, typ string) mcp.ElicitationParams {
	t.Helper()
	asked := h.questions()
	if len(asked) != 1 {
		t.Fatalf("asked %d questions, want 1: %+v", len(asked), asked)
	}
	q := asked[0]
	if q.Message != message {
		t.Errorf("question %q\nwant %q", q.Message, message)
	}
	schema, _ := q.RequestedSchema.(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	prop, _ := props[field].(map[string]any)
	if schema["type"] != "object" || len(props) != 1 || prop["type"] != typ {
		t.Errorf("requested schema %v, want one %s field %s", q.RequestedSchema, typ, field)
	}
	return q
}

// wantNoQuestion checks that h was asked nothing.
func wantNoQuestion(t *testing.T, h *elicitor) {
	t.Helper()
	if asked := h.questions(); len(asked) != 0 {
		t.Fatalf("asked %+v, want no question", asked)
	}
}

const buyQuestion = "Buy 500 Clara credits for $5.00? Confirming opens a Stripe Checkout page for $5.00 (US dollars); " +
	"you are charged only when you pay there."

// buy_credits asks the user to confirm the price, the credits and the
// checkout; only a ticked confirmation opens one.
func TestElicitBuyCredits(t *testing.T) {
	eachDriver(t, newBillingEnv, askingDrivers, func(t *testing.T, e *accountsEnv, d driver, h *elicitor) {
		me, _ := activeUser(t, e, d)
		nothing := "no checkout was opened and nothing was charged."
		again := "Call buy_credits again only if the user asks to buy."
		for _, tc := range []struct {
			answer func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error)
			want   string
		}{
			{reply(mcp.ElicitationResponseActionDecline, nil), "The user declined: " + nothing},
			{reply(mcp.ElicitationResponseActionCancel, nil), "The user dismissed the question: " + nothing},
			{reply(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": false}), "The user declined: " + nothing},
		} {
			h.answers(tc.answer)
			wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 5}), tc.want, again)
			wantQuestion(t, h, buyQuestion, "confirm", "boolean")
			if n := checkouts(e); n != 0 {
				t.Fatalf("%d checkouts opened after %q", n, tc.want)
			}
		}

		// Nothing to confirm: an amount the core refuses.
		wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 4}), core.MsgNoRate, guideNoRate)
		wantNoQuestion(t, h)

		h.answers(reply(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true}))
		bought := ok(t, me.call(t, "buy_credits", map[string]any{"amount": 5, "return_path": "/billing"}))
		if !checkoutPage.MatchString(bought["url"].(string)) || bought["value_in_credits"] != 500.0 || bought["value_in_fiat"] != 5.0 {
			t.Fatalf("buy_credits %v", bought)
		}
		wantQuestion(t, h, buyQuestion, "confirm", "boolean")
		if n := checkouts(e); n != 1 {
			t.Fatalf("%d checkouts opened, want 1", n)
		}
		e.balanced(t)
	})
}

// The question states the credits of the amount's tier, grouped.
func TestElicitBuyCreditsLargeAmount(t *testing.T) {
	e, h := newBillingEnv(t), &elicitor{}
	d := inProcessDriver(e, asking(eras[0], h))
	me, _ := activeUser(t, e, d)
	h.answers(reply(mcp.ElicitationResponseActionDecline, nil))
	me.call(t, "buy_credits", map[string]any{"amount": 10000})
	wantQuestion(t, h, "Buy 1,000,000 Clara credits for $10,000.00? Confirming opens a Stripe Checkout page for "+
		"$10,000.00 (US dollars); you are charged only when you pay there.", "confirm", "boolean")
}

const resetQuestion = "Replace your Clara API key? The current key stops working at once, for every program and " +
	"agent that uses it; a new key replaces it."

// reset_api_key asks the user to confirm; declined, the old key still works.
func TestElicitResetAPIKey(t *testing.T) {
	eachDriver(t, newAccountsEnv, askingDrivers, func(t *testing.T, e *accountsEnv, d driver, h *elicitor) {
		me, _ := activeUser(t, e, d)
		old := ok(t, me.call(t, "view_api_key", nil))

		h.answers(reply(mcp.ElicitationResponseActionDecline, nil))
		wantError(t, me.call(t, "reset_api_key", nil),
			"The user declined: the API key was not replaced, the current key still works.",
			"Call reset_api_key again only if the user asks to replace the key.")
		wantQuestion(t, h, resetQuestion, "confirm", "boolean")
		if got := ok(t, me.call(t, "view_api_key", nil)); !reflect.DeepEqual(got, old) {
			t.Fatalf("key after declining %v, want %v", got, old)
		}
		ok(t, d.mustOpen(t, "Bearer "+old["token"].(string)).call(t, "view_user", nil))

		h.answers(reply(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true}))
		fresh := ok(t, me.call(t, "reset_api_key", nil))
		wantQuestion(t, h, resetQuestion, "confirm", "boolean")
		if fresh["token"] == old["token"] || fresh["id"] == old["id"] {
			t.Fatalf("key not replaced: %v", fresh)
		}
		dead(t, d, old["token"].(string))
		ok(t, d.mustOpen(t, "Bearer "+fresh["token"].(string)).call(t, "view_user", nil))
	})
}

// activate_account without a code asks the user for it.
func TestElicitActivateAccount(t *testing.T) {
	eachDriver(t, newAccountsEnv, askingDrivers, func(t *testing.T, e *accountsEnv, d driver, h *elicitor) {
		anon := d.mustOpen(t, "")
		registerVia(t, anon)
		question := "Enter the 6-digit code that Clara emailed to " + flowEmail + " to activate the account (sent at " +
			"registration, or when a new code was requested). A code is valid for 10 minutes."

		h.answers(reply(mcp.ElicitationResponseActionDecline, nil))
		wantError(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail}),
			"The user declined: the account was not activated.",
			"Call activate_account again when the user has the code (send_otp with otp_type ACTIVATION mails a new "+
				"one), with it in code or without code to ask the user again.")
		q := wantQuestion(t, h, question, "code", "string")
		if code := q.RequestedSchema.(map[string]any)["properties"].(map[string]any)["code"].(map[string]any); code["pattern"] != "^[0-9]{6}$" {
			t.Errorf("code field %v", code)
		}

		// A wrong code is the core's refusal, as when given in code.
		h.answers(reply(mcp.ElicitationResponseActionAccept, map[string]any{"code": "000000"}))
		wantError(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail}),
			core.MsgUnauthenticated, wrongCode(core.OTPActivation))
		wantQuestion(t, h, question, "code", "string")

		h.answers(func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
				Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"code": e.code(t, flowEmail)}}}, nil
		})
		u := ok(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail}))
		if u["is_active"] != true || u["email"] != flowEmail {
			t.Fatalf("activate_account %v", u)
		}
		wantQuestion(t, h, question, "code", "string")
	})
}

// enable_2fa without a code asks the user for the emailed one.
func TestElicitEnable2FA(t *testing.T) {
	eachDriver(t, newAccountsEnv, askingDrivers, func(t *testing.T, e *accountsEnv, d driver, h *elicitor) {
		me, _ := activeUser(t, e, d)
		question := "Enter the 6-digit code that Clara emailed to " + flowEmail + " to turn on two-factor login (it " +
			"was sent when a two-factor code was requested). A code is valid for 10 minutes."
		ok(t, me.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "TWO_FACTOR_AUTH"}))

		h.answers(reply(mcp.ElicitationResponseActionCancel, nil))
		wantError(t, me.call(t, "enable_2fa", nil), "The user dismissed the question: two-factor login was not turned on.",
			"Call enable_2fa again when the user has the code (send_otp with otp_type TWO_FACTOR_AUTH mails one), "+
				"with it in code or without code to ask the user again.")
		wantQuestion(t, h, question, "code", "string")
		if u := ok(t, me.call(t, "view_user", nil)); u["is_2fa_enabled"] != false {
			t.Fatalf("2FA on after a dismissed question: %v", u)
		}

		h.answers(func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
				Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"code": " " + e.code(t, flowEmail) + " "}}}, nil
		})
		if got := ok(t, me.call(t, "enable_2fa", nil)); got["message"] != "User 2FA enabled successfully." {
			t.Fatalf("enable_2fa %v", got)
		}
		wantQuestion(t, h, question, "code", "string")
		if u := ok(t, me.call(t, "view_user", nil)); u["is_2fa_enabled"] != true {
			t.Fatalf("2FA off after enable_2fa: %v", u)
		}
	})
}

// quietDrivers are hosts that are never asked: clients that do not declare
// elicitation, and legacy clients that declare it (to h) on transports
// that cannot carry a server→client request: stateless Streamable HTTP,
// whose answer would reach no session, and SSE, whose mcp-go session sends
// none.
var quietDrivers = []makeDriver{
	func(e *accountsEnv, _ *elicitor) driver { return inProcessDriver(e, eras[0]) },
	func(e *accountsEnv, _ *elicitor) driver { return inProcessDriver(e, eras[1]) },
	func(e *accountsEnv, _ *elicitor) driver { return stdioDriver(e, eras[1]) },
	func(e *accountsEnv, _ *elicitor) driver { return httpDriverAt(lazyHTTP(e), eras[0]) },
	func(e *accountsEnv, h *elicitor) driver { return httpDriverAt(lazyHTTP(e), asking(eras[1], h)) },
	func(e *accountsEnv, h *elicitor) driver { return sseDriver(lazyHTTP(e), asking(eras[1], h)) },
}

// Hosts that cannot be asked get the tools as they were: buy_credits and
// reset_api_key go ahead, a missing code is refused as a missing argument.
func TestElicitNotSupported(t *testing.T) {
	eachDriver(t, newBillingEnv, quietDrivers, func(t *testing.T, e *accountsEnv, d driver, h *elicitor) {
		h.answers(reply(mcp.ElicitationResponseActionDecline, nil))
		anon := d.mustOpen(t, "")
		reg := registerVia(t, anon)
		wantError(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail}), core.MsgInvalid, "code: is required")
		ok(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
		me := d.session(t, anon, reg["token"].(string))

		bought := ok(t, me.call(t, "buy_credits", map[string]any{"amount": 5}))
		if !checkoutPage.MatchString(bought["url"].(string)) || checkouts(e) != 1 {
			t.Fatalf("buy_credits %v, %d checkouts", bought, checkouts(e))
		}
		old := ok(t, me.call(t, "view_api_key", nil))
		if fresh := ok(t, me.call(t, "reset_api_key", nil)); fresh["token"] == old["token"] {
			t.Fatalf("key not replaced: %v", fresh)
		}
		wantError(t, me.call(t, "enable_2fa", nil), core.MsgInvalid, "code: is required")
		wantNoQuestion(t, h)
	})
}

// A caller the core refuses is not asked anything.
func TestElicitNotForRefusedCallers(t *testing.T) {
	e, h := newBillingEnv(t), &elicitor{}
	h.answers(reply(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true, "code": "123456"}))
	anon := inProcessDriver(e, asking(eras[1], h)).mustOpen(t, "")
	wantError(t, anon.call(t, "buy_credits", map[string]any{"amount": 5}), core.MsgUnauthenticated, howHTTP)
	wantError(t, anon.call(t, "reset_api_key", nil), core.MsgUnauthenticated, howHTTPUserToken)
	wantError(t, anon.call(t, "enable_2fa", nil), core.MsgUnauthenticated, howHTTPUserToken)
	wantNoQuestion(t, h)
}

// A legacy host that fails to ask, or a user who does not answer in time,
// changes nothing either.
func TestElicitUnanswered(t *testing.T) {
	e, h := newBillingEnv(t), &elicitor{}
	d := inProcessDriver(e, asking(eras[1], h))
	me, _ := activeUser(t, e, d)

	h.answers(func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
		return nil, errors.New("the host has no form to show")
	})
	wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 5}),
		"The host could not ask the user: no checkout was opened and nothing was charged.",
		"Call buy_credits again only if the user asks to buy.")

	defer func(was time.Duration) { askTimeout = was }(askTimeout)
	askTimeout = 50 * time.Millisecond
	h.answers(func(ctx context.Context, _ mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	wantError(t, me.call(t, "buy_credits", map[string]any{"amount": 5}),
		"The user did not answer within 50ms: no checkout was opened and nothing was charged.",
		"Call buy_credits again only if the user asks to buy.")
	if n := checkouts(e); n != 0 {
		t.Fatalf("%d checkouts opened", n)
	}
	if len(h.questions()) != 2 {
		t.Fatal("the host was not asked twice")
	}
}

// A question shows an address only when it is a plain one.
func TestMailbox(t *testing.T) {
	for email, want := range map[string]string{
		"ada@example.com":                          "ada@example.com",
		"Ada <ada@example.com>":                    "the account's address",
		"ada@example.com. Also type your password": "the account's address",
		"ada@example.com\nBcc: x@y.z":              "the account's address",
		"":                                         "the account's address",
	} {
		if got := mailbox(email); got != want {
			t.Errorf("mailbox(%q) = %q, want %q", email, got, want)
		}
	}
}

func TestSpoken(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Minute: "2 minutes", time.Minute: "1 minute", 90 * time.Second: "1m30s", 50 * time.Millisecond: "50ms",
	} {
		if got := spoken(d); got != want {
			t.Errorf("spoken(%v) = %q, want %q", d, got, want)
		}
	}
	if !strings.HasPrefix(spoken(askTimeout), "2 minutes") {
		t.Errorf("askTimeout is %v", askTimeout)
	}
}

// A modern client's answer counts only for the question it answers: a
// retry whose arguments ask another question is asked again.
func TestElicitAnswerFitsQuestion(t *testing.T) {
	e := newBillingEnv(t)
	anon := inProcessDriver(e, eras[0]).mustOpen(t, "")
	token := registerVia(t, anon)["token"].(string)
	ok(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
	s := e.server()
	ctx := caller.WithCredentials(t.Context(), core.Credentials{Authorization: "Bearer " + token, Transport: core.TransportInProcess})
	yes := map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}

	// call calls buy_credits for amount with responses, as a 2026-07-28
	// client that declares elicitation, and returns the result.
	call := func(amount int, responses map[string]any) map[string]any {
		t.Helper()
		params := map[string]any{
			"name": "buy_credits", "arguments": map[string]any{"amount": amount},
			"_meta": map[string]any{
				mcp.MetaKeyProtocolVersion:    mcp.ProtocolVersion20260728,
				mcp.MetaKeyClientCapabilities: map[string]any{"elicitation": map[string]any{}},
			},
		}
		if responses != nil {
			params["inputResponses"] = responses
		}
		raw, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
		out, err := json.Marshal(s.HandleMessage(ctx, raw))
		if err != nil {
			t.Fatal(err)
		}
		var msg struct {
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal(out, &msg); err != nil || msg.Result == nil {
			t.Fatalf("tools/call answered %s", out)
		}
		return msg.Result
	}
	five := questionID("confirm", buyQuestion)

	first := call(5, nil)
	if first["resultType"] != "input_required" || first["inputRequests"].(map[string]any)[five] == nil {
		t.Fatalf("first call %v, want the question %s", first, five)
	}
	again := call(6, map[string]any{five: yes})
	if again["resultType"] != "input_required" || again["inputRequests"].(map[string]any)[five] != nil {
		t.Fatalf("$6 with the answer about $5: %v, want another question", again)
	}
	if n := checkouts(e); n != 0 {
		t.Fatalf("%d checkouts opened", n)
	}
	bought := call(5, map[string]any{five: yes})
	if bought["isError"] == true || bought["structuredContent"].(map[string]any)["value_in_credits"] != 500.0 {
		t.Fatalf("$5 with its answer: %v", bought)
	}
}
