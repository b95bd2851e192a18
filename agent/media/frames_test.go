package media

import (
	"slices"
	"testing"
	"time"
)

func TestParseReport(t *testing.T) {
	report := "frame:0    pts:14      pts_time:0.014\nlavfi.scene_score=0.000000\n" +
		"frame:1    pts:4014    pts_time:4.014\nlavfi.scene_score=0.612000\n" +
		"frame:2    pts:NOPTS   pts_time:\nlavfi.scene_score=nan\n" +
		"frame:3    pts:9       pts_time:1e300\n" +
		"frame:4    pts:9       pts_time:9\n"
	got := parseReport([]byte(report), 4)
	want := []candidate{
		{14 * time.Millisecond, 0, "frame0001.jpg"},
		{4014 * time.Millisecond, 0.612, "frame0002.jpg"},
		{4014 * time.Millisecond, 0, "frame0003.jpg"}, // no time: that of the one before
		{4014 * time.Millisecond, 0, "frame0004.jpg"}, // out of range: likewise
	}
	got[2].score = 0 // NaN
	if !slices.Equal(got, want) {
		t.Errorf("parseReport = %+v", got)
	}
}

func TestPick(t *testing.T) {
	s := time.Second
	cands := []candidate{
		{0, 0, "a"}, {4 * s, 0.9, "b"}, {5 * s, 0.2, "c"}, {6 * s, 0.01, "d"},
		{8 * s, 0.5, "e"}, {9 * s, 0.5, "f"}, {1000 * time.Hour, 0.1, "g"},
	}
	var names []string
	for _, c := range pick(cands, 2, 12*s) {
		names = append(names, c.file)
	}
	if !slices.Equal(names, []string{"b", "e"}) {
		t.Errorf("pick 2 = %v", names)
	}
	names = nil
	for _, c := range pick(cands, 6, 12*s) {
		names = append(names, c.file)
	}
	// Parts of 2 s: [0,2) a; [2,4) none; [4,6) b; [6,8) d; [8,10) e; [10,12) and past, g.
	if !slices.Equal(names, []string{"a", "b", "d", "e", "g"}) {
		t.Errorf("pick 6 = %v", names)
	}
}
