package core

import (
	"testing"
	"time"
)

// Every one-time code's email reads back as its code and type; other
// messages do not.
func TestReadOTPMessage(t *testing.T) {
	u := User{FirstName: "Ada", Email: "ada@example.com"}
	for typ := range otpPurposes {
		m := otpMessage(u, typ, "245522", 10*time.Minute)
		code, got, ok := ReadOTPMessage(m.Subject, m.Text)
		if !ok || code != "245522" || got != typ {
			t.Errorf("%s: read %q %q %v", typ, code, got, ok)
		}
	}
	for _, m := range []Message{
		{Subject: "Your Clara password was changed", Text: "Your code to activate your Clara account is 1."},
		{Subject: "Your Clara code: 111111", Text: "Your code to activate your Clara account is 222222."},
		{Subject: "Your Clara code: ", Text: "Your code to activate your Clara account is ."},
	} {
		if code, typ, ok := ReadOTPMessage(m.Subject, m.Text); ok {
			t.Errorf("%q read as %q %q", m.Subject, code, typ)
		}
	}
}
