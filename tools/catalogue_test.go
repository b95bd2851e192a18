package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

// contractTable is the tools table of spec/mcp-tools.md, verbatim: every
// tool Clara serves must appear in it, with the same four hints.
const contractTable = `
| register | POST /auth/register | F / F / F / F |
| google_sign_in | POST /auth/google | F / F / T / T |
| login | POST /auth/session | F / F / F / F |
| logout | DELETE /auth/session | F / T / T / F |
| change_password | PATCH /users/{email}/password | F / T / F / F |
| send_otp | POST /users/{email}/otp/{type} | F / F / F / T |
| activate_account | POST /users/{email}/activate | F / F / T / F |
| enable_2fa | POST /users/{id}/2fa | F / F / T / F |
| disable_2fa | DELETE /users/{id}/2fa | F / T / T / F |
| view_user | GET /users/{id} | T / F / T / F |
| update_user | PATCH /users/{id} | F / F / T / F |
| view_api_key | GET /users/{id}/api_key | T / F / T / F |
| reset_api_key | POST /users/{id}/api_key | F / T / F / F |
| list_transactions | GET /users/{id}/transactions | T / F / T / F |
| view_transaction | GET /users/{id}/transactions/{tid} | T / F / T / F |
| list_tasks | GET /users/{id}/tasks | T / F / T / F |
| view_task | GET /users/{id}/tasks/{tid} | T / F / T / F |
| supported_attachments | GET /users/{id}/agent/supported_attachments | T / F / T / F |
| analyze | POST /users/{id}/agent/analysis | F / F / F / T |
| credit_rate | GET /stripe/rate | T / F / T / F |
| buy_credits | POST /stripe/buy | F / F / F / T |
| billing_portal | POST /stripe/portal | F / F / F / T |
| health | GET /health | T / F / T / F |
| version | GET /version | T / F / T / F |
| cancel_task | DELETE /users/{id}/tasks/{tid} | F / T / T / F |
| start_totp | POST /users/{id}/2fa/totp | F / F / F / F |
| confirm_totp | POST /users/{id}/2fa/totp/confirm | F / F / T / F |
| list_oauth_grants | GET /users/{id}/oauth/grants | T / F / T / F |
| revoke_oauth_grant | DELETE /users/{id}/oauth/grants/{gid} | F / T / T / F |
`

// served are the tools Clara serves: all of the contract's table, in its
// order.
var served = []string{
	"register", "google_sign_in", "login", "logout", "change_password", "send_otp", "activate_account",
	"enable_2fa", "disable_2fa", "view_user", "update_user", "view_api_key", "reset_api_key",
	"list_transactions", "view_transaction", "list_tasks", "view_task", "supported_attachments", "analyze",
	"credit_rate", "buy_credits", "billing_portal", "health", "version",
	"cancel_task", "start_totp", "confirm_totp", "list_oauth_grants", "revoke_oauth_grant",
}

// The real server lists exactly the tools served.
func TestServedTools(t *testing.T) {
	var names []string
	for _, tool := range listed(t) {
		names = append(names, tool["name"].(string))
	}
	want := slices.Clone(served)
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("tools/list names %v, want %v", names, want)
	}
}

// hintKeys are the annotation keys, in the table's column order.
var hintKeys = [4]string{"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}

// contractHints parses contractTable into tool name → four hints.
func contractHints(t *testing.T) map[string][4]bool {
	t.Helper()
	out := map[string][4]bool{}
	for _, line := range strings.Split(strings.TrimSpace(contractTable), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		flags := strings.Split(strings.TrimSpace(cells[2]), " / ")
		if len(cells) != 3 || len(flags) != 4 {
			t.Fatalf("bad table row %q", line)
		}
		var hints [4]bool
		for i, f := range flags {
			hints[i] = f == "T"
		}
		out[strings.TrimSpace(cells[0])] = hints
	}
	return out
}

// listedTool is a tool of tools/list as generic JSON.
type listedTool map[string]any

// listed returns the tools of the real server's tools/list.
func listed(t *testing.T) []listedTool {
	t.Helper()
	s, ctx := catalogueServer(t)
	var tools []listedTool
	if err := json.Unmarshal(listedTools(ctx, t, s), &tools); err != nil {
		t.Fatal(err)
	}
	if len(tools) == 0 {
		t.Fatal("no tools listed")
	}
	return tools
}

// Every listed tool states all four hints, as the contract's table says.
func TestHintsMatchContract(t *testing.T) {
	table := contractHints(t)
	for _, tool := range listed(t) {
		name, _ := tool["name"].(string)
		want, ok := table[name]
		if !ok {
			t.Errorf("tool %q is not in the contract's table", name)
			continue
		}
		annotations, _ := tool["annotations"].(map[string]any)
		for i, key := range hintKeys {
			got, ok := annotations[key].(bool)
			if !ok {
				t.Errorf("%s: %s not listed explicitly (annotations %v)", name, key, annotations)
				continue
			}
			if got != want[i] {
				t.Errorf("%s: %s = %v, contract says %v", name, key, got, want[i])
			}
		}
	}
}

// Every listed tool has what a host model needs: a valid name, a title, a
// description, object input and output schemas, and a description on
// every property.
func TestToolMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, tool := range listed(t) {
		name, _ := tool["name"].(string)
		if !validName(name) || seen[name] {
			t.Errorf("bad or duplicate name %q", name)
		}
		seen[name] = true
		for _, key := range []string{"title", "description"} {
			if s, _ := tool[key].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s", name, key)
			}
		}
		for _, key := range []string{"inputSchema", "outputSchema"} {
			schema, ok := tool[key].(map[string]any)
			if !ok || schema["type"] != "object" {
				t.Errorf("%s: %s is not an object schema: %v", name, key, tool[key])
				continue
			}
			for _, combinator := range []string{"oneOf", "anyOf", "allOf"} {
				if _, ok := schema[combinator]; ok {
					t.Errorf("%s: %s has a top-level %s", name, key, combinator)
				}
			}
			for _, p := range undescribed(schema, key) {
				t.Errorf("%s: property %s has no description", name, p)
			}
		}
	}
}

// undescribed returns the paths of the properties of schema, at any depth,
// that have no description.
func undescribed(schema map[string]any, path string) []string {
	var out []string
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		prop, _ := p.(map[string]any)
		at := fmt.Sprintf("%s.%s", path, name)
		if d, _ := prop["description"].(string); strings.TrimSpace(d) == "" {
			out = append(out, at)
		}
		out = append(out, undescribed(prop, at)...)
	}
	if items, ok := schema["items"].(map[string]any); ok {
		out = append(out, undescribed(items, path+"[]")...)
	}
	defs, _ := schema["$defs"].(map[string]any)
	for name, d := range defs {
		if def, ok := d.(map[string]any); ok {
			out = append(out, undescribed(def, path+".$defs."+name)...)
		}
	}
	return out
}

// Declarations that miss a part are refused before they reach mcp-go.
func TestValidateRefusesIncompleteTools(t *testing.T) {
	good := versionTool(nil)
	if err := good.Validate(); err != nil {
		t.Fatalf("version tool: %v", err)
	}
	for name, mutate := range map[string]func(*Tool[NoInput, struct{}]){
		"bad name":   func(d *Tool[NoInput, struct{}]) { d.Name = "view.user" },
		"no title":   func(d *Tool[NoInput, struct{}]) { d.Title = "" },
		"no desc":    func(d *Tool[NoInput, struct{}]) { d.Description = "" },
		"no hints":   func(d *Tool[NoInput, struct{}]) { d.Hints = Hints{} },
		"no handler": func(d *Tool[NoInput, struct{}]) { d.Handle = nil },
	} {
		d := Tool[NoInput, struct{}]{Name: "ok", Title: "T", Description: "D",
			Hints:  Annotate(true, false, true, false),
			Handle: func(context.Context, core.Principal, NoInput) (struct{}, error) { return struct{}{}, nil }}
		mutate(&d)
		if d.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if (Tool[NoInput, []string]{Name: "x", Title: "T", Description: "D", Hints: Annotate(true, false, true, false),
		Handle: func(context.Context, core.Principal, NoInput) ([]string, error) { return nil, nil }}).Validate() == nil {
		t.Error("a slice output was accepted")
	}
}

// Every tool offers the core capability of its own name, so what it needs
// of its caller comes from the core's access table and from nowhere else:
// a user's credentials for these tools (a user token only where marked),
// none for the others (the MCP server acts as a client app for them).
func TestToolsTakeAccessFromTheCore(t *testing.T) {
	users := map[string]need{
		"logout": needUserToken, "enable_2fa": needUserToken, "disable_2fa": needUserToken,
		"update_user": needUserToken, "view_api_key": needUserToken, "reset_api_key": needUserToken,
		"list_oauth_grants": needUserToken, "revoke_oauth_grant": needUserToken,
		"start_totp": needUserToken, "confirm_totp": needUserToken, "cancel_task": needUser,
		"view_user": needUser, "list_transactions": needUser, "view_transaction": needUser,
		"list_tasks": needUser, "view_task": needUser, "supported_attachments": needUser, "analyze": needUser,
		"credit_rate": needUser, "buy_credits": needUser, "billing_portal": needUser,
	}
	svc, _ := newService(t)
	for _, d := range Catalogue(svc) {
		desc := d.Describe()
		if _, ok := core.AccessOf(desc.Capability); !ok || string(desc.Capability) != desc.Name {
			t.Errorf("tool %s offers capability %q (in the access table: %v)", desc.Name, desc.Capability, ok)
			continue
		}
		if got, want := needOf(desc.Capability), users[desc.Name]; got != want {
			t.Errorf("tool %s needs %d, want %d", desc.Name, got, want)
		}
	}
	bad := Tool[NoInput, struct{}]{Name: "x", Title: "X", Description: "X.", Capability: "nothing",
		Hints:  Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Handle: func(context.Context, core.Principal, NoInput) (struct{}, error) { return struct{}{}, nil }}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "access table") {
		t.Errorf("a capability missing from the access table validates: %v", err)
	}
}
