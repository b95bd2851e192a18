package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent"
	"github.com/clara-backend/clara/agent/media"
	"github.com/clara-backend/clara/agent/media/mediatest"
	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
	"github.com/clara-backend/clara/core"
)

// mediaOn reads clips with ffmpeg (a minute at most) and hears them with
// the fake transcription endpoint tr.
func mediaOn(tr *transcribetest.Server) agent.MediaReader {
	return agent.NewMediaReader(media.New(media.Options{MaxDuration: time.Minute}),
		transcribe.New(transcribe.Options{BaseURL: tr.URL(), APIKey: "sk-transcribe", Model: "whisper-1"}))
}

// A video is analysed like any file on both stores: listed under "audio",
// heard and seen, charged once; a clip over the duration cap is a 400.
func TestVideoAnalysis(t *testing.T) {
	clip := mediatest.Spoken(t, "The Eiffel Tower was finished in 1889.")
	long := mediatest.Silence(t, ".ogg", 90*time.Second)
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			tr := transcribetest.New(t)
			tr.Enqueue(transcribetest.Text("The Eiffel Tower was finished in 1889."))
			e, a := analysisEnv(t, envConfig{store: kind, analysis: &analysisConfig{Media: mediaOn(tr)}}, 100)
			rec := e.call("GET", "/users/"+a.ID+"/agent/supported_attachments", bearer(a.Token), "")
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"audio":[".mp4",".mov",".avi",".mkv",".mpeg",".webm",".mp3",".wav",".m4a",".ogg",".flac"]`) {
				t.Fatalf("supported attachments: %d %s", rec.Code, rec.Body)
			}
			rec = e.postAnalysis(t, a, []formPart{filePart("long.ogg", long)})
			expectInvalid(t, rec, "long.ogg")
			if !strings.Contains(rec.Body.String(), "long.ogg lasts 1m30s; the most an analysis takes is 1m00s") {
				t.Errorf("long clip: %s", rec.Body)
			}
			e.nothingHeld(t, a, "100.0")

			e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE", "attachment:clip.mp4@00:01")))
			task := started(t, e.postAnalysis(t, a, []formPart{queryPart("Was it finished in 1889?"), filePart("clip.mp4", clip)}))
			if task.Attachments[0].ContentType != "video/mp4" {
				t.Errorf("attachment %+v", task.Attachments[0])
			}
			done := e.awaitTask(t, a, task.ID)
			if done.Status != core.TaskCompleted || done.Result == nil || done.Result.Sources[0].URL != "attachment:clip.mp4@00:01" {
				t.Fatalf("task %+v", done)
			}
			if heard := tr.Requests()[0].Audio; heard.SampleRate != 16000 || heard.RMS < 0.01 {
				t.Errorf("the transcription endpoint heard %+v", heard)
			}
			if !strings.Contains(e.Model.Requests()[0].Text(), "[00:00] The Eiffel Tower was finished in 1889.") {
				t.Errorf("the model was not given the transcript: %s", e.Model.Requests()[0].Text())
			}
		})
	}
}

// Without media a clip is a 400 and "audio" is not listed.
func TestVideoWithoutMedia(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	rec := e.call("GET", "/users/"+a.ID+"/agent/supported_attachments", bearer(a.Token), "")
	if strings.Contains(rec.Body.String(), "audio") {
		t.Errorf("supported attachments without media: %s", rec.Body)
	}
	expectInvalid(t, e.postAnalysis(t, a, []formPart{filePart("clip.mp4", mediatest.Spoken(t, "Hello."))}), "clip.mp4")
	e.nothingHeld(t, a, "100.0")
}
