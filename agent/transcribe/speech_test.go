package transcribe_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

func TestSpeechReachesTheProvider(t *testing.T) {
	const sentence = "The Eiffel Tower was finished in 1889."
	wav, original := transcribetest.Speech(t, sentence)
	said, _, err := transcribetest.DecodeWAV(original)
	if err != nil {
		t.Fatalf("espeak-ng's file: %v", err)
	}
	f, tr := newTranscriber(t, transcribe.Options{Model: "whisper-1", Language: "en"})
	f.Enqueue(transcribetest.Segments(transcribetest.Segment{Start: 200 * time.Millisecond, End: 2500 * time.Millisecond, Text: sentence}))

	got, err := tr.Transcribe(context.Background(), "speech.mp4", wav)
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests; want 1", len(reqs))
	}
	req := reqs[0]
	if req.AudioError != "" {
		t.Fatalf("the fake could not decode the upload: %s", req.AudioError)
	}
	a := req.Audio
	if a.SampleRate != 16000 || a.Channels != 1 || a.BitsPerSample != 16 {
		t.Fatalf("uploaded %d Hz, %d channels, %d bits; want 16 kHz mono s16le", a.SampleRate, a.Channels, a.BitsPerSample)
	}
	if !within(a.Duration, said.Duration, 200*time.Millisecond) {
		t.Fatalf("uploaded %s of audio; espeak-ng said %s", a.Duration, said.Duration)
	}
	if a.RMS < 0.01 || a.Active < 0.3 {
		t.Fatalf("uploaded audio of RMS %.4f, %.0f%% active; want speech", a.RMS, 100*a.Active)
	}
	if req.Model != "whisper-1" || req.ResponseFormat != "verbose_json" || req.Language != "en" ||
		!strings.HasSuffix(req.Filename, ".wav") || req.Header.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("request: model %q, format %q, language %q, file %q, auth %q",
			req.Model, req.ResponseFormat, req.Language, req.Filename, req.Header.Get("Authorization"))
	}
	if !reflect.DeepEqual(req.TimestampGranularities, []string{"segment"}) || req.ContentType != "audio/wav" {
		t.Fatalf("timestamp granularities %q, file type %q", req.TimestampGranularities, req.ContentType)
	}
	if strings.Contains(req.Filename, "speech") {
		t.Fatalf("the file's name %q was sent", req.Filename)
	}

	if !within(got.Duration, said.Duration, 200*time.Millisecond) || got.Language != "english" {
		t.Fatalf("transcript: %s, language %q", got.Duration, got.Language)
	}
	if want := "[00:00] " + sentence + "\n"; got.Text() != want {
		t.Fatalf("Text = %q; want %q", got.Text(), want)
	}
}

func TestSilenceArrivesAsSilence(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	f.Enqueue(transcribetest.Segments()) // no speech: no segments
	wav := transcribetest.WAV(transcribetest.Silence(3*time.Second, 16000), 16000)

	got, err := tr.Transcribe(context.Background(), "quiet.wav", wav)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Requests()[0].Audio
	if a.Duration != 3*time.Second || a.RMS != 0 || a.Active != 0 {
		t.Fatalf("uploaded %s of RMS %g, %g active; want 3s of silence", a.Duration, a.RMS, a.Active)
	}
	if len(got.Segments) != 0 || got.Text() != "" || got.Duration != 3*time.Second {
		t.Fatalf("transcript %+v; want no segments over 3s", got)
	}
}

func TestTinyAudioIsNotSent(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{})
	wav := transcribetest.WAV(transcribetest.Tone(50*time.Millisecond, 440, 0.5, 16000), 16000)
	got, err := tr.Transcribe(context.Background(), "blip.wav", wav)
	if err != nil || len(got.Segments) != 0 || got.Duration != 50*time.Millisecond || f.Calls() != 0 {
		t.Fatalf("%+v, %v after %d calls; want an empty transcript of 50ms, no request", got, err, f.Calls())
	}
}
