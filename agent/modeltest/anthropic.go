package modeltest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/clara-backend/clara/internal/fakescript"
)

// anthropic is the Messages wire format (without streaming).
var anthropic = api{name: "anthropic", parse: parseAnthropic, success: answerAnthropic, failure: failAnthropic}

// anthropicRequest is the part of a Messages request the fake reads.
type anthropicRequest struct {
	Model    string          `json:"model"`
	Stream   bool            `json:"stream"`
	System   json.RawMessage `json:"system"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Tools []struct {
		Name string `json:"name"`
	} `json:"tools"`
}

func parseAnthropic(body []byte) (Request, error) {
	var in anthropicRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return Request{}, fmt.Errorf("not a messages request: %w", err)
	}
	if in.Stream {
		return Request{}, fmt.Errorf("streaming Messages is not supported by the fake")
	}
	system, _, _, _ := content(in.System)
	req := Request{Model: in.Model, System: system}
	for _, m := range in.Messages {
		text, kinds, uses, results := content(m.Content)
		// Tool results come first in a user message; they are listed as
		// messages of role tool, as in Chat Completions.
		req.Messages = append(req.Messages, results...)
		if text != "" || len(kinds) > 0 || len(uses) > 0 || len(results) == 0 {
			req.Messages = append(req.Messages, Message{Role: m.Role, Text: text, Parts: kinds, ToolCalls: uses})
		}
	}
	for _, t := range in.Tools {
		req.Tools = append(req.Tools, t.Name)
	}
	return req, nil
}

func answerAnthropic(w http.ResponseWriter, req Request, r Reply, n int) {
	blocks := []any{}
	if r.Text != "" {
		blocks = append(blocks, map[string]any{"type": "text", "text": r.Text})
	}
	stop := "end_turn"
	for i, c := range r.Calls {
		id := c.ID
		if id == "" {
			id = fmt.Sprintf("toolu_modeltest_%d_%d", n, i)
		}
		input := c.Arguments
		if input == nil {
			input = map[string]any{}
		}
		blocks = append(blocks, map[string]any{"type": "tool_use", "id": id, "name": c.Name, "input": input})
		stop = "tool_use"
	}
	fakescript.WriteJSON(w, http.StatusOK, map[string]any{
		"id": fmt.Sprintf("msg_modeltest_%d", n), "type": "message", "role": "assistant", "model": req.Model,
		"content": blocks, "stop_reason": stop, "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": 10, "output_tokens": 10},
	})
}

func failAnthropic(w http.ResponseWriter, status int, message string) {
	kind := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		kind = "rate_limit_error"
	case status == 529:
		kind = "overloaded_error"
	case status >= 500:
		kind = "api_error"
	case status == http.StatusUnauthorized:
		kind = "authentication_error"
	}
	fakescript.WriteJSON(w, status, map[string]any{"type": "error", "error": map[string]any{"type": kind, "message": message}})
}
