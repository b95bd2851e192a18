package storetest

import (
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testMigrationsUpDownUp rolls every migration back, applies them all, rolls
// them back again and applies them again, checking the schema each time.
func testMigrationsUpDownUp(t *testing.T, db store.DB) {
	ctx := t.Context()
	for round := 1; round <= 2; round++ {
		if err := db.MigrateDownAll(ctx); err != nil {
			t.Fatalf("round %d: MigrateDownAll: %v", round, err)
		}
		requireStatus(t, db, false)
		if _, err := db.Setting(ctx, "k"); err == nil || core.ErrorCode(err) == core.CodeNotFound {
			t.Fatalf("round %d: Setting after MigrateDownAll = %v, want a failure (no table)", round, err)
		}
		if _, err := db.UserByID(ctx, "user_x"); err == nil || core.ErrorCode(err) == core.CodeNotFound {
			t.Fatalf("round %d: UserByID after MigrateDownAll = %v, want a failure (no table)", round, err)
		}
		if _, err := db.PurchaseBySession(ctx, "cs_x"); err == nil || core.ErrorCode(err) == core.CodeNotFound {
			t.Fatalf("round %d: PurchaseBySession after MigrateDownAll = %v, want a failure (no table)", round, err)
		}
		if _, err := db.TaskByID(ctx, "task_x"); err == nil || core.ErrorCode(err) == core.CodeNotFound {
			t.Fatalf("round %d: TaskByID after MigrateDownAll = %v, want a failure (no table)", round, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("round %d: Migrate: %v", round, err)
		}
		requireStatus(t, db, true)
		if err := db.PutSetting(ctx, "k", "v"); err != nil {
			t.Fatalf("round %d: PutSetting after Migrate: %v", round, err)
		}
		u := createUser(t, db)
		createSession(t, db, u.ID, t0)
		createGrant(t, db, u.ID, t0, "clara:account")
		putOTP(t, db, u.ID, core.OTPActivation, t0)
		// Billing rows left for the next round's MigrateDownAll to drop.
		postApplied(t, db, entry(u.ID, core.LedgerGrant, 10, 0, "grant"))
		createPurchase(t, db, u.ID)
		if _, err := db.RecordPaymentEvent(ctx, "evt_1", "kind", t0); err != nil {
			t.Fatalf("round %d: RecordPaymentEvent: %v", round, err)
		}
		att := core.AttachmentData{Name: "a.txt", Data: []byte("a")}
		createTask(t, db, newTask(u.ID, att), att)
	}
}

// testMigrationsIdempotent checks that Migrate on an up-to-date database
// changes nothing.
func testMigrationsIdempotent(t *testing.T, db store.DB) {
	ctx := t.Context()
	if err := db.PutSetting(ctx, "k", "v"); err != nil {
		t.Fatalf("PutSetting: %v", err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	requireStatus(t, db, true)
	requireSetting(t, db, "k", "v")
}

// requireStatus checks that the database knows at least one migration, that
// versions ascend, and that every migration's Applied is applied.
func requireStatus(t *testing.T, db store.DB, applied bool) {
	t.Helper()
	st, err := db.MigrationStatus(t.Context())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(st) == 0 {
		t.Fatal("MigrationStatus lists no migrations")
	}
	if st[0].Source != "00001_settings.sql" || st[0].Version != 1 {
		t.Errorf("first migration = %d %q, want 1 \"00001_settings.sql\"", st[0].Version, st[0].Source)
	}
	for i, m := range st {
		if i > 0 && m.Version <= st[i-1].Version {
			t.Errorf("migration %q (version %d) listed after version %d", m.Source, m.Version, st[i-1].Version)
		}
		if m.Applied != applied || m.AppliedAt.IsZero() == applied {
			t.Errorf("migration %q: Applied=%v AppliedAt=%v, want Applied=%v", m.Source, m.Applied, m.AppliedAt, applied)
		}
	}
}
