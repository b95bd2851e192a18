package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// listOAuthGrantsTool is the twin of GET /users/{user_id}/oauth/grants.
func (a accounts) listOAuthGrantsTool() Tool[userIn, List[core.OAuthGrantInfo]] {
	return Tool[userIn, List[core.OAuthGrantInfo]]{
		Name:  "list_oauth_grants",
		Title: "List connected apps",
		Description: "Returns the apps (MCP hosts and other OAuth clients) the signed-in user allowed to use their " +
			"Clara account, newest first: each grant's id, the client's id and name (as the client announced it, " +
			"unverified), the scopes granted (clara:account, clara:analysis, clara:billing), the endpoint its tokens " +
			"are for, when it was allowed and last used. Use it before revoke_oauth_grant. " +
			"Needs a user token (not an API key or an app's token). Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapListOAuthGrants,
		Handle: func(ctx context.Context, p core.Principal, in userIn) (List[core.OAuthGrantInfo], error) {
			list, err := a.svc.ListOAuthGrants(ctx, p, in.UserID)
			return ListOf(list), err
		},
	}
}

// revokeOAuthGrantIn is the input of revoke_oauth_grant.
type revokeOAuthGrantIn struct {
	UserID  string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	GrantID string `json:"grant_id" jsonschema:"the grant to revoke (oauth_grant_…), from list_oauth_grants"`
}

// revokeOAuthGrantTool is the twin of DELETE
// /users/{user_id}/oauth/grants/{grant_id}.
func (a accounts) revokeOAuthGrantTool() Tool[revokeOAuthGrantIn, Done] {
	return Tool[revokeOAuthGrantIn, Done]{
		Name:  "revoke_oauth_grant",
		Title: "Disconnect an app",
		Description: "Revokes one grant of list_oauth_grants: the app's tokens stop working at once, and it must ask " +
			"the user again to reconnect. Use it when the user no longer uses an app or does not recognise it. " +
			"Needs a user token (not an API key or an app's token). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(true), OpenWorld(false)),
		Capability: core.CapRevokeOAuthGrant,
		Handle: func(ctx context.Context, p core.Principal, in revokeOAuthGrantIn) (Done, error) {
			if err := a.svc.RevokeOAuthGrant(ctx, p, in.UserID, in.GrantID); err != nil {
				return Done{}, err
			}
			return Done{Message: "OAuth grant revoked successfully."}, nil
		},
	}
}
