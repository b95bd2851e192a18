package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// devFrom is the sender of the development mailer's messages.
var devFrom = &mail.Address{Name: "Clara", Address: "no-reply@localhost"}

// outboxTimeLayout starts every outbox file name; it is fixed-width, so
// file names sort by time.
const outboxTimeLayout = "20060102T150405.000000000Z"

// Dev is the development mailer, used when no SMTP server is configured. It
// is meant for local development only: it sends nothing, and instead logs
// each message, including its text body (and so any one-time code in it),
// at INFO, and writes it as an .eml file to an outbox folder. Never use it
// where the log is shared or retained. It is safe for concurrent use.
type Dev struct {
	dir string
	log *slog.Logger
}

var _ core.Mailer = (*Dev)(nil)

// NewDev returns a development mailer writing to outboxDir (created 0700 on
// first Send if missing) and to log (slog.Default() when nil).
func NewDev(outboxDir string, log *slog.Logger) *Dev {
	if log == nil {
		log = slog.Default()
	}
	return &Dev{dir: outboxDir, log: log}
}

// Send writes m to the log and to a new 0600 file in the outbox, as the
// same MIME message SMTP would send.
func (d *Dev) Send(ctx context.Context, m core.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: dev: %w", err)
	}
	now := time.Now()
	env, err := compose(devFrom, m, now)
	if err != nil {
		return fmt.Errorf("mail: dev: %w", err)
	}
	path, err := d.write(env, now)
	if err != nil {
		return fmt.Errorf("mail: dev: %w", err)
	}
	d.log.InfoContext(ctx, "dev mailer: message written to outbox (not sent)",
		slog.String("to", m.To), slog.String("subject", m.Subject),
		slog.String("text", m.Text), slog.String("path", path))
	return nil
}

// write stores env in the outbox under a new name, atomically (a temporary
// file renamed into place), and returns its path.
func (d *Dev) write(env envelope, now time.Time) (string, error) {
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return "", fmt.Errorf("create outbox: %w", err)
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("random file name: %w", err)
	}
	name := now.UTC().Format(outboxTimeLayout) + "-" + sanitize(env.To) + "-" + hex.EncodeToString(rnd[:]) + ".eml"
	path := filepath.Join(d.dir, name)

	tmp, err := os.CreateTemp(d.dir, ".outgoing-*") // created 0600
	if err != nil {
		return "", fmt.Errorf("create outbox file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(env.Data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write outbox file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write outbox file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write outbox file: %w", err)
	}
	return path, nil
}

// sanitize keeps an address usable in a file name: letters, digits and
// ".+-_@" pass, anything else becomes "_"; the result is at most 64 bytes.
func sanitize(addr string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == '+', r == '-', r == '_', r == '@':
			return r
		}
		return '_'
	}, addr)
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" || strings.Trim(s, ".") == "" {
		s = "_"
	}
	return s
}
