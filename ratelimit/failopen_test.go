package ratelimit

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/internal/redistest"
	"github.com/clara-backend/clara/internal/testclock"
)

// The log lines of an outage.
const (
	logDown = "Redis does not answer"
	logUp   = "Redis answers again"
)

// outageEnv is a limiter on a Redis server of the test's own, with a
// settable clock for its retries, its log and its metrics.
type outageEnv struct {
	srv   *redistest.Server
	l     *Redis
	clock *testclock.Clock
	log   *logbuf.Buffer
	reg   *prometheus.Registry
}

func newOutageEnv(t *testing.T) *outageEnv {
	t.Helper()
	e := &outageEnv{srv: redistest.Start(t), clock: newClock(), log: &logbuf.Buffer{}, reg: prometheus.NewRegistry()}
	e.l = newRedis(t, e.srv.URL(), RedisOptions{
		Now: e.clock.Now, Logger: slog.New(slog.NewJSONHandler(e.log, nil)), Metrics: e.reg,
	})
	return e
}

// requireMetrics checks the metrics the registry exports.
func (e *outageEnv) requireMetrics(t *testing.T, up, fallback int) {
	t.Helper()
	want := "# HELP clara_ratelimit_fallback_total Rate-limit decisions and refunds this process made in memory because Redis did not answer.\n" +
		"# TYPE clara_ratelimit_fallback_total counter\n" +
		"clara_ratelimit_fallback_total " + strconv.Itoa(fallback) + "\n" +
		"# HELP clara_ratelimit_redis_up 1 while Redis answers and rate limits are shared by every replica; 0 while this process keeps them in memory.\n" +
		"# TYPE clara_ratelimit_redis_up gauge\n" +
		"clara_ratelimit_redis_up " + strconv.Itoa(up) + "\n"
	if err := testutil.GatherAndCompare(e.reg, strings.NewReader(want), metricFallback, metricRedisUp); err != nil {
		t.Error(err)
	}
}

// requireLog checks how many lines of the outage were logged.
func (e *outageEnv) requireLog(t *testing.T, down, up int) {
	t.Helper()
	if n := len(e.log.Lines(logDown, `"level":"WARN"`)); n != down {
		t.Errorf("%d warnings that Redis does not answer, want %d; log:\n%s", n, down, e.log)
	}
	if n := len(e.log.Lines(logUp, `"level":"INFO"`)); n != up {
		t.Errorf("%d notes that Redis answers again, want %d; log:\n%s", n, up, e.log)
	}
}

// TestRedisKilledFallsBackToMemoryAndBack: with Redis gone, answers go on
// from memory, limited there, counted and said once; Redis is not tried
// again before the retry interval; once it answers, limits are shared
// again and that is said once too.
func TestRedisKilledFallsBackToMemoryAndBack(t *testing.T) {
	e := newOutageEnv(t)
	rate := core.Rate{Events: 3, Per: time.Hour}
	requireRedisAllows(t, e.l, "k", rate, 3) // spent in Redis
	e.requireMetrics(t, 1, 0)

	e.srv.Kill(t)
	// Memory knows nothing of Redis's count: three more, then refused.
	requireRedisAllows(t, e.l, "k", rate, 3)
	if ok, retry := e.l.Allow("k", rate); ok || retry != 20*time.Minute {
		t.Fatalf("from memory: ok %v, retry %v; want refused for 20m", ok, retry)
	}
	if e.l.Shared() {
		t.Fatal("Shared with Redis killed")
	}
	e.requireMetrics(t, 0, 4)
	e.requireLog(t, 1, 0)

	// Back, but not tried before the retry interval has passed.
	e.srv.Restart(t)
	for range 5 {
		e.l.Allow("other", rate)
	}
	if e.l.Shared() {
		t.Fatal("Redis tried again before the retry interval")
	}
	e.requireMetrics(t, 0, 9)
	awaitShared(t, e)
	e.requireLog(t, 1, 1)
	// The restarted server is empty: the key starts over, in Redis.
	requireRedisAllows(t, e.l, "k", rate, 2)
}

// awaitShared advances the clock past retry intervals until a call finds
// Redis answering (a restarted server may take a moment to be dialled
// again).
func awaitShared(t *testing.T, e *outageEnv) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !e.l.Shared() {
		if time.Now().After(deadline) {
			t.Fatalf("still in memory 10 s after Redis came back; log:\n%s", e.log)
		}
		e.clock.Advance(DefaultRedisRetryEvery)
		e.l.Allow("probe", core.Rate{Events: 1 << 30, Per: time.Second})
		time.Sleep(10 * time.Millisecond)
	}
	if n := testutil.ToFloat64(e.l.metrics.up); n != 1 {
		t.Errorf("clara_ratelimit_redis_up %v once shared again, want 1", n)
	}
}

// TestRedisHangingFallsBackWithinTheTimeout: a server that accepts but
// never answers costs a call the timeout, then memory answers.
func TestRedisHangingFallsBackWithinTheTimeout(t *testing.T) {
	e := newOutageEnv(t)
	rate := core.Rate{Events: 2, Per: time.Hour, Fixed: true}
	requireRedisAllows(t, e.l, "k", rate, 1)
	e.srv.Pause(t)
	start := time.Now()
	requireRedisAllows(t, e.l, "k", rate, 2) // the first waits for the timeout
	e.l.Refund("k", rate)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("calls to a hanging Redis took %v", took)
	}
	if e.l.Shared() {
		t.Fatal("Shared with Redis hanging")
	}
	e.requireMetrics(t, 0, 3)
	// Failed retries are no new outage.
	for range 3 {
		e.clock.Advance(DefaultRedisRetryEvery)
		e.l.Allow("k", rate)
	}
	e.requireLog(t, 1, 0)
	e.srv.Resume(t)
	awaitShared(t, e)
	e.requireLog(t, 1, 1)
	// Redis kept its count: one taken before, maybe one by a timed-out call.
	if ok, _ := e.l.Allow("k", rate); ok {
		if ok, _ := e.l.Allow("k", rate); ok {
			t.Error("Redis lost its count over the pause")
		}
	}
}

// TestRedisPingAtStart: a failed ping switches to memory and says so; a
// good one keeps Redis.
func TestRedisPingAtStart(t *testing.T) {
	e := newOutageEnv(t)
	if err := e.l.Ping(context.Background()); err != nil || !e.l.Shared() {
		t.Fatalf("Ping: %v, shared %v", err, e.l.Shared())
	}
	e.srv.Kill(t)
	if err := e.l.Ping(context.Background()); err == nil || e.l.Shared() {
		t.Fatalf("Ping of a killed server: %v, shared %v", err, e.l.Shared())
	}
	e.requireLog(t, 1, 0)
	e.requireMetrics(t, 0, 0)
}
