package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// What a caller sees is what it may call: tools/list shows each caller the
// tools whose capability the core's access table lets its credentials use
// (mayUse), and a stdio session whose caller changes (login, register,
// google_sign_in, activate_account, logout, a password change) is sent
// notifications/tools/list_changed.
//
// The list is trimmed after mcp-go has built it (listVisible), not with
// server.WithToolFilter: mcp-go also applies its filters to tools/call, and
// would answer a call of a tool the caller cannot see with a protocol
// error, where Clara answers with the core's refusal and how to
// authenticate, so that a model can correct itself.

// mayUse reports whether caller p may use capability c, as the core's
// access table says: any caller when the capability accepts anonymous
// ones (or needs no credentials), else valid credentials of an accepted
// kind, an active account where one is needed, and the scope. A tool of no
// capability acts for no caller and is for everyone.
func mayUse(p core.Principal, c core.Capability) bool {
	if c == "" {
		return true
	}
	a, ok := core.AccessOf(c)
	switch {
	case !ok:
		return false
	case a.Accepts(core.AuthNone):
		return true
	case p.Refused() != nil || !a.Accepts(p.Kind()):
		return false
	case a.Active && !p.User().IsActive:
		return false
	}
	return p.Scopes().Has(a.Scope)
}

// visibility decides which tools of a tools/list answer each caller sees.
type visibility struct {
	rt           *toolEnv
	capabilities map[string]core.Capability // tool name → capability
}

// newVisibility returns the visibility of the tools defs.
func newVisibility(rt *toolEnv, defs []Definition) *visibility {
	v := &visibility{rt: rt, capabilities: make(map[string]core.Capability, len(defs))}
	for _, d := range defs {
		v.capabilities[d.Describe().Name] = d.Describe().Capability
	}
	return v
}

// listVisible is an after-list-tools hook: it keeps in the answer only the
// tools the caller of ctx may use. mcp-go renders the answer after its
// hooks have run. A tool the catalogue does not declare stays listed.
func (v *visibility) listVisible(ctx context.Context, _ any, _ *mcp.ListToolsRequest, res *mcp.ListToolsResult) {
	if res == nil {
		return
	}
	_, p := v.rt.caller(ctx)
	kept := make([]mcp.Tool, 0, len(res.Tools))
	for _, t := range res.Tools {
		c, known := v.capabilities[t.Name]
		if !known || mayUse(p, c) {
			kept = append(kept, t)
		}
	}
	res.Tools = kept
}

// listChanged tells the client of ctx's session that its tool list has
// changed, when the session is a stdio one whose caller has just changed.
// A client that cannot be told (not initialized, a full channel) lists
// the tools again on its own terms; nothing fails for it.
func listChanged(ctx context.Context) {
	if bindingFrom(ctx) == nil {
		return
	}
	if s := server.ServerFromContext(ctx); s != nil {
		_ = s.SendNotificationToClient(ctx, mcp.MethodNotificationToolsListChanged, nil)
	}
}
