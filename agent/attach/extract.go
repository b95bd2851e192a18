package attach

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind says what an extracted attachment is.
type Kind int

// The kinds of content Extract returns.
const (
	// Document content is text.
	Document Kind = iota
	// Image content is bytes with a media type, for a vision model.
	Image
)

// String names k.
func (k Kind) String() string {
	switch k {
	case Document:
		return "document"
	case Image:
		return "image"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Content is what the model is given for one attachment.
type Content struct {
	Kind Kind
	// Text is the readable text of a document (at most MaxText bytes).
	Text string
	// MediaType is the file's media type, e.g. "application/pdf",
	// "image/png".
	MediaType string
	// Image is the raw bytes of an image.
	Image []byte
	// Title is an HTML document's title, "" otherwise.
	Title string
	// Truncated reports that Text was cut at MaxText.
	Truncated bool
}

// documentTypes maps a document extension to its media type.
var documentTypes = map[string]string{
	".pdf":  "application/pdf",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/markdown; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".json": "application/json",
	".html": "text/html; charset=utf-8",
}

// Extract returns the readable content of the file name with content data.
// It first runs Check (with images allowed), so its errors are those of
// Check plus ErrUnreadablePDF. Text formats, CSV and JSON are returned as
// text; HTML as readable text (see HTMLText); PDF as the text of its
// pages; images as their bytes and media type. Document text is capped at
// MaxText bytes.
func Extract(name string, data []byte) (Content, error) {
	if err := Check(name, data, true); err != nil {
		return Content{}, err
	}
	ext := Ext(name)
	if mt, ok := imageTypes[ext]; ok {
		return Content{Kind: Image, MediaType: mt, Image: data}, nil
	}
	c := Content{Kind: Document, MediaType: documentTypes[ext]}
	switch ext {
	case ".pdf":
		text, truncated, err := pdfText(data, MaxText)
		if err != nil {
			return Content{}, fmt.Errorf("extract %s: %w", name, err)
		}
		c.Text, c.Truncated = text, truncated
	case ".html":
		title, text, err := HTMLText(bytes.NewReader(data), 0)
		if err != nil {
			return Content{}, fmt.Errorf("extract %s: %w", name, err)
		}
		c.Title = title
		c.Text, c.Truncated = Truncate(text, MaxText)
	default:
		text := strings.TrimPrefix(string(data), "\uFEFF")
		c.Text, c.Truncated = Truncate(text, MaxText)
	}
	return c, nil
}

// Truncate cuts s to at most max bytes at a character boundary and reports
// whether it cut anything. max <= 0 means no limit.
func Truncate(s string, max int) (string, bool) {
	if max <= 0 || len(s) <= max {
		return s, false
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}
