package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/media"
	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
	"github.com/clara-backend/clara/core"
)

// ffmpegRun runs ffmpeg with args in dir, failing the test when it fails.
func ffmpegRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s (make test needs ffmpeg and espeak-ng; .ci/run installs them)", args, err, out)
	}
}

// spokenClip returns an MP4 of a test pattern with sentence spoken over it.
func spokenClip(t *testing.T, sentence string) []byte {
	t.Helper()
	dir := t.TempDir()
	speech, _ := transcribetest.Speech(t, sentence)
	if err := os.WriteFile(filepath.Join(dir, "speech.wav"), speech, 0o600); err != nil {
		t.Fatal(err)
	}
	ffmpegRun(t, dir, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-i", "speech.wav", "-shortest",
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "clip.mp4")
	data, err := os.ReadFile(filepath.Join(dir, "clip.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

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
	clip := spokenClip(t, "The Eiffel Tower was finished in 1889.")
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
	dir := t.TempDir()
	ffmpegRun(t, dir, "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "90", "-c:a", "libopus", "-b:a", "6k", "long.ogg")
	long, err := os.ReadFile(filepath.Join(dir, "long.ogg"))
	if err != nil {
		t.Fatal(err)
	}
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
	_, err = a.Analyze(t.Context(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{{Name: "damaged.mp4", Data: damaged}}})
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
	clip := spokenClip(t, "Hello.")
	tr := transcribetest.New(t)
	tr.Enqueue(transcribetest.Status(503))
	fake := newFake(t, wires[1].path)
	a := newTestAgent(t, wires[1], fake, nil, withMedia(tr, 0))
	_, err := a.Analyze(t.Context(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{{Name: "clip.mp4", Data: clip}}})
	if !core.IsTransient(err) {
		t.Errorf("503 from the transcription endpoint: %v (transient %v)", err, core.IsTransient(err))
	}
}
