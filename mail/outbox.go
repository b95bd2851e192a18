package mail

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// OutboxMessage is a message read back from a Dev outbox.
type OutboxMessage struct {
	// Path is the .eml file the message was read from.
	Path string
	// Time is when the message was written (from its file name), in UTC.
	Time time.Time
	// To is the recipient's address, without a display name.
	To string
	// Subject is the decoded subject.
	Subject string
	// Text and HTML are the decoded bodies, with LF line breaks.
	Text, HTML string
}

// ReadOutbox reads and parses every message in a Dev outbox folder, oldest
// first; the last one is the latest sent. A missing folder is an error
// wrapping fs.ErrNotExist.
func ReadOutbox(dir string) ([]OutboxMessage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mail: read outbox: %w", err)
	}
	var msgs []OutboxMessage
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".eml") {
			continue
		}
		m, err := readOutboxFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("mail: read outbox: %s: %w", name, err)
		}
		msgs = append(msgs, m)
	}
	slices.SortFunc(msgs, func(a, b OutboxMessage) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return msgs, nil
}

// LatestTo returns the latest message of a Dev outbox folder mailed to to;
// ok is false when there is none.
func LatestTo(dir, to string) (m OutboxMessage, ok bool, err error) {
	msgs, err := ReadOutbox(dir)
	if err != nil {
		return OutboxMessage{}, false, err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			return msgs[i], true, nil
		}
	}
	return OutboxMessage{}, false, nil
}

// readOutboxFile parses one .eml file.
func readOutboxFile(path string) (OutboxMessage, error) {
	out := OutboxMessage{Path: path}
	stamp, _, _ := strings.Cut(filepath.Base(path), "-")
	t, err := time.Parse(outboxTimeLayout, stamp)
	if err != nil {
		return out, fmt.Errorf("file name has no timestamp: %w", err)
	}
	out.Time = t

	f, err := os.Open(path)
	if err != nil {
		return out, err
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return out, fmt.Errorf("parse message: %w", err)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil {
		return out, fmt.Errorf("parse To: %w", err)
	}
	out.To = to.Address
	dec := new(mime.WordDecoder)
	if out.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return out, fmt.Errorf("decode Subject: %w", err)
	}
	err = readBodies(&out, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return out, err
}

// readBodies fills out.Text and out.HTML from a single-part or
// multipart/alternative body.
func readBodies(out *OutboxMessage, contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("parse Content-Type: %w", err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		if strings.EqualFold(encoding, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		return setBody(out, mediaType, body)
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable transparently
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read part: %w", err)
		}
		pt, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			return fmt.Errorf("parse part Content-Type: %w", err)
		}
		if err := setBody(out, pt, p); err != nil {
			return err
		}
	}
}

// setBody stores a decoded text/plain or text/html body in out; other
// types are ignored.
func setBody(out *OutboxMessage, mediaType string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read %s body: %w", mediaType, err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch mediaType {
	case "text/plain":
		out.Text = s
	case "text/html":
		out.HTML = s
	}
	return nil
}
