package transcribe_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

// testKey is the API key the tests use.
const testKey = "sk-test-transcribe"

// newTranscriber returns a fake and a Transcriber of o pointed at it.
func newTranscriber(t *testing.T, o transcribe.Options) (*transcribetest.Server, *transcribe.Transcriber) {
	t.Helper()
	f := transcribetest.New(t)
	o.BaseURL, o.APIKey = f.URL(), testKey
	return f, transcribe.New(o)
}

// Pauses in the generated audio: a quiet tone of toneLen, then pauseLen of
// silence, over and over.
const (
	toneLen  = 2 * time.Second
	pauseLen = 500 * time.Millisecond
)

// tonePauses returns a 16 kHz WAV file of d of a quiet tone with pauses.
func tonePauses(d time.Duration) []byte {
	period := append(transcribetest.Tone(toneLen, 220, 0.05, transcribe.SampleRate),
		transcribetest.Silence(pauseLen, transcribe.SampleRate)...)
	n := int(d * transcribe.SampleRate / time.Second)
	samples := make([]int16, 0, n)
	for len(samples) < n {
		samples = append(samples, period[:min(len(period), n-len(samples))]...)
	}
	return transcribetest.WAV(samples, transcribe.SampleRate)
}

// inPause reports whether d falls in a pause of tonePauses.
func inPause(d time.Duration) bool {
	return d%(toneLen+pauseLen) >= toneLen
}

// mmss writes d as the transcript does: [mm:ss], or [hh:mm:ss] past an hour.
func mmss(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("[%02d:%02d:%02d]", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("[%02d:%02d]", s/60, s%60)
}

// within reports whether got is want ± tolerance.
func within(got, want, tolerance time.Duration) bool {
	return got >= want-tolerance && got <= want+tolerance
}
