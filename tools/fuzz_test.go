package tools

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// FuzzToolArguments feeds the argument binding of analyze (the richest
// input: nested attachments, optional numbers) arbitrary JSON arguments:
// it never panics and never gives a protocol error, and the handler sees
// clean text only.
func FuzzToolArguments(f *testing.F) {
	for _, s := range []string{
		`{"query":"is it true?","wait_seconds":5}`,
		`{"query":"a\u0000b"}`,
		"{\"query\":\"\xff\xfe\"}",
		`{"query":"\ud800"}`,
		`{"attachments":[{"name":"a\u0000.txt","content_base64":"QUFB"}]}`,
		`{"attachments":[{"name":"a.txt","url":"https://example.com/\u0000"}]}`,
		`{"wait_seconds":1e999999}`,
		`{"wait_seconds":123456789012345678901234567890}`,
		`{"query":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		`{"x\u0000":1}`,
		`{"attachments":{"name":"a"}}`,
		`[]`, `null`, `"text"`,
	} {
		f.Add([]byte(s))
	}
	rt := &toolEnv{log: slog.New(slog.DiscardHandler)}
	handler := adapt(rt, "analyze", needUser, nil, func(_ context.Context, _ core.Principal, in analyzeIn) (Done, error) {
		texts := []string{in.UserID, in.Query, in.IdempotencyKey}
		for _, a := range in.Attachments {
			texts = append(texts, a.Name, a.ContentBase64, a.URL)
		}
		for _, s := range texts {
			if !cleantext.Valid(s) {
				return Done{}, errBadText("handler saw bad text") // reported below
			}
		}
		return Done{Message: "ok"}, nil
	}, nil, false)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var args any
		if json.Unmarshal(raw, &args) != nil {
			return // mcp-go refuses unparsable JSON before any tool
		}
		var req mcp.CallToolRequest
		req.Params.Name = "analyze"
		req.Params.Arguments = args
		res, err := handler(t.Context(), req)
		if err != nil {
			t.Fatalf("arguments %s: protocol error %v", raw, err)
		}
		if res.IsError && strings.Contains(res.Content[0].(mcp.TextContent).Text, "handler saw bad text") {
			t.Fatalf("arguments %s reached the handler with bad text", raw)
		}
	})
}
