package quietlog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestDemoted(t *testing.T) {
	var out bytes.Buffer
	for _, tc := range []struct {
		min  slog.Level
		want []string
		not  []string
	}{
		{slog.LevelInfo, []string{"level=WARN msg=careful", "level=ERROR msg=broken"}, []string{"applied", "detail"}},
		{slog.LevelDebug, []string{"level=DEBUG msg=applied", "level=DEBUG msg=detail", "level=WARN msg=careful"}, nil},
	} {
		out.Reset()
		l := Demoted(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: tc.min})))
		l.Info("applied")
		l.Debug("detail")
		l.Warn("careful")
		l.With("k", "v").WithGroup("g").Error("broken")
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("at %v: %q missing from\n%s", tc.min, w, &out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out.String(), n) {
				t.Errorf("at %v: %q logged:\n%s", tc.min, n, &out)
			}
		}
	}
	Demoted(nil).Error("discarded") // must not panic
}
