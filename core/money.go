package core

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cents is an amount of US money in cents. On the wire it is written in
// dollars with at least one decimal (5.0, 5.25), as Clara has always sent
// money.
type Cents int64

// MarshalJSON implements json.Marshaler.
func (c Cents) MarshalJSON() ([]byte, error) {
	return []byte(c.Dollars()), nil
}

// Dollars returns c as a decimal number of dollars: "5.0", "5.25", "0.01".
func (c Cents) Dollars() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	whole, frac := int64(c)/100, int64(c)%100
	switch {
	case frac == 0:
		return sign + strconv.FormatInt(whole, 10) + ".0"
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}

// Money returns c with two decimals, as prices are written: "5.00".
func (c Cents) Money() string {
	return fmt.Sprintf("%d.%02d", int64(c)/100, int64(c)%100)
}

// UnmarshalJSON implements json.Unmarshaler, taking dollars with at most
// two decimals.
func (c *Cents) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	whole, frac, _ := strings.Cut(n.String(), ".")
	if len(frac) > 2 {
		return fmt.Errorf("%s dollars: more than two decimals", n)
	}
	frac += strings.Repeat("0", 2-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return fmt.Errorf("%s dollars: %w", n, err)
	}
	*c = Cents(v)
	return nil
}

// Tier is one band of the credit price list: whole-dollar purchases from
// LowerLimit to UpperLimit (inclusive) buy Rate credits per dollar.
type Tier struct {
	Currency   string `json:"currency" jsonschema:"the currency of the limits: usd"`
	LowerLimit int64  `json:"lower_limit" jsonschema:"the smallest purchase of this tier, in whole dollars"`
	Rate       int64  `json:"rate" jsonschema:"credits per dollar"`
	UpperLimit int64  `json:"upper_limit" jsonschema:"the largest purchase of this tier, in whole dollars"`
}

// DefaultTiers is Clara's price list: $5 to $10,000 at 100 credits per dollar.
func DefaultTiers() []Tier {
	return []Tier{{Currency: "usd", LowerLimit: 5, UpperLimit: 10000, Rate: 100}}
}

// ValidateTiers checks a price list: at least one tier, positive numbers,
// lower ≤ upper, no overlaps. It sorts tiers by LowerLimit.
func ValidateTiers(tiers []Tier) error {
	if len(tiers) == 0 {
		return fmt.Errorf("no credit tiers")
	}
	for _, t := range tiers {
		if t.LowerLimit <= 0 || t.UpperLimit <= 0 || t.Rate <= 0 {
			return fmt.Errorf("tier %d-%d:%d: limits and rate must be positive", t.LowerLimit, t.UpperLimit, t.Rate)
		}
		if t.LowerLimit > t.UpperLimit {
			return fmt.Errorf("tier %d-%d:%d: lower limit above upper limit", t.LowerLimit, t.UpperLimit, t.Rate)
		}
		if t.Currency != "usd" {
			return fmt.Errorf("tier %d-%d:%d: currency %q, only usd is supported", t.LowerLimit, t.UpperLimit, t.Rate, t.Currency)
		}
	}
	slices.SortFunc(tiers, func(a, b Tier) int { return cmp.Compare(a.LowerLimit, b.LowerLimit) })
	for i := 1; i < len(tiers); i++ {
		if tiers[i].LowerLimit <= tiers[i-1].UpperLimit {
			return fmt.Errorf("tiers %d-%d and %d-%d overlap", tiers[i-1].LowerLimit, tiers[i-1].UpperLimit, tiers[i].LowerLimit, tiers[i].UpperLimit)
		}
	}
	return nil
}

// tierFor returns the tier that contains a purchase of dollars.
func tierFor(tiers []Tier, dollars int64) (Tier, bool) {
	for _, t := range tiers {
		if dollars >= t.LowerLimit && dollars <= t.UpperLimit {
			return t, true
		}
	}
	return Tier{}, false
}
