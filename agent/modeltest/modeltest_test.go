package modeltest_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/clara-backend/clara/agent/modeltest"
)

// openAIClient is the real OpenAI SDK pointed at m, without retries.
func openAIClient(m *modeltest.Server) openai.Client {
	return openai.NewClient(option.WithBaseURL(m.URL()), option.WithAPIKey("sk-test"), option.WithMaxRetries(0))
}

// The real OpenAI SDK reads the fake's tool calls and final answers, and
// the fake reads back the tool results it is sent.
func TestOpenAIConversation(t *testing.T) {
	m := modeltest.New(t)
	answer := modeltest.AnalysisJSON("TRUE", "https://example.com/a")
	m.Enqueue(modeltest.FetchURL("https://example.com/a"), modeltest.Answer(answer))
	c := openAIClient(m)
	params := openai.ChatCompletionNewParams{
		Model:    "gpt-test",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be right"), openai.UserMessage("is it?")},
	}
	first, err := c.Chat.Completions.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	calls := first.Choices[0].Message.ToolCalls
	if first.Choices[0].FinishReason != "tool_calls" || len(calls) != 1 || calls[0].Function.Name != "fetch_url" ||
		calls[0].Function.Arguments != `{"url":"https://example.com/a"}` {
		t.Fatalf("first answer %+v", first.Choices[0])
	}
	params.Messages = append(params.Messages, first.Choices[0].Message.ToParam(), openai.ToolMessage("page text", calls[0].ID))
	second, err := c.Chat.Completions.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Choices[0].Message.Content; got != answer {
		t.Fatalf("final answer %q", got)
	}
	var decoded modeltest.AnalysisAnswer
	if err := json.Unmarshal([]byte(answer), &decoded); err != nil || decoded.Sources[0].URL != "https://example.com/a" {
		t.Fatalf("answer %s: %v", answer, err)
	}
	reqs := m.Requests()
	if m.Calls() != 2 || len(reqs) != 2 || reqs[0].Model != "gpt-test" || reqs[0].Messages[1].Text != "is it?" {
		t.Fatalf("requests %+v", reqs)
	}
	results := reqs[1].ToolResults()
	if len(results) != 1 || results[0].Text != "page text" || results[0].ToolCallID != calls[0].ID {
		t.Fatalf("tool results %+v", results)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization %q", got)
	}
}

// Scripted statuses reach the SDK as API errors; an empty script is a 500.
func TestOpenAIStatus(t *testing.T) {
	m := modeltest.New(t)
	m.Enqueue(modeltest.Status(429))
	c := openAIClient(m)
	params := openai.ChatCompletionNewParams{Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}}
	for _, want := range []int{429, 500} {
		_, err := c.Chat.Completions.New(t.Context(), params)
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != want {
			t.Fatalf("got %v, want status %d", err, want)
		}
	}
}

// A held reply waits for its gate; the request's end frees it.
func TestHold(t *testing.T) {
	m := modeltest.New(t)
	g := modeltest.NewGate()
	m.Enqueue(modeltest.Hold(g, modeltest.Answer("late")))
	c := openAIClient(m)
	params := openai.ChatCompletionNewParams{Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}}
	done := make(chan string, 1)
	go func() {
		res, err := c.Chat.Completions.New(context.Background(), params)
		if err != nil {
			done <- err.Error()
			return
		}
		done <- res.Choices[0].Message.Content
	}()
	select {
	case <-g.Arrived():
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the gate")
	}
	select {
	case got := <-done:
		t.Fatalf("answered %q before the release", got)
	case <-time.After(50 * time.Millisecond):
	}
	g.Release()
	if got := <-done; got != "late" {
		t.Fatalf("answer %q", got)
	}
}

// The real Anthropic SDK reads the fake's tool use and answer.
func TestAnthropicConversation(t *testing.T) {
	m := modeltest.New(t)
	m.Enqueue(modeltest.FetchURL("https://example.com/b"), modeltest.Answer("done"))
	c := anthropicsdk.NewClient(anthropicopt.WithBaseURL(m.BaseURL()), anthropicopt.WithAPIKey("sk-ant"), anthropicopt.WithMaxRetries(0))
	params := anthropicsdk.MessageNewParams{
		Model: "claude-test", MaxTokens: 100,
		Messages: []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("is it?"))},
	}
	first, err := c.Messages.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	if first.StopReason != "tool_use" || len(first.Content) != 1 || first.Content[0].Name != "fetch_url" {
		t.Fatalf("first answer %+v", first)
	}
	params.Messages = append(params.Messages, first.ToParam(),
		anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(first.Content[0].ID, "page", false)))
	second, err := c.Messages.New(t.Context(), params)
	if err != nil || second.Content[0].Text != "done" {
		t.Fatalf("second answer %+v, %v", second, err)
	}
	results := m.Requests()[1].ToolResults()
	if len(results) != 1 || results[0].Text != "page" || results[0].ToolCallID != first.Content[0].ID {
		t.Fatalf("tool results %+v", results)
	}
}
