package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/ratelimit"
)

// redisPingTimeout bounds the ping of Redis at start, which may dial and
// shake hands (TLS) first.
const redisPingTimeout = 2 * time.Second

// newLimiter returns the process's rate limiter: in Redis, shared by every
// replica, when CLARA_REDIS_URL is set, else in memory. Redis is pinged
// once now; if it does not answer, the limiter says so and keeps limits in
// memory until it does, and the process starts all the same: limits fail
// open, and nothing else (sign-in least of all) depends on Redis. The
// limiter's metrics go to reg. closeLimiter closes its connections.
func newLimiter(ctx context.Context, cfg config.Config, log *slog.Logger, reg prometheus.Registerer) (l core.Limiter, closeLimiter func() error) {
	noop := func() error { return nil }
	if cfg.RedisURL == "" {
		return ratelimit.New(nil), noop
	}
	client, err := ratelimit.NewRedisClient(cfg.RedisURL)
	if err != nil { // config has read it already: not expected
		log.Error("CLARA_REDIS_URL: rate limits are kept in memory", "err", err)
		return ratelimit.New(nil), noop
	}
	redis.SetLogger(redisLog{log})
	shared := ratelimit.NewRedis(client, ratelimit.RedisOptions{
		KeySecret: limiterKeySecret(cfg.TokenSecret), Logger: log, Metrics: reg,
	})
	ctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	_ = shared.Ping(ctx) // a failure is logged by the limiter
	return shared, client.Close
}

// limitsMode names where rate limits are kept, for the start-up line.
func limitsMode(cfg config.Config) string {
	if cfg.RedisURL == "" {
		return "memory"
	}
	return "redis"
}

// limiterKeySecret derives, from the token secret every replica shares, the
// key that hashes limiter keys (addresses, emails) into Redis key names.
func limiterKeySecret(tokenSecret string) []byte {
	m := hmac.New(sha256.New, []byte(tokenSecret))
	m.Write([]byte("clara rate-limit key names"))
	return m.Sum(nil)
}

// redisLog passes the Redis client's own messages (each failed dial,
// among others) to the log at debug level: the limiter says once, at
// warning level, what an outage means.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
