package tools

import (
	"context"
	"fmt"
	"strconv"

	"github.com/clara-backend/clara/core"
)

// shop builds the tools that price and sell credits through Stripe.
type shop struct {
	svc *core.Service
}

// guideNoRate is the guidance after an amount outside every tier.
const guideNoRate = "Call credit_rate for the amounts on sale: amount must be whole US dollars within a tier's " +
	"lower_limit and upper_limit."

// creditRateTool is the twin of GET /stripe/rate.
func (b shop) creditRateTool() Tool[NoInput, List[core.Tier]] {
	return Tool[NoInput, List[core.Tier]]{
		Name:  "credit_rate",
		Title: "Show the price of credits",
		Description: "Returns the price list of credits as tiers: a purchase of whole US dollars from lower_limit to " +
			"upper_limit (inclusive) buys rate credits per dollar. Amounts outside every tier cannot be bought. " +
			"Use it before buy_credits, or to tell the user what credits cost. Free, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapCreditRate,
		Handle: func(ctx context.Context, p core.Principal, _ NoInput) (List[core.Tier], error) {
			tiers, err := b.svc.CreditRates(ctx, p)
			return ListOf(tiers), err
		},
	}
}

// buyCreditsIn is the input of buy_credits.
type buyCreditsIn struct {
	Amount     int64  `json:"amount" jsonschema:"the price to pay, in whole US dollars, within a tier of credit_rate"`
	ReturnPath string `json:"return_path,omitempty" jsonschema:"a path of the Clara app (such as /billing) that the checkout page returns to; omit it for the app's home"`
}

// buyCreditsTool is the twin of POST /stripe/buy.
func (b shop) buyCreditsTool() Tool[buyCreditsIn, core.BuyResult] {
	return Tool[buyCreditsIn, core.BuyResult]{
		Name:  "buy_credits",
		Title: "Buy credits",
		Description: "Opens a Stripe Checkout page where the user buys credits for amount whole US dollars, at the " +
			"rate of credit_rate, and returns its url with the credits and price. This costs the user real money: " +
			"call it only when the user asked to buy, and confirm the amount first (a host that supports " +
			"elicitation also shows the user the amount, credits and price to confirm; if they decline, no " +
			"checkout is opened). Give the url to the user, who pays there; nothing is charged until they do. " +
			"The credits arrive only after Stripe reports the payment (seconds, or days for delayed methods): " +
			"check with view_user or list_transactions. Each call opens a new checkout.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(true)),
		Capability: core.CapBuyCredits,
		Handle: func(ctx context.Context, p core.Principal, in buyCreditsIn) (core.BuyResult, error) {
			if question, ok := b.purchaseQuestion(ctx, p, in.Amount); ok {
				o, err := confirm(ctx, question)
				if err != nil {
					return core.BuyResult{}, err
				}
				if o != accepted && o != notAsked {
					return core.BuyResult{}, notDone(o, "no checkout was opened and nothing was charged",
						"Call buy_credits again only if the user asks to buy.")
				}
			}
			out, err := b.svc.BuyCredits(ctx, p, core.BuyInput{Amount: in.Amount, ReturnPath: in.ReturnPath})
			return out, guide(err, core.CodeNoRate, guideNoRate)
		},
	}
}

// purchaseQuestion is the question that confirms a purchase of amount
// dollars by p with the user: the price, the credits it buys (at the rate
// of the price list's tier of amount, as the core reckons them) and the
// checkout it opens. false when there is nothing to confirm because the
// core refuses the purchase anyway: credentials that may not buy, or an
// amount outside every tier.
func (b shop) purchaseQuestion(ctx context.Context, p core.Principal, amount int64) (string, bool) {
	if !mayUse(p, core.CapBuyCredits) || amount <= 0 {
		return "", false
	}
	tiers, err := b.svc.CreditRates(ctx, p)
	if err != nil {
		return "", false
	}
	for _, t := range tiers {
		if amount >= t.LowerLimit && amount <= t.UpperLimit {
			price := "$" + grouped(amount) + ".00"
			return fmt.Sprintf("Buy %s Clara credits for %s? Confirming opens a Stripe Checkout page for %s "+
				"(US dollars); you are charged only when you pay there.", grouped(amount*t.Rate), price, price), true
		}
	}
	return "", false
}

// grouped writes n (0 or more) with commas between groups of three
// digits: 1,000,000.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// billingPortalTool is the twin of POST /stripe/portal.
func (b shop) billingPortalTool() Tool[NoInput, core.PortalResult] {
	return Tool[NoInput, core.PortalResult]{
		Name:  "billing_portal",
		Title: "Open the billing portal",
		Description: "Opens a Stripe Billing Portal session for the user and returns its url: give it to the user, " +
			"who sees their payment methods, invoices and receipts there. Use it for questions about past payments. " +
			"Free; the first call creates the user's Stripe customer.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(true)),
		Capability: core.CapBillingPortal,
		Handle: func(ctx context.Context, p core.Principal, _ NoInput) (core.PortalResult, error) {
			return b.svc.BillingPortal(ctx, p)
		},
	}
}
