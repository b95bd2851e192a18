package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// maxHeaderLine is the line length headers are folded at (RFC 5322 2.1.1).
const maxHeaderLine = 78

// envelope is a composed message ready for SMTP: the envelope addresses and
// the RFC 5322 message with CRLF line endings.
type envelope struct {
	From string
	To   string
	Data []byte
}

// compose builds the MIME message for m, sent by from at now. It refuses
// header injection: CR or LF in To or Subject.
func compose(from *mail.Address, m core.Message, now time.Time) (envelope, error) {
	if strings.ContainsAny(m.To, "\r\n") {
		return envelope{}, errors.New("header injection: To contains a line break")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return envelope{}, errors.New("header injection: Subject contains a line break")
	}
	if strings.ContainsAny(from.Name, "\r\n") || strings.ContainsAny(from.Address, "\r\n") {
		return envelope{}, errors.New("header injection: From contains a line break")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return envelope{}, fmt.Errorf("invalid recipient %q: %w", m.To, err)
	}
	if m.Text == "" && m.HTML == "" {
		return envelope{}, errors.New("message has no body")
	}
	msgID, err := messageID(from.Address)
	if err != nil {
		return envelope{}, err
	}

	var buf bytes.Buffer
	writeHeader(&buf, "From", formatAddress(from))
	writeHeader(&buf, "To", formatAddress(to))
	writeHeader(&buf, "Subject", encodeWords(m.Subject, maxHeaderLine-len("Subject: ")))
	writeHeader(&buf, "Date", now.Format(time.RFC1123Z))
	writeHeader(&buf, "Message-ID", msgID)
	writeHeader(&buf, "MIME-Version", "1.0")

	switch {
	case m.Text != "" && m.HTML != "":
		err = writeAlternative(&buf, m.Text, m.HTML)
	case m.HTML != "":
		err = writeSinglePart(&buf, "text/html", m.HTML)
	default:
		err = writeSinglePart(&buf, "text/plain", m.Text)
	}
	if err != nil {
		return envelope{}, fmt.Errorf("write body: %w", err)
	}
	return envelope{From: from.Address, To: to.Address, Data: buf.Bytes()}, nil
}

// writeAlternative writes the Content-Type header, the blank line and a
// multipart/alternative body with a text and an HTML part.
func writeAlternative(buf *bytes.Buffer, text, html string) error {
	mw := multipart.NewWriter(buf)
	writeHeader(buf, "Content-Type", mime.FormatMediaType("multipart/alternative",
		map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return err
		}
		if err := writeQP(pw, p.body); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writeSinglePart writes the content headers, the blank line and one
// quoted-printable body. The SMTP data writer ends the last line.
func writeSinglePart(buf *bytes.Buffer, typ, body string) error {
	writeHeader(buf, "Content-Type", typ+"; charset=utf-8")
	writeHeader(buf, "Content-Transfer-Encoding", "quoted-printable")
	buf.WriteString("\r\n")
	return writeQP(buf, body)
}

// writeQP writes s quoted-printable; its line breaks become CRLF.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, s); err != nil {
		return err
	}
	return qp.Close()
}

// writeHeader writes "name: value" CRLF, folded at spaces to keep lines
// short. value must already be encoded and free of line breaks.
func writeHeader(buf *bytes.Buffer, name, value string) {
	line := name + ":"
	for i, word := range strings.Split(value, " ") {
		if i > 0 && len(line)+1+len(word) > maxHeaderLine && strings.TrimSpace(line) != "" {
			buf.WriteString(line)
			buf.WriteString("\r\n")
			line = ""
		}
		line += " " + word
	}
	buf.WriteString(line)
	buf.WriteString("\r\n")
}

// encodeWords returns s as is when it is printable ASCII, and otherwise as
// RFC 2047 UTF-8 "Q" encoded words of at most maxLen bytes each, separated
// by spaces (where writeHeader may fold), never splitting a character.
func encodeWords(s string, maxLen int) string {
	if mime.QEncoding.Encode("utf-8", s) == s {
		return s
	}
	const prefix, suffix = "=?utf-8?q?", "?="
	var out, word strings.Builder
	for _, r := range s {
		var enc string
		switch {
		case r == ' ':
			enc = "_"
		case r > ' ' && r <= '~' && r != '=' && r != '?' && r != '_':
			enc = string(r)
		default:
			for _, b := range []byte(string(r)) {
				enc += fmt.Sprintf("=%02X", b)
			}
		}
		if word.Len() > 0 && len(prefix)+word.Len()+len(enc)+len(suffix) > maxLen {
			out.WriteString(prefix + word.String() + suffix + " ")
			word.Reset()
		}
		word.WriteString(enc)
	}
	out.WriteString(prefix + word.String() + suffix)
	return out.String()
}

// formatAddress renders an address for a header, quoting the local part
// and RFC 2047-encoding a non-ASCII display name as needed.
func formatAddress(a *mail.Address) string {
	return a.String()
}

// messageID returns a random Message-ID at the sender's domain.
func messageID(from string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domainOf(from) + ">", nil
}

// domainOf returns the part of an address after its last "@", or "".
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return addr[i+1:]
}
