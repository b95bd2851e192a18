package transcribe

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

// pcmOf returns samples as s16le bytes.
func pcmOf(samples []int16) []byte {
	return transcribetest.WAV(samples, SampleRate)[headerSize:]
}

func TestPlanCutsAtTheQuietestPoint(t *testing.T) {
	// 60 s of tone with a 100 ms pause from 57.0 s: with chunks of at most
	// 58 s (searching the last 5 s), the cut falls in the pause.
	samples := transcribetest.Tone(60*time.Second, 300, 0.2, SampleRate)
	pause := 57 * SampleRate
	clear(samples[pause : pause+SampleRate/10])

	spans := plan(pcmOf(samples), 58*SampleRate)
	if len(spans) != 2 {
		t.Fatalf("spans = %v; want 2", spans)
	}
	cut := spans[0].end
	if cut < pause || cut >= pause+SampleRate/10 {
		t.Fatalf("cut at sample %d; want within the pause [%d, %d)", cut, pause, pause+SampleRate/10)
	}
	if spans[1] != (span{cut, len(samples)}) {
		t.Fatalf("second span %v; want [%d, %d)", spans[1], cut, len(samples))
	}
}

func TestPlanCoversEverySampleWithinTheLimit(t *testing.T) {
	for _, c := range []struct{ n, limit int }{
		{1, SampleRate}, {SampleRate, SampleRate}, {SampleRate + 1, SampleRate},
		{10 * SampleRate, 3 * SampleRate}, {100*SampleRate + 7, 20 * SampleRate}, {20*SampleRate + 10, 20 * SampleRate},
	} {
		spans := plan(make([]byte, 2*c.n), c.limit) // silence: every window ties
		next := 0
		for _, sp := range spans {
			short := len(spans) > 1 && sp.end-sp.start < min(SampleRate, c.limit/4) // providers refuse very short audio
			if sp.start != next || sp.end <= sp.start || sp.end-sp.start > c.limit || short {
				t.Fatalf("n=%d limit=%d: spans %v", c.n, c.limit, spans)
			}
			next = sp.end
		}
		if next != c.n {
			t.Fatalf("n=%d limit=%d: spans end at %d", c.n, c.limit, next)
		}
	}
}

func TestMaxSamples(t *testing.T) {
	cases := []struct {
		o    Options
		want int
	}{
		{Options{}, 10 * 60 * SampleRate},                                    // 10 min: 19.2 MB, under 24 MB
		{Options{ChunkDuration: time.Hour}, (DefaultMaxChunkBytes - 44) / 2}, // the byte limit
		{Options{MaxChunkBytes: 1000}, SampleRate},                           // never under a second
	}
	for _, c := range cases {
		if got := New(c.o).maxSamples(); got != c.want {
			t.Errorf("%+v: maxSamples = %d; want %d", c.o, got, c.want)
		}
	}
}
