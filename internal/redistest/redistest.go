// Package redistest gives tests a real Redis: a throwaway redis-server on a
// free port of 127.0.0.1, with a private temporary directory and no
// persistence.
//
// NewURL hands each test a database of its own on one server that the test
// binary shares, started when a test first asks for one. Start gives a test
// a server of its own, which it may kill, pause and restart. Every server is
// stopped, and its directory deleted, when its test ends or, at the latest,
// when the test binary exits, however it exits (a watchdog process sees to
// that even after SIGKILL or a test timeout), so no TestMain is needed.
//
// The redis-server binary is looked for on PATH, then in /usr/bin and
// /usr/local/bin; a test fails, never skips, without one.
package redistest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// sharedDatabases is how many databases the shared server has: how many
// tests of one binary may hold one at once.
const sharedDatabases = 1024

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error

	dbMu   sync.Mutex
	freeDB []int // databases of the shared server no test holds
	nextDB = 0   // the lowest database never handed out
)

// NewURL returns the redis:// URL of an empty database of its own, on the
// server shared by the test binary. The database is emptied and given back
// when t ends. It is safe to call from parallel tests.
func NewURL(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = start(sharedDatabases) })
	if sharedErr != nil {
		t.Fatalf("redistest: %v", sharedErr)
	}
	db := takeDB(t)
	url := shared.url(db)
	t.Cleanup(func() {
		if err := flush(url); err != nil {
			t.Errorf("redistest: empty database %d: %v", db, err)
			return // not reused: it may hold keys
		}
		dbMu.Lock()
		freeDB = append(freeDB, db)
		dbMu.Unlock()
	})
	return url
}

// takeDB returns a database of the shared server that no test holds.
func takeDB(t testing.TB) int {
	t.Helper()
	dbMu.Lock()
	defer dbMu.Unlock()
	if n := len(freeDB); n > 0 {
		db := freeDB[n-1]
		freeDB = freeDB[:n-1]
		return db
	}
	if nextDB == sharedDatabases {
		t.Fatalf("redistest: all %d databases of the shared server are taken by running tests", sharedDatabases)
	}
	nextDB++
	return nextDB - 1
}

// flush empties the database of url.
func flush(url string) error {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("parse %s: %w", url, err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("FLUSHDB: %w", err)
	}
	return nil
}

// Start starts a server of t's own, with one database, stopped when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start(1)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.close(); err != nil {
			t.Errorf("redistest: %v", err)
		}
	})
	return s
}

// url returns the redis:// URL of database db of s.
func (s *Server) url(db int) string {
	return "redis://" + s.Addr() + "/" + strconv.Itoa(db)
}
