// Package billing implements core.Payments with Stripe (stripe-go v76).
//
// Each Stripe value owns its own stripe-go client and backend (never the
// package-global stripe.Key or stripe.SetBackend), so several can coexist,
// for instance one per test pointed at a stripetest fake.
//
// Webhook events must use Stripe API version 2023-10-16, the version that
// stripe-go v76 is pinned to: ParseEvent rejects events of any other
// version. Create the webhook endpoint in the Stripe Dashboard (or API) with
// API version 2023-10-16.
//
// The secret key is never logged (stripe-go's logger is silenced) nor
// returned in errors.
package billing
