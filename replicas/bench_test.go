package replicas

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkReplicas drives a mixed REST load (reading the user, the
// ledger and the tasks, and the health check) through the round-robin
// proxy at 1, 2 and 3 serves on one PostgreSQL and one Redis, and reports
// requests per second and the 50th and 99th percentiles. The proxy and
// the load run in this process, on the same cores as the serves.
//
//	go test -run '^$' -bench Replicas -benchtime 5s ./replicas/
func BenchmarkReplicas(b *testing.B) {
	for n := 1; n <= 3; n++ {
		b.Run(fmt.Sprintf("serves=%d", n), func(b *testing.B) {
			c := startCluster(b, options{serves: n, redis: true, env: []string{"CLARA_RATE_LIMIT=100000", "CLARA_LOG_LEVEL=warn"}})
			a := c.signUp(b, "bench@example.com")
			paths := []string{"/users/" + a.ID, "/users/" + a.ID, "/users/" + a.ID + "/transactions", "/users/" + a.ID + "/tasks", "/health"}
			const clients = 16
			var mu sync.Mutex
			var latencies []time.Duration
			failed := 0
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			per := b.N/clients + 1
			for g := range clients {
				wg.Go(func() {
					mine := make([]time.Duration, 0, per)
					bad := 0
					for i := range per {
						t0 := time.Now()
						if c.call(anyReplica, "GET", paths[(g+i)%len(paths)], "Bearer "+a.APIKey, nil).status != http.StatusOK {
							bad++
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					latencies = append(latencies, mine...)
					failed += bad
					mu.Unlock()
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if failed > 0 {
				b.Fatalf("%d of %d requests failed", failed, len(latencies))
			}
			slices.Sort(latencies)
			b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
