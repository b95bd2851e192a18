package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/clara-backend/clara/core"
)

// Defaults of RedisOptions.
const (
	// DefaultRedisTimeout bounds each call to Redis: a request waits at
	// most this long for its limit before it is answered from memory.
	DefaultRedisTimeout = 150 * time.Millisecond
	// DefaultRedisRetryEvery is how often, while Redis does not answer,
	// one call tries it again; the others meanwhile go to memory at once.
	DefaultRedisRetryEvery = time.Second
)

// RedisOptions tune a Redis limiter. The zero value is usable.
type RedisOptions struct {
	// KeySecret keys the HMAC-SHA-256 that names the Redis keys of limiter
	// keys, which hold addresses and emails; every replica must use the
	// same. Empty: plain SHA-256.
	KeySecret []byte
	// Timeout bounds each call to Redis (0: DefaultRedisTimeout).
	Timeout time.Duration
	// RetryEvery is how often Redis is tried again while it does not
	// answer (0: DefaultRedisRetryEvery).
	RetryEvery time.Duration
	// Now is the clock of the retries and of the limits kept in memory
	// (nil: time.Now). The limits kept in Redis run on the server's clock,
	// so that replicas whose clocks differ agree.
	Now func() time.Time
	// Logger is told, once per outage, that Redis stopped answering and,
	// once it answers again, that it did (nil: nothing is logged).
	Logger *slog.Logger
	// Metrics is where clara_ratelimit_redis_up and
	// clara_ratelimit_fallback_total are registered (nil: nowhere).
	Metrics prometheus.Registerer
}

// Redis implements core.Limiter in Redis: every process that uses one
// server shares each limit and budget, each decision one atomic script on
// the server. Rates are redis_rate's GCRA with the burst of Memory; fixed
// budgets are a count that expires with its window; refunds are scripts on
// the same keys. Keys are named by KeyPrefix and a hash (see keyHasher).
//
// Limits fail open to memory: when Redis errs or does not answer within
// the timeout, the call is answered by an in-memory limiter of this
// process, as when no Redis is configured, and so is every call after it
// until, at most once per RetryEvery, one call finds Redis answering again.
// Events counted in one place are not known in the other: a refund of an
// event taken before the switch gives nothing back, and a key starts over
// on each side.
type Redis struct {
	limits     *redisLimits
	fallback   *Memory
	timeout    time.Duration
	retryEvery time.Duration
	now        func() time.Time
	log        *slog.Logger
	metrics    *metrics

	down    atomic.Bool  // Redis did not answer the last call made to it
	retryAt atomic.Int64 // while down: when (Unix nanoseconds) one call may try Redis again
}

// NewRedis returns a limiter that keeps its limits in client's server. It
// does not own client: the caller closes it, once the limiter is no longer
// used.
func NewRedis(client redis.UniversalClient, o RedisOptions) *Redis {
	if o.Timeout <= 0 {
		o.Timeout = DefaultRedisTimeout
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = DefaultRedisRetryEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Redis{
		limits: newRedisLimits(client, o.KeySecret), fallback: New(o.Now),
		timeout: o.Timeout, retryEvery: o.RetryEvery, now: o.Now,
		log: o.Logger, metrics: newMetrics(o.Metrics),
	}
	l.metrics.up.Set(1)
	return l
}

// Allow implements core.Limiter, in Redis or, when it does not answer, in
// memory. A rate of no events or no period allows everything.
func (l *Redis) Allow(key string, r core.Rate) (bool, time.Duration) {
	if r.Events <= 0 || r.Per <= 0 {
		return true, 0
	}
	if l.tryRedis() {
		ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
		ok, retry, err := l.limits.allow(ctx, key, r)
		cancel()
		if l.answered(err) {
			return ok, retry
		}
	}
	l.metrics.fallback.Inc()
	return l.fallback.Allow(key, r)
}

// Refund implements core.Limiter, in Redis or, when it does not answer, in
// memory. A key with nothing taken is left as it is.
func (l *Redis) Refund(key string, r core.Rate) {
	if r.Events <= 0 || r.Per <= 0 {
		return
	}
	if l.tryRedis() {
		ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
		err := l.limits.refund(ctx, key, r)
		cancel()
		if l.answered(err) {
			return
		}
	}
	l.metrics.fallback.Inc()
	l.fallback.Refund(key, r)
}

// Ping asks Redis whether it answers, within ctx, and takes the answer as
// any call's: an error switches the limits to memory (and says so), a
// reply to Redis.
func (l *Redis) Ping(ctx context.Context) error {
	err := l.limits.client.Ping(ctx).Err()
	if err != nil {
		err = fmt.Errorf("ping Redis: %w", err)
	}
	l.answered(err)
	return err
}

// Shared reports whether the limits are kept in Redis now: true unless
// the last call made to Redis failed.
func (l *Redis) Shared() bool { return !l.down.Load() }

// tryRedis reports whether this call goes to Redis: always while it
// answers; while it does not, one call per retry interval.
func (l *Redis) tryRedis() bool {
	if !l.down.Load() {
		return true
	}
	now := l.now().UnixNano()
	at := l.retryAt.Load()
	return now >= at && l.retryAt.CompareAndSwap(at, now+int64(l.retryEvery))
}

// answered records the outcome of a call to Redis and reports whether it
// succeeded. The first failure after a success, and the first success
// after a failure, are logged and change clara_ratelimit_redis_up.
func (l *Redis) answered(err error) bool {
	if err == nil {
		if l.down.CompareAndSwap(true, false) {
			l.metrics.up.Set(1)
			l.log.Info("Redis answers again: rate limits are shared by every replica")
		}
		return true
	}
	l.retryAt.Store(l.now().Add(l.retryEvery).UnixNano())
	if l.down.CompareAndSwap(false, true) {
		l.metrics.up.Set(0)
		l.log.Warn("Redis does not answer: rate limits are kept in this process until it does",
			"err", err, "retry_every", l.retryEvery.String())
	}
	return false
}
