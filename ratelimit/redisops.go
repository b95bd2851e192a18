package ratelimit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/clara-backend/clara/core"
)

// redisLimits are the limits kept in Redis, each operation one atomic
// script on one key: GCRA rates through redis_rate, fixed-window budgets
// and refunds through the scripts of scripts.go. Errors are returned as
// they are; Redis decides what to do with them.
type redisLimits struct {
	client redis.UniversalClient
	gcra   *redis_rate.Limiter
	keys   *keyHasher
}

// newRedisLimits returns the limits kept by client, with key names hashed
// under secret.
func newRedisLimits(client redis.UniversalClient, secret []byte) *redisLimits {
	return &redisLimits{
		client: client,
		gcra:   redis_rate.NewLimiter(rekeyed{client}),
		keys:   newKeyHasher(secret),
	}
}

// gcraLimit is r as redis_rate's limit: Events events per Per, in bursts of
// up to Events, as Memory counts them (emission interval Per/Events, burst
// offset Per).
func gcraLimit(r core.Rate) redis_rate.Limit {
	return redis_rate.Limit{Rate: r.Events, Burst: r.Events, Period: r.Per}
}

// allow takes one event of r for key; r has events and a period.
func (l *redisLimits) allow(ctx context.Context, key string, r core.Rate) (bool, time.Duration, error) {
	if r.Fixed {
		ms, err := allowWindow.Run(ctx, l.client, []string{l.keys.name(kindWindow, key)}, r.Events, windowMillis(r)).Int64()
		if err != nil {
			return false, 0, fmt.Errorf("redis: take from budget: %w", err)
		}
		if ms < 0 {
			return true, 0, nil
		}
		return false, time.Duration(ms) * time.Millisecond, nil
	}
	res, err := l.gcra.Allow(ctx, l.keys.name(kindGCRA, key), gcraLimit(r))
	if err != nil {
		return false, 0, fmt.Errorf("redis: take from rate: %w", err)
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	return false, max(res.RetryAfter, 0), nil
}

// refund gives back one event of r for key; r has events and a period.
func (l *redisLimits) refund(ctx context.Context, key string, r core.Rate) error {
	var err error
	if r.Fixed {
		err = refundWindow.Run(ctx, l.client, []string{l.keys.name(kindWindow, key)}).Err()
	} else {
		err = refundGCRA.Run(ctx, l.client, []string{l.keys.name(kindGCRA, key)}, r.Events, r.Per.Seconds()).Err()
	}
	if err != nil {
		return fmt.Errorf("redis: refund: %w", err)
	}
	return nil
}

// windowMillis is the window of a fixed rate in whole milliseconds, at
// least one.
func windowMillis(r core.Rate) int64 { return max(r.Per.Milliseconds(), 1) }

// redisRatePrefix is the prefix redis_rate puts before every key it is
// given.
const redisRatePrefix = "rate:"

// rekeyed is the client as redis_rate sees it: it takes off the "rate:"
// that redis_rate puts before each key, so that the limiter's keys all
// start with KeyPrefix (one prefix to grant in an ACL, or to scan for).
type rekeyed struct{ redis.UniversalClient }

func (c rekeyed) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return c.UniversalClient.Eval(ctx, script, unprefix(keys), args...)
}

func (c rekeyed) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return c.UniversalClient.EvalSha(ctx, sha1, unprefix(keys), args...)
}

func (c rekeyed) EvalRO(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return c.UniversalClient.EvalRO(ctx, script, unprefix(keys), args...)
}

func (c rekeyed) EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return c.UniversalClient.EvalShaRO(ctx, sha1, unprefix(keys), args...)
}

func (c rekeyed) Del(ctx context.Context, keys ...string) *redis.IntCmd {
	return c.UniversalClient.Del(ctx, unprefix(keys)...)
}

// unprefix returns keys without redis_rate's prefix.
func unprefix(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimPrefix(k, redisRatePrefix)
	}
	return out
}
