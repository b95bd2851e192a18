package jobs

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/internal/promreg"
)

// The outcomes of an analysis attempt, as counted.
const (
	attemptDone  = "done"  // the task finished (completed or failed) or was already finished
	attemptRetry = "retry" // the attempt returned an error: the job is retried
)

// metrics counts analysis attempts and times them.
type metrics struct {
	attempts *prometheus.CounterVec
	seconds  prometheus.Histogram
}

// newMetrics registers the metrics on reg (nil: none), reusing those an
// earlier queue registered on the same registry.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clara_analysis_attempts_total",
			Help: "Attempts of analysis jobs in this process, by outcome (done, retry).",
		}, []string{"outcome"}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "clara_analysis_attempt_seconds",
			Help:    "How long analysis attempts in this process took.",
			Buckets: []float64{0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600},
		}),
	}
	m.attempts = promreg.Register(reg, m.attempts)
	m.seconds = promreg.Register(reg, m.seconds)
	return m
}

// observe records an attempt that started at start and ended with err.
func (m *metrics) observe(start time.Time, err error) {
	if m == nil {
		return
	}
	outcome := attemptDone
	if err != nil {
		outcome = attemptRetry
	}
	m.attempts.WithLabelValues(outcome).Inc()
	m.seconds.Observe(time.Since(start).Seconds())
}
