package ratelimit

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/internal/promreg"
)

// The names of the metrics of the Redis limiter.
const (
	metricRedisUp  = "clara_ratelimit_redis_up"
	metricFallback = "clara_ratelimit_fallback_total"
)

// metrics say whether this process's limits are shared, and how often
// they were not.
type metrics struct {
	up       prometheus.Gauge
	fallback prometheus.Counter
}

// newMetrics registers the metrics on reg (nil: kept but not exported),
// reusing those an earlier limiter registered on the same registry.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricRedisUp,
			Help: "1 while Redis answers and rate limits are shared by every replica; 0 while this process keeps them in memory.",
		}),
		fallback: prometheus.NewCounter(prometheus.CounterOpts{
			Name: metricFallback,
			Help: "Rate-limit decisions and refunds this process made in memory because Redis did not answer.",
		}),
	}
	if reg != nil {
		m.up = promreg.Register(reg, m.up)
		m.fallback = promreg.Register(reg, m.fallback)
	}
	return m
}
