package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/internal/promreg"
)

// The names of the HTTP metrics.
const (
	metricRequests = "clara_http_requests_total"
	metricDuration = "clara_http_request_duration_seconds"
)

// durationBuckets suit an API whose answers mostly take a millisecond or
// two, with a tail up to the slow analysis and payment calls.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// metrics are the HTTP metrics. Their labels are bounded: method is one of
// the standard methods or OTHER, route is a chi pattern or "unmatched" and
// code an HTTP status. The children of each label set are cached, so a
// request costs two map reads under a shared lock, no allocation.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu        sync.RWMutex
	counters  map[counterKey]prometheus.Counter
	observers map[observerKey]prometheus.Observer
}

type counterKey struct {
	method, route string
	code          int
}

type observerKey struct {
	method, route string
}

// newMetrics registers the HTTP metrics with reg, or reuses the ones
// registered there already.
func newMetrics(reg prometheus.Registerer) *metrics {
	return &metrics{
		requests: promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRequests,
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"})),
		duration: promreg.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    metricDuration,
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: durationBuckets,
		}, []string{"method", "route"})),
		counters:  make(map[counterKey]prometheus.Counter),
		observers: make(map[observerKey]prometheus.Observer),
	}
}

// measure counts and times every request once it is answered.
func (s *server) measure(next http.Handler) http.Handler {
	if s.metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panicked := true
		defer func() {
			if t := trackerOf(r.Context()); t != nil {
				s.metrics.observe(methodLabel(r.Method), t.routeLabel(), t.finalStatus(panicked), time.Since(t.start))
			}
		}()
		next.ServeHTTP(w, r)
		panicked = false
	})
}

// observe records one answered request.
func (m *metrics) observe(method, route string, code int, d time.Duration) {
	ck := counterKey{method, route, code}
	dk := observerKey{method, route}
	m.mu.RLock()
	c, haveC := m.counters[ck]
	o, haveO := m.observers[dk]
	m.mu.RUnlock()
	if !haveC || !haveO {
		c, o = m.children(ck, dk)
	}
	c.Inc()
	o.Observe(d.Seconds())
}

// children returns, creating and caching them, the metrics of one label set.
func (m *metrics) children(ck counterKey, dk observerKey) (prometheus.Counter, prometheus.Observer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, found := m.counters[ck]
	if !found {
		c = m.requests.WithLabelValues(ck.method, ck.route, strconv.Itoa(ck.code))
		m.counters[ck] = c
	}
	o, found := m.observers[dk]
	if !found {
		o = m.duration.WithLabelValues(dk.method, dk.route)
		m.observers[dk] = o
	}
	return c, o
}

// methodLabel returns method when it is a standard one, else "OTHER", so
// that clients cannot grow the metrics with made-up methods.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodOptions:
		return http.MethodOptions
	case http.MethodConnect:
		return http.MethodConnect
	case http.MethodTrace:
		return http.MethodTrace
	}
	return "OTHER"
}
