package core

import (
	"context"
	"time"
)

// Store is the persistence port of the core. Two drivers implement it
// (PostgreSQL and embedded SQLite, package store); both pass one conformance
// suite (package store/storetest).
type Store interface {
	Queries
	// InTx runs fn in one transaction, giving it Queries bound to that
	// transaction: everything fn does commits together when it returns nil,
	// and nothing does when it returns an error (which InTx returns).
	InTx(ctx context.Context, fn func(q Queries) error) error
	// Ping checks that the database answers, and gives up within a few
	// seconds, so that a hung database makes a prompt "unhealthy" rather
	// than a hung health probe. It is called on every health check: an
	// implementation may share one ping among concurrent callers and reuse
	// a success for a moment.
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error
}

// Queries are the reads and writes of the core, on the store or inside one
// of its transactions. Lookups of a missing row return an error of
// CodeNotFound (ErrNotFound with the resource's name); writes that would
// duplicate a unique value return CodeConflict. Times are stored to the
// microsecond at least.
type Queries interface {
	Billing
	Tasks
	OAuthServerQueries

	// Setting returns the value stored under key (not found: "Setting").
	Setting(ctx context.Context, key string) (string, error)
	// PutSetting stores value under key, replacing any earlier value.
	PutSetting(ctx context.Context, key, value string) error

	// CreateUser stores a new user and its API key id; an email already
	// taken is a conflict.
	CreateUser(ctx context.Context, u User, apiKeyID string) error
	// UserByID returns the user (not found: "User").
	UserByID(ctx context.Context, id string) (User, error)
	// UserByEmail returns the user with that normalised email (not found: "User").
	UserByEmail(ctx context.Context, email string) (User, error)
	// UpdateProfile applies p and sets updated_at to now; it returns the user.
	UpdateProfile(ctx context.Context, id string, p ProfileUpdate, now time.Time) (User, error)
	// ActivateUser marks the user active.
	ActivateUser(ctx context.Context, id string, now time.Time) error
	// SetPasswordHash replaces the user's password hash.
	SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error
	// SetTwoFactor turns the user's 2FA flag on or off.
	SetTwoFactor(ctx context.Context, id string, enabled bool, now time.Time) error
	// SetTOTP stores the user's encrypted authenticator secret ("" removes
	// it) and whether it is confirmed; it resets the last accepted step.
	SetTOTP(ctx context.Context, id, secret string, enabled bool, now time.Time) error
	// AdvanceTOTPStep records step as the last TOTP time step accepted for
	// the user, only if it is later than the one recorded; it reports
	// whether it was (false: a replay).
	AdvanceTOTPStep(ctx context.Context, id string, step int64) (bool, error)

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// SessionByID returns the session (not found: "Session").
	SessionByID(ctx context.Context, id string) (Session, error)
	// RevokeSession revokes one session (no error when already revoked).
	RevokeSession(ctx context.Context, id string, now time.Time) error
	// RevokeUserSessions revokes every live session of the user except
	// exceptID ("" for none) and returns how many it revoked.
	RevokeUserSessions(ctx context.Context, userID, exceptID string, now time.Time) (int, error)

	// SessionWithUser returns the session and its user, read together in
	// one statement, revoked or expired sessions included (not found:
	// "Session"). Identify resolves user tokens with it.
	SessionWithUser(ctx context.Context, id string) (Session, User, error)
	// APIKeyWithUser returns the user's current API key, without its
	// token, and the user, read together in one statement (not found: "API
	// key"). Identify resolves API keys with it.
	APIKeyWithUser(ctx context.Context, userID string) (APIKey, User, error)

	// CreateOAuthGrant stores a new OAuth grant (an unknown user: not
	// found, "User").
	CreateOAuthGrant(ctx context.Context, g OAuthGrant) error
	// OAuthGrants lists the user's live (unrevoked) grants, newest first
	// (ties by id).
	OAuthGrants(ctx context.Context, userID string) ([]OAuthGrant, error)
	// RevokeOAuthGrant revokes the user's live grant with that id (another
	// user's grant, or one revoked already: not found, "OAuth grant").
	RevokeOAuthGrant(ctx context.Context, userID, id string, now time.Time) error
	// RevokeUserOAuthGrants revokes every live grant of the user and
	// returns how many it revoked.
	RevokeUserOAuthGrants(ctx context.Context, userID string, now time.Time) (int, error)
	// TouchOAuthGrant records now as the moment the grant was last used
	// (not found: "OAuth grant").
	TouchOAuthGrant(ctx context.Context, id string, now time.Time) error
	// OAuthGrantWithUser returns the grant and its user, read together in
	// one statement, revoked grants included (not found: "OAuth grant").
	// Identify resolves OAuth access tokens with it.
	OAuthGrantWithUser(ctx context.Context, id string) (OAuthGrant, User, error)

	// APIKeyOf returns the user's current API key, without its token (not
	// found: "API key").
	APIKeyOf(ctx context.Context, userID string) (APIKey, error)
	// ResetAPIKey gives the user a new API key id, which kills the old
	// key's token, and returns the new key without its token.
	ResetAPIKey(ctx context.Context, userID, newID string, now time.Time) (APIKey, error)

	// PutOTP stores o, replacing the user's earlier code of its type.
	PutOTP(ctx context.Context, o OTP) error
	// OTPOf returns the user's code of type t (not found: "OTP").
	OTPOf(ctx context.Context, userID string, t OTPType) (OTP, error)
	// CountOTPAttempt adds one to the code's attempts, unless it already
	// has max; it returns the new count, or not found ("OTP") when the code
	// is gone or has no attempts left.
	CountOTPAttempt(ctx context.Context, id string, max int) (int, error)
	// DeleteOTP removes the code; it reports whether this call removed it,
	// so that of concurrent consumers exactly one wins.
	DeleteOTP(ctx context.Context, id string) (bool, error)
}

// Billing is the part of Queries that moves credits and records purchases.
type Billing interface {
	// PostLedger appends e and applies DAvailable and DHeld to the user's
	// balances, together: the insert of the entry comes first and drives
	// the change, so that when the user already has an entry with
	// e.IdemKey nothing changes, and that earlier entry is returned with
	// applied false. A change that would make a balance negative is
	// refused with CodeInsufficientCredits and writes nothing.
	PostLedger(ctx context.Context, e LedgerEntry) (entry LedgerEntry, applied bool, err error)
	// LedgerEntryByKey returns the user's entry with that idempotency key
	// (not found: "Transaction").
	LedgerEntryByKey(ctx context.Context, userID, idemKey string) (LedgerEntry, error)
	// Transactions lists the user's visible entries (Kind.Visible), newest
	// first (ties broken by id), skipping offset and returning at most limit.
	Transactions(ctx context.Context, userID string, limit, offset int) ([]LedgerEntry, error)
	// TransactionByID returns a visible entry (not found: "Transaction").
	TransactionByID(ctx context.Context, id string) (LedgerEntry, error)
	// Balances returns the user's available and held credits.
	Balances(ctx context.Context, userID string) (available, held int64, err error)
	// Imbalances lists every user whose balances differ from the sums of
	// the user's ledger entries; none means the books agree.
	Imbalances(ctx context.Context) ([]Imbalance, error)

	// CreatePurchase records a new purchase (a taken session id: conflict).
	CreatePurchase(ctx context.Context, p Purchase) error
	// PurchaseBySession returns the purchase of a Stripe Checkout Session
	// (not found: "Purchase").
	PurchaseBySession(ctx context.Context, sessionID string) (Purchase, error)
	// MovePurchase sets the status of the session's purchase to `to`, only
	// if it is one of from, and reports whether it did.
	MovePurchase(ctx context.Context, sessionID string, from []PurchaseStatus, to PurchaseStatus, now time.Time) (Purchase, bool, error)
	// RecordPaymentEvent stores a payment provider's event id and reports
	// whether it is new (false: already seen, a duplicate delivery).
	RecordPaymentEvent(ctx context.Context, id, kind string, now time.Time) (bool, error)
	// SetStripeCustomer stores the user's Stripe customer id, only if the
	// user has none yet; it returns the id the user has afterwards.
	SetStripeCustomer(ctx context.Context, userID, customerID string) (string, error)
}

// Tasks is the part of Queries that keeps analysis tasks.
type Tasks interface {
	// CreateTask stores a new task and its attachments' contents.
	CreateTask(ctx context.Context, t TaskRecord, attachments []AttachmentData) error
	// TaskByID returns the task (not found: "Task").
	TaskByID(ctx context.Context, id string) (TaskRecord, error)
	// TaskByClientKey returns the user's task made with that Idempotency-Key
	// (not found: "Task").
	TaskByClientKey(ctx context.Context, userID, key string) (TaskRecord, error)
	// ListTasks lists the user's tasks, newest first (ties by id), skipping
	// offset and returning at most limit.
	ListTasks(ctx context.Context, userID string, limit, offset int) ([]TaskRecord, error)
	// TaskAttachments returns the task's attachments with their contents,
	// in the order given.
	TaskAttachments(ctx context.Context, taskID string) ([]AttachmentData, error)
	// PendingAttachmentBytes returns how many bytes of attachment contents
	// the user's unfinished (PENDING or RUNNING) tasks hold together.
	PendingAttachmentBytes(ctx context.Context, userID string) (int64, error)
	// MoveTask sets the task's status to `to` (with u's result or error),
	// only if it is one of from, and reports whether it did; it returns the
	// task as it is afterwards (not found: "Task"). A move to a final
	// status also deletes the contents of the task's attachments, in the
	// same transaction; their names and sizes stay in the task. A store
	// that implements TaskEvents announces every move there, on commit
	// only.
	MoveTask(ctx context.Context, id string, from []TaskStatus, to TaskStatus, u TaskUpdate, now time.Time) (TaskRecord, bool, error)
}
