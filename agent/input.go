package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
)

// firstMessage returns the user message that opens the analysis: the query,
// then every attachment (a document's text, an image, a linked page's
// text). An attachment that cannot be read is described instead, and is
// not recorded as given; one whose reading faulted or overran its limits
// fails the analysis (see refusedFile).
func (s *session) firstMessage(ctx context.Context, req core.AnalysisRequest) (Message, error) {
	query := strings.TrimSpace(req.Query)
	if query == "" {
		query = "(no text: check the attached files)"
	}
	parts := []Part{{Text: "Query to check:\n" + query}}
	for _, att := range req.Attachments {
		p, err := s.attachment(ctx, att)
		if err != nil {
			s.step(core.StepAttachment, att.Name, "refused: "+err.Error())
			return Message{}, err
		}
		outcome := "read"
		if !s.attachments[att.Name] {
			outcome = "could not be read"
		}
		s.step(core.StepAttachment, att.Name, outcome)
		parts = append(parts, p...)
	}
	return Message{Role: RoleUser, Parts: parts}, nil
}

// attachment returns the parts that give att to the model, or the failure
// of an attachment refused by the isolated reader.
func (s *session) attachment(ctx context.Context, att core.AttachmentData) ([]Part, error) {
	label := fmt.Sprintf("Attachment %q", att.Name)
	cite := "attachment:" + att.Name
	if s.a.isMedia(att.Name) {
		return s.clipAttachment(ctx, att)
	}
	if att.URL != "" {
		page, text, note, err := s.fetch(ctx, att.URL)
		if errors.Is(err, isolate.ErrRefused) {
			return nil, refusedFile(att.Name, err)
		}
		if err != nil {
			return []Part{{Text: fmt.Sprintf("%s, the link %s, could not be read: %v", label, att.URL, err)}}, nil
		}
		s.attachments[att.Name] = true
		if note != "" {
			text += "\n\n" + note
		}
		return []Part{{Text: fmt.Sprintf("%s, the page at %s (title %q; cite it as %s or %s):\n%s",
			label, page.URL, page.Title, page.URL, cite, text)}}, nil
	}
	c, err := s.a.files.Extract(ctx, att.Name, att.Data)
	switch {
	case errors.Is(err, isolate.ErrRefused):
		return nil, refusedFile(att.Name, err)
	case err != nil:
		return []Part{{Text: fmt.Sprintf("%s could not be read: %v", label, err)}}, nil
	case c.Image && !s.a.vision:
		return []Part{{Text: label + " is an image, which this model cannot see."}}, nil
	case c.Image:
		s.attachments[att.Name] = true
		return []Part{{Text: fmt.Sprintf("%s, an image (cite it as %s):", label, cite)}, {Image: c.Data, MediaType: c.MediaType}}, nil
	}
	s.attachments[att.Name] = true
	text, cut := truncate(c.Text, s.a.cfg.MaxFetchBytes)
	if cut {
		text += fmt.Sprintf("\n\n[Truncated: only the first %d bytes of text are shown.]", len(text))
	}
	if text == "" {
		text = "(no readable text)"
	}
	return []Part{{Text: fmt.Sprintf("%s, a document (cite it as %s):\n%s", label, cite, text)}}, nil
}
