package replicas

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mail"
)

// anyReplica sends a request round robin through the proxy.
const anyReplica = -1

// answer is a REST answer: its status and its envelope.
type answer struct {
	status int
	Data   json.RawMessage `json:"data"`
	Msg    string          `json:"message"`
}

// call sends a REST request through the proxy, to replica (or anyReplica),
// with authorization and a JSON body (nil for none), and decodes the
// envelope. A transport failure is status 0.
func (c *cluster) call(replica int, method, path, authorization string, body any) answer {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.proxy.URL+"/api/v1"+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return c.do(replica, req)
}

// get reads path on replica with authorization, waiting out 429s (the
// tests share their keys' limits with their own load) for up to 30 s.
func (c *cluster) get(t testing.TB, replica int, path, authorization string) answer {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ans := c.call(replica, "GET", path, authorization, nil)
		if ans.status != http.StatusTooManyRequests || time.Now().After(deadline) {
			return ans
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// do sends req to replica and decodes the envelope.
func (c *cluster) do(replica int, req *http.Request) answer {
	if replica != anyReplica {
		req.Header.Set(replicaHeader, strconv.Itoa(replica))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &a)
	return a
}

// decode decodes a's data into v.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Data, v); err != nil {
		t.Fatalf("decode %s: %v", a.Data, err)
	}
}

// account is a signed-up, active user.
type account struct {
	ID, Email, Token, APIKey string
}

const password = "analytical-engine-1843"

// signUp registers, activates and logs in email, each step on another
// replica, and fetches the user's API key.
func (c *cluster) signUp(t testing.TB, email string) account {
	t.Helper()
	a := account{Email: email}
	reg := c.call(0, "POST", "/auth/register", publicKey, map[string]string{
		"first_name": "Ada", "last_name": "Lovelace", "email": email, "password": password})
	if reg.status != http.StatusCreated {
		t.Fatalf("register: %d %s\n%s", reg.status, reg.Msg, c.logs())
	}
	var user struct{ ID string }
	reg.decode(t, &user)
	a.ID = user.ID
	code := c.lastCode(t, email)
	if act := c.call(1%len(c.serves), "POST", "/users/"+email+"/activate", publicKey, map[string]string{"code": code}); act.status != http.StatusOK {
		t.Fatalf("activate: %d %s", act.status, act.Msg)
	}
	req, _ := http.NewRequest("POST", c.proxy.URL+"/api/v1/auth/session", nil)
	req.SetBasicAuth(email, password)
	login := c.do(2%len(c.serves), req)
	var session struct{ Token string }
	login.decode(t, &session)
	a.Token = session.Token
	key := c.call(anyReplica, "GET", "/users/"+a.ID+"/api_key", "Bearer "+a.Token, nil)
	var k struct{ Token string }
	key.decode(t, &k)
	a.APIKey = k.Token
	if a.Token == "" || a.APIKey == "" {
		t.Fatalf("login %d, api key %d", login.status, key.status)
	}
	return a
}

// lastCode returns the newest one-time code mailed to email, waiting a
// little for the outbox.
func (c *cluster) lastCode(t testing.TB, email string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, ok, _ := mail.LatestTo(filepath.Join(c.dataDir, "outbox"), email)
		if ok {
			if code, _, ok := core.ReadOTPMessage(m.Subject, m.Text); ok {
				return code
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no code mailed to %s", email)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// balance returns the user's available credits, read on replica.
func (c *cluster) balance(t testing.TB, a account, replica int) float64 {
	t.Helper()
	ans := c.get(t, replica, "/users/"+a.ID, "Bearer "+a.APIKey)
	if ans.status != http.StatusOK {
		t.Fatalf("view user: %d %s", ans.status, ans.Msg)
	}
	var u struct {
		Credits float64 `json:"credits"`
	}
	ans.decode(t, &u)
	return u.Credits
}
