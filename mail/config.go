package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"
)

// Values of SMTPConfig.Security.
const (
	// SecurityStartTLS connects in plain text and upgrades with STARTTLS
	// before anything else is sent; a server that does not offer STARTTLS
	// is an error. Default for every port but 465.
	SecurityStartTLS = "starttls"
	// SecurityTLS uses implicit TLS from the first byte. Default for port 465.
	SecurityTLS = "tls"
	// SecurityNone uses no encryption at all. Allowed only for loopback hosts.
	SecurityNone = "none"
)

// DefaultTimeout bounds a whole Send when SMTPConfig.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// SMTPConfig configures an SMTP mailer. See NewSMTP for the defaults.
type SMTPConfig struct {
	// Host is the SMTP server's host name or IP address. Required.
	Host string
	// Port is the server's TCP port; 0 means 465 with Security "tls",
	// 25 with "none", and 587 otherwise.
	Port int
	// Username and Password, when set, are used for AUTH PLAIN (or LOGIN
	// when that is all the server offers). Set both or neither.
	Username, Password string
	// From is the sender, as a bare address or with a display name
	// ("Clara <no-reply@example.com>"). Required.
	From string
	// Security is "starttls", "tls" or "none"; empty picks "tls" for port
	// 465 and "starttls" otherwise. "none" is only allowed for a loopback
	// Host.
	Security string
	// Timeout bounds a whole Send (dial, TLS, the SMTP conversation);
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// TLSConfig, optional, is used for TLS and STARTTLS, e.g. with custom
	// RootCAs in tests. ServerName defaults to Host.
	TLSConfig *tls.Config
	// LocalName is the name sent in EHLO/HELO; default "localhost".
	LocalName string
}

// String describes the configuration without the password.
func (c SMTPConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "[redacted]"
	}
	return fmt.Sprintf("SMTPConfig{Host:%s Port:%d Security:%s Username:%s Password:%s From:%s Timeout:%s LocalName:%s}",
		c.Host, c.Port, c.Security, c.Username, pw, c.From, c.Timeout, c.LocalName)
}

// LogValue makes slog print the configuration without the password.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.StringValue(c.String())
}

// withDefaults validates c and returns a copy with defaults filled in, plus
// the parsed From address.
func (c SMTPConfig) withDefaults() (SMTPConfig, *mail.Address, error) {
	c.Host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(c.Host), "["), "]")
	if c.Host == "" {
		return c, nil, errors.New("SMTPConfig.Host is required")
	}
	if strings.ContainsAny(c.Host, " \t\r\n/@") {
		return c, nil, fmt.Errorf("SMTPConfig.Host %q is not a host name", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 {
		return c, nil, fmt.Errorf("SMTPConfig.Port %d is out of range", c.Port)
	}

	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	switch c.Security {
	case "":
		if c.Port == 465 {
			c.Security = SecurityTLS
		} else {
			c.Security = SecurityStartTLS
		}
	case SecurityStartTLS, SecurityTLS, SecurityNone:
	default:
		return c, nil, fmt.Errorf("SMTPConfig.Security %q is not one of %q, %q, %q",
			c.Security, SecurityStartTLS, SecurityTLS, SecurityNone)
	}
	if c.Security == SecurityNone && !isLoopback(c.Host) {
		return c, nil, fmt.Errorf("SMTPConfig.Security %q is only allowed for a loopback host, not %q",
			SecurityNone, c.Host)
	}
	if c.Port == 0 {
		switch c.Security {
		case SecurityTLS:
			c.Port = 465
		case SecurityNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}

	if (c.Username == "") != (c.Password == "") {
		return c, nil, errors.New("SMTPConfig.Username and SMTPConfig.Password must be set together")
	}
	if strings.ContainsAny(c.Username, "\x00\r\n") || strings.ContainsAny(c.Password, "\x00\r\n") {
		return c, nil, errors.New("SMTPConfig.Username or SMTPConfig.Password contains a NUL or line break")
	}

	from, err := parseFrom(c.From)
	if err != nil {
		return c, nil, fmt.Errorf("SMTPConfig.From: %w", err)
	}

	if c.Timeout < 0 {
		return c, nil, fmt.Errorf("SMTPConfig.Timeout %s is negative", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}

	if c.LocalName == "" {
		c.LocalName = "localhost"
	}
	if strings.ContainsAny(c.LocalName, " \t\r\n") {
		return c, nil, fmt.Errorf("SMTPConfig.LocalName %q contains white space", c.LocalName)
	}

	if c.TLSConfig == nil {
		c.TLSConfig = &tls.Config{}
	} else {
		c.TLSConfig = c.TLSConfig.Clone()
	}
	if c.TLSConfig.ServerName == "" {
		c.TLSConfig.ServerName = c.Host
	}
	if c.TLSConfig.MinVersion == 0 {
		c.TLSConfig.MinVersion = tls.VersionTLS12
	}
	return c, from, nil
}

// parseFrom parses a sender address, which must have a domain (the
// Message-ID is built on it).
func parseFrom(s string) (*mail.Address, error) {
	if s == "" {
		return nil, errors.New("sender address is required")
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("header injection: sender contains a line break")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("invalid sender %q: %w", s, err)
	}
	if domainOf(addr.Address) == "" {
		return nil, fmt.Errorf("sender %q has no domain", s)
	}
	return addr, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
