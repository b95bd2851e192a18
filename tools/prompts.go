package tools

import (
	"context"
	"errors"
	"fmt"

	"github.com/clara-backend/clara/core"
)

// Prompt declares one prompt: its arguments and the messages it renders.
// Like a Tool, a Prompt carries no mcp-go type: extensions.go binds it.
type Prompt struct {
	// Name identifies the prompt, matching ^[a-z0-9_]{1,64}$; Title is a
	// short human-readable name.
	Name, Title string
	// Description tells the user and the host what the prompt is for.
	Description string
	// Arguments are the prompt's arguments, in order.
	Arguments []PromptArgument
	// Render returns the messages for args, in which every required
	// argument is present and not blank; it fails as a tool handler does.
	Render func(ctx context.Context, args map[string]string) ([]PromptMessage, error)
}

// PromptArgument is an argument of a prompt.
type PromptArgument struct {
	Name        string
	Description string
	Required    bool
}

// The roles of prompt messages.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// PromptMessage is one text message of a rendered prompt.
type PromptMessage struct {
	Role string // RoleUser or RoleAssistant
	Text string
}

// Validate reports what is missing or malformed in the declaration.
func (p Prompt) Validate() error {
	var errs []error
	if !validName(p.Name) {
		errs = append(errs, fmt.Errorf("name %q does not match %s", p.Name, namePattern))
	}
	if p.Title == "" || p.Description == "" {
		errs = append(errs, errors.New("missing title or description"))
	}
	for _, a := range p.Arguments {
		if !validName(a.Name) || a.Description == "" {
			errs = append(errs, fmt.Errorf("argument %q needs a name matching %s and a description", a.Name, namePattern))
		}
	}
	if p.Render == nil {
		errs = append(errs, errors.New("missing renderer"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("prompt %q: %w", p.Name, err)
	}
	return nil
}

// Prompts returns every prompt Clara serves.
func Prompts(svc *core.Service) []Prompt {
	return []Prompt{factCheckPrompt(svc)}
}

// factCheckWait is the wait_seconds the fact_check prompt asks analyze for.
const factCheckWait = 60

// factCheckName is the name of the fact_check prompt.
const factCheckName = "fact_check"

// factCheckPrompt guides a host model through one analysis: analyze the
// claim, read the task's result, present it with its sources.
func factCheckPrompt(svc *core.Service) Prompt {
	return Prompt{
		Name:  factCheckName,
		Title: "Fact-check a claim",
		Description: "Checks a claim with Clara's AI agent: the model calls analyze, waits for the verdict and " +
			"presents it with its sources. An analysis costs credits.",
		Arguments: []PromptArgument{{
			Name:        "claim",
			Description: "the claim, post or question to check, as the user wrote it",
			Required:    true,
		}},
		Render: func(_ context.Context, args map[string]string) ([]PromptMessage, error) {
			return []PromptMessage{{Role: RoleUser, Text: factCheckText(args["claim"], svc.Policy().AnalysisCost)}}, nil
		},
	}
}

// factCheckText is the message of fact_check for claim, when an analysis
// costs cost credits.
func factCheckText(claim string, cost int64) string {
	return fmt.Sprintf(`Fact-check this claim with Clara:

<claim>
%s
</claim>

1. Call the analyze tool with query set to the claim exactly as written above and wait_seconds %d. One analysis costs %d credits: held when it starts, charged when it completes, released if it fails. Call it once; a repeated call starts and pays for another analysis.
2. If analyze is refused for want of credits, tell the user so. view_user shows the balance and credit_rate the price of credits; only if the user agrees, call buy_credits (it costs real money) and give the user the checkout url it returns, then try again once the credits have arrived. Other refusals say how to fix the call.
3. If the task comes back PENDING or RUNNING, call view_task with its id (or read the resource clara://tasks/{task_id}) every few seconds until it is COMPLETED or FAILED.
4. When it is COMPLETED, read its result: verdict (TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE or UNVERIFIABLE), confidence (0 to 1), summary, claims (each claim checked, with its verdict, explanation and sources) and sources. Present the verdict and its confidence first, then the summary, then each claim with its verdict and explanation, and end with the list of sources (title and URL), citing them where they support a point. Add no facts that are not in the result. If it FAILED, give its error and say that the credits were released.`,
		claim, factCheckWait, cost)
}
