package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/media"
	"github.com/clara-backend/clara/agent/media/mediatest"
	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
	"github.com/clara-backend/clara/core"
)

// withMedia turns media on: ffmpeg from PATH, speech heard by tr.
func withMedia(tr *transcribetest.Server, maxDuration time.Duration) func(*Config) {
	return func(c *Config) {
		c.Media = NewMediaReader(media.New(media.Options{MaxDuration: maxDuration}),
			transcribe.New(transcribe.Options{BaseURL: tr.URL(), APIKey: "sk-transcribe", Model: "whisper-1"}))
	}
}

// A video's transcript and keyframes reach the model, which may cite a
// moment of it.
func TestVideoAttachment(t *testing.T) {
	clip := mediatest.Spoken(t, "The Eiffel Tower was finished in 1889.")
	forEachWire(t, func(t *testing.T, w wire) {
		tr := transcribetest.New(t)
		tr.Enqueue(transcribetest.Segments(transcribetest.Segment{End: 2 * time.Second, Text: "The Eiffel Tower was finished in 1889."}))
		fake := newFake(t, w.path, w.text(answerJSON("attachment:clip.mp4@00:01", "attachment:clip.mp4")))
		a := newTestAgent(t, w, fake, nil, withMedia(tr, 0))
		if got := a.Supported()[CategoryMedia]; !slices.Equal(got, media.Exts()) {
			t.Fatalf("supported media %v", got)
		}
		if err := a.CheckAttachment(t.Context(), "clip.mp4", clip); err != nil {
			t.Fatalf("check: %v", err)
		}
		res, err := a.Analyze(t.Context(), core.AnalysisRequest{Query: "Was it finished in 1889?",
			Attachments: []core.AttachmentData{{Name: "clip.mp4", Data: clip}}})
		if err != nil {
			t.Fatalf("analyze: %v", err)
		}
		if len(res.Sources) != 2 || res.Sources[0].URL != "attachment:clip.mp4@00:01" {
			t.Errorf("sources %+v", res.Sources)
		}
		reqs := tr.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%d transcription requests", len(reqs))
		}
		heard := reqs[0].Audio
		if heard.SampleRate != 16000 || heard.Channels != 1 || heard.RMS < 0.01 || heard.Duration < time.Second || heard.Duration > 6*time.Second {
			t.Errorf("the transcription endpoint heard %+v", heard)
		}
		raw, _ := json.Marshal(fake.requests()[0])
		body := string(raw)
		for _, want := range []string{`a video of 00:0`, `Transcript of what is said in it:`, `[00:00] The Eiffel Tower was finished in 1889.`, `keyframes of it, in time order`} {
			if !strings.Contains(body, want) {
				t.Errorf("the model was not given %q", want)
			}
		}
		if n := strings.Count(body, "image/jpeg"); n < 1 {
			t.Errorf("the model was given %d keyframes", n)
		}
	})
}

// A clip over the duration cap, a mismatched or damaged one, and any clip
// on a server without media are refused before an analysis starts.
func TestMediaRefused(t *testing.T) {
	tr := transcribetest.New(t)
	fake := newFake(t, wires[1].path)
	a := newTestAgent(t, wires[1], fake, nil, withMedia(tr, time.Minute))
	long := mediatest.Silence(t, ".ogg", 90*time.Second)
	if err := a.CheckAttachment(t.Context(), "long.ogg", long); !errors.Is(err, media.ErrTooLong) || !strings.Contains(err.Error(), "lasts 1m30s") {
		t.Errorf("long clip: %v", err)
	}
	if err := a.CheckAttachment(t.Context(), "photo.mp4", tinyPNG(t)); !errors.Is(err, attach.ErrMismatch) {
		t.Errorf("a PNG named .mp4: %v", err)
	}
	damaged := append([]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), bytes.Repeat([]byte{0xAB}, 4096)...)
	if err := a.CheckAttachment(t.Context(), "damaged.mp4", damaged); err == nil {
		t.Error("a damaged MP4 passed the check")
	}
	_, err := a.Analyze(t.Context(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{{Name: "damaged.mp4", Data: damaged}}})
	var failed *core.FailedAnalysis
	if !errors.As(err, &failed) || !strings.Contains(failed.Reason, "damaged.mp4 could not be read") || core.IsTransient(err) {
		t.Errorf("analysing a damaged MP4: %v", err)
	}
	if tr.Calls() != 0 || len(fake.requests()) != 0 {
		t.Errorf("%d transcriptions and %d model calls for refused clips", tr.Calls(), len(fake.requests()))
	}

	off := newTestAgent(t, wires[1], fake, nil)
	if _, ok := off.Supported()[CategoryMedia]; ok {
		t.Error("media listed without a media reader")
	}
	if err := off.CheckAttachment(t.Context(), "long.ogg", long); !errors.Is(err, attach.ErrUnsupported) {
		t.Errorf("a clip without media: %v", err)
	}
}

// A transcription the provider may answer later makes the analysis
// transient, so that the job retries it.
func TestTranscriptionOutageIsTransient(t *testing.T) {
	clip := mediatest.Spoken(t, "Hello.")
	tr := transcribetest.New(t)
	tr.Enqueue(transcribetest.Status(503))
	fake := newFake(t, wires[1].path)
	a := newTestAgent(t, wires[1], fake, nil, withMedia(tr, 0))
	_, err := a.Analyze(t.Context(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{{Name: "clip.mp4", Data: clip}}})
	if !core.IsTransient(err) {
		t.Errorf("503 from the transcription endpoint: %v (transient %v)", err, core.IsTransient(err))
	}
}
