package agent

import (
	"context"
	"encoding/json"
)

// Model is a chat model that may call the fetch_url tool. Its
// implementations (anthropicModel, openaiModel) translate the
// provider-neutral conversation to their wire format on every call.
type Model interface {
	// Next sends the system prompt and the conversation and returns the
	// model's next turn. With tools false the model may not call tools.
	// Errors are classified: core.Transient for a provider's 429 or 5xx, a
	// timeout or a network failure; *core.FailedAnalysis for a refused
	// request.
	Next(ctx context.Context, system string, conv []Message, tools bool) (Turn, error)
}

// Role is who says a message.
type Role string

// The roles of a conversation.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one message of a conversation. A user message carries Results
// (for every call of the assistant turn before it) and then Parts; an
// assistant message carries Text and Calls.
type Message struct {
	Role    Role
	Parts   []Part
	Results []ToolResult
	Text    string
	Calls   []ToolCall
}

// Part is a piece of a user message: text, or an image.
type Part struct {
	Text      string
	Image     []byte // the image's bytes, when it is an image
	MediaType string // the image's media type
}

// ToolCall is the model's request to run a tool.
type ToolCall struct {
	ID    string
	Name  string
	Input json.RawMessage // the arguments, a JSON object
}

// ToolResult is the outcome of a ToolCall, sent back to the model.
type ToolResult struct {
	CallID  string
	Text    string
	IsError bool
}

// Turn is what the model answered: text, tool calls, or both.
type Turn struct {
	Text  string
	Calls []ToolCall
	Stop  string // the provider's stop or finish reason
}

// assistant returns t as a message of the conversation.
func (t Turn) assistant() Message {
	return Message{Role: RoleAssistant, Text: t.Text, Calls: t.Calls}
}

// toolName is the one tool the model is offered.
const toolName = "fetch_url"

// toolDescription tells the model what fetch_url does.
const toolDescription = "Fetch a public web page (http or https) and return its readable text, " +
	"its final URL after redirects and its title. Use it to read the links in the query and the " +
	"sources you need. Cite a page by the final URL it returns."

// toolSchema is the JSON schema of fetch_url's input.
func toolSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"url": map[string]any{"type": "string", "description": "the absolute http(s) URL to fetch"},
		},
		"required": []string{"url"},
	}
}
