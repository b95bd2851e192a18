package billing

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

// DefaultMaxNetworkRetries is how often a failed request is retried when
// Config.MaxNetworkRetries is 0.
const DefaultMaxNetworkRetries = 2

// Config configures a Stripe client.
type Config struct {
	// SecretKey is the secret (sk_…) or restricted (rk_…) API key.
	SecretKey string
	// WebhookSecret is the signing secret (whsec_…) of the webhook endpoint.
	WebhookSecret string
	// APIURL is the base URL of the Stripe API; "" means Stripe's. Tests
	// point it at a stripetest fake.
	APIURL string
	// HTTPClient makes the API requests; nil means stripe-go's default
	// client (80 s timeout).
	HTTPClient *http.Client
	// MaxNetworkRetries is how often stripe-go retries a request that failed
	// in a way known to be safe to retry: 0 means DefaultMaxNetworkRetries,
	// a negative value turns retries off.
	MaxNetworkRetries int64
	// Tolerance is how old a webhook signature's timestamp may be; 0 means
	// 300 s (webhook.DefaultTolerance).
	Tolerance time.Duration
	// Now is the clock the webhook tolerance is checked against; nil means
	// the wall clock. stripe-go checks the tolerance only against
	// time.Now, so when Now is set, ParseEvent checks the signature's
	// timestamp itself and has stripe-go skip its own check.
	Now func() time.Time
}

// String describes c without its secrets, so that printing a Config by
// mistake leaks nothing.
func (c Config) String() string {
	return fmt.Sprintf("billing.Config{APIURL: %q, MaxNetworkRetries: %d, Tolerance: %s}",
		c.APIURL, c.MaxNetworkRetries, c.Tolerance)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// withDefaults validates c and fills in its defaults. Errors never quote
// the secrets.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if !strings.HasPrefix(c.SecretKey, "sk_") && !strings.HasPrefix(c.SecretKey, "rk_") {
		errs = append(errs, errors.New("secret key must start with sk_ or rk_"))
	} else if strings.TrimSpace(c.SecretKey) != c.SecretKey || len(c.SecretKey) <= len("sk_") {
		errs = append(errs, errors.New("secret key is malformed"))
	}
	if !strings.HasPrefix(c.WebhookSecret, "whsec_") || len(c.WebhookSecret) <= len("whsec_") {
		errs = append(errs, errors.New("webhook secret must start with whsec_"))
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("API URL %q must be an absolute http(s) URL", c.APIURL))
		}
	}
	if c.Tolerance < 0 {
		errs = append(errs, fmt.Errorf("webhook tolerance %s must not be negative", c.Tolerance))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("stripe config: %w", err)
	}
	switch {
	case c.MaxNetworkRetries == 0:
		c.MaxNetworkRetries = DefaultMaxNetworkRetries
	case c.MaxNetworkRetries < 0:
		c.MaxNetworkRetries = 0
	}
	if c.Tolerance == 0 {
		c.Tolerance = webhook.DefaultTolerance
	}
	return c, nil
}
