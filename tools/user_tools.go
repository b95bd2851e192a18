package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// userIn is the input of the tools that act on one user.
type userIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
}

// viewUserTool is the twin of GET /users/{user_id}.
func (a accounts) viewUserTool() Tool[userIn, core.User] {
	return Tool[userIn, core.User]{
		Name:  "view_user",
		Title: "View the account",
		Description: "Returns the caller's Clara account: id, email, names, credit balance, whether it is active and " +
			"has two-factor login, and the display preference. Use it to learn who is signed in, or how many credits " +
			"remain before an analysis. Works with a user token or an API key, even before activation. " +
			"Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapViewUser,
		Handle: func(ctx context.Context, p core.Principal, in userIn) (core.User, error) {
			return a.svc.ViewUser(ctx, p, in.UserID)
		},
	}
}

// updateUserIn is the input of update_user: the fields to change.
type updateUserIn struct {
	UserID     string  `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	FirstName  *string `json:"first_name,omitempty" jsonschema:"the new first name (1 to 100 characters); omit to keep it"`
	LastName   *string `json:"last_name,omitempty" jsonschema:"the new last name (1 to 100 characters); omit to keep it"`
	IsDarkMode *bool   `json:"is_dark_mode,omitempty" jsonschema:"the new display preference: true for a dark theme; omit to keep it"`
}

// updateUserTool is the twin of PATCH /users/{user_id}.
func (a accounts) updateUserTool() Tool[updateUserIn, core.User] {
	return Tool[updateUserIn, core.User]{
		Name:  "update_user",
		Title: "Update the account",
		Description: "Changes the signed-in user's first name, last name or display preference (give at least one; " +
			"the others stay as they are) and returns the updated user. Email, password, credits and two-factor " +
			"login are not changed here (see change_password, enable_2fa, disable_2fa). " +
			"Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapUpdateUser,
		Handle: func(ctx context.Context, p core.Principal, in updateUserIn) (core.User, error) {
			return a.svc.UpdateUser(ctx, p, in.UserID, core.ProfileUpdate{
				FirstName: in.FirstName, LastName: in.LastName, IsDarkMode: in.IsDarkMode,
			})
		},
	}
}

// viewAPIKeyTool is the twin of GET /users/{user_id}/api_key.
func (a accounts) viewAPIKeyTool() Tool[userIn, core.APIKey] {
	return Tool[userIn, core.APIKey]{
		Name:  "view_api_key",
		Title: "View the API key",
		Description: "Returns the signed-in user's API key (clara_api_…), a long-lived credential for programs and " +
			"agents: send it as Authorization: Bearer <key>, or set it as CLARA_API_KEY for clara mcp. It is a " +
			"secret: show it only to its owner. Needs a user token (a key cannot read itself). Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapViewAPIKey,
		Handle: func(ctx context.Context, p core.Principal, in userIn) (core.APIKey, error) {
			return a.svc.ViewAPIKey(ctx, p, in.UserID)
		},
	}
}

// resetAPIKeyTool is the twin of POST /users/{user_id}/api_key.
func (a accounts) resetAPIKeyTool() Tool[userIn, core.APIKey] {
	return Tool[userIn, core.APIKey]{
		Name:  "reset_api_key",
		Title: "Replace the API key",
		Description: "Replaces the signed-in user's API key with a new one and returns it: the old key stops working " +
			"at once, for every program that uses it. Use it when a key leaked or must be rotated. A host that " +
			"supports elicitation first asks the user to confirm; if they decline, the old key stays. " +
			"Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(false), OpenWorld(false)),
		Capability: core.CapResetAPIKey,
		Handle: func(ctx context.Context, p core.Principal, in userIn) (core.APIKey, error) {
			if mayAct(p, core.CapResetAPIKey, in.UserID) {
				o, err := confirm(ctx, "Replace your Clara API key? The current key stops working at once, for "+
					"every program and agent that uses it; a new key replaces it.")
				if err != nil {
					return core.APIKey{}, err
				}
				if o != accepted && o != notAsked {
					return core.APIKey{}, notDone(o, "the API key was not replaced, the current key still works",
						"Call reset_api_key again only if the user asks to replace the key.")
				}
			}
			return a.svc.ResetAPIKey(ctx, p, in.UserID)
		},
	}
}

// mayAct reports whether p may use capability c on the user userID (""
// for p's own user): only then is the user asked to confirm or give a
// code, as the core would refuse the call anyway.
func mayAct(p core.Principal, c core.Capability, userID string) bool {
	return mayUse(p, c) && (userID == "" || userID == p.User().ID)
}
