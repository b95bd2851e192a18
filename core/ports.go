package core

import (
	"context"
	"time"
)

// Limiter is the port of rate limits: Allow takes one event for key under
// rate r and reports whether it is within the limit, and if not, how long
// until it would be. Keys are namespaced by the caller
// ("login-ip:203.0.113.9").
type Limiter interface {
	Allow(key string, r Rate) (ok bool, retryAfter time.Duration)
	// Refund gives back one event that Allow took for key under r, when
	// the attempt it counted proves to be a good one.
	Refund(key string, r Rate)
}

// GoogleIdentity is what a verified Google ID token says of its holder.
type GoogleIdentity struct {
	Subject       string
	Email         string
	EmailVerified bool
	GivenName     string
	FamilyName    string
	Name          string
}

// GoogleVerifier checks a Google ID token: signature against Google's keys,
// issuer, audience (the configured client ids) and expiry. Any failure is
// an error; the caller answers 401.
type GoogleVerifier interface {
	Verify(ctx context.Context, idToken string) (GoogleIdentity, error)
}
