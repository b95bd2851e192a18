package modeltest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Request is a request the fake received, with what tests check of it.
type Request struct {
	Provider string      // "openai" or "anthropic"
	Path     string      // /v1/chat/completions or /v1/messages
	Header   http.Header // as sent
	Body     []byte      // as sent

	Model    string
	Stream   bool
	System   string    // Anthropic's top-level system prompt
	Messages []Message // in order; an OpenAI system message is one of them
	Tools    []string  // the names of the tools offered
}

// Message is a message of a request, flattened: its text parts joined.
type Message struct {
	Role       string   // system, user, assistant or tool (Anthropic tool results: tool)
	Text       string   // the text parts, joined by newlines
	ToolCallID string   // for a tool result: the call it answers
	ToolCalls  []Call   // for an assistant message: the calls it made
	Parts      []string // the types of the non-text parts: image_url, file, image, document, …
}

// ToolResults returns the tool results the request carries, in order.
func (r Request) ToolResults() []Message {
	var out []Message
	for _, m := range r.Messages {
		if m.Role == "tool" {
			out = append(out, m)
		}
	}
	return out
}

// Text returns every text of the request (system prompt, messages, tool
// results), joined by newlines: for checks that a query or an
// attachment's text reached the model.
func (r Request) Text() string {
	parts := []string{r.System}
	for _, m := range r.Messages {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

// HasPart reports whether a message carries a non-text part of type kind
// (an image, a file, a document).
func (r Request) HasPart(kind string) bool {
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			if p == kind {
				return true
			}
		}
	}
	return false
}

// part is a content part of either API.
type part struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     map[string]any  `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
}

// content flattens a content value, a string or a list of parts, into its
// text and the types of its other parts. Anthropic's tool_use and
// tool_result blocks are returned apart.
func content(raw json.RawMessage) (text string, kinds []string, uses []Call, results []Message) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil, nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil, nil, nil
	}
	var parts []part
	if json.Unmarshal(raw, &parts) != nil {
		return string(raw), nil, nil, nil
	}
	var texts []string
	for _, p := range parts {
		switch p.Type {
		case "text", "input_text":
			texts = append(texts, p.Text)
		case "tool_use":
			uses = append(uses, Call{ID: p.ID, Name: p.Name, Arguments: p.Input})
		case "tool_result":
			t, k, _, _ := content(p.Content)
			results = append(results, Message{Role: "tool", Text: t, ToolCallID: p.ToolUseID, Parts: k})
		default:
			kinds = append(kinds, p.Type)
		}
	}
	return strings.Join(texts, "\n"), kinds, uses, results
}
