package core

import "time"

// Rate is a rate limit: Events events per Per, in bursts of up to Events.
// A Fixed rate is a budget instead: Events events in a window of Per from
// the first one, then none until the window ends.
type Rate struct {
	Events int
	Per    time.Duration
	Fixed  bool
}

// Policy holds the numbers of Clara's account rules. DefaultPolicy gives
// the contract's values; operators and tests may change them.
type Policy struct {
	OTPTTL         time.Duration // how long a one-time code is valid
	OTPResendAfter time.Duration // the least time between two codes of one type
	OTPMaxAttempts int           // submissions a code survives

	// Budgets of one account, whatever the client address; logins are
	// counted by email, so unknown emails are answered as known ones.
	LoginFailuresPerAddress Rate // failed logins of one account from one address (fixed)
	LoginFailuresPerAccount Rate // failed logins of one account from anywhere: past the burst, slowed
	OTPSendPerAccount       Rate // codes mailed to one account, per purpose
	OTPGuessPerAccount      Rate // wrong codes for one account, per purpose (emailed or authenticator)

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

	// MaxPendingBytes bounds the attachment contents one user's unfinished
	// analyses hold together; past it a new analysis with files is a 429
	// (0 or less: no bound).
	MaxPendingBytes int64
}

// DefaultPolicy returns the contract's numbers: codes valid 10 minutes,
// one per type per 60 s, 5 tries, 5 codes and 10 wrong codes per account
// and purpose an hour; 10 failed logins of an account from one address
// stop that address for the rest of 15 minutes, and 50 from anywhere slow
// the account to one attempt per 18 s; 10 requests per second per caller; an
// analysis costs 20 credits and takes up to 5 files of 10 MiB, 25 MiB in all.
func DefaultPolicy() Policy {
	return Policy{
		OTPTTL:         10 * time.Minute,
		OTPResendAfter: 60 * time.Second,
		OTPMaxAttempts: 5,

		// 10 failures from one address stop that address until 15 minutes
		// after the first; from anywhere, 50 at once, then one per 18 s.
		LoginFailuresPerAddress: Rate{Events: 10, Per: 15 * time.Minute, Fixed: true},
		LoginFailuresPerAccount: Rate{Events: 50, Per: 15 * time.Minute},
		OTPSendPerAccount:       Rate{Events: 5, Per: time.Hour},
		OTPGuessPerAccount:      Rate{Events: 10, Per: time.Hour},

		PerCaller:      Rate{Events: 10, Per: time.Second},
		RegisterIP:     Rate{Events: 20, Per: 10 * time.Minute},
		LoginIP:        Rate{Events: 60, Per: 5 * time.Minute},
		OTPIP:          Rate{Events: 30, Per: 5 * time.Minute},
		SessionTTL:     7 * 24 * time.Hour,
		TOTPIssuer:     "Clara",
		MailTimeout:    15 * time.Second,
		AnalysisCost:   20,
		MaxAttachments: 5,
		MaxFileBytes:   10 << 20,
		MaxTotalBytes:  25 << 20,

		MaxPendingBytes: 100 << 20,
	}
}
