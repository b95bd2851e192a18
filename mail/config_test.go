package mail

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNewSMTPRejectsBadConfig(t *testing.T) {
	ok := SMTPConfig{Host: "smtp.example.com", From: "Clara <no-reply@example.com>"}
	for _, tc := range []struct {
		name  string
		edit  func(*SMTPConfig)
		field string
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }, "Host"},
		{"port", func(c *SMTPConfig) { c.Port = 70000 }, "Port"},
		{"security", func(c *SMTPConfig) { c.Security = "ssl" }, "Security"},
		{"none off loopback", func(c *SMTPConfig) { c.Security = SecurityNone }, "Security"},
		{"username alone", func(c *SMTPConfig) { c.Username = "clara" }, "Password"},
		{"password alone", func(c *SMTPConfig) { c.Password = testPassword }, "Username"},
		{"no from", func(c *SMTPConfig) { c.From = "" }, "From"},
		{"bad from", func(c *SMTPConfig) { c.From = "Clara <no-reply>" }, "From"},
		{"timeout", func(c *SMTPConfig) { c.Timeout = -time.Second }, "Timeout"},
		{"local name", func(c *SMTPConfig) { c.LocalName = "a b" }, "LocalName"},
	} {
		cfg := ok
		tc.edit(&cfg)
		_, err := NewSMTP(cfg)
		if err == nil || !strings.Contains(err.Error(), "SMTPConfig."+tc.field) {
			t.Errorf("%s: NewSMTP: %v, want an error naming SMTPConfig.%s", tc.name, err, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), testPassword) {
			t.Errorf("%s: error %q contains the password", tc.name, err)
		}
	}
	if _, err := NewSMTP(ok); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

func TestNewSMTPDefaults(t *testing.T) {
	for _, tc := range []struct {
		host, security string
		port           int
		wantSecurity   string
		wantPort       int
	}{
		{"smtp.example.com", "", 0, SecurityStartTLS, 587},
		{"smtp.example.com", "", 587, SecurityStartTLS, 587},
		{"smtp.example.com", "", 25, SecurityStartTLS, 25},
		{"smtp.example.com", "", 465, SecurityTLS, 465},
		{"smtp.example.com", "TLS", 0, SecurityTLS, 465},
		{"localhost", "none", 0, SecurityNone, 25},
		{"::1", "none", 1025, SecurityNone, 1025},
		{"127.0.0.1", "none", 1025, SecurityNone, 1025},
	} {
		s, err := NewSMTP(SMTPConfig{Host: tc.host, Port: tc.port, Security: tc.security, From: "no-reply@example.com"})
		if err != nil {
			t.Errorf("%+v: %v", tc, err)
			continue
		}
		if s.cfg.Security != tc.wantSecurity || s.cfg.Port != tc.wantPort {
			t.Errorf("%s:%d %q: got %q port %d, want %q port %d", tc.host, tc.port, tc.security,
				s.cfg.Security, s.cfg.Port, tc.wantSecurity, tc.wantPort)
		}
		if s.cfg.Timeout != DefaultTimeout || s.cfg.LocalName != "localhost" || s.cfg.TLSConfig.ServerName != tc.host {
			t.Errorf("%s: defaults timeout=%s localName=%q serverName=%q", tc.host,
				s.cfg.Timeout, s.cfg.LocalName, s.cfg.TLSConfig.ServerName)
		}
	}
}

func TestSMTPConfigHidesPassword(t *testing.T) {
	cfg := SMTPConfig{Host: "smtp.example.com", Username: "clara", Password: testPassword}
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), cfg.LogValue().String()} {
		if strings.Contains(s, testPassword) {
			t.Errorf("%q shows the password", s)
		}
	}
}
