package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/emersion/go-sasl"
)

const testPassword = "s3cret-Pa55word"

// testMessage has non-ASCII in the subject and both bodies.
var testMessage = core.Message{
	To:      "Ana Pérez <ana@example.org>",
	Subject: "Vérification — 245522",
	Text:    "Votre code de vérification — 245522\nIl expire dans 10 minutes.\n",
	HTML:    "<p>Votre code de vérification — <b>245522</b></p>",
}

func newTestSMTP(t *testing.T, cfg SMTPConfig) *SMTP {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Clara <no-reply@example.com>"
	}
	s, err := NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

func sendOK(t *testing.T, s *SMTP, ts *testServer) received {
	t.Helper()
	if err := s.Send(context.Background(), testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := ts.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func TestSMTPPlainLoopback(t *testing.T) {
	ts := startServer(t, serverOpts{})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Security: SecurityNone, LocalName: "app.test"})
	rec := sendOK(t, s, ts)
	if rec.TLS || rec.User != "" {
		t.Errorf("TLS=%v user=%q, want plain and anonymous", rec.TLS, rec.User)
	}
	if rec.Helo != "app.test" {
		t.Errorf("HELO name %q, want app.test", rec.Helo)
	}
	if rec.From != "no-reply@example.com" || rec.To != "ana@example.org" {
		t.Errorf("envelope %q -> %q", rec.From, rec.To)
	}
	checkReceived(t, rec.Data, "example.com")
}

// checkReceived parses data with net/mail and mime/multipart and checks
// every header and both bodies against testMessage, sent by Clara at
// no-reply@domain.
func checkReceived(t *testing.T, data []byte, domain string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v\n%s", err, data)
	}
	h := msg.Header
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 ||
		from[0].Name != "Clara" || from[0].Address != "no-reply@"+domain {
		t.Errorf("From %q: %v %v", h.Get("From"), from, err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 ||
		to[0].Name != "Ana Pérez" || to[0].Address != "ana@example.org" {
		t.Errorf("To %q: %v %v", h.Get("To"), to, err)
	}
	if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", raw)
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil || subj != testMessage.Subject {
		t.Errorf("Subject %q (%v), want %q", subj, err, testMessage.Subject)
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@"+domain+">") || len(id) < 30 {
		t.Errorf("Message-ID %q", id)
	}
	if v := h.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	want := []struct{ typ, body string }{{"text/plain", testMessage.Text}, {"text/html", testMessage.HTML}}
	for i, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if ct := p.Header.Get("Content-Type"); ct != w.typ+"; charset=utf-8" {
			t.Errorf("part %d Content-Type %q", i, ct)
		}
		// multipart.Reader decodes quoted-printable and drops the header.
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(string(b), "\r\n", "\n"); got != w.body {
			t.Errorf("part %d body %q, want %q", i, got, w.body)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("after two parts: %v, want EOF", err)
	}
	if !bytes.Contains(data, []byte("Content-Transfer-Encoding: quoted-printable")) {
		t.Error("parts are not quoted-printable")
	}
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d bytes long: %q", i, len(line), line)
		}
	}
}

func TestSMTPStartTLSAuthPlain(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	ts := startServer(t, serverOpts{startTLS: serverTLS, users: map[string]string{"clara": testPassword}})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Security: SecurityStartTLS,
		Username: "clara", Password: testPassword, TLSConfig: clientTLS})
	rec := sendOK(t, s, ts)
	if !rec.TLS || rec.User != "clara" {
		t.Errorf("TLS=%v user=%q, want TLS as clara", rec.TLS, rec.User)
	}
	checkReceived(t, rec.Data, "example.com")
}

func TestSMTPStartTLSAuthLogin(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	ts := startServer(t, serverOpts{startTLS: serverTLS, users: map[string]string{"clara": testPassword},
		mechs: []string{sasl.Login}})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Username: "clara", Password: testPassword,
		TLSConfig: clientTLS})
	if rec := sendOK(t, s, ts); !rec.TLS || rec.User != "clara" {
		t.Errorf("TLS=%v user=%q, want TLS as clara", rec.TLS, rec.User)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	ts := startServer(t, serverOpts{implicitTLS: serverTLS, users: map[string]string{"clara": testPassword}})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Security: SecurityTLS,
		Username: "clara", Password: testPassword, TLSConfig: clientTLS})
	rec := sendOK(t, s, ts)
	if !rec.TLS || rec.User != "clara" {
		t.Errorf("TLS=%v user=%q, want TLS as clara", rec.TLS, rec.User)
	}
	checkReceived(t, rec.Data, "example.com")
}

func TestSMTPAuthRejected(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	ts := startServer(t, serverOpts{startTLS: serverTLS, users: map[string]string{"clara": "another password"}})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Username: "clara", Password: testPassword,
		TLSConfig: clientTLS})
	err := s.Send(context.Background(), testMessage)
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	if msg := err.Error(); !strings.Contains(msg, "535") || !strings.Contains(msg, "Authentication failed") {
		t.Errorf("error %q does not carry the server's reply", msg)
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error %q contains the password", err)
	}
	if n := len(ts.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSMTPRefusesDowngrade(t *testing.T) {
	// A server without STARTTLS: nothing, above all no credentials, is sent.
	ts := startServer(t, serverOpts{users: map[string]string{"clara": testPassword}, insecure: true})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Username: "clara", Password: testPassword})
	err := s.Send(context.Background(), testMessage)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send: %v, want an error about STARTTLS", err)
	}
	if n := len(ts.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSMTPUntrustedCertificate(t *testing.T) {
	serverTLS, _ := selfSigned(t)
	ts := startServer(t, serverOpts{startTLS: serverTLS})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port})
	if err := s.Send(context.Background(), testMessage); err == nil {
		t.Fatal("Send trusted a self-signed certificate")
	}
}

func TestSMTPAuthOnLoopbackWithoutTLS(t *testing.T) {
	ts := startServer(t, serverOpts{users: map[string]string{"clara": testPassword}, insecure: true})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Security: SecurityNone,
		Username: "clara", Password: testPassword})
	if rec := sendOK(t, s, ts); rec.User != "clara" {
		t.Errorf("user %q, want clara", rec.User)
	}
}

func TestSMTPSilentServerTimesOut(t *testing.T) {
	host, port := silentListener(t)
	s := newTestSMTP(t, SMTPConfig{Host: host, Port: port, Security: SecurityNone, Timeout: 300 * time.Millisecond})
	start := time.Now()
	err := s.Send(context.Background(), testMessage)
	if err == nil {
		t.Fatal("Send to a silent server succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Send returned after %s", elapsed)
	}
}

func TestSMTPContextDeadlineBeatsTimeout(t *testing.T) {
	host, port := silentListener(t)
	s := newTestSMTP(t, SMTPConfig{Host: host, Port: port, Security: SecurityNone, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.Send(ctx, testMessage); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send: %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Send returned after %s", elapsed)
	}
}

func TestSMTPContextCancelled(t *testing.T) {
	host, port := silentListener(t)
	s := newTestSMTP(t, SMTPConfig{Host: host, Port: port, Security: SecurityNone, Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	if err := s.Send(ctx, testMessage); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send: %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Send returned after %s", elapsed)
	}
}

func TestSMTPRefusesHeaderInjection(t *testing.T) {
	ts := startServer(t, serverOpts{})
	s := newTestSMTP(t, SMTPConfig{Host: ts.Host, Port: ts.Port, Security: SecurityNone})
	for name, m := range map[string]core.Message{
		"To LF":        {To: "ana@example.org\nBcc: eve@example.net", Subject: "hi", Text: "x"},
		"To CRLF":      {To: "ana@example.org\r\nBcc: eve@example.net", Subject: "hi", Text: "x"},
		"Subject CR":   {To: "ana@example.org", Subject: "hi\rBcc: eve@example.net", Text: "x"},
		"Subject CRLF": {To: "ana@example.org", Subject: "hi\r\n\r\nfake body", Text: "x"},
	} {
		if err := s.Send(context.Background(), m); err == nil || !strings.Contains(err.Error(), "header injection") {
			t.Errorf("%s: Send: %v, want a header injection error", name, err)
		}
	}
	if n := len(ts.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
	if _, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", From: "Clara <a@example.com>\r\nBcc: eve@example.net"}); err == nil ||
		!strings.Contains(err.Error(), "From") {
		t.Errorf("NewSMTP with CRLF in From: %v", err)
	}
}
