//go:build unix

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The database and its WAL and SHM files are 0600 whatever the umask and
// the data directory's mode, for a new database and for an existing one
// whose files were left readable by others.
func TestFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0) // the loosest umask: files get what Clara asks for
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "clara.db")
	check := func(when string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if mode := info.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s: %s has mode %o, want 600", when, filepath.Base(p), mode)
			}
		}
	}
	db := open(t, path)
	if err := db.Migrate(t.Context()); err != nil { // writes: the WAL and SHM files exist
		t.Fatal(err)
	}
	check("new database")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Files left readable by others (an older Clara, another tool) are
	// restricted when the database is opened again.
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db = open(t, path)
	if err := db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("reopened database")
}
