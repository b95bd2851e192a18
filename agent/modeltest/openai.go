package modeltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/clara-backend/clara/internal/fakescript"
)

// openAI is the Chat Completions wire format.
var openAI = api{name: "openai", parse: parseOpenAI, success: answerOpenAI, failure: failOpenAI}

// openAIRequest is the part of a Chat Completions request the fake reads.
type openAIRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role       string          `json:"role"`
		Content    json.RawMessage `json:"content"`
		ToolCallID string          `json:"tool_call_id"`
		ToolCalls  []openAIToolUse `json:"tool_calls"`
	} `json:"messages"`
	Tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
}

// openAIToolUse is a tool call in either direction.
type openAIToolUse struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

func parseOpenAI(body []byte) (Request, error) {
	var in openAIRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return Request{}, fmt.Errorf("not a chat completions request: %w", err)
	}
	req := Request{Model: in.Model, Stream: in.Stream}
	for _, m := range in.Messages {
		text, kinds, _, _ := content(m.Content)
		msg := Message{Role: m.Role, Text: text, ToolCallID: m.ToolCallID, Parts: kinds}
		for _, c := range m.ToolCalls {
			var args map[string]any
			_ = json.Unmarshal([]byte(c.Function.Arguments), &args)
			msg.ToolCalls = append(msg.ToolCalls, Call{ID: c.ID, Name: c.Function.Name, Arguments: args})
		}
		req.Messages = append(req.Messages, msg)
	}
	for _, t := range in.Tools {
		req.Tools = append(req.Tools, t.Function.Name)
	}
	return req, nil
}

// openAIMessage is the assistant message of r.
func openAIMessage(r Reply, n int) (msg map[string]any, finish string) {
	msg = map[string]any{"role": "assistant", "content": r.Text, "refusal": nil}
	finish = "stop"
	if len(r.Calls) > 0 {
		calls := make([]openAIToolUse, len(r.Calls))
		for i, c := range r.Calls {
			calls[i].ID, calls[i].Type = c.ID, "function"
			if c.ID == "" {
				calls[i].ID = fmt.Sprintf("call_%d_%d", n, i)
			}
			calls[i].Function.Name, calls[i].Function.Arguments = c.Name, c.argumentsJSON()
		}
		msg["tool_calls"] = calls
		if r.Text == "" {
			msg["content"] = nil
		}
		finish = "tool_calls"
	}
	return msg, finish
}

func answerOpenAI(w http.ResponseWriter, req Request, r Reply, n int) {
	msg, finish := openAIMessage(r, n)
	id := fmt.Sprintf("chatcmpl-modeltest-%d", n)
	created := time.Now().Unix()
	usage := map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
	if req.Stream {
		streamOpenAI(w, id, created, req.Model, msg, finish, usage)
		return
	}
	fakescript.WriteJSON(w, http.StatusOK, map[string]any{
		"id": id, "object": "chat.completion", "created": created, "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish, "logprobs": nil}},
		"usage":   usage,
	})
}

// streamOpenAI answers a streamed request with the message in one delta,
// then the finish reason, then [DONE].
func streamOpenAI(w http.ResponseWriter, id string, created int64, model string, msg map[string]any, finish string, usage map[string]any) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	if calls, ok := msg["tool_calls"].([]openAIToolUse); ok {
		for i := range calls {
			calls[i].Index = &i
		}
	}
	chunk := func(delta map[string]any, finish any, usage any) {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
			"usage":   usage,
		})
		_, _ = fmt.Fprintf(w, "data: %s\n\n", b)
	}
	chunk(msg, nil, nil)
	chunk(map[string]any{}, finish, usage)
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
}

func failOpenAI(w http.ResponseWriter, status int, message string) {
	kind := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		kind = "rate_limit_exceeded"
	case status >= 500:
		kind = "server_error"
	}
	fakescript.WriteJSON(w, status, map[string]any{"error": map[string]any{"message": message, "type": kind, "param": nil, "code": nil}})
}
