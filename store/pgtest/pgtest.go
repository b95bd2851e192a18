// Package pgtest gives tests a real PostgreSQL: every call of NewURL returns a
// fresh database cloned from a template that the store/postgres migrations
// were applied to once per test binary.
//
// The server is the one named by CLARA_TEST_DATABASE_URL when that is set;
// otherwise pgtest starts a throwaway cluster, once per test binary and only
// when a test first asks for a database, with the initdb and pg_ctl found on
// PATH or in /usr/lib/postgresql/<version>/bin. The cluster listens on a Unix
// socket in a private temporary directory only, runs without fsync, and is
// stopped and deleted when the test binary ends. A test binary that uses
// pgtest must run its tests through Main:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// EnvURL is the environment variable naming an existing PostgreSQL server to
// test against, e.g. "postgres://postgres:secret@localhost:5432/postgres".
// Its user must be allowed to create databases.
const EnvURL = "CLARA_TEST_DATABASE_URL"

// dbTimeout bounds each database creation and removal.
const dbTimeout = time.Minute

var (
	mainRunning atomic.Bool
	startOnce   sync.Once
	srv         *server
	srvErr      error
)

// Main runs the tests of m, then stops and deletes the PostgreSQL cluster
// pgtest started (or drops the template it created on CLARA_TEST_DATABASE_URL),
// and exits with the tests' status.
func Main(m *testing.M) {
	mainRunning.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// NewURL returns the postgres:// URL of a new database with every migration
// of store/postgres applied. The database is dropped when t ends. It is safe
// to call from parallel tests. It fails t, never skips it, when no PostgreSQL
// can be found.
func NewURL(t testing.TB) string {
	t.Helper()
	s := get(t)
	return s.newDatabase(t, s.template)
}

// NewEmptyURL returns the postgres:// URL of a new, empty database (no
// migrations applied), dropped when t ends.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	return get(t).newDatabase(t, "template0")
}

// get returns the server, starting it on first use, or fails t.
func get(t testing.TB) *server {
	t.Helper()
	if !mainRunning.Load() {
		t.Fatalf("pgtest: this test binary must run its tests through pgtest.Main; add\n\n" +
			"\tfunc TestMain(m *testing.M) { pgtest.Main(m) }")
	}
	startOnce.Do(func() { srv, srvErr = startServer() })
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}
	return srv
}

// shutdown releases the server, if one was started. No test runs any more.
func shutdown() error {
	startOnce.Do(func() {}) // no server may start from now on
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	return srv.close(ctx)
}
