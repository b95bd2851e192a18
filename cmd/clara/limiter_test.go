package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/internal/redistest"
	"github.com/clara-backend/clara/ratelimit"
)

// TestNewLimiter: no CLARA_REDIS_URL keeps limits in memory; one keeps
// them in Redis, pinged at start, with its metrics on the app's registry;
// a Redis that does not answer at start is said once, and the process
// goes on with limits in memory.
func TestNewLimiter(t *testing.T) {
	ctx := context.Background()
	rate := core.Rate{Events: 1, Per: time.Hour}
	var buf logbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))

	if l, ok := limiterOf(t, ctx, config.Config{}, log, prometheus.NewRegistry()).(*ratelimit.Memory); !ok || limitsMode(config.Config{}) != "memory" {
		t.Fatalf("without CLARA_REDIS_URL: %T", l)
	}

	cfg := config.Config{RedisURL: redistest.NewURL(t), TokenSecret: "a token secret of thirty-two bytes!"}
	reg := prometheus.NewRegistry()
	l, ok := limiterOf(t, ctx, cfg, log, reg).(*ratelimit.Redis)
	if !ok || !l.Shared() || limitsMode(cfg) != "redis" {
		t.Fatalf("with CLARA_REDIS_URL: %T, shared %v", l, ok && l.Shared())
	}
	if ok, _ := l.Allow("k", rate); !ok {
		t.Fatal("first event refused")
	}
	if n, err := testutil.GatherAndCount(reg, "clara_ratelimit_redis_up", "clara_ratelimit_fallback_total"); err != nil || n != 2 {
		t.Fatalf("%d limiter metrics on the registry (err %v), want 2", n, err)
	}
	// Another replica, with the same token secret, shares the key.
	other := limiterOf(t, ctx, cfg, log, prometheus.NewRegistry())
	if ok, _ := other.Allow("k", rate); ok {
		t.Fatal("the other replica does not share the limit")
	}

	srv := redistest.Start(t)
	url := srv.URL()
	srv.Kill(t)
	down, ok := limiterOf(t, ctx, config.Config{RedisURL: url}, log, prometheus.NewRegistry()).(*ratelimit.Redis)
	if !ok || down.Shared() {
		t.Fatalf("with Redis down at start: %T, shared %v", down, ok && down.Shared())
	}
	if ok, _ := down.Allow("k", rate); !ok {
		t.Fatal("with Redis down, the first event is refused")
	}
	if n := len(buf.Lines("Redis does not answer", `"level":"WARN"`)); n != 1 {
		t.Fatalf("%d warnings that Redis does not answer, want 1; log:\n%s", n, buf.String())
	}
}

// limiterOf returns newLimiter's limiter, closed when t ends.
func limiterOf(t *testing.T, ctx context.Context, cfg config.Config, log *slog.Logger, reg prometheus.Registerer) core.Limiter {
	l, closeLimiter := newLimiter(ctx, cfg, log, reg)
	t.Cleanup(func() {
		if err := closeLimiter(); err != nil {
			t.Errorf("close the limiter: %v", err)
		}
	})
	return l
}
