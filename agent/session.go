package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clara-backend/clara/core"
)

// session is the state of one analysis: what was read, what is left of
// the budgets.
type session struct {
	a           *Agent
	fetched     map[string]core.Source   // normalised final URL → the page, as it may be cited
	requested   map[string]string        // normalised requested URL → its final URL
	attachments map[string]bool          // names of the attachments given to the model
	clips       map[string]time.Duration // video and audio attachments given → their length
	fetches     int                      // pages fetched (or tried)
	searches    int                      // searches and fact-check lookups made (or tried)
	textLeft    int64                    // page text bytes the model may still be fed
	steps       []core.AnalysisStep      // what the agent did, in order
	onStep      func(core.AnalysisStep)
	usage       core.AnalysisUsage
}

// newSession starts an analysis; onStep, when set, hears each step.
func (a *Agent) newSession(onStep func(core.AnalysisStep)) *session {
	return &session{
		a: a, fetched: map[string]core.Source{}, requested: map[string]string{},
		attachments: map[string]bool{}, clips: map[string]time.Duration{}, textLeft: a.cfg.MaxFetchBytes, onStep: onStep,
	}
}

// step records a step of the analysis and reports it.
func (s *session) step(kind, target, outcome string) {
	st := core.AnalysisStep{Kind: kind, Target: clipText(target, 300), Outcome: outcome}
	s.steps = append(s.steps, st)
	s.report(st)
}

// report tells the listener of the analysis about st; progress-only steps
// (a model round, the checked answer) go only there.
func (s *session) report(st core.AnalysisStep) {
	if s.onStep != nil {
		s.onStep(st)
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
	arg, ok := map[string]string{toolFetch: "url", toolSearch: "query", toolFactChecks: "claim"}[c.Name]
	if !ok || !s.offers(c.Name) {
		return fmt.Sprintf("error: there is no tool %q; the tools are %s", c.Name, s.toolNames()), true
	}
	var in map[string]any
	value := ""
	if err := json.Unmarshal(c.Input, &in); err == nil {
		value, _ = in[arg].(string)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return fmt.Sprintf(`error: the input must be a JSON object {%q: "<%s>"}`, arg, arg), true
	}
	switch c.Name {
	case toolSearch:
		return s.search(ctx, value)
	case toolFactChecks:
		return s.factChecks(ctx, value)
	}
	return s.fetchText(ctx, value)
}

// offers reports whether the model may call the tool name.
func (s *session) offers(name string) bool { return slices.Contains(s.a.callable, name) }

// toolNames lists the tools the model may call.
func (s *session) toolNames() string { return strings.Join(s.a.callable, ", ") }

// fetchText fetches rawURL within the budgets and returns the tool result.
func (s *session) fetchText(ctx context.Context, rawURL string) (string, bool) {
	if final, ok := s.requested[normalizeURL(rawURL)]; ok {
		return fmt.Sprintf("already fetched: its text is in an earlier result; cite it as %s", final), false
	}
	page, text, note, err := s.fetch(ctx, rawURL)
	if err != nil {
		s.step(core.StepFetch, rawURL, err.Error())
		return err.Error(), true
	}
	s.step(core.StepFetch, page.URL, fmt.Sprintf("read (%s of text)", byteSize(len(text))))
	var b strings.Builder
	fmt.Fprintf(&b, "URL: %s\nTitle: %s\nContent-Type: %s\nCite this page as: %s\n\n", page.URL, page.Title, page.ContentType, page.URL)
	b.WriteString(s.postBlock(page.Post))
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

// clipText cuts s to at most n bytes at a character boundary, marking the
// cut.
func clipText(s string, n int) string {
	if out, cut := truncate(s, int64(n)); cut {
		return out + "…"
	}
	return s
}

// byteSize words a number of bytes.
func byteSize(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d KiB", (n+512)/1024)
}
