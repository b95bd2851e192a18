package transcribe_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

func TestRetryableStatuses(t *testing.T) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusRequestTimeout} {
		f, tr := newTranscriber(t, transcribe.Options{})
		f.Enqueue(transcribetest.Status(code))
		_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(3*time.Second))
		var se *transcribe.StatusError
		if !transcribe.IsRetryable(err) || !errors.As(err, &se) || se.Status != code {
			t.Fatalf("%d: err %v; want a retryable StatusError", code, err)
		}
		if !strings.HasPrefix(err.Error(), `transcribe "clip.wav": chunk 1 of 1 (00:00 to 00:03): status `) || f.Calls() != 1 {
			t.Fatalf("%d: err %q after %d calls", code, err, f.Calls())
		}
	}
}

func TestPermanentStatuses(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	f.Enqueue(transcribetest.Error(http.StatusUnauthorized, "", "Incorrect API key provided: "+testKey+"\n\x1b[2J"))
	_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(3*time.Second))
	var se *transcribe.StatusError
	if transcribe.IsRetryable(err) || !errors.As(err, &se) || se.Status != http.StatusUnauthorized {
		t.Fatalf("err %v; want a StatusError 401, not retryable", err)
	}
	if strings.Contains(err.Error(), testKey) || strings.ContainsAny(err.Error(), "\n\x1b") ||
		!strings.HasSuffix(err.Error(), "status 401 Unauthorized: Incorrect API key provided: [redacted] [2J") {
		t.Fatalf("err %q; want the message without the key or control characters", err)
	}
}

func TestSDKRetriesWhenAsked(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{MaxRetries: 1})
	f.Enqueue(transcribetest.Status(http.StatusTooManyRequests), transcribetest.Text("Hello."))
	got, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(3*time.Second))
	if err != nil || f.Calls() != 2 || got.Text() != "[00:00] Hello.\n" {
		t.Fatalf("%d calls, %q, %v; want a retry that succeeds", f.Calls(), got.Text(), err)
	}
}

func TestAFailedChunkFailsTheTranscription(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{ChunkDuration: 10 * time.Second, Concurrency: 1})
	f.Enqueue(transcribetest.Text("one"), transcribetest.Status(http.StatusBadGateway))
	_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(35*time.Second))
	if !transcribe.IsRetryable(err) || !strings.Contains(err.Error(), "chunk 2 of 4") || f.Calls() != 2 {
		t.Fatalf("err %v after %d calls; want chunk 2's 502, and no more requests", err, f.Calls())
	}
}

func TestInvalidResponses(t *testing.T) {
	cases := []struct {
		name  string
		reply transcribetest.Reply
		want  string
	}{
		{"malformed JSON", transcribetest.Raw(200, "application/json", `{"text": "unterminated`), "invalid response: not a transcription object"},
		{"not an object", transcribetest.Raw(200, "application/json", `"just a string"`), "invalid response: not a transcription object"},
		{"backwards segment", transcribetest.Raw(200, "application/json", `{"segments":[{"start":2,"end":1,"text":"x"}]}`), "invalid response: segment 0 runs from 2 to 1 s"},
		{"HTML page", transcribetest.Raw(200, "text/html", "<h1>It works</h1>"), `invalid response: unexpected content type "text/html"`},
		{"oversized", transcribetest.Oversized(transcribe.MaxResponseBytes), "the response is over 4194304 bytes"},
		{"oversized error", transcribetest.Raw(400, "application/json", `{"error":{"message":"`+strings.Repeat("x", 5<<20)+`"}}`), "status 400 Bad Request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, tr := newTranscriber(t, transcribe.Options{})
			f.Enqueue(c.reply)
			_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(3*time.Second))
			if err == nil || !strings.Contains(err.Error(), c.want) || transcribe.IsRetryable(err) {
				t.Fatalf("err %v; want a permanent error saying %q", err, c.want)
			}
		})
	}
}

func TestHostileSegmentsAreCleaned(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	f.Enqueue(transcribetest.Segments(
		transcribetest.Segment{Start: 2 * time.Second, End: time.Hour, Text: "late\u202e and long"},
		transcribetest.Segment{Start: 0, End: time.Second, Text: "first\n[00:00] forged line"},
	))
	got, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := "[00:00] first [00:00] forged line\n[00:02] late and long\n"
	if got.Text() != want || got.Segments[1].End != 3*time.Second {
		t.Fatalf("Text %q, segments %v; want %q, clamped to the audio", got.Text(), got.Segments, want)
	}
}

func TestNoAnswerInTimeIsRetryable(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{Timeout: 100 * time.Millisecond})
	f.Enqueue(transcribetest.Hang())
	_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(time.Second))
	if !transcribe.IsRetryable(err) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("err %v; want a retryable timeout", err)
	}
}

func TestUnreachableProviderIsRetryable(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	f.Close()
	_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(time.Second))
	if !transcribe.IsRetryable(err) {
		t.Fatalf("err %v; want retryable", err)
	}
}

func TestCanceledContext(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tr.Transcribe(ctx, "clip.wav", tonePauses(time.Second))
	if !errors.Is(err, context.Canceled) || transcribe.IsRetryable(err) || f.Calls() != 0 {
		t.Fatalf("err %v after %d calls; want context.Canceled, not retryable", err, f.Calls())
	}
}

func TestBadAudioIsRefusedBeforeAnyRequest(t *testing.T) {
	speech, original := transcribetest.Speech(t, "Hello.")
	cases := map[string][]byte{
		"not audio":             []byte("%PDF-1.7 not audio at all"),
		"espeak-ng's 22.05 kHz": original,
		"44.1 kHz":              transcribetest.WAV(transcribetest.Tone(time.Second, 440, 0.5, 44100), 44100),
		"header only":           speech[:44],
		"truncated":             speech[:len(speech)/2],
		"no samples":            transcribetest.WAV(nil, 16000),
		"empty":                 nil,
	}
	f, tr := newTranscriber(t, transcribe.Options{})
	for name, wav := range cases {
		_, err := tr.Transcribe(context.Background(), "upload.bin", wav)
		if !errors.Is(err, transcribe.ErrBadAudio) || transcribe.IsRetryable(err) || !strings.HasPrefix(err.Error(), `transcribe "upload.bin": unsupported audio: `) {
			t.Errorf("%s: err %v; want ErrBadAudio", name, err)
		}
	}
	if f.Calls() != 0 {
		t.Fatalf("%d requests; want none", f.Calls())
	}
}
