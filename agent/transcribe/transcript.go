package transcribe

import (
	"fmt"
	"strings"
	"time"
)

// MaxTextBytes bounds Transcript.Text.
const MaxTextBytes = 200_000

// Transcript is the timed text of an audio.
type Transcript struct {
	// Language is the language the provider detected (e.g. "english" or
	// "en"), of the first chunk that named one; "" when none did.
	Language string
	// Duration is the duration of the audio.
	Duration time.Duration
	// Segments are the timed pieces of text, by start time, on the timeline
	// of the whole audio. Silence gives none.
	Segments []Segment
}

// Segment is a piece of text and when it is said.
type Segment struct {
	Start, End time.Duration
	Text       string // one line: no control characters, spaces collapsed
}

// Text renders the transcript for a reader (the analysis model): one
// "[mm:ss] text" line per segment ("[hh:mm:ss]" from the first hour on).
// Past MaxTextBytes the lines stop, at a line's end, and a last line says
// that the transcript was truncated and where. No segments: "".
func (t Transcript) Text() string {
	const reserve = 200 // room for the truncation line
	var b strings.Builder
	for i, s := range t.Segments {
		line := "[" + stamp(s.Start) + "] " + s.Text + "\n"
		if b.Len()+len(line) > MaxTextBytes-reserve {
			fmt.Fprintf(&b, "[transcript truncated: %d of %d segments shown; the rest runs from %s to %s]\n",
				i, len(t.Segments), stamp(s.Start), stamp(t.Duration))
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

// stamp writes d, rounded down to the second, as mm:ss, or hh:mm:ss from
// an hour on.
func stamp(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
