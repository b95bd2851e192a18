package core

import "time"

// Rate is a rate limit: Events events per Per, in bursts of up to Events.
type Rate struct {
	Events int
	Per    time.Duration
}

// Policy holds the numbers of Clara's account rules. DefaultPolicy gives
// the contract's values; operators and tests may change them.
type Policy struct {
	OTPTTL         time.Duration // how long a one-time code is valid
	OTPResendAfter time.Duration // the least time between two codes of one type
	OTPMaxAttempts int           // submissions a code survives

	LoginMaxFailures int           // failed password logins that lock an account …
	LoginWindow      time.Duration // … within this window …
	LoginLockFor     time.Duration // … for this long

	PerCaller   Rate // requests of one user token, API key, or client address
	RegisterIP  Rate // registrations from one address
	LoginIP     Rate // login attempts from one address
	OTPIP       Rate // code requests and submissions from one address
	SessionTTL  time.Duration
	TOTPIssuer  string // the name authenticator apps show
	MailTimeout time.Duration

	AnalysisCost   int64 // credits an analysis costs
	MaxAttachments int   // files (and links) one analysis takes
	MaxFileBytes   int64 // the largest file
	MaxTotalBytes  int64 // all files of one analysis together
}

// DefaultPolicy returns the contract's numbers: codes valid 10 minutes,
// one per type per 60 s, 5 tries; 10 failed logins in 15 minutes lock
// password login for 15 minutes; 10 requests per second per caller; an
// analysis costs 20 credits and takes up to 5 files of 10 MiB, 25 MiB in all.
func DefaultPolicy() Policy {
	return Policy{
		OTPTTL:           10 * time.Minute,
		OTPResendAfter:   60 * time.Second,
		OTPMaxAttempts:   5,
		LoginMaxFailures: 10,
		LoginWindow:      15 * time.Minute,
		LoginLockFor:     15 * time.Minute,
		PerCaller:        Rate{Events: 10, Per: time.Second},
		RegisterIP:       Rate{Events: 20, Per: 10 * time.Minute},
		LoginIP:          Rate{Events: 60, Per: 5 * time.Minute},
		OTPIP:            Rate{Events: 30, Per: 5 * time.Minute},
		SessionTTL:       7 * 24 * time.Hour,
		TOTPIssuer:       "Clara",
		MailTimeout:      15 * time.Second,
		AnalysisCost:     20,
		MaxAttachments:   5,
		MaxFileBytes:     10 << 20,
		MaxTotalBytes:    25 << 20,
	}
}
