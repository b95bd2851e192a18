package core

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestUserJSONIsAlphabeticalWithCreditsAsDecimal(t *testing.T) {
	last := "Lovelace"
	at := Timestamp(time.Date(2025, 11, 26, 23, 51, 28, 0, time.UTC))
	u := User{ID: "user_1", Email: "ada@example.com", FirstName: "Ada", LastName: &last, Credits: 500,
		IsDarkMode: true, CreatedAt: at, UpdatedAt: at, PasswordHash: "secret", TOTPSecret: "secret"}
	b, err := json.Marshal(SignedIn{User: u, Token: "clara_user_x"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"created_at":"Wed, 26 Nov 2025 23:51:28 GMT","credits":500.0,"email":"ada@example.com","first_name":"Ada",` +
		`"id":"user_1","is_2fa_enabled":false,"is_active":false,"is_dark_mode":true,"last_name":"Lovelace",` +
		`"token":"clara_user_x","updated_at":"Wed, 26 Nov 2025 23:51:28 GMT"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	u.LastName = nil
	b, _ = json.Marshal(u)
	if !strings.Contains(string(b), `"last_name":null`) || strings.Contains(string(b), "secret") {
		t.Fatalf("user JSON %s", b)
	}
	var c Credits
	if err := json.Unmarshal([]byte("20.0"), &c); err != nil || c != 20 {
		t.Fatalf("unmarshal 20.0: %v %v", c, err)
	}
	if err := json.Unmarshal([]byte("20.5"), &c); err == nil {
		t.Fatal("20.5 credits accepted")
	}
}

func TestValidation(t *testing.T) {
	good := []string{"ada@example.com", "a.b+tag@sub.example.co", "hello@crazi.co"}
	bad := []string{"", "ada", "ada@", "@example.com", "ada@localhost", "Ada <ada@example.com>", "ada@example.com.", "a b@example.com", strings.Repeat("a", 250) + "@example.com"}
	for _, e := range good {
		var f fields
		if f.checkEmail("email", e); len(f) != 0 {
			t.Errorf("%q refused: %v", e, f)
		}
	}
	for _, e := range bad {
		var f fields
		if f.checkEmail("email", e); len(f) != 1 {
			t.Errorf("%q accepted", e)
		}
	}
	passwords := map[string]bool{
		"e|YUiO2PIj7E'0&V":       true,  // Clara's documented example
		"1234567":                false, // 7: too short
		"12345678":               false, // common
		"Clara-Fact-2026":        true,
		"password1":              false, // common, any case
		"Ünïcødé-Pässwörd":       true,
		strings.Repeat("x1", 64): true,  // 128
		strings.Repeat("x", 129): false, // too long
		"ab:cd:ef:gh":            true,
	}
	for p, ok := range passwords {
		var f fields
		f.checkPassword("password", p)
		if (len(f) == 0) != ok {
			t.Errorf("password %q: accepted %v, want %v (%v)", p, len(f) == 0, ok, f)
		}
	}
	for code, ok := range map[string]bool{"123456": true, "12345": false, "1234567": false, "12345a": false, "": false} {
		var f fields
		if f.checkCode("code", code); (len(f) == 0) != ok {
			t.Errorf("code %q: accepted %v", code, len(f) == 0)
		}
	}
}
