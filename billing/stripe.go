package billing

import (
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/clara-backend/clara/core"
)

// Stripe is the Stripe implementation of core.Payments. It is safe for
// concurrent use.
type Stripe struct {
	api           *client.API
	webhookSecret string
	tolerance     time.Duration
	now           func() time.Time
}

var _ core.Payments = (*Stripe)(nil)

// NewStripe validates cfg and returns a Stripe client with its own backend.
func NewStripe(cfg Config) (*Stripe, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	bc := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		MaxNetworkRetries: stripe.Int64(cfg.MaxNetworkRetries),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.APIURL != "" {
		bc.URL = stripe.String(cfg.APIURL)
	}
	b := stripe.GetBackendWithConfig(stripe.APIBackend, bc)
	return &Stripe{
		api:           client.New(cfg.SecretKey, &stripe.Backends{API: b, Connect: b, Uploads: b}),
		webhookSecret: cfg.WebhookSecret,
		tolerance:     cfg.Tolerance,
		now:           cfg.Now,
	}, nil
}

// String describes s without its secrets.
func (s *Stripe) String() string { return "billing.Stripe{…}" }

// GoString is String, for %#v.
func (s *Stripe) GoString() string { return s.String() }
