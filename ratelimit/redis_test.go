package ratelimit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/redistest"
)

// newRedis returns a limiter on the Redis at url, as one replica would
// hold it: its own client, closed when t ends.
func newRedis(t testing.TB, url string, o RedisOptions) *Redis {
	t.Helper()
	c, err := NewRedisClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return NewRedis(c, o)
}

// replicas returns two limiters on one Redis database, as two replicas of
// Clara hold them.
func replicas(t *testing.T) (*Redis, *Redis) {
	url := redistest.NewURL(t)
	return newRedis(t, url, RedisOptions{}), newRedis(t, url, RedisOptions{})
}

// rates are a rate and a fixed budget of two events an hour: nothing
// refills during a test.
var rates = []core.Rate{{Events: 2, Per: time.Hour}, {Events: 2, Per: time.Hour, Fixed: true}}

// TestRedisReplicasShareTheLimit: callers spread over two replicas get
// Events events in all, not Events each, of a rate and of a budget.
func TestRedisReplicasShareTheLimit(t *testing.T) {
	a, b := replicas(t)
	for _, rate := range []core.Rate{{Events: 25, Per: time.Hour}, {Events: 25, Per: time.Hour, Fixed: true}} {
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 200 {
			l := a
			if i%2 == 1 {
				l = b
			}
			wg.Go(func() {
				if ok, _ := l.Allow("shared", rate); ok {
					allowed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := allowed.Load(); n != 25 {
			t.Errorf("%+v: %d allowed across two replicas, want exactly 25", rate, n)
		}
		if !a.Shared() || !b.Shared() {
			t.Fatalf("%+v: a replica fell back to memory", rate)
		}
	}
}

// TestRedisRefundAcrossReplicas: an event one replica took, another gives
// back, exactly one, for both kinds of rate; a refund of a key with
// nothing taken gives nothing.
func TestRedisRefundAcrossReplicas(t *testing.T) {
	a, b := replicas(t)
	for _, rate := range rates {
		key := fmt.Sprint(rate)
		b.Refund(key, rate) // nothing taken: no credit
		requireRedisAllows(t, a, key, rate, 2)
		if ok, _ := a.Allow(key, rate); ok {
			t.Fatalf("%v: third event allowed", rate)
		}
		b.Refund(key, rate)
		if ok, _ := a.Allow(key, rate); !ok {
			t.Fatalf("%v: event after a refund on the other replica refused", rate)
		}
		if ok, _ := b.Allow(key, rate); ok {
			t.Fatalf("%v: a refund gave back more than one event", rate)
		}
	}
}

// TestRedisRefundOfTheOnlyEvent: a refund that makes a bucket full again
// counts too (redis_rate's AllowN with n = -1 loses exactly this one: it
// writes nothing when the new arrival time is not in the future).
func TestRedisRefundOfTheOnlyEvent(t *testing.T) {
	a, b := replicas(t)
	for _, rate := range rates {
		key := "only:" + fmt.Sprint(rate)
		requireRedisAllows(t, a, key, rate, 1)
		b.Refund(key, rate)
		requireRedisAllows(t, b, key, rate, 2)
		if ok, _ := a.Allow(key, rate); ok {
			t.Fatalf("%v: more than the burst after a refund", rate)
		}
	}
}

// requireRedisAllows takes n events of rate for key, each of which must be
// allowed.
func requireRedisAllows(t *testing.T, l *Redis, key string, rate core.Rate, n int) {
	t.Helper()
	for i := range n {
		if ok, _ := l.Allow(key, rate); !ok {
			t.Fatalf("%v: event %d refused", rate, i+1)
		}
	}
}

// TestRedisRetryAfter: a refusal says how long until the next event would
// be allowed, as Memory does: one emission interval for a rate, the rest
// of the window for a budget (Redis counts in microseconds and
// milliseconds, and its clock runs while the test does).
func TestRedisRetryAfter(t *testing.T) {
	a, _ := replicas(t)
	cases := []struct {
		rate   core.Rate
		lo, hi time.Duration
	}{
		{core.Rate{Events: 10, Per: time.Hour}, 5 * time.Minute, 6 * time.Minute},
		{core.Rate{Events: 3, Per: 15 * time.Minute, Fixed: true}, 14 * time.Minute, 15 * time.Minute},
	}
	for _, c := range cases {
		requireRedisAllows(t, a, "retry", c.rate, c.rate.Events)
		ok, retry := a.Allow("retry", c.rate)
		if ok || retry <= c.lo || retry > c.hi {
			t.Errorf("%+v: ok %v, retry after %v; want refused, retry in (%v, %v]", c.rate, ok, retry, c.lo, c.hi)
		}
	}
}

// TestRedisRefills: a refused key is allowed again once its retry-after
// has passed, for a rate and for a budget (real time: Redis keeps its own
// clock; the periods are short).
func TestRedisRefills(t *testing.T) {
	a, _ := replicas(t)
	for _, rate := range []core.Rate{{Events: 2, Per: 200 * time.Millisecond}, {Events: 2, Per: 200 * time.Millisecond, Fixed: true}} {
		requireRedisAllows(t, a, "refill", rate, 2)
		ok, retry := a.Allow("refill", rate)
		if ok || retry <= 0 || retry > rate.Per {
			t.Fatalf("%+v: ok %v, retry after %v; want refused for at most %v", rate, ok, retry, rate.Per)
		}
		time.Sleep(retry + 20*time.Millisecond)
		if ok, retry := a.Allow("refill", rate); !ok {
			t.Fatalf("%+v: refused again after waiting the retry-after (retry %v)", rate, retry)
		}
	}
}

// TestRedisKeysAreHashed: every key in Redis starts with KeyPrefix, shows
// its namespace and hides the rest, however long; the names depend on the
// key secret.
func TestRedisKeysAreHashed(t *testing.T) {
	url := redistest.NewURL(t)
	l := newRedis(t, url, RedisOptions{KeySecret: []byte("replica secret")})
	keys := []string{
		"login-fail:ann@example.com|203.0.113.9",
		"ip:203.0.113.9",
		"oauth-register:" + strings.Repeat("x", 10_000),
		"Odd Namespace:ann@example.com",
	}
	for _, k := range keys {
		l.Allow(k, core.Rate{Events: 5, Per: time.Hour})
		l.Allow(k, core.Rate{Events: 5, Per: time.Hour, Fixed: true})
	}
	c := rawClient(t, url)
	names, err := c.Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2*len(keys) {
		t.Fatalf("%d keys in Redis, want %d: %q", len(names), 2*len(keys), names)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, KeyPrefix+kindGCRA) && !strings.HasPrefix(n, KeyPrefix+kindWindow) || len(n) > 80 {
			t.Errorf("key %q: want %s<kind>… of at most 80 bytes", n, KeyPrefix)
		}
		for _, clear := range []string{"ann", "example", "203.0.113", "xxxx", "Odd"} {
			if strings.Contains(n, clear) {
				t.Errorf("key %q shows %q in clear", n, clear)
			}
		}
	}
	want := KeyPrefix + kindGCRA + "login-fail:"
	if !strings.HasPrefix(l.limits.keys.name(kindGCRA, keys[0]), want) {
		t.Errorf("name %q does not start with its namespace %q", l.limits.keys.name(kindGCRA, keys[0]), want)
	}
	other := newKeyHasher([]byte("another secret"))
	if other.name(kindGCRA, keys[0]) == l.limits.keys.name(kindGCRA, keys[0]) {
		t.Error("names do not depend on the key secret")
	}
}

// rawClient returns a plain client of url, closed when t ends.
func rawClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestRedisNoRateAllowsEverything: a rate of no events or no period never
// reaches Redis, nor memory.
func TestRedisNoRateAllowsEverything(t *testing.T) {
	l := newRedis(t, "redis://127.0.0.1:1/0", RedisOptions{})
	for _, r := range []core.Rate{{}, {Events: 5}, {Per: time.Second}} {
		if ok, _ := l.Allow("k", r); !ok {
			t.Fatalf("%+v limited", r)
		}
		l.Refund("k", r)
	}
	if !l.Shared() {
		t.Fatal("a call without a rate went to Redis")
	}
}

// TestNewRedisClientHidesThePassword: a bad URL's error does not repeat
// it.
func TestNewRedisClientHidesThePassword(t *testing.T) {
	for _, url := range []string{"redis://:s3cret@host:port/0", "http://:s3cret@host/0", "redis://:s3cret@host/x"} {
		_, err := NewRedisClient(url)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: err = %v, want an error without the password", url, err)
		}
	}
}
