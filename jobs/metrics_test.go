package jobs

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/store"
)

// A failed attempt counts as a retry, the next one as done, and both are
// timed.
func TestMetricsCountAttempts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		var attempts atomic.Int32
		rec := &recorder{fn: func(context.Context, call) error {
			if attempts.Add(1) == 1 {
				return errors.New("first attempt fails")
			}
			return nil
		}}
		reg := prometheus.NewRegistry()
		cfg := testConfig(t)
		cfg.Metrics = reg
		j := started(t, db, rec, cfg)
		id := newTaskID()
		enqueue(t, db, j, id)
		rec.await(t, id, 2)
		awaitState(t, j, id, rivertype.JobStateCompleted)
		want := `
# HELP clara_analysis_attempts_total Attempts of analysis jobs in this process, by outcome (done, retry).
# TYPE clara_analysis_attempts_total counter
clara_analysis_attempts_total{outcome="done"} 1
clara_analysis_attempts_total{outcome="retry"} 1
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "clara_analysis_attempts_total"); err != nil {
			t.Error(err)
		}
		if n := testutil.CollectAndCount(reg, "clara_analysis_attempt_seconds"); n != 1 {
			t.Errorf("%d attempt-time series, want 1", n)
		}
	})
}
