package transcribe_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

// long is the length of the long audio of these tests.
const long = 25 * time.Minute

// longAudio is tonePauses(long), made once.
var longAudio = sync.OnceValue(func() []byte { return tonePauses(long) })

func TestLongAudioIsChunkedAndStitched(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{Concurrency: 1})
	got, err := tr.Transcribe(context.Background(), "talk.mp4", longAudio())
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d chunks; want 3 (10 min each at most)", len(reqs))
	}
	// Each chunk is real audio within the limits, cut in a pause; together
	// they are the whole audio.
	var offsets []time.Duration
	var offset time.Duration
	for i, req := range reqs {
		a := req.Audio
		if req.AudioError != "" || a.SampleRate != 16000 || a.Channels != 1 {
			t.Fatalf("chunk %d: %+v %s", i, a, req.AudioError)
		}
		if a.Duration > transcribe.DefaultChunkDuration || req.FileSize > transcribe.DefaultMaxChunkBytes {
			t.Fatalf("chunk %d: %s, %d bytes; over the limits", i, a.Duration, req.FileSize)
		}
		if a.RMS < 0.01 || a.Active < 0.5 {
			t.Fatalf("chunk %d: RMS %.4f, %.0f%% active; want the tone", i, a.RMS, 100*a.Active)
		}
		offsets = append(offsets, offset)
		offset += a.Duration
		if i < len(reqs)-1 && (!inPause(offset) || a.Duration < transcribe.DefaultChunkDuration-5*time.Second) {
			t.Fatalf("chunk %d ends at %s: not in a pause of the last 5 s before the limit", i, offset)
		}
	}
	if offset != long || got.Duration != long {
		t.Fatalf("chunks add up to %s, transcript of %s; want %s", offset, got.Duration, long)
	}

	// The fake's default segments, one per 30 s of each chunk, are put back
	// on the whole audio's timeline: offset by the chunk's start.
	var want []transcribe.Segment
	for i, req := range reqs {
		for k, start := 1, time.Duration(0); start < req.Audio.Duration; k, start = k+1, start+transcribetest.DefaultSegment {
			end := min(start+transcribetest.DefaultSegment, req.Audio.Duration)
			want = append(want, transcribe.Segment{Start: offsets[i] + start, End: offsets[i] + end, Text: "fake segment " + strconv.Itoa(k)})
		}
	}
	if !reflect.DeepEqual(got.Segments, want) {
		t.Fatalf("segments:\n%v\nwant\n%v", got.Segments, want)
	}
	for i := 1; i < len(got.Segments); i++ {
		if got.Segments[i].Start < got.Segments[i-1].End {
			t.Fatalf("segment %d starts at %s, before the previous ends (%s)", i, got.Segments[i].Start, got.Segments[i-1].End)
		}
	}
	text := got.Text()
	if lines := strings.Count(text, "\n"); lines != len(want) {
		t.Fatalf("Text has %d lines; want %d", lines, len(want))
	}
	for _, s := range want {
		if line := mmss(s.Start) + " " + s.Text + "\n"; !strings.Contains(text, line) {
			t.Fatalf("Text lacks %q:\n%s", line, text)
		}
	}
	if !strings.HasPrefix(text, "[00:00] fake segment 1\n[00:30] fake segment 2\n") ||
		!strings.Contains(text, "\n"+mmss(offsets[1])+" fake segment 1\n") || !strings.HasPrefix(mmss(offsets[1]), "[09:5") {
		t.Fatalf("Text does not start its chunks where expected:\n%s", text)
	}
}

func TestChunksStayUnderTheByteLimit(t *testing.T) {
	const limit = 5_000_000 // about 156 s of audio
	f, tr := newTranscriber(t, transcribe.Options{MaxChunkBytes: limit, Concurrency: 4})
	got, err := tr.Transcribe(context.Background(), "talk.mp4", longAudio())
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 10 {
		t.Fatalf("%d chunks; want 10", len(reqs))
	}
	var total time.Duration
	for i, req := range reqs {
		if req.FileSize > limit || req.AudioError != "" {
			t.Fatalf("chunk %d: %d bytes (%s); want at most %d", i, req.FileSize, req.AudioError, limit)
		}
		total += req.Audio.Duration
	}
	if total != long {
		t.Fatalf("chunks add up to %s; want %s", total, long)
	}
	// Four chunks at a time give the transcript of one at a time.
	_, seq := newTranscriber(t, transcribe.Options{MaxChunkBytes: limit, Concurrency: 1})
	want, err := seq.Transcribe(context.Background(), "talk.mp4", longAudio())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the transcript made 4 chunks at a time differs from the one made one at a time")
	}
}
