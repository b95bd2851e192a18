package tools

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// getPrompt gets a prompt with args.
func getPrompt(t *testing.T, c *client.Client, name string, args map[string]string) (*mcp.GetPromptResult, error) {
	t.Helper()
	req := mcp.GetPromptRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	return c.GetPrompt(t.Context(), req)
}

// factCheck gets fact_check for claim and returns the text of its single
// user message.
func factCheck(t *testing.T, c *client.Client, claim string) string {
	t.Helper()
	res, err := getPrompt(t, c, "fact_check", map[string]string{"claim": claim})
	if err != nil {
		t.Fatalf("get fact_check: %v", err)
	}
	if len(res.Messages) != 1 || res.Messages[0].Role != mcp.RoleUser {
		t.Fatalf("messages %+v, want one user message", res.Messages)
	}
	tc, ok := mcp.AsTextContent(res.Messages[0].Content)
	if !ok {
		t.Fatalf("content %T, want text", res.Messages[0].Content)
	}
	return tc.Text
}

// prompts/list lists fact_check and its required claim; prompts/get renders
// it with the claim, naming the tools to call and the cost; a missing or
// blank claim is an error. In process (both eras) and over stdio.
func TestFactCheckPrompt(t *testing.T) {
	s, _, _ := newTestServer(t)
	stdio, _ := stdioSession(t, t.Context(), s, core.Credentials{})
	if err := initialize(t.Context(), stdio); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client.Client{
		"modern": inProcess(t, s, false), "legacy": inProcess(t, s, true), "stdio": stdio,
	} {
		t.Run(name, func(t *testing.T) {
			list, err := c.ListPrompts(t.Context(), mcp.ListPromptsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			wantArgs := []mcp.PromptArgument{{Name: "claim", Description: "the claim, post or question to check, as the user wrote it", Required: true}}
			if len(list.Prompts) != 1 || list.Prompts[0].Name != "fact_check" || !reflect.DeepEqual(list.Prompts[0].Arguments, wantArgs) {
				t.Errorf("prompts/list %+v", list.Prompts)
			}

			claim := "The Great Wall of China is visible from the Moon with the naked eye."
			got := factCheck(t, c, claim)
			for _, want := range []string{"\n" + claim + "\n", "analyze", "wait_seconds 60", "20 credits", "view_task",
				"verdict", "confidence", "summary", "claims", "sources", "credit_rate", "buy_credits"} {
				if !strings.Contains(got, want) {
					t.Errorf("message lacks %q:\n%s", want, got)
				}
			}

			for _, args := range []map[string]string{nil, {"claim": " \n"}, {"query": claim}} {
				_, err := getPrompt(t, c, "fact_check", args)
				wantRPCError(t, "fact_check without a claim", err, core.MsgInvalid+" claim: is required")
			}
		})
	}
}

// The cost in the message is the core's.
func TestFactCheckPromptCost(t *testing.T) {
	policy := core.DefaultPolicy()
	policy.AnalysisCost = 35
	svc := core.New(core.Deps{Store: newStore(t), Version: testVersion, Policy: &policy})
	got := factCheck(t, inProcess(t, NewServer(svc, Options{ValidateOutput: true}), false), "Water boils at 100 °C at sea level.")
	if !strings.Contains(got, "35 credits") || strings.Contains(got, "20 credits") {
		t.Errorf("message does not give the core's cost:\n%s", got)
	}
}
