package postgres_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// benchOpening is every benchmark account's opening grant: enough that
// no debit of the benchmark is ever refused.
const benchOpening = 1 << 40

// BenchmarkPostLedger measures PostLedger on the pool (one statement per
// posting), alternating credits and debits of one credit, each under a
// fresh key, from 4×GOMAXPROCS goroutines:
//   - hot-account: every posting to one user, so they queue for its row;
//   - many-accounts: postings spread over 1000 users.
//
// It reports postings/s. pgtest's server runs without fsync and with
// synchronous_commit off, so the figures are the database's CPU and lock
// cost, not a durable commit's.
func BenchmarkPostLedger(b *testing.B) {
	db := open(b, pgtest.NewURL(b))
	var seq atomic.Int64 // keys are unique across every run of the sub-benchmarks
	hot := benchAccounts(b, db, 1)
	b.Run("hot-account", func(b *testing.B) { benchPost(b, db, hot, &seq) })
	many := benchAccounts(b, db, 1000)
	b.Run("many-accounts", func(b *testing.B) { benchPost(b, db, many, &seq) })
}

// benchAccounts creates n users, each with the opening grant, and returns
// their ids.
func benchAccounts(b *testing.B, db *postgres.DB, n int) []string {
	b.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				var err error
				if ids[i], err = createAccount(b.Context(), db); err != nil {
					b.Errorf("CreateUser: %v", err)
					return
				}
				if _, _, err := db.PostLedger(b.Context(), core.LedgerEntry{
					ID: core.NewID(core.PrefixTransaction), UserID: ids[i], Kind: core.LedgerGrant,
					DAvailable: benchOpening, IdemKey: "opening", CreatedAt: time.Now(),
				}); err != nil {
					b.Errorf("opening grant: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return ids
}

// benchPost posts b.N entries to users, round robin, in parallel.
func benchPost(b *testing.B, db *postgres.DB, users []string, seq *atomic.Int64) {
	ctx := b.Context()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			e := core.LedgerEntry{
				ID: core.NewID(core.PrefixTransaction), UserID: users[int(n)%len(users)],
				Kind: core.LedgerGrant, DAvailable: 1, IdemKey: "bench:" + strconv.FormatInt(n, 10), CreatedAt: time.Now(),
			}
			if n%2 == 0 {
				e.Kind, e.DAvailable = core.LedgerAdjust, -1
			}
			if _, applied, err := db.PostLedger(ctx, e); err != nil || !applied {
				b.Errorf("PostLedger: applied %v, %v", applied, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postings/s")
}
