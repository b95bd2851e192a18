package tools

import (
	"fmt"
	"slices"
	"strings"
)

// A toolset is a part of Clara's tools that an operator may serve alone,
// as in github-mcp-server: `clara mcp --toolsets analysis,system`
// (CLARA_MCP_TOOLSETS) serves only the analysis and system tools, and
// --read-only (CLARA_MCP_READ_ONLY) only the tools whose readOnlyHint
// is true. A tool left out is not registered at all: tools/list does not
// show it and tools/call answers it as an unknown tool, on every transport.
// Resources and prompts are always served.

// The toolsets, in the order of the README.
const (
	ToolsetAccount  = "account"  // sign-up and sign-in, one-time codes, two-factor login, the user, the API key, connected apps
	ToolsetBilling  = "billing"  // transactions, the credit rate, buying credits, the billing portal
	ToolsetAnalysis = "analysis" // analyses and their tasks
	ToolsetSystem   = "system"   // health and version
)

// Toolsets lists every toolset, in the order of the README.
func Toolsets() []string {
	return []string{ToolsetAccount, ToolsetBilling, ToolsetAnalysis, ToolsetSystem}
}

// toolsetOf names the toolset of every tool of the catalogue.
var toolsetOf = map[string]string{
	"register":           ToolsetAccount,
	"google_sign_in":     ToolsetAccount,
	"login":              ToolsetAccount,
	"logout":             ToolsetAccount,
	"change_password":    ToolsetAccount,
	"send_otp":           ToolsetAccount,
	"activate_account":   ToolsetAccount,
	"enable_2fa":         ToolsetAccount,
	"disable_2fa":        ToolsetAccount,
	"view_user":          ToolsetAccount,
	"update_user":        ToolsetAccount,
	"view_api_key":       ToolsetAccount,
	"reset_api_key":      ToolsetAccount,
	"start_totp":         ToolsetAccount,
	"confirm_totp":       ToolsetAccount,
	"list_oauth_grants":  ToolsetAccount,
	"revoke_oauth_grant": ToolsetAccount,

	"list_transactions": ToolsetBilling,
	"view_transaction":  ToolsetBilling,
	"credit_rate":       ToolsetBilling,
	"buy_credits":       ToolsetBilling,
	"billing_portal":    ToolsetBilling,

	"list_tasks":            ToolsetAnalysis,
	"view_task":             ToolsetAnalysis,
	"cancel_task":           ToolsetAnalysis,
	"supported_attachments": ToolsetAnalysis,
	"analyze":               ToolsetAnalysis,

	"health":  ToolsetSystem,
	"version": ToolsetSystem,
}

// ToolsetOf returns the toolset of the catalogue's tool name, "" for a
// name the catalogue does not have.
func ToolsetOf(name string) string { return toolsetOf[name] }

// selectTools returns the tools of defs that toolsets (none: all) and
// readOnly select, in their order. It panics on an unknown toolset name or
// a tool of no toolset: the configuration checks the names, and the
// package's tests that every tool has a toolset.
func selectTools(defs []Definition, toolsets []string, readOnly bool) []Definition {
	for _, ts := range toolsets {
		if !slices.Contains(Toolsets(), ts) {
			panic(fmt.Sprintf("tools: unknown toolset %q (toolsets: %s)", ts, strings.Join(Toolsets(), ", ")))
		}
	}
	out := make([]Definition, 0, len(defs))
	for _, d := range defs {
		desc := d.Describe()
		ts, ok := toolsetOf[desc.Name]
		if !ok {
			panic(fmt.Sprintf("tools: tool %q is in no toolset", desc.Name))
		}
		if len(toolsets) > 0 && !slices.Contains(toolsets, ts) {
			continue
		}
		if readOnly && !desc.Hints.ReadOnly() {
			continue
		}
		out = append(out, d)
	}
	return out
}
