// Package storetest is the conformance suite every store driver must pass.
// A driver's test calls Run with a function that opens a fresh database;
// each check runs as a parallel subtest named after it, e.g.
// TestConformance/sqlite/Settings/RoundTrip. Later features add their checks
// to Checks.
package storetest

import (
	"testing"

	"github.com/clara-backend/clara/store"
)

// Opener returns a fresh database, dedicated to t and closed when t ends. It
// may or may not have migrations applied; the suite migrates it itself.
type Opener func(t *testing.T) store.DB

// Check is one named conformance check. Run gets a fresh database, dedicated
// to it, with every migration applied.
type Check struct {
	Name string // "Area/Behaviour", e.g. "Settings/RoundTrip"
	Run  func(t *testing.T, db store.DB)
}

// Checks lists every conformance check, grouped by area.
var Checks = []Check{
	{"Migrations/UpDownUp", testMigrationsUpDownUp},
	{"Migrations/Idempotent", testMigrationsIdempotent},
	{"Settings/RoundTrip", testSettingsRoundTrip},
	{"Settings/Missing", testSettingsMissing},
	{"Settings/Overwrite", testSettingsOverwrite},
	{"Settings/Concurrent", testSettingsConcurrent},
	{"Users/RoundTrip", testUsersRoundTrip},
	{"Users/Missing", testUsersMissing},
	{"Users/DuplicateEmail", testUsersDuplicateEmail},
	{"Users/DuplicateAPIKey", testUsersDuplicateAPIKey},
	{"Users/NegativeCredits", testUsersNegativeCredits},
	{"Users/CreateConcurrent", testUsersCreateConcurrent},
	{"Users/UpdateProfile", testUsersUpdateProfile},
	{"Users/Setters", testUsersSetters},
	{"Users/AdvanceTOTPStep", testUsersAdvanceTOTPStep},
	{"Users/AdvanceTOTPStepConcurrent", testUsersAdvanceTOTPStepConcurrent},
	{"Sessions/RoundTrip", testSessionsRoundTrip},
	{"Sessions/Missing", testSessionsMissing},
	{"Sessions/Revoke", testSessionsRevoke},
	{"Sessions/RevokeUser", testSessionsRevokeUser},
	{"APIKeys/Created", testAPIKeysCreated},
	{"APIKeys/Reset", testAPIKeysReset},
	{"APIKeys/Missing", testAPIKeysMissing},
	{"Identity/Session", testIdentitySession},
	{"Identity/APIKey", testIdentityAPIKey},
	{"Identity/OAuthGrant", testIdentityOAuthGrant},
	{"OAuthGrants/RoundTrip", testOAuthGrantsRoundTrip},
	{"OAuthGrants/Revoke", testOAuthGrantsRevoke},
	{"OAuthGrants/RevokeUser", testOAuthGrantsRevokeUser},
	{"OAuthGrants/Touch", testOAuthGrantsTouch},
	{"OAuthClients/RoundTrip", testOAuthClientsRoundTrip},
	{"OAuthClients/Missing", testOAuthClientsMissing},
	{"OAuthClients/Duplicate", testOAuthClientsDuplicate},
	{"OAuthClients/Touch", testOAuthClientsTouch},
	{"OAuthClients/DeleteUnused", testOAuthClientsDeleteUnused},
	{"OAuthTokens/RoundTrip", testOAuthTokensRoundTrip},
	{"OAuthTokens/Missing", testOAuthTokensMissing},
	{"OAuthTokens/Deactivate", testOAuthTokensDeactivate},
	{"OAuthTokens/DeactivateConcurrent", testOAuthTokensDeactivateConcurrent},
	{"OAuthTokens/Delete", testOAuthTokensDelete},
	{"OAuthTokens/RevokeRequest", testOAuthTokensRevokeRequest},
	{"OAuthTokens/DeleteExpired", testOAuthTokensDeleteExpired},
	{"OTPs/RoundTrip", testOTPsRoundTrip},
	{"OTPs/Replace", testOTPsReplace},
	{"OTPs/Missing", testOTPsMissing},
	{"OTPs/ExpiredKept", testOTPsExpiredKept},
	{"OTPs/Attempts", testOTPsAttempts},
	{"OTPs/DeleteConcurrent", testOTPsDeleteConcurrent},
	{"OTPs/AttemptsConcurrent", testOTPsAttemptsConcurrent},
	{"OTPs/DeleteOrdered", testOTPsDeleteOrdered},
	{"Tx/Commit", testTxCommit},
	{"Tx/RollbackOnError", testTxRollbackOnError},
	{"Tx/RollbackOnStoreError", testTxRollbackOnStoreError},
	{"Tx/RollbackOnPanic", testTxRollbackOnPanic},
	{"Tx/Concurrent", testTxConcurrent},
	{"Ledger/PostCreditDebit", testLedgerPostCreditDebit},
	{"Ledger/Duplicate", testLedgerDuplicate},
	{"Ledger/KeyPerUser", testLedgerKeyPerUser},
	{"Ledger/Insufficient", testLedgerInsufficient},
	{"Ledger/Missing", testLedgerMissing},
	{"Ledger/HoldCaptureRelease", testLedgerHoldCaptureRelease},
	{"Ledger/Listing", testLedgerListing},
	{"Ledger/Imbalances", testLedgerImbalances},
	{"Ledger/AppendOnly", testLedgerAppendOnly},
	{"Ledger/InTx", testLedgerInTx},
	{"Ledger/DuplicateOfUncommitted", testLedgerDuplicateOfUncommitted},
	{"Ledger/ConcurrentSameKey", testLedgerConcurrentSameKey},
	{"Ledger/ConcurrentDebits", testLedgerConcurrentDebits},
	{"Purchases/RoundTrip", testPurchasesRoundTrip},
	{"Purchases/Move", testPurchasesMove},
	{"Purchases/MoveConcurrent", testPurchasesMoveConcurrent},
	{"Purchases/PaymentEvents", testPaymentEvents},
	{"Purchases/StripeCustomer", testStripeCustomer},
	{"Tasks/RoundTrip", testTasksRoundTrip},
	{"Tasks/Attachments", testTasksAttachments},
	{"Tasks/ClientKey", testTasksClientKey},
	{"Tasks/Rollback", testTasksRollback},
	{"Tasks/Listing", testTasksListing},
	{"Tasks/Move", testTasksMove},
	{"Tasks/MoveInTx", testTasksMoveInTx},
	{"Tasks/MoveConcurrent", testTasksMoveConcurrent},
	{"Tasks/Result", testTasksResult},
	{"Tasks/FinalDropsContents", testTasksFinalDropsContents},
	{"Tasks/PendingBytes", testTasksPendingBytes},
	{"Ping", testPing},
	{"Close", testClose},
}

// Run runs every check against the databases that open returns.
func Run(t *testing.T, open Opener) {
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			c.Run(t, Migrated(t, open))
		})
	}
}

// Migrated returns a fresh database from open with every migration applied.
func Migrated(t *testing.T, open Opener) store.DB {
	t.Helper()
	db := open(t)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}
