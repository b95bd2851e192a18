package core

import "fmt"

// errUnknownCapability is the cause of the 500 of a capability missing from
// the access table: a programming error.
func errUnknownCapability(c Capability) error {
	return fmt.Errorf("capability %q is not in the access table", c)
}

// limit takes the per-caller rate limit of the contract, once per request,
// on the principal: per user token (session), per API key, per OAuth grant,
// and per client address for everyone else (client apps, anonymous
// callers, refused credentials).
func (s *Service) limit(p Principal) error {
	key := "ip:" + p.Addr()
	if p.refused == nil {
		switch p.kind {
		case AuthUserToken:
			key = "session:" + p.sessionID
		case AuthAPIKey:
			key = "api_key:" + p.apiKeyID
		case AuthOAuth:
			key = "oauth_grant:" + p.grantID
		}
	}
	return s.allow(key, s.policy.PerCaller)
}

// allow takes one event of rate r for key, or answers 429.
func (s *Service) allow(key string, r Rate) error {
	if s.limiter == nil {
		return nil
	}
	if ok, retry := s.limiter.Allow(key, r); !ok {
		return ErrRateLimited(retry)
	}
	return nil
}
