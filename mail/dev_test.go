package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

func TestDevWritesOutboxAndLog(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox") // missing: Send creates it
	var logBuf bytes.Buffer
	d := NewDev(dir, slog.New(slog.NewJSONHandler(&logBuf, nil)))

	if err := d.Send(context.Background(), testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}

	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("outbox mode %o, want 700", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("outbox has %d entries, want 1", len(entries))
	}
	name := entries[0].Name()
	if !strings.HasSuffix(name, ".eml") || !strings.Contains(name, "-ana@example.org-") {
		t.Errorf("file name %q", name)
	}
	fi, err := entries[0].Info()
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode %o, want 600", perm)
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	checkReceived(t, data, "localhost") // the same MIME message SMTP sends

	var line struct {
		Level, Msg, To, Subject, Text, Path string
	}
	if err := json.Unmarshal(logBuf.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", logBuf.String(), err)
	}
	if line.Level != "INFO" || line.To != testMessage.To || line.Subject != testMessage.Subject ||
		line.Text != testMessage.Text || line.Path != filepath.Join(dir, name) {
		t.Errorf("log line %+v", line)
	}
}

func TestReadOutbox(t *testing.T) {
	dir := t.TempDir()
	d := NewDev(dir, slog.New(slog.DiscardHandler))
	first := core.Message{To: "bob@example.org", Subject: "Code", Text: "Your code: 111111"}
	if err := d.Send(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if err := d.Send(context.Background(), testMessage); err != nil {
		t.Fatal(err)
	}
	// Stray files are ignored.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	msgs, err := ReadOutbox(dir)
	if err != nil {
		t.Fatalf("ReadOutbox: %v", err)
	}
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	if got := msgs[0]; got.To != "bob@example.org" || got.Subject != "Code" || got.Text != first.Text || got.HTML != "" {
		t.Errorf("first message %+v", got)
	}
	latest := msgs[1]
	if latest.To != "ana@example.org" || latest.Subject != testMessage.Subject ||
		latest.Text != testMessage.Text || latest.HTML != testMessage.HTML {
		t.Errorf("latest message %+v", latest)
	}
	if latest.Time.Before(msgs[0].Time) || filepath.Dir(latest.Path) != dir {
		t.Errorf("latest time %s path %q", latest.Time, latest.Path)
	}
}

func TestDevRefusesHeaderInjection(t *testing.T) {
	dir := t.TempDir()
	d := NewDev(dir, slog.New(slog.DiscardHandler))
	err := d.Send(context.Background(), core.Message{To: "a@example.org\r\nBcc: eve@example.net", Subject: "x", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "header injection") {
		t.Errorf("Send: %v, want a header injection error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("outbox has %d entries", len(entries))
	}
}
