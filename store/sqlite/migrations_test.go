package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestBillingMigrationKeepsUsers stores a user under the schema of
// migration 2, then applies 00003_billing: the user keeps its data, has
// nothing held and no Stripe customer, the table stays STRICT and refuses
// a negative held balance. Rolling 00003 back keeps the user again, and it
// applies once more.
func TestBillingMigrationKeepsUsers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := open(t, filepath.Join(t.TempDir(), "clara.db"))
	p, err := goose.NewProvider(goose.DialectSQLite3, db.SQL(), os.DirFS("migrations"),
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	if _, err := p.UpTo(ctx, 2); err != nil {
		t.Fatalf("UpTo(2): %v", err)
	}
	if _, err := db.SQL().ExecContext(ctx, `
		INSERT INTO users (id, email, first_name, credits, created_at, updated_at)
		VALUES ('user_a', 'a@example.com', 'Ada', 42, '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')`); err != nil {
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
		var strict int
		if err := db.SQL().QueryRowContext(ctx,
			`SELECT strict FROM pragma_table_list WHERE name = 'users'`).Scan(&strict); err != nil || strict != 1 {
			t.Errorf("pass %d: users strict = %d, %v; want 1", pass, strict, err)
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE users SET held = -1`); err == nil {
			t.Errorf("pass %d: a negative held balance was stored", pass)
		}
		if _, err := p.DownTo(ctx, 2); err != nil {
			t.Fatalf("pass %d: DownTo(2): %v", pass, err)
		}
		var credits int64
		if err := db.SQL().QueryRowContext(ctx, `SELECT credits FROM users WHERE id = 'user_a'`).Scan(&credits); err != nil || credits != 42 {
			t.Errorf("pass %d: credits after rolling 00003 back = %d, %v; want 42", pass, credits, err)
		}
		if _, err := db.SQL().ExecContext(ctx, `SELECT held FROM users`); err == nil {
			t.Errorf("pass %d: users.held still exists after rolling 00003 back", pass)
		}
	}
}
