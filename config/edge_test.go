package config

import (
	"strings"
	"testing"
)

// On PostgreSQL (production) one-time codes are never logged: without an
// SMTP host Clara refuses to start, in one line naming CLARA_SMTP_HOST,
// unless development mail is asked for. The embedded store needs neither.
func TestPostgresNeedsSMTPOrDevMail(t *testing.T) {
	t.Chdir(t.TempDir())
	pg := func(extra ...string) map[string]string {
		env := map[string]string{
			"HOME": "/h", "CLARA_DATABASE_URL": "postgres://h/db",
			"CLARA_TOKEN_SECRET": strings.Repeat("s", 32), "CLARA_PUBLIC_API_KEY": "test-public-key-1234",
		}
		for i := 0; i+1 < len(extra); i += 2 {
			env[extra[i]] = extra[i+1]
		}
		return env
	}
	c, err := load(t, nil, pg())
	if err != nil {
		t.Fatalf("commands that mail no codes (worker, migrate, credits) start without SMTP: %v", err)
	}
	if err := c.CheckMail(); err == nil || !strings.HasPrefix(err.Error(), "CLARA_SMTP_HOST: required") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("no SMTP on PostgreSQL: err = %v, want one line starting CLARA_SMTP_HOST", err)
	}
	if c, err := load(t, nil, pg("CLARA_DEV_MAIL", "false")); err != nil || c.CheckMail() == nil {
		t.Error("CLARA_DEV_MAIL=false must not allow logged codes on PostgreSQL")
	}
	for _, extra := range [][]string{{"CLARA_SMTP_HOST", "smtp.example.com"}, {"CLARA_DEV_MAIL", "true"}} {
		c, err := load(t, nil, pg(extra...))
		if err == nil {
			err = c.CheckMail()
		}
		if err != nil {
			t.Errorf("%v: %v", extra, err)
		}
		if extra[0] == "CLARA_DEV_MAIL" && !c.DevMail {
			t.Error("CLARA_DEV_MAIL=true not read")
		}
	}
	if _, err := load(t, []string{"--dev-mail=yes"}, pg()); err == nil || !strings.HasPrefix(err.Error(), "--dev-mail: ") {
		t.Errorf("bad --dev-mail: err = %v", err)
	}
	if c, err := load(t, nil, map[string]string{"HOME": "/h"}); err != nil || c.DevMail {
		t.Errorf("embedded store without SMTP: dev mail %v, err %v", c.DevMail, err)
	}
}

func TestSSECaps(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h"})
	if err != nil || c.SSEAnonymousPerAddress != 8 || c.SSEAnonymousTotal != 512 {
		t.Fatalf("defaults %d/%d, err %v", c.SSEAnonymousPerAddress, c.SSEAnonymousTotal, err)
	}
	c, err = load(t, []string{"--sse-anonymous-per-address", "2"}, map[string]string{"HOME": "/h", "CLARA_SSE_ANONYMOUS_TOTAL": "10"})
	if err != nil || c.SSEAnonymousPerAddress != 2 || c.SSEAnonymousTotal != 10 {
		t.Fatalf("set %d/%d, err %v", c.SSEAnonymousPerAddress, c.SSEAnonymousTotal, err)
	}
	for _, name := range []string{"CLARA_SSE_ANONYMOUS_PER_ADDRESS", "CLARA_SSE_ANONYMOUS_TOTAL"} {
		for _, bad := range []string{"0", "-1", "many"} {
			if _, err := load(t, nil, map[string]string{"HOME": "/h", name: bad}); err == nil || !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("%s=%s: err = %v", name, bad, err)
			}
		}
	}
}

func TestMCPAnonymous(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h"})
	if err != nil || c.MCPAnonymous {
		t.Fatalf("default %v, err %v", c.MCPAnonymous, err)
	}
	c, err = load(t, nil, map[string]string{"HOME": "/h", "CLARA_MCP_ANONYMOUS": "true"})
	if err != nil || !c.MCPAnonymous {
		t.Fatalf("from the environment %v, err %v", c.MCPAnonymous, err)
	}
	c, err = load(t, []string{"--mcp-anonymous=false"}, map[string]string{"HOME": "/h", "CLARA_MCP_ANONYMOUS": "true"})
	if err != nil || c.MCPAnonymous {
		t.Fatalf("flag over the environment %v, err %v", c.MCPAnonymous, err)
	}
	if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_MCP_ANONYMOUS": "sometimes"}); err == nil || !strings.Contains(err.Error(), "CLARA_MCP_ANONYMOUS") {
		t.Fatalf("a value that is not true or false: %v", err)
	}
}
