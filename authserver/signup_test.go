package authserver_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSignUpOnThePages: a new user follows the sign-in page's link,
// registers, activates with the emailed code, and allows the client.
func TestSignUpOnThePages(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client(t)
	b := e.browser(t)
	p := b.get(c.authURL("state-123456"))
	link := signUpLink.FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no sign-up link on the sign-in page:\n%s", p.body)
	}
	p = b.get(e.url + htmlUnescape(link[1]))
	if !strings.Contains(p.body, "Create your Clara account") {
		t.Fatalf("sign-up page: %d\n%s", p.status, p.body)
	}
	fields := map[string]string{"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "password": "short"}
	p = b.submit(p, "register", fields)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "password:") || !strings.Contains(p.body, `value="grace@example.com"`) {
		t.Fatalf("short password: %d\n%s", p.status, p.body)
	}
	fields["password"] = testPassword
	p = b.submit(p, "register", fields)
	if !strings.Contains(p.body, "Activate your account") {
		t.Fatalf("after registering: %d\n%s", p.status, p.body)
	}
	if wrong := b.submit(p, "activate", map[string]string{"code": "000000"}); wrong.status != http.StatusUnauthorized && wrong.status != http.StatusBadRequest {
		t.Fatalf("wrong activation code: %d\n%s", wrong.status, wrong.body)
	}
	p = b.submit(p, "activate", map[string]string{"code": e.code(t, "grace@example.com")})
	if !strings.Contains(p.body, "Allow access to Clara?") {
		t.Fatalf("after activating: %d\n%s", p.status, p.body)
	}
	code, _ := codeFrom(t, b.submit(p, "consent", map[string]string{"decision": "allow"}))
	if _, err := c.exchange(t, code); err != nil {
		t.Fatal(err)
	}

	other := e.browser(t)
	p = other.get(e.url + htmlUnescape(link[1]))
	p = other.submit(p, "register", fields)
	if p.status != http.StatusConflict || !strings.Contains(p.body, "exists already") {
		t.Fatalf("taken email: %d\n%s", p.status, p.body)
	}
}
