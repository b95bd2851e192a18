package agent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
)

// anthropicMaxTokens bounds one answer of an Anthropic model (the Messages
// API requires a bound).
const anthropicMaxTokens = 8192

// anthropicModel is a Model on Anthropic's Messages API.
type anthropicModel struct {
	client     anthropic.Client
	model      string
	timeout    time.Duration
	searchUses int // the web_search server tool's uses per call
}

// newAnthropicModel returns the Anthropic model of cfg. The SDK reads
// nothing from the environment and does not retry: the task's job does.
func newAnthropicModel(cfg Config) *anthropicModel {
	opts := []option.RequestOption{
		option.WithoutEnvironmentDefaults(),
		option.WithHTTPClient(cfg.HTTPClient),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(cfg.RequestTimeout),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	return &anthropicModel{client: anthropic.NewClient(opts...), model: cfg.Model, timeout: cfg.RequestTimeout, searchUses: cfg.MaxSearches}
}

// Next implements Model. With tools off the tools stay defined (the API
// refuses tool_use blocks in a request without tools) but tool_choice is
// "none".
func (m *anthropicModel) Next(ctx context.Context, system string, conv []Message, tools []ToolSpec, use bool) (Turn, error) {
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(m.model),
		MaxTokens: anthropicMaxTokens,
		System:    []anthropic.TextBlockParam{{Text: system}},
		Messages:  anthropicMessages(conv),
		Tools:     m.tools(tools),
	}
	if !use {
		none := anthropic.NewToolChoiceNoneParam()
		params.ToolChoice = anthropic.ToolChoiceUnionParam{OfNone: &none}
	}
	callCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	msg, err := m.client.Messages.New(callCtx, params)
	if err != nil {
		status := 0
		var apiErr *anthropic.Error
		if errors.As(err, &apiErr) {
			status = apiErr.StatusCode
		}
		return Turn{}, classify(ctx, ProviderAnthropic, status, err)
	}
	turn := Turn{Stop: string(msg.StopReason), InputTokens: msg.Usage.InputTokens, OutputTokens: msg.Usage.OutputTokens}
	var text []string
	for _, b := range msg.Content {
		switch b.Type {
		case "text":
			text = append(text, b.Text)
		case "tool_use":
			turn.Calls = append(turn.Calls, ToolCall{ID: b.ID, Name: b.Name, Input: b.Input})
		case "server_tool_use":
			var in struct {
				Query string `json:"query"`
			}
			if json.Unmarshal(b.Input, &in) == nil && in.Query != "" {
				turn.Searches = append(turn.Searches, in.Query)
			}
		}
	}
	turn.Text = strings.Join(text, "\n")
	if len(turn.Searches) > 0 {
		turn.Raw = msg.ToParam() // the search blocks go back with the turn
	}
	return turn, nil
}

// tools returns the Messages API's form of tools: function tools, and the
// web_search server tool (at most searchUses uses a call).
func (m *anthropicModel) tools(tools []ToolSpec) []anthropic.ToolUnionParam {
	out := make([]anthropic.ToolUnionParam, 0, len(tools))
	for _, t := range tools {
		if t.Server {
			out = append(out, anthropic.ToolUnionParam{OfWebSearchTool20250305: &anthropic.WebSearchTool20250305Param{
				MaxUses: anthropic.Int(int64(m.searchUses)),
			}})
			continue
		}
		required, _ := t.Schema["required"].([]string)
		out = append(out, anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
			Name:        t.Name,
			Description: anthropic.String(t.Description),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: t.Schema["properties"], Required: required},
		}})
	}
	return out
}

// anthropicMessages translates conv to the Messages API.
func anthropicMessages(conv []Message) []anthropic.MessageParam {
	out := make([]anthropic.MessageParam, 0, len(conv))
	for _, m := range conv {
		if raw, ok := m.Raw.(anthropic.MessageParam); ok {
			out = append(out, raw)
			continue
		}
		var blocks []anthropic.ContentBlockParamUnion
		if m.Role == RoleAssistant {
			if m.Text != "" {
				blocks = append(blocks, anthropic.NewTextBlock(m.Text))
			}
			for _, c := range m.Calls {
				blocks = append(blocks, anthropic.NewToolUseBlock(c.ID, jsonObject(c.Input), c.Name))
			}
			if len(blocks) == 0 {
				blocks = append(blocks, anthropic.NewTextBlock("(no answer)"))
			}
			out = append(out, anthropic.NewAssistantMessage(blocks...))
			continue
		}
		for _, r := range m.Results { // tool results come first in a user turn
			blocks = append(blocks, anthropic.NewToolResultBlock(r.CallID, r.Text, r.IsError))
		}
		for _, p := range m.Parts {
			if p.Image != nil {
				blocks = append(blocks, anthropic.NewImageBlockBase64(p.MediaType, base64.StdEncoding.EncodeToString(p.Image)))
			} else {
				blocks = append(blocks, anthropic.NewTextBlock(p.Text))
			}
		}
		out = append(out, anthropic.NewUserMessage(blocks...))
	}
	return out
}

// jsonObject returns raw if it is a JSON object, else an empty object (the
// API wants an object as a tool_use block's input).
func jsonObject(raw json.RawMessage) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return json.RawMessage(`{}`)
	}
	return raw
}
