// Package auth holds Clara's credential primitives: keys derived from the
// server secret, argon2id password hashes, user tokens and API keys (HS256
// JWTs), the Authorization header's schemes, email one-time codes and
// authenticator-app (TOTP) codes. Google ID tokens are verified by the
// subpackage googleid, which implements core.GoogleVerifier (core imports
// auth, so auth itself cannot import core).
//
// The package is pure: it keeps no state beyond its keys and touches no
// database. Whether a session is live, an API key is current or a code was
// already used is for the caller to check against its store.
package auth
