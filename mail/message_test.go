package mail

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

var testFrom = &mail.Address{Name: "Clara", Address: "no-reply@example.com"}

func TestComposeFoldsLongSubject(t *testing.T) {
	subject := strings.Repeat("Vérification du code — ", 8) + "245522"
	env, err := compose(testFrom, core.Message{To: "ana@example.org", Subject: subject, Text: "x"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(env.Data), "\r\n") {
		if len(line) > maxHeaderLine {
			t.Errorf("line of %d bytes: %q", len(line), line)
		}
	}
	msgs := writeAndRead(t, env)
	if msgs.Subject != subject {
		t.Errorf("subject %q, want %q", msgs.Subject, subject)
	}
}

func TestComposeSinglePart(t *testing.T) {
	for _, m := range []core.Message{
		{To: "ana@example.org", Subject: "plain ASCII", Text: "only text\n"},
		{To: "ana@example.org", Subject: "plain ASCII", HTML: "<p>only html</p>"},
	} {
		env, err := compose(testFrom, m, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(env.Data, []byte("\r\nSubject: plain ASCII\r\n")) {
			t.Errorf("ASCII subject was encoded:\n%s", env.Data)
		}
		got := writeAndRead(t, env)
		if got.Text != m.Text || got.HTML != m.HTML {
			t.Errorf("got text %q html %q, want %q %q", got.Text, got.HTML, m.Text, m.HTML)
		}
	}
}

func TestComposeRejects(t *testing.T) {
	for name, m := range map[string]core.Message{
		"no body":      {To: "ana@example.org", Subject: "x"},
		"bad address":  {To: "not an address", Subject: "x", Text: "x"},
		"two adresses": {To: "a@example.org, b@example.org", Subject: "x", Text: "x"},
	} {
		if _, err := compose(testFrom, m, time.Now()); err == nil {
			t.Errorf("%s: compose succeeded", name)
		}
	}
}

// writeAndRead stores env as an outbox file and reads it back.
func writeAndRead(t *testing.T, env envelope) OutboxMessage {
	t.Helper()
	d := &Dev{dir: t.TempDir()}
	path, err := d.write(env, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m, err := readOutboxFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
