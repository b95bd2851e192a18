package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"time"

	"github.com/clara-backend/clara/core"
)

// SMTP is a core.Mailer that submits each message to an SMTP server on a
// fresh connection. It is safe for concurrent use.
type SMTP struct {
	cfg  SMTPConfig
	from *mail.Address
	addr string
}

var _ core.Mailer = (*SMTP)(nil)

// NewSMTP validates cfg, fills in its defaults (see SMTPConfig) and returns
// a mailer. It does not connect to the server.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	c, from, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &SMTP{cfg: c, from: from, addr: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}, nil
}

// Send composes m and submits it. It returns once the server has accepted
// the message, or an error; it gives up when ctx is done or the configured
// Timeout has passed, whichever comes first. Errors carry the server's
// reply but never the password.
func (s *SMTP) Send(ctx context.Context, m core.Message) error {
	env, err := compose(s.from, m, time.Now())
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.deliver(ctx, env); err != nil {
		ctxErr := ctx.Err()
		if ctxErr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
			ctxErr = context.DeadlineExceeded // the connection deadline fired first
		}
		if ctxErr != nil {
			return fmt.Errorf("mail: smtp %s: %w: %w", s.addr, ctxErr, err)
		}
		return fmt.Errorf("mail: smtp %s: %w", s.addr, err)
	}
	return nil
}

// deliver runs one SMTP conversation. The connection's deadline is ctx's,
// and cancelling ctx closes the connection, so no step can block past it.
func (s *SMTP) deliver(ctx context.Context, env envelope) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(deadline); err != nil {
			return fmt.Errorf("set deadline: %w", err)
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	var nc net.Conn = conn
	if s.cfg.Security == SecurityTLS {
		tc := tls.Client(conn, s.cfg.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		nc = tc
	}
	c, err := smtp.NewClient(nc, s.cfg.Host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := s.hello(c); err != nil {
		return err
	}
	if err := c.Mail(env.From); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(env.To); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(env.Data); err != nil {
		return fmt.Errorf("DATA: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The message is accepted; a failed QUIT must not make callers retry it.
	_ = c.Quit()
	return nil
}

// hello sends EHLO, upgrades with STARTTLS when configured, and
// authenticates when a username is configured.
func (s *SMTP) hello(c *smtp.Client) error {
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if s.cfg.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("server does not offer STARTTLS")
		}
		if err := c.StartTLS(s.cfg.TLSConfig); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.cfg.Username == "" {
		return nil
	}
	ok, offered := c.Extension("AUTH")
	if !ok {
		return errors.New("server does not offer AUTH, but a username is configured")
	}
	a, err := chooseAuth(offered, s.cfg.Username, s.cfg.Password, s.cfg.Security == SecurityNone)
	if err != nil {
		return err
	}
	if err := c.Auth(a); err != nil {
		return fmt.Errorf("AUTH %s as %q: %w", a.mech, s.cfg.Username, err)
	}
	return nil
}
