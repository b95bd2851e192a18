package billing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clara-backend/clara/billing"
)

func TestNewStripeValidates(t *testing.T) {
	good := billing.Config{SecretKey: "sk_live_verysecret", WebhookSecret: "whsec_verysecret"}
	if _, err := billing.NewStripe(good); err != nil {
		t.Fatalf("NewStripe(good): %v", err)
	}
	rk := good
	rk.SecretKey = "rk_test_verysecret"
	if _, err := billing.NewStripe(rk); err != nil {
		t.Errorf("NewStripe with a restricted key: %v", err)
	}
	for name, mod := range map[string]func(*billing.Config){
		"no key":             func(c *billing.Config) { c.SecretKey = "" },
		"publishable key":    func(c *billing.Config) { c.SecretKey = "pk_test_verysecret" },
		"bare prefix":        func(c *billing.Config) { c.SecretKey = "sk_" },
		"spaces":             func(c *billing.Config) { c.SecretKey = "sk_test_verysecret " },
		"no webhook secret":  func(c *billing.Config) { c.WebhookSecret = "" },
		"bad webhook secret": func(c *billing.Config) { c.WebhookSecret = "verysecret" },
		"relative URL":       func(c *billing.Config) { c.APIURL = "/v1" },
		"ftp URL":            func(c *billing.Config) { c.APIURL = "ftp://stripe.example" },
		"negative tolerance": func(c *billing.Config) { c.Tolerance = -1 },
	} {
		cfg := good
		mod(&cfg)
		_, err := billing.NewStripe(cfg)
		if err == nil {
			t.Errorf("%s: NewStripe succeeded, want an error", name)
		} else if strings.Contains(err.Error(), "verysecret") {
			t.Errorf("%s: error reveals a secret: %v", name, err)
		}
	}
}

func TestSecretsDoNotPrint(t *testing.T) {
	cfg := billing.Config{SecretKey: "sk_test_verysecret", WebhookSecret: "whsec_verysecret"}
	s, err := billing.NewStripe(cfg)
	if err != nil {
		t.Fatalf("NewStripe: %v", err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{cfg, &cfg, s} {
			if out := fmt.Sprintf(format, v); strings.Contains(out, "verysecret") {
				t.Errorf("Sprintf(%s, %T) reveals a secret: %s", format, v, out)
			}
		}
	}
}
