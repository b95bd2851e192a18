package agent

import (
	"context"

	"github.com/clara-backend/clara/agent/fetch"
)

// Page is a fetched web page as the model reads it: its final URL, title,
// readable text and media type.
type Page = fetch.Page

// Fetcher reads public web pages. *fetch.Fetcher, which refuses private
// addresses, is the one to use; tests may serve pages otherwise.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (Page, error)
}

var _ Fetcher = (*fetch.Fetcher)(nil)

// Content is the readable content of an attachment.
type Content struct {
	Image     bool   // an image, in Data; else a document, in Text
	Text      string // a document's text
	MediaType string // an image's media type
	Data      []byte // an image's bytes
}

// Attacher reads attachments; attachFiles, on package attach, is the one
// the agent uses.
type Attacher interface {
	Supported(vision bool) map[string][]string
	Check(name string, data []byte, vision bool) error
	// Extract reads the file; ctx bounds the reading (an analysis that is
	// cancelled stops reading its files).
	Extract(ctx context.Context, name string, data []byte) (Content, error)
}
