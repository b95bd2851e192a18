// Package stripetest is an in-memory fake of the parts of the Stripe API
// that Clara uses, for tests of package billing and of the packages that
// use it (api, tools, cmd), plus helpers that build signed webhook
// deliveries.
//
// Point billing.Config.APIURL at Server.URL and billing.Config.HTTPClient
// at Server.Client(), and set MaxNetworkRetries negative so that injected
// failures are not retried. The fake accepts any key of the form
// sk_test_… or rk_test_… (TestKey is one) and records every request so
// tests can assert the form fields sent.
package stripetest
