package core

import "slices"

// Capability names one thing a caller can ask of Clara: one core method,
// the twin of one REST route and one MCP tool.
type Capability string

// The capabilities of Clara's callers.
const (
	CapRegister             Capability = "register"
	CapGoogleSignIn         Capability = "google_sign_in"
	CapLogin                Capability = "login"
	CapLogout               Capability = "logout"
	CapChangePassword       Capability = "change_password"
	CapSendOTP              Capability = "send_otp"
	CapActivate             Capability = "activate_account"
	CapEnable2FA            Capability = "enable_2fa"
	CapDisable2FA           Capability = "disable_2fa"
	CapStartTOTP            Capability = "start_totp"
	CapConfirmTOTP          Capability = "confirm_totp"
	CapViewUser             Capability = "view_user"
	CapUpdateUser           Capability = "update_user"
	CapViewAPIKey           Capability = "view_api_key"
	CapResetAPIKey          Capability = "reset_api_key"
	CapListTransactions     Capability = "list_transactions"
	CapViewTransaction      Capability = "view_transaction"
	CapListTasks            Capability = "list_tasks"
	CapViewTask             Capability = "view_task"
	CapCancelTask           Capability = "cancel_task"
	CapSupportedAttachments Capability = "supported_attachments"
	CapAnalyze              Capability = "analyze"
	CapCreditRate           Capability = "credit_rate"
	CapBuyCredits           Capability = "buy_credits"
	CapBillingPortal        Capability = "billing_portal"
	CapHealth               Capability = "health"
	CapVersion              Capability = "version"
	CapListOAuthGrants      Capability = "list_oauth_grants"
	CapRevokeOAuthGrant     Capability = "revoke_oauth_grant"
)

// Scope is a part of Clara that credentials may be limited to. User
// tokens and API keys grant every scope; OAuth access tokens grant the
// scopes of their grant.
type Scope string

// The scopes of Clara.
const (
	ScopeAccount  Scope = "account"  // the user's profile, password, two-factor login, API key and sessions
	ScopeCredits  Scope = "credits"  // the user's transactions, prices, purchases and billing portal
	ScopeAnalyses Scope = "analyses" // the user's analyses and what they accept
)

// Scopes are the scopes some credentials grant.
type Scopes struct {
	all     bool
	granted []Scope
}

// AllScopes returns the scopes of credentials that may do anything their
// user may.
func AllScopes() Scopes { return Scopes{all: true} }

// ScopesOf returns the scopes that grant exactly granted.
func ScopesOf(granted ...Scope) Scopes { return Scopes{granted: slices.Clone(granted)} }

// Has reports whether the scopes include sc; every set has the empty scope.
func (s Scopes) Has(sc Scope) bool {
	return sc == "" || s.all || slices.Contains(s.granted, sc)
}

// Access is what a capability needs of its caller.
type Access struct {
	// Kinds are the credential kinds accepted; AuthNone among them
	// admits anonymous callers. No kinds at all: credentials are not
	// looked at (the capability authenticates by its own input, or needs
	// none).
	Kinds []AuthKind
	// Active requires an activated account.
	Active bool
	// Scope is the scope the credentials must grant ("" for none).
	Scope Scope
}

// Accepts reports whether credentials of kind k may use the capability.
func (a Access) Accepts(k AuthKind) bool {
	return len(a.Kinds) == 0 || slices.Contains(a.Kinds, k)
}

// The kinds of credentials of the access table: what the contract calls
// "general auth" (with OAuth access tokens, which reach only the MCP
// endpoint their audience names), a user's own token, and any valid
// credentials or none.
// Which credentials a transport itself demands (REST's public key of
// client apps) is the adapter's business, not the table's.
var (
	general   = []AuthKind{AuthUserToken, AuthAPIKey, AuthOAuth}
	userToken = []AuthKind{AuthUserToken}
	anyone    = []AuthKind{AuthNone, AuthPublicKey, AuthUserToken, AuthAPIKey, AuthOAuth}
)

// accessTable is the one access table of Clara: REST routes and MCP tools
// both read it (AccessOf), and every core method that acts for a caller
// authorizes against it (authorize).
var accessTable = map[Capability]Access{
	// Signing up and in: the input is the proof (a password, an emailed
	// code, a Google ID token), whoever asks.
	CapRegister:     {},
	CapGoogleSignIn: {},
	CapLogin:        {},
	CapSendOTP:      {},
	CapActivate:     {},
	// Anyone names the account; a user token changes its own user's.
	CapChangePassword: {Kinds: anyone, Scope: ScopeAccount},
	CapLogout:         {Kinds: userToken, Scope: ScopeAccount},

	CapEnable2FA:   {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapDisable2FA:  {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapStartTOTP:   {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapConfirmTOTP: {Kinds: userToken, Active: true, Scope: ScopeAccount},

	CapViewUser:    {Kinds: general, Scope: ScopeAccount},
	CapUpdateUser:  {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapViewAPIKey:  {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapResetAPIKey: {Kinds: userToken, Active: true, Scope: ScopeAccount},

	CapListOAuthGrants:  {Kinds: userToken, Active: true, Scope: ScopeAccount},
	CapRevokeOAuthGrant: {Kinds: userToken, Active: true, Scope: ScopeAccount},

	CapListTransactions: {Kinds: general, Active: true, Scope: ScopeCredits},
	CapViewTransaction:  {Kinds: general, Active: true, Scope: ScopeCredits},
	CapCreditRate:       {Kinds: general, Active: true}, // prices are public: no scope
	CapBuyCredits:       {Kinds: general, Active: true, Scope: ScopeCredits},
	CapBillingPortal:    {Kinds: general, Active: true, Scope: ScopeCredits},

	CapListTasks:            {Kinds: general, Active: true, Scope: ScopeAnalyses},
	CapViewTask:             {Kinds: general, Active: true, Scope: ScopeAnalyses},
	CapCancelTask:           {Kinds: general, Active: true, Scope: ScopeAnalyses},
	CapSupportedAttachments: {Kinds: general, Active: true, Scope: ScopeAnalyses},
	CapAnalyze:              {Kinds: general, Active: true, Scope: ScopeAnalyses},

	CapHealth:  {},
	CapVersion: {},
}

// AccessOf returns what capability c needs of its caller; ok is false for
// a capability Clara does not have.
func AccessOf(c Capability) (a Access, ok bool) {
	a, ok = accessTable[c]
	a.Kinds = slices.Clone(a.Kinds)
	return a, ok
}

// Capabilities lists every capability of the access table.
func Capabilities() []Capability {
	out := make([]Capability, 0, len(accessTable))
	for c := range accessTable {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// authorize checks that p may use capability c on the user with id userID
// ("" for the caller, and for capabilities that act on no user), in the
// contract's order: refused or unaccepted credentials are a 401, then the
// per-caller rate limit is taken (429), then an inactive account is a 403,
// another user's id a 403, and a scope the credentials do not grant a 403
// naming the scope (ErrInsufficientScope).
func (s *Service) authorize(p Principal, c Capability, userID string) error {
	a, ok := accessTable[c]
	if !ok {
		return ErrInternal(errUnknownCapability(c))
	}
	if len(a.Kinds) > 0 {
		if p.refused != nil {
			return p.refused
		}
		if !a.Accepts(p.kind) {
			return ErrUnauthenticated()
		}
	}
	if err := s.limit(p); err != nil {
		return err
	}
	if a.Active && p.user.ID != "" && !p.user.IsActive {
		return ErrInactive()
	}
	if userID != "" && userID != p.user.ID {
		return ErrForbidden()
	}
	if p.user.ID != "" && !p.scopes.Has(a.Scope) {
		return ErrInsufficientScope(a.Scope)
	}
	return nil
}
