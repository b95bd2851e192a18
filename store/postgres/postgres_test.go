package postgres_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open opens the database at url, closed when t ends.
func open(t testing.TB, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.DB { return open(t, pgtest.NewURL(t)) })
	})
}

// TestMigrateConcurrently starts several migrations of one empty database at
// once, as several processes starting together would: the advisory lock must
// let them all succeed.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := pgtest.NewEmptyURL(t)
	const n = 4
	dbs := make([]*postgres.DB, n)
	for i := range dbs {
		dbs[i] = open(t, url)
	}
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			if err := db.Migrate(t.Context()); err != nil {
				t.Errorf("Migrate %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	st, err := dbs[0].MigrationStatus(t.Context())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range st {
		if !m.Applied {
			t.Errorf("migration %s not applied", m.Source)
		}
	}
}

// TestOpenFailsFastWithoutPassword checks that a server that does not answer
// fails Open with an error that names it but not the password.
func TestOpenFailsFastWithoutPassword(t *testing.T) {
	t.Parallel()
	const password = "s3cret-Passw0rd"
	for _, url := range []string{
		"postgres://clara:" + password + "@127.0.0.1:1/clara?connect_timeout=5",
		"postgres://clara:" + password + "@/clara?host=/nonexistent-dir",
		"postgres://clara:" + password + "@127.0.0.1:1/clara?sslmode=bogus",
	} {
		db, err := postgres.Open(t.Context(), url)
		if err == nil {
			_ = db.Close()
			t.Fatalf("Open(%s) succeeded, want an error", strings.ReplaceAll(url, password, "xxx"))
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("Open error shows the password: %v", err)
		}
		t.Logf("Open error: %v", err)
	}
}

// TestPool checks that Pool exposes the live pool.
func TestPool(t *testing.T) {
	t.Parallel()
	db := open(t, pgtest.NewURL(t))
	var one int
	if err := db.Pool().QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 through Pool = %d, %v", one, err)
	}
	if got := db.Dialect(); got != "postgres" {
		t.Errorf("Dialect() = %q, want postgres", got)
	}
}

// TestTx checks that Tx finds the transaction of InTx's Queries, and only
// there: a statement through it is part of the transaction.
func TestTx(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := open(t, pgtest.NewURL(t))
	if _, ok := postgres.Tx(db); ok {
		t.Error("Tx(db) found a transaction")
	}
	err := db.InTx(ctx, func(q core.Queries) error {
		tx, ok := postgres.Tx(q)
		if !ok {
			t.Fatal("Tx(q) found no transaction in InTx")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('tx', 'v', now())`); err != nil {
			t.Fatalf("insert through Tx: %v", err)
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("InTx succeeded, want its function's error")
	}
	if _, err := db.Setting(ctx, "tx"); core.ErrorCode(err) != core.CodeNotFound {
		t.Errorf("Setting after rollback = %v, want not found", err)
	}
}

// A start on an up-to-date database checks both sets of migrations with one
// statement.
func TestSchemaCurrentIsOneStatement(t *testing.T) {
	var count pgtest.Statements
	db, err := postgres.Open(t.Context(), pgtest.NewURL(t), postgres.WithTracer(&count))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.MigrateJobs(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	count.Reset()
	current, err := db.SchemaCurrent(t.Context())
	if err != nil || !current {
		t.Fatalf("SchemaCurrent = %v, %v; want true", current, err)
	}
	if n := count.Count(); n != 1 {
		t.Errorf("SchemaCurrent ran %d statements, want 1", n)
	}
}
