package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// newAccount stores a user with no credits, as the core creates one, and
// returns its id.
func newAccount(t testing.TB, db *postgres.DB) string {
	t.Helper()
	id, err := createAccount(t.Context(), db)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return id
}

// createAccount stores a user with no credits and returns its id.
func createAccount(ctx context.Context, db *postgres.DB) (string, error) {
	id := core.NewID(core.PrefixUser)
	now := time.Now()
	u := core.User{ID: id, Email: id + "@example.com", FirstName: "Ada",
		CreatedAt: core.Timestamp(now), UpdatedAt: core.Timestamp(now)}
	return id, db.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey))
}

// stormPosting is one key of the storm: the posting every caller of the
// key makes.
type stormPosting struct {
	key        string
	kind       core.LedgerKind
	dAvailable int64
	dHeld      int64
}

// stormPostings returns n distinct postings: credits, debits of the
// available credits (adjustments and holds) and debits of the held ones
// (captures), asking in all for more than the opening credits and the
// credits together can give, so that some debits must be refused.
func stormPostings(n int) []stormPosting {
	out := make([]stormPosting, n)
	for k := range out {
		p := stormPosting{key: "storm:" + strconv.Itoa(k)}
		switch k % 4 {
		case 0:
			p.kind, p.dAvailable = core.LedgerGrant, int64(5+k%11)
		case 1:
			p.kind, p.dAvailable = core.LedgerAdjust, -int64(5+k%9)
		case 2:
			p.kind, p.dAvailable, p.dHeld = core.LedgerHold, -int64(3+k%7), int64(3+k%7)
		default:
			p.kind, p.dHeld = core.LedgerCapture, -int64(1+k%5)
		}
		out[k] = p
	}
	return out
}

// stormResult is what one caller got.
type stormResult struct {
	key     string
	id      string
	applied bool
	err     error
}

// TestPostLedgerStorm posts to one account from 200 goroutines at once: 120
// distinct keys, 40 of them used 2 to 4 times, credits and debits, more
// debits than the balance can pay. Whatever the interleaving, the only
// failures are refusals for want of credits, each key applies at most once
// and all its callers get one entry, the balances equal the sums of the
// ledger (also while the storm rages) and never go negative. Ten rounds,
// each on a new account and in a new order.
func TestPostLedgerStorm(t *testing.T) {
	t.Parallel()
	db := open(t, pgtest.NewURL(t))
	for round := range 10 {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) { storm(t, db, uint64(round)) })
	}
}

// storm runs one round of TestPostLedgerStorm.
func storm(t *testing.T, db *postgres.DB, seed uint64) {
	const opening, distinct = 20, 120
	ctx := t.Context()
	user := newAccount(t, db)
	if _, _, err := db.PostLedger(ctx, core.LedgerEntry{
		ID: core.NewID(core.PrefixTransaction), UserID: user, Kind: core.LedgerGrant,
		DAvailable: opening, IdemKey: "opening", CreatedAt: time.Now(),
	}); err != nil {
		t.Fatalf("opening grant: %v", err)
	}
	postings := stormPostings(distinct)
	var calls []stormPosting
	for k, p := range postings {
		uses := 1
		switch {
		case k < 10:
			uses = 4
		case k < 30:
			uses = 3
		case k < 40:
			uses = 2
		}
		for range uses {
			calls = append(calls, p)
		}
	}
	if len(calls) != 200 {
		t.Fatalf("%d calls, want 200", len(calls))
	}
	rand.New(rand.NewPCG(seed, 42)).Shuffle(len(calls), func(i, j int) { calls[i], calls[j] = calls[j], calls[i] })

	results := make([]stormResult, len(calls))
	start := make(chan struct{})
	stop := make(chan struct{})
	var wg, watch sync.WaitGroup
	watch.Go(func() { watchBooks(t, db, user, start, stop) })
	for i, p := range calls {
		wg.Go(func() {
			<-start
			e, applied, err := db.PostLedger(ctx, core.LedgerEntry{
				ID: core.NewID(core.PrefixTransaction), UserID: user, Kind: p.kind,
				DAvailable: p.dAvailable, DHeld: p.dHeld, IdemKey: p.key, CreatedAt: time.Now(),
			})
			results[i] = stormResult{key: p.key, id: e.ID, applied: applied, err: err}
		})
	}
	close(start)
	wg.Wait()
	close(stop)
	watch.Wait()

	checkStorm(t, db, user, opening, results)
}

// watchBooks checks, from start until stop, that the account's balances
// are never negative and always equal the sums of the ledger.
func watchBooks(t *testing.T, db *postgres.DB, user string, start, stop <-chan struct{}) {
	<-start
	for looks := 0; ; looks++ {
		select {
		case <-stop:
			t.Logf("looked at the books %d times during the storm", looks)
			return
		default:
		}
		if bad, err := db.Imbalances(t.Context()); err != nil || len(bad) != 0 {
			t.Errorf("Imbalances during the storm = %+v, %v; want none", bad, err)
			return
		}
		if a, h, err := db.Balances(t.Context(), user); err != nil || a < 0 || h < 0 {
			t.Errorf("Balances during the storm = %d, %d, %v", a, h, err)
			return
		}
	}
}

// checkStorm checks the outcome of one storm.
func checkStorm(t *testing.T, db *postgres.DB, user string, opening int64, results []stormResult) {
	ctx := t.Context()
	var (
		applied, refused int
		byKey            = map[string][]stormResult{}
	)
	for _, r := range results {
		switch {
		case r.err == nil:
			if r.applied {
				applied++
			}
			byKey[r.key] = append(byKey[r.key], r)
		case core.ErrorCode(r.err) == core.CodeInsufficientCredits:
			refused++
		default:
			t.Errorf("PostLedger(%s): %v, want success or insufficient credits", r.key, r.err)
		}
	}
	t.Logf("%d postings applied, %d repeats answered with the earlier entry, %d refused for want of credits",
		applied, len(results)-applied-refused, refused)
	if refused == 0 {
		t.Error("no posting was refused, though the debits exceed what the account can pay")
	}

	rows := ledgerRows(t, db, user)
	delete(rows, "opening")
	if applied != len(rows) {
		t.Errorf("%d postings applied, but the ledger has %d storm entries", applied, len(rows))
	}
	for key, rs := range byKey {
		row, ok := rows[key]
		if !ok {
			t.Errorf("key %s: %d callers succeeded, but it has no ledger entry", key, len(rs))
			continue
		}
		appliedHere := 0
		for _, r := range rs {
			if r.id != row.id {
				t.Errorf("key %s: a caller got entry %s, the ledger has %s", key, r.id, row.id)
			}
			if r.applied {
				appliedHere++
			}
		}
		if appliedHere != 1 {
			t.Errorf("key %s: applied %d times, want once", key, appliedHere)
		}
	}
	var sumA, sumH int64 = opening, 0
	for key, row := range rows {
		if row.count != 1 {
			t.Errorf("key %s: %d ledger entries, want 1", key, row.count)
		}
		if _, ok := byKey[key]; !ok {
			t.Errorf("key %s: in the ledger, but no caller succeeded", key)
		}
		sumA, sumH = sumA+row.dAvailable, sumH+row.dHeld
	}
	a, h, err := db.Balances(ctx, user)
	if err != nil {
		t.Fatalf("Balances: %v", err)
	}
	if a < 0 || h < 0 || a != sumA || h != sumH {
		t.Errorf("balances %d available, %d held; the ledger sums to %d, %d; want equal and not negative", a, h, sumA, sumH)
	}
	if bad, err := db.Imbalances(ctx); err != nil || len(bad) != 0 {
		t.Errorf("Imbalances = %+v, %v; want none", bad, err)
	}
}

// ledgerRow sums a key's ledger entries.
type ledgerRow struct {
	id                string // one entry's id
	count             int
	dAvailable, dHeld int64
}

// ledgerRows reads the user's ledger, by key, straight from the table.
func ledgerRows(t *testing.T, db *postgres.DB, user string) map[string]ledgerRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rows, err := db.Pool().Query(ctx, `
		SELECT idem_key, min(id), count(*), sum(d_available)::bigint, sum(d_held)::bigint
		FROM credit_ledger WHERE user_id = $1 GROUP BY idem_key`, user)
	if err != nil {
		t.Fatalf("read the ledger: %v", err)
	}
	defer rows.Close()
	out := map[string]ledgerRow{}
	for rows.Next() {
		var (
			key string
			r   ledgerRow
		)
		if err := rows.Scan(&key, &r.id, &r.count, &r.dAvailable, &r.dHeld); err != nil {
			t.Fatalf("read the ledger: %v", err)
		}
		out[key] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read the ledger: %v", err)
	}
	return out
}
