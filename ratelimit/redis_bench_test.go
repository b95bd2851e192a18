package ratelimit

import (
	"strconv"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/redistest"
)

// benchRate never refuses during a benchmark.
var benchRate = core.Rate{Events: 1 << 30, Per: time.Second}

// BenchmarkRedisAllow is the cost of a decision in Redis (a local
// redis-server on loopback), from parallel callers on one key: the
// throughput of one replica.
func BenchmarkRedisAllow(b *testing.B) {
	l := newRedis(b, redistest.NewURL(b), RedisOptions{KeySecret: []byte("bench")})
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Allow("caller", benchRate)
		}
	})
	requireShared(b, l)
}

// BenchmarkRedisAllowSerial is the latency one request pays for its limit:
// one caller, one round trip at a time, over many keys.
func BenchmarkRedisAllowSerial(b *testing.B) {
	l := newRedis(b, redistest.NewURL(b), RedisOptions{KeySecret: []byte("bench")})
	n := 0
	for b.Loop() {
		n++
		l.Allow("ip:"+strconv.Itoa(n%1024), benchRate)
	}
	requireShared(b, l)
}

// BenchmarkRedisAllowFixed is BenchmarkRedisAllow for a fixed-window
// budget.
func BenchmarkRedisAllowFixed(b *testing.B) {
	l := newRedis(b, redistest.NewURL(b), RedisOptions{KeySecret: []byte("bench")})
	rate := core.Rate{Events: 1 << 30, Per: time.Hour, Fixed: true}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Allow("caller", rate)
		}
	})
	requireShared(b, l)
}

// requireShared fails a benchmark whose calls fell back to memory: its
// figures would not be Redis's.
func requireShared(b *testing.B, l *Redis) {
	b.Helper()
	if !l.Shared() {
		b.Fatal("Redis did not answer: the figures are memory's")
	}
}
