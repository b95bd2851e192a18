package fetch

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/isolate"
	"golang.org/x/net/html/charset"
)

// textTypes are the media types whose body is returned as text.
var textTypes = map[string]bool{
	"text/plain":       true,
	"text/markdown":    true,
	"text/x-markdown":  true,
	"text/csv":         true,
	"application/json": true,
	"text/json":        true,
}

// parseBody fills page's ContentType, Title and Text from a body of
// declared type contentType (sniffed when missing or invalid). HTML and
// PDF are parsed in an isolated child (package isolate), bounded by its
// own limits rather than the fetch's timeout.
func parseBody(page *Page, contentType string, data []byte) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		contentType = http.DetectContentType(data)
		mt, _, _ = mime.ParseMediaType(contentType)
	}
	page.ContentType = mt
	var text string
	switch {
	case isHTML(mt):
		title, t, cut, err := isolate.HTMLText(context.Background(), toUTF8(data, contentType))
		if err != nil {
			return err
		}
		page.Title, text, page.Truncated = title, t, page.Truncated || cut
	case textTypes[mt] || strings.HasSuffix(mt, "+json"):
		text = strings.TrimPrefix(string(toUTF8(data, contentType)), "\uFEFF")
	case mt == "application/pdf":
		c, err := isolate.Extract(context.Background(), "page.pdf", data)
		if err != nil {
			return err
		}
		text = c.Text
	default:
		return fmt.Errorf("%w %s", ErrUnsupportedType, mt)
	}
	text, cut := attach.Truncate(text, attach.MaxText)
	page.Text, page.Truncated = text, page.Truncated || cut
	return nil
}

// toUTF8 decodes data to valid UTF-8: by its byte-order mark or declared
// charset if any; else as UTF-8 if it is valid UTF-8; else by an HTML
// <meta> charset, falling back to windows-1252.
func toUTF8(data []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	if !certain && utf8.Valid(data) || name == "utf-8" {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return bytes.ToValidUTF8(out, []byte("\uFFFD"))
}

// isHTML reports whether the media type mt is HTML.
func isHTML(mt string) bool { return mt == "text/html" || mt == "application/xhtml+xml" }
