package tools

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// counted returns clara_mcp_tool_calls_total{tool,outcome} as gathered.
func counted(t *testing.T, reg *prometheus.Registry, tool, outcome string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "clara_mcp_tool_calls_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["tool"] == tool && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestToolCallMetrics(t *testing.T) {
	svc, _ := newService(t)
	logger, _ := testLogger(t)
	reg := prometheus.NewRegistry()
	_ = NewServer(svc, Options{Metrics: reg}) // a second server reuses the counter
	s := NewServer(svc, Options{ValidateOutput: true, Logger: logger, Metrics: reg})
	addTestTools(s, logger)
	c := inProcess(t, s, false)

	call(t, c, "health", nil)
	call(t, c, "health", nil)
	call(t, c, "test_fail", map[string]any{"code": "not_found"})
	call(t, c, "test_fail", map[string]any{}) // schema violation
	_, _ = callErr(t, c, "test_fail", map[string]any{"code": "internal"})
	_, _ = callErr(t, c, "made_up_tool", nil)

	for _, tc := range []struct {
		tool, outcome string
		want          float64
	}{
		{"health", "ok", 2},
		{"test_fail", "tool_error", 2},
		{"test_fail", "protocol_error", 1},
		{"unknown", "protocol_error", 1},
	} {
		if got := counted(t, reg, tc.tool, tc.outcome); got != tc.want {
			t.Errorf("%s/%s counted %v, want %v", tc.tool, tc.outcome, got, tc.want)
		}
	}
}
