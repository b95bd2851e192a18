package media

import (
	"testing"
)

// The cost of reading a 12 s, 320×240 H.264 clip with sound: the probe at
// upload time, and the whole reading (sound and keyframes) an analysis
// makes, each through the isolated child.
//
//	go test -run '^$' -bench . ./agent/media/
func BenchmarkProbe(b *testing.B) {
	data := fixture(b, "clip.mp4")
	p := New(Options{})
	for b.Loop() {
		if _, err := p.Probe(b.Context(), "clip.mp4", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProcess(b *testing.B) {
	data := fixture(b, "clip.mp4")
	p := New(Options{})
	for b.Loop() {
		if _, err := p.Process(b.Context(), "clip.mp4", data); err != nil {
			b.Fatal(err)
		}
	}
}
