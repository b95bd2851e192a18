package main

import (
	"runtime/debug"
	"testing"
)

func TestResolveRelease(t *testing.T) {
	stamped := func(v string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	for _, tc := range []struct {
		override string
		info     *debug.BuildInfo
		want     string
	}{
		{"1.2.3", stamped("v0.1.0"), "1.2.3"},
		{"v2.0.0-rc.1", nil, "2.0.0-rc.1"},
		{"", stamped("v0.1.0"), "0.1.0"},
		{"", stamped("v0.1.1-0.20261205061500-0123456789ab+dirty"), "0.1.1-0.20261205061500-0123456789ab+dirty"},
		{"", stamped("(devel)", rev), "0.0.0-devel+0123456789ab"},
		{"", stamped("(devel)", rev, dirty), "0.0.0-devel+0123456789ab.dirty"},
		{"", stamped("(devel)"), "0.0.0-devel"},
		{"", nil, "0.0.0-devel"},
	} {
		got, err := resolveRelease(tc.override, tc.info)
		if err != nil || got != tc.want {
			t.Errorf("resolveRelease(%q, %+v) = %q, %v; want %q", tc.override, tc.info, got, err, tc.want)
		}
	}
	for _, bad := range []string{"1.2", "latest", "1.2.3.4", "v"} {
		if _, err := resolveRelease(bad, nil); err == nil {
			t.Errorf("override %q accepted", bad)
		}
	}
}
