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

// formats returns the response formats of the fake's requests, in order.
func formats(f *transcribetest.Server) []string {
	var out []string
	for _, r := range f.Requests() {
		out = append(out, r.ResponseFormat)
	}
	return out
}

func TestGPTModelsAreAskedForJSON(t *testing.T) {
	// OpenAI's gpt-4o-transcribe answers json or text, not verbose_json:
	// it is asked for json at once, and each chunk is one segment.
	f, tr := newTranscriber(t, transcribe.Options{Model: "gpt-4o-transcribe", ChunkDuration: 20 * time.Second, Concurrency: 1})
	f.Enqueue(transcribetest.Text("First part."), transcribetest.Text("Second part."))
	got, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if fs := formats(f); !reflect.DeepEqual(fs, []string{"json", "json"}) {
		t.Fatalf("formats %v; want json twice", fs)
	}
	first := f.Requests()[0].Audio.Duration
	want := []transcribe.Segment{{Start: 0, End: first, Text: "First part."}, {Start: first, End: 30 * time.Second, Text: "Second part."}}
	if !reflect.DeepEqual(got.Segments, want) {
		t.Fatalf("segments %v; want %v", got.Segments, want)
	}
	if text := got.Text(); text != "[00:00] First part.\n"+mmss(first)+" Second part.\n" {
		t.Fatalf("Text = %q", text)
	}
}

func TestServerRefusingVerboseJSONIsAskedForJSON(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{Model: "local-json-only", ChunkDuration: 10 * time.Second, Concurrency: 1})
	f.RefuseVerbose("local-json-only")
	got, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(25*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	// Refused once, then json for that chunk and every later one.
	if fs := formats(f); !reflect.DeepEqual(fs, []string{"verbose_json", "json", "json", "json"}) {
		t.Fatalf("formats %v", fs)
	}
	if f.Requests()[0].Status != 400 || len(got.Segments) != 3 {
		t.Fatalf("first status %d, %d segments; want 400 then one segment per chunk", f.Requests()[0].Status, len(got.Segments))
	}
	// A later transcription by the same Transcriber asks for json at once.
	if _, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if fs := formats(f); fs[len(fs)-1] != "json" || len(fs) != 5 {
		t.Fatalf("formats %v; want json last, 5 requests", fs)
	}
}

func TestTextFormat(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{ResponseFormat: transcribe.FormatText})
	f.Enqueue(transcribetest.Text("Plain\ttext,\r\nplease."))
	got, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(4*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if fs := formats(f); !reflect.DeepEqual(fs, []string{"text"}) {
		t.Fatalf("formats %v", fs)
	}
	want := []transcribe.Segment{{Start: 0, End: 4 * time.Second, Text: "Plain text, please."}}
	if !reflect.DeepEqual(got.Segments, want) {
		t.Fatalf("segments %v; want %v", got.Segments, want)
	}
}

func TestUnknownResponseFormatIsRefused(t *testing.T) {
	f, tr := newTranscriber(t, transcribe.Options{ResponseFormat: "srt"})
	_, err := tr.Transcribe(context.Background(), "clip.wav", tonePauses(time.Second))
	if err == nil || !strings.Contains(err.Error(), `response format "srt"`) || f.Calls() != 0 {
		t.Fatalf("err %v after %d calls; want a refusal before any", err, f.Calls())
	}
}
