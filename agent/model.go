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
	// model's next turn. tools are the tools of the analysis; with use
	// false the model may not call them (nor search on its provider's
	// side), and must answer. Errors are classified:
	// core.Transient for a provider's 429 or 5xx, a timeout or a network
	// failure; *core.FailedAnalysis for a refused request.
	Next(ctx context.Context, system string, conv []Message, tools []ToolSpec, use bool) (Turn, error)
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
	// Raw is the provider's own form of an assistant message, sent back as
	// it is when set (it holds what Text and Calls cannot, such as the
	// blocks of a search the provider ran itself).
	Raw any
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
	// Searches are the queries of the searches the provider ran itself
	// during the turn (its server-side web search).
	Searches []string
	// InputTokens and OutputTokens are what the call took, as the provider
	// counts them.
	InputTokens, OutputTokens int64
	Raw                       any // see Message.Raw
}

// assistant returns t as a message of the conversation.
func (t Turn) assistant() Message {
	return Message{Role: RoleAssistant, Text: t.Text, Calls: t.Calls, Raw: t.Raw}
}
