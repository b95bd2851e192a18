package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/clara-backend/clara/core"
)

// session is the state of one analysis: what was read, what is left of
// the budgets.
type session struct {
	a           *Agent
	fetched     map[string]core.Source // normalised final URL → the page, as it may be cited
	requested   map[string]string      // normalised requested URL → its final URL
	attachments map[string]bool        // names of the attachments given to the model
	fetches     int                    // pages fetched (or tried)
	textLeft    int64                  // page text bytes the model may still be fed
}

func (a *Agent) newSession() *session {
	return &session{
		a: a, fetched: map[string]core.Source{}, requested: map[string]string{},
		attachments: map[string]bool{}, textLeft: a.cfg.MaxFetchBytes,
	}
}

// run runs the model's tool calls and returns their results, in order.
func (s *session) run(ctx context.Context, calls []ToolCall) []ToolResult {
	out := make([]ToolResult, len(calls))
	for i, c := range calls {
		text, isErr := s.call(ctx, c)
		out[i] = ToolResult{CallID: c.ID, Text: text, IsError: isErr}
	}
	return out
}

// refuse answers calls the model may not make any more.
func refuse(calls []ToolCall) []ToolResult {
	out := make([]ToolResult, len(calls))
	for i, c := range calls {
		out[i] = ToolResult{CallID: c.ID, Text: msgNoTools, IsError: true}
	}
	return out
}

// call runs one tool call and returns the text the model is sent, and
// whether the call failed.
func (s *session) call(ctx context.Context, c ToolCall) (string, bool) {
	if c.Name != toolName {
		return fmt.Sprintf("error: there is no tool %q; the only tool is %s", c.Name, toolName), true
	}
	var in struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(c.Input, &in); err != nil || strings.TrimSpace(in.URL) == "" {
		return `error: the input must be a JSON object {"url": "<absolute http(s) URL>"}`, true
	}
	return s.fetchText(ctx, strings.TrimSpace(in.URL))
}

// fetchText fetches rawURL within the budgets and returns the tool result.
func (s *session) fetchText(ctx context.Context, rawURL string) (string, bool) {
	if final, ok := s.requested[normalizeURL(rawURL)]; ok {
		return fmt.Sprintf("already fetched: its text is in an earlier result; cite it as %s", final), false
	}
	page, text, note, err := s.fetch(ctx, rawURL)
	if err != nil {
		return err.Error(), true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "URL: %s\nTitle: %s\nContent-Type: %s\nCite this page as: %s\n\n", page.URL, page.Title, page.ContentType, page.URL)
	if text == "" {
		text = "(the page has no readable text)"
	}
	b.WriteString(text)
	if note != "" {
		b.WriteString("\n\n" + note)
	}
	return b.String(), false
}

// fetch fetches rawURL if the budgets allow it, records it as read, and
// returns the page, its text cut to the budget, and a note on the cut. The
// error is the tool result to send.
func (s *session) fetch(ctx context.Context, rawURL string) (Page, string, string, error) {
	switch {
	case s.fetches >= s.a.cfg.MaxFetches:
		return Page{}, "", "", fmt.Errorf("refused: the limit of %d page fetches is reached; answer with the sources you have", s.a.cfg.MaxFetches)
	case s.textLeft <= 0:
		return Page{}, "", "", fmt.Errorf("refused: the budget of %d bytes of page text is spent; answer with the sources you have", s.a.cfg.MaxFetchBytes)
	}
	s.fetches++
	page, err := s.a.fetcher.Fetch(ctx, rawURL)
	if err != nil {
		return Page{}, "", "", fmt.Errorf("error: %w", err)
	}
	if page.URL == "" {
		page.URL = rawURL
	}
	text, cut := truncate(page.Text, s.textLeft)
	s.textLeft -= int64(len(text))
	note := ""
	switch {
	case cut:
		note = fmt.Sprintf("[Truncated: only the first %d of %d bytes of text are shown; the page-text budget of this analysis is spent.]", len(text), len(page.Text))
	case page.Truncated:
		note = "[Truncated: the page is longer than the fetcher reads; only its beginning is shown.]"
	}
	s.requested[normalizeURL(rawURL)] = page.URL
	s.requested[normalizeURL(page.URL)] = page.URL
	s.fetched[normalizeURL(page.URL)] = core.Source{URL: page.URL, Title: strings.TrimSpace(page.Title)}
	return page, text, note, nil
}

// truncate cuts s to at most limit bytes at a character boundary and reports
// whether it cut anything.
func truncate(s string, limit int64) (string, bool) {
	if int64(len(s)) <= limit {
		return s, false
	}
	cut := int(limit)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}
