package tools

import (
	"encoding/json"
	"testing"

	"github.com/clara-backend/clara/core"
)

// A signed-in user asking update_user to change the email, and calls that
// lack an argument or give one of the wrong type, are told in plain words
// which argument is wrong and why, after the contract's message, the way
// REST's errors[] name body fields; nothing is changed.
func TestArgumentProblemsNameTheArgument(t *testing.T) {
	e := newAccountsEnv(t)
	me := stdioDriver(e, eras[0]).mustOpen(t, "")
	defer me.close(t)
	registerVia(t, me)
	ok(t, me.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))

	wantError(t, me.call(t, "update_user", map[string]any{"email": "eve@example.com"}), core.MsgInvalid,
		"email: is not an argument of update_user (its arguments: first_name, is_dark_mode, last_name, user_id)")
	wantError(t, me.call(t, "update_user", map[string]any{"first_name": "Eve", "email": "eve@example.com"}), core.MsgInvalid,
		"email: is not an argument of update_user (its arguments: first_name, is_dark_mode, last_name, user_id)")
	wantError(t, me.call(t, "send_otp", map[string]any{"otp_type": "ACTIVATION"}), core.MsgInvalid, "email: is required")
	wantError(t, me.call(t, "send_otp", map[string]any{}), core.MsgInvalid, "email: is required; otp_type: is required")
	wantError(t, me.call(t, "send_otp", map[string]any{"email": 7, "otp_type": "ACTIVATION"}), core.MsgInvalid,
		"email: must be a string, not a number")
	wantError(t, me.call(t, "update_user", map[string]any{"is_dark_mode": "yes"}), core.MsgInvalid,
		"is_dark_mode: must be a boolean, not a string")
	wantError(t, me.call(t, "view_user", map[string]any{"user_id": nil}), core.MsgInvalid,
		"user_id: must be a string, not null")

	if u := ok(t, me.call(t, "view_user", nil)); u["email"] != flowEmail || u["first_name"] != "Ada" {
		t.Fatalf("user changed: %v", u)
	}
}

// Whatever the arguments, checking them against any tool's schema never
// fails with anything but invalid input, and every problem names an
// argument.
func FuzzArgumentProblems(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"email":1}`, `{"email":"a","x":{"y":[1,2]}}`, `[]`, `null`, `"text"`, `7`,
		`{"attachments":[{"name":1}]}`, `{"attachments":{"name":"a"}}`, `{"wait_seconds":-1}`,
		`{"wait_seconds":1e999}`, `{"otp_type":"NOPE"}`, `{"attachments":[{"url":"x","more":true}]}`,
	} {
		f.Add(s)
	}
	var schemas []*argumentSchema
	for _, d := range Catalogue(core.New(core.Deps{Version: testVersion})) {
		b := d.bind(&toolEnv{})
		schemas = append(schemas, compileArguments(b.Tool.Name, b.Tool.RawInputSchema))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var args any
		if json.Unmarshal([]byte(raw), &args) != nil {
			return // mcp-go refuses unparsable JSON before any tool
		}
		for _, a := range schemas {
			err := a.check(args)
			if err == nil {
				continue
			}
			e := core.ErrorOf(err)
			if e.Code != core.CodeInvalid || len(e.Fields) == 0 {
				t.Fatalf("%s %s: %v", a.tool, raw, err)
			}
			for _, fe := range e.Fields {
				if fe.Field == "" || fe.Problem == "" {
					t.Fatalf("%s %s: unnamed problem %+v", a.tool, raw, fe)
				}
			}
		}
	})
}
