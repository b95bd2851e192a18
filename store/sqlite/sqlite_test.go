package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/sqlite"
	"github.com/clara-backend/clara/store/storetest"
)

// open opens the SQLite file at path, closed when t ends.
func open(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.DB {
			return open(t, filepath.Join(t.TempDir(), "clara.db"))
		})
	})
}

// TestPragmas checks the settings every connection gets.
func TestPragmas(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "clara.db"))
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"busy_timeout": "10000",
		"foreign_keys": "1",
		"synchronous":  "1", // NORMAL
	} {
		var got string
		if err := db.SQL().QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	if got := db.Dialect(); got != "sqlite" {
		t.Errorf("Dialect() = %q, want sqlite", got)
	}
}

// TestMigrateConcurrently opens one new file through several handles, as
// several processes starting together would, and migrates through all of
// them at once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "clara.db")
	var wg sync.WaitGroup
	for i := range 4 {
		db := open(t, path)
		wg.Go(func() {
			if err := db.Migrate(t.Context()); err != nil {
				t.Errorf("Migrate %d: %v", i, err)
			}
		})
	}
	wg.Wait()
}

// TestOpenMissingDirectory checks that the error names the path.
func TestOpenMissingDirectory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing", "clara.db")
	db, err := sqlite.Open(t.Context(), path)
	if err == nil {
		_ = db.Close()
		t.Fatal("Open in a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("Open created the directory (stat: %v)", err)
	}
}

// BenchmarkOpenMigrate measures what "clara mcp" pays at every start on an
// existing database: Open, Migrate (nothing pending), Close.
func BenchmarkOpenMigrate(b *testing.B) {
	path := filepath.Join(b.TempDir(), "clara.db")
	if err := open(b, path).Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db, err := sqlite.Open(b.Context(), path)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(b.Context()); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTx checks that Tx finds the transaction of InTx's Queries, and only
// there: a statement through it is part of the transaction.
func TestTx(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := open(t, filepath.Join(t.TempDir(), "clara.db"))
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if _, ok := sqlite.Tx(db); ok {
		t.Error("Tx(db) found a transaction")
	}
	err := db.InTx(ctx, func(q core.Queries) error {
		tx, ok := sqlite.Tx(q)
		if !ok {
			t.Fatal("Tx(q) found no transaction in InTx")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('tx', 'v', '')`); err != nil {
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
