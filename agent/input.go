package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/core"
)

// firstMessage returns the user message that opens the analysis: the query,
// then every attachment (a document's text, an image, a linked page's
// text). An attachment that cannot be read is described instead, and is
// not recorded as given.
func (s *session) firstMessage(ctx context.Context, req core.AnalysisRequest) Message {
	query := strings.TrimSpace(req.Query)
	if query == "" {
		query = "(no text: check the attached files)"
	}
	parts := []Part{{Text: "Query to check:\n" + query}}
	for _, att := range req.Attachments {
		parts = append(parts, s.attachment(ctx, att)...)
	}
	return Message{Role: RoleUser, Parts: parts}
}

// attachment returns the parts that give att to the model.
func (s *session) attachment(ctx context.Context, att core.AttachmentData) []Part {
	label := fmt.Sprintf("Attachment %q", att.Name)
	cite := "attachment:" + att.Name
	if att.URL != "" {
		page, text, note, err := s.fetch(ctx, att.URL)
		if err != nil {
			return []Part{{Text: fmt.Sprintf("%s, the link %s, could not be read: %v", label, att.URL, err)}}
		}
		s.attachments[att.Name] = true
		if note != "" {
			text += "\n\n" + note
		}
		return []Part{{Text: fmt.Sprintf("%s, the page at %s (title %q; cite it as %s or %s):\n%s",
			label, page.URL, page.Title, page.URL, cite, text)}}
	}
	c, err := s.a.files.Extract(att.Name, att.Data)
	switch {
	case err != nil:
		return []Part{{Text: fmt.Sprintf("%s could not be read: %v", label, err)}}
	case c.Image && !s.a.vision:
		return []Part{{Text: label + " is an image, which this model cannot see."}}
	case c.Image:
		s.attachments[att.Name] = true
		return []Part{{Text: fmt.Sprintf("%s, an image (cite it as %s):", label, cite)}, {Image: c.Data, MediaType: c.MediaType}}
	}
	s.attachments[att.Name] = true
	text, cut := truncate(c.Text, s.a.cfg.MaxFetchBytes)
	if cut {
		text += fmt.Sprintf("\n\n[Truncated: only the first %d bytes of text are shown.]", len(text))
	}
	if text == "" {
		text = "(no readable text)"
	}
	return []Part{{Text: fmt.Sprintf("%s, a document (cite it as %s):\n%s", label, cite, text)}}
}
