package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openOK opens url, checks its dialect, migrates and pings it.
func openOK(t *testing.T, url, dataDir, dialect string) store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), url, dataDir)
	if err != nil {
		t.Fatalf("Open(%q): %v", url, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if got := db.Dialect(); got != dialect {
		t.Errorf("Open(%q).Dialect() = %q, want %q", url, got, dialect)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	return db
}

func TestOpenDefaultCreatesDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	openOK(t, "", dir, "sqlite")
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("data directory: %v", err)
	}
	if perm := st.Mode().Perm(); perm != 0o700 {
		t.Errorf("data directory mode = %o, want 700", perm)
	}
	if _, err := os.Stat(filepath.Join(dir, store.DefaultFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenDefaultNeedsDataDir(t *testing.T) {
	if _, err := store.Open(t.Context(), "", ""); err == nil {
		t.Fatal("Open with no URL and no data directory succeeded")
	}
}

func TestOpenSQLiteAbsolute(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abs.db")
	openOK(t, "sqlite://"+path, "", "sqlite")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenSQLiteRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	openOK(t, "sqlite://rel.db", "", "sqlite")
	if _, err := os.Stat(filepath.Join(dir, "rel.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenPostgres(t *testing.T) {
	url := pgtest.NewURL(t)
	openOK(t, url, "", "postgres")
	openOK(t, "postgresql"+strings.TrimPrefix(url, "postgres"), "", "postgres")
}

func TestOpenRejectsOtherSchemes(t *testing.T) {
	const password = "s3cret"
	for url, want := range map[string]string{
		"mysql://root:" + password + "@localhost/clara": `"mysql"`,
		"sqlite://":                           "no path",
		"host=localhost password=" + password: "no scheme",
		"/var/lib/clara/clara.db":             "no scheme",
	} {
		_, err := store.Open(t.Context(), url, t.TempDir())
		if err == nil {
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) error %q does not contain %s", url, err, want)
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("Open(%q) error shows the password: %v", url, err)
		}
	}
}

// SchemaCurrent is true once Clara's and River's migrations are all
// applied, on both drivers, and only then.
func TestSchemaCurrent(t *testing.T) {
	for _, c := range []struct{ name, url string }{
		{"sqlite", "sqlite://" + filepath.Join(t.TempDir(), "current.db")},
		{"postgres", pgtest.NewEmptyURL(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, err := store.Open(t.Context(), c.url, "")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { _ = db.Close() })
			check := func(when string, want bool) {
				t.Helper()
				if got, err := db.SchemaCurrent(t.Context()); got != want {
					t.Errorf("%s: SchemaCurrent = %v (%v), want %v", when, got, err, want)
				}
			}
			check("new database", false)
			if err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			check("Clara's migrations only", false)
			if err := db.MigrateJobs(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			check("both applied", true)
			if err := db.MigrateDownAll(t.Context()); err != nil {
				t.Fatal(err)
			}
			check("Clara's rolled back", false)
		})
	}
}
