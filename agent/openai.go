package agent

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// openaiBaseURL is OpenAI's public API.
const openaiBaseURL = "https://api.openai.com/v1/"

// openaiModel is a Model on the chat completions API of OpenAI or of an
// OpenAI-compatible server.
type openaiModel struct {
	client  openai.Client
	model   string
	timeout time.Duration
}

// newOpenAIModel returns the OpenAI model of cfg.
func newOpenAIModel(cfg Config) *openaiModel {
	return &openaiModel{client: newOpenAIClient(cfg), model: cfg.Model, timeout: cfg.RequestTimeout}
}

// newOpenAIClient returns the OpenAI client of cfg. The base URL and the
// key are always set explicitly, so the OPENAI_* environment of the
// process cannot redirect the agent or leak a key to another server; the
// SDK does not retry: the task's job does.
func newOpenAIClient(cfg Config) openai.Client {
	base := cfg.BaseURL
	if base == "" {
		base = openaiBaseURL
	}
	return openai.NewClient(
		option.WithBaseURL(base),
		option.WithAPIKey(cfg.APIKey),
		option.WithHTTPClient(cfg.HTTPClient),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(cfg.RequestTimeout),
	)
}

// classifyOpenAI classifies a failed call of the OpenAI SDK (see Model).
func classifyOpenAI(ctx context.Context, err error) error {
	status := 0
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
	}
	return classify(ctx, ProviderOpenAI, status, err)
}

// Next implements Model. With tools off the request offers no tools: the
// most portable way, across OpenAI-compatible servers, to get an answer.
func (m *openaiModel) Next(ctx context.Context, system string, conv []Message, tools []ToolSpec, use bool) (Turn, error) {
	params := openai.ChatCompletionNewParams{
		Model:    shared.ChatModel(m.model),
		Messages: append([]openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system)}, openaiMessages(conv)...),
	}
	if use {
		for _, t := range tools {
			if t.Server {
				continue // chat completions has no server-side search tool
			}
			params.Tools = append(params.Tools, openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
				Name:        t.Name,
				Description: openai.String(t.Description),
				Parameters:  shared.FunctionParameters(t.Schema),
			}))
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	res, err := m.client.Chat.Completions.New(callCtx, params)
	if err != nil {
		return Turn{}, classifyOpenAI(ctx, err)
	}
	if len(res.Choices) == 0 {
		return Turn{}, nil // an empty answer, which the agent asks to repair
	}
	choice := res.Choices[0]
	turn := Turn{Text: choice.Message.Content, Stop: choice.FinishReason, InputTokens: res.Usage.PromptTokens, OutputTokens: res.Usage.CompletionTokens}
	for _, c := range choice.Message.ToolCalls {
		if c.Type != "" && c.Type != "function" {
			continue
		}
		turn.Calls = append(turn.Calls, ToolCall{ID: c.ID, Name: c.Function.Name, Input: []byte(c.Function.Arguments)})
	}
	return turn, nil
}

// openaiMessages translates conv to chat completion messages: an assistant
// turn with its tool calls, then one tool message per result, then the
// user's parts.
func openaiMessages(conv []Message) []openai.ChatCompletionMessageParamUnion {
	var out []openai.ChatCompletionMessageParamUnion
	for _, m := range conv {
		if m.Role == RoleAssistant {
			var a openai.ChatCompletionAssistantMessageParam
			if m.Text != "" || len(m.Calls) == 0 {
				a.Content.OfString = openai.String(m.Text)
			}
			for _, c := range m.Calls {
				a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{
					OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
						ID:       c.ID,
						Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: c.Name, Arguments: string(c.Input)},
					},
				})
			}
			out = append(out, openai.ChatCompletionMessageParamUnion{OfAssistant: &a})
			continue
		}
		for _, r := range m.Results {
			out = append(out, openai.ToolMessage(r.Text, r.CallID))
		}
		if len(m.Parts) == 0 {
			continue
		}
		parts := make([]openai.ChatCompletionContentPartUnionParam, 0, len(m.Parts))
		for _, p := range m.Parts {
			if p.Image != nil {
				parts = append(parts, openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{
					URL: "data:" + p.MediaType + ";base64," + base64.StdEncoding.EncodeToString(p.Image),
				}))
			} else {
				parts = append(parts, openai.TextContentPart(p.Text))
			}
		}
		out = append(out, openai.UserMessage(parts))
	}
	return out
}
