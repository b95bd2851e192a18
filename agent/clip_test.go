package agent

import (
	"testing"
	"time"
)

func TestCutMoment(t *testing.T) {
	for _, tc := range []struct {
		in   string
		clip string
		at   time.Duration
		ok   bool
	}{
		{"clip.mp4@01:23", "clip.mp4", 83 * time.Second, true},
		{"clip.mp4@1:02:03", "clip.mp4", time.Hour + 2*time.Minute + 3*time.Second, true},
		{"clip.mp4@00:00", "clip.mp4", 0, true},
		{"ada@example.mp4", "ada@example.mp4", 0, false},
		{"clip.mp4@01:60", "clip.mp4@01:60", 0, false},
		{"clip.mp4", "clip.mp4", 0, false},
		{"a@b@00:05", "a@b", 5 * time.Second, true},
	} {
		clip, at, ok := cutMoment(tc.in)
		if clip != tc.clip || at != tc.at || ok != tc.ok {
			t.Errorf("cutMoment(%q) = %q %v %v, want %q %v %v", tc.in, clip, at, ok, tc.clip, tc.at, tc.ok)
		}
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "00:00", 83 * time.Second: "01:23", 1499600 * time.Millisecond: "25:00", time.Hour + 5*time.Second: "1:00:05",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}
