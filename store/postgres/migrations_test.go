package postgres_test

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/clara-backend/clara/store/pgtest"
)

// TestBillingMigrationKeepsUsers stores a user under the schema of
// migration 2, then applies 00003_billing: the user keeps its data, has
// nothing held and no Stripe customer, and a negative held balance is
// refused. Rolling 00003 back keeps the user again, and it applies once
// more.
func TestBillingMigrationKeepsUsers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := open(t, pgtest.NewEmptyURL(t))
	sqlDB := stdlib.OpenDBFromPool(db.Pool())
	t.Cleanup(func() { _ = sqlDB.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, os.DirFS("migrations"),
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	if _, err := p.UpTo(ctx, 2); err != nil {
		t.Fatalf("UpTo(2): %v", err)
	}
	if _, err := db.Pool().Exec(ctx, `
		INSERT INTO users (id, email, first_name, credits, created_at, updated_at)
		VALUES ('user_a', 'a@example.com', 'Ada', 42, now(), now())`); err != nil {
		t.Fatalf("insert a user: %v", err)
	}
	for pass := 1; pass <= 2; pass++ {
		if _, err := p.UpTo(ctx, 3); err != nil {
			t.Fatalf("pass %d: UpTo(3): %v", pass, err)
		}
		u, err := db.UserByID(ctx, "user_a")
		if err != nil {
			t.Fatalf("pass %d: UserByID: %v", pass, err)
		}
		if u.Email != "a@example.com" || u.Credits != 42 || u.Held != 0 || u.StripeCustomerID != "" {
			t.Errorf("pass %d: user after 00003 = %+v, want its data, held 0, no customer", pass, u)
		}
		if _, err := db.Pool().Exec(ctx, `UPDATE users SET held = -1`); err == nil {
			t.Errorf("pass %d: a negative held balance was stored", pass)
		}
		if _, err := p.DownTo(ctx, 2); err != nil {
			t.Fatalf("pass %d: DownTo(2): %v", pass, err)
		}
		var credits int64
		if err := db.Pool().QueryRow(ctx, `SELECT credits FROM users WHERE id = 'user_a'`).Scan(&credits); err != nil || credits != 42 {
			t.Errorf("pass %d: credits after rolling 00003 back = %d, %v; want 42", pass, credits, err)
		}
		if _, err := db.Pool().Exec(ctx, `SELECT held FROM users`); err == nil {
			t.Errorf("pass %d: users.held still exists after rolling 00003 back", pass)
		}
	}
}
