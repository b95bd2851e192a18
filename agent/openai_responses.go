package agent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
)

// openaiResponsesModel is a Model on OpenAI's Responses API, used when the
// agent searches with OpenAI's own web search (the web_search tool of
// that API; chat completions has none). Requests are not stored at
// OpenAI: the conversation travels whole each time, the provider's own
// items (searches, reasoning) sent back as they came.
type openaiResponsesModel struct {
	client  openai.Client
	model   string
	timeout time.Duration
}

// newOpenAIResponsesModel returns the Responses API model of cfg, on the
// client newOpenAIClient makes.
func newOpenAIResponsesModel(cfg Config) *openaiResponsesModel {
	return &openaiResponsesModel{client: newOpenAIClient(cfg), model: cfg.Model, timeout: cfg.RequestTimeout}
}

// Next implements Model. With tools off the request offers none.
func (m *openaiResponsesModel) Next(ctx context.Context, system string, conv []Message, tools []ToolSpec, use bool) (Turn, error) {
	params := responses.ResponseNewParams{
		Model:        m.model,
		Instructions: openai.String(system),
		Input:        responses.ResponseNewParamsInputUnion{OfInputItemList: responsesInput(conv)},
		Store:        openai.Bool(false),
		Include:      []responses.ResponseIncludable{responses.ResponseIncludableReasoningEncryptedContent},
	}
	if use {
		for _, t := range tools {
			if t.Server {
				params.Tools = append(params.Tools, responses.ToolUnionParam{OfWebSearch: &responses.WebSearchToolParam{Type: responses.WebSearchToolTypeWebSearch}})
				continue
			}
			params.Tools = append(params.Tools, responses.ToolParamOfFunction(t.Name, t.Schema, false))
			params.Tools[len(params.Tools)-1].OfFunction.Description = openai.String(t.Description)
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	res, err := m.client.Responses.New(callCtx, params)
	if err != nil {
		return Turn{}, classifyOpenAI(ctx, err)
	}
	turn := Turn{Stop: string(res.Status), InputTokens: res.Usage.InputTokens, OutputTokens: res.Usage.OutputTokens}
	var text []string
	var replay []responses.ResponseInputItemUnionParam
	for _, item := range res.Output {
		switch item.Type {
		case "message":
			for _, c := range item.Content {
				if c.Type == "output_text" {
					text = append(text, c.Text)
				}
			}
		case "function_call":
			turn.Calls = append(turn.Calls, ToolCall{ID: item.CallID, Name: item.Name, Input: json.RawMessage(item.Arguments.OfString)})
		case "web_search_call":
			if q := item.Action.Query; q != "" {
				turn.Searches = append(turn.Searches, q)
			}
			turn.Searches = append(turn.Searches, item.Action.Queries...)
		}
		if p, ok := replayItem(item); ok {
			replay = append(replay, p)
		}
	}
	turn.Text = strings.Join(text, "\n")
	turn.Raw = replay
	return turn, nil
}

// replayItem returns an output item as the input item that sends it back
// unchanged; ok is false for items that need not go back.
func replayItem(item responses.ResponseOutputItemUnion) (responses.ResponseInputItemUnionParam, bool) {
	raw := []byte(item.RawJSON())
	switch item.Type {
	case "message":
		var p responses.ResponseOutputMessageParam
		param.SetJSON(raw, &p)
		return responses.ResponseInputItemUnionParam{OfOutputMessage: &p}, true
	case "function_call":
		var p responses.ResponseFunctionToolCallParam
		param.SetJSON(raw, &p)
		return responses.ResponseInputItemUnionParam{OfFunctionCall: &p}, true
	case "web_search_call":
		var p responses.ResponseFunctionWebSearchParam
		param.SetJSON(raw, &p)
		return responses.ResponseInputItemUnionParam{OfWebSearchCall: &p}, true
	case "reasoning":
		var p responses.ResponseReasoningItemParam
		param.SetJSON(raw, &p)
		return responses.ResponseInputItemUnionParam{OfReasoning: &p}, true
	}
	return responses.ResponseInputItemUnionParam{}, false
}

// responsesInput translates conv to Responses API input items: an
// assistant turn as it came (or its text and calls), then one output item
// per tool result, then the user's parts.
func responsesInput(conv []Message) []responses.ResponseInputItemUnionParam {
	var out []responses.ResponseInputItemUnionParam
	for _, m := range conv {
		if m.Role == RoleAssistant {
			if raw, ok := m.Raw.([]responses.ResponseInputItemUnionParam); ok {
				out = append(out, raw...)
				continue
			}
			if m.Text != "" {
				out = append(out, responses.ResponseInputItemParamOfMessage(m.Text, responses.EasyInputMessageRoleAssistant))
			}
			for _, c := range m.Calls {
				out = append(out, responses.ResponseInputItemParamOfFunctionCall(string(c.Input), c.ID, c.Name))
			}
			continue
		}
		for _, r := range m.Results {
			out = append(out, responses.ResponseInputItemUnionParam{OfFunctionCallOutput: &responses.ResponseInputItemFunctionCallOutputParam{
				CallID: openai.String(r.CallID),
				Output: responses.ResponseInputItemFunctionCallOutputOutputUnionParam{OfString: openai.String(r.Text)},
			}})
		}
		if len(m.Parts) == 0 {
			continue
		}
		content := make(responses.ResponseInputMessageContentListParam, 0, len(m.Parts))
		for _, p := range m.Parts {
			if p.Image != nil {
				img := responses.ResponseInputContentParamOfInputImage(responses.ResponseInputImageDetailAuto)
				img.OfInputImage.ImageURL = openai.String("data:" + p.MediaType + ";base64," + base64.StdEncoding.EncodeToString(p.Image))
				content = append(content, img)
			} else {
				content = append(content, responses.ResponseInputContentParamOfInputText(p.Text))
			}
		}
		out = append(out, responses.ResponseInputItemParamOfMessage(content, responses.EasyInputMessageRoleUser))
	}
	return out
}
