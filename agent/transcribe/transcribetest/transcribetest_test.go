package transcribetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

// post uploads file with fields to the fake and returns the status, the
// content type and the body of its answer.
func post(t *testing.T, f *transcribetest.Server, file []byte, fields ...string) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	part, _ := w.CreateFormFile("file", "audio.wav")
	_, _ = part.Write(file)
	_ = w.Close()
	res, err := http.Post(f.URL()+"/audio/transcriptions", w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body)
}

func TestFakeDecodesAndAnswers(t *testing.T) {
	f := transcribetest.New(t)
	if !strings.HasPrefix(f.URL(), "http://127.0.0.1:") || !strings.HasSuffix(f.URL(), "/v1") {
		t.Fatalf("URL %q", f.URL())
	}
	tone := transcribetest.WAV(append(transcribetest.Tone(45*time.Second, 440, 0.5, 16000), transcribetest.Silence(15*time.Second, 16000)...), 16000)
	f.Enqueue(transcribetest.Text("scripted"))

	status, _, body := post(t, f, tone, "model", "whisper-1", "response_format", "text")
	if status != 200 || body != "scripted\n" {
		t.Fatalf("text: %d %q", status, body)
	}
	status, ctype, body := post(t, f, tone, "model", "whisper-1", "response_format", "verbose_json")
	var v struct {
		Duration float64 `json:"duration"`
		Segments []struct {
			Start, End float64
			Text       string
		} `json:"segments"`
	}
	if status != 200 || ctype != "application/json" || json.Unmarshal([]byte(body), &v) != nil ||
		v.Duration != 60 || len(v.Segments) != 2 || v.Segments[1].Start != 30 || v.Segments[1].End != 60 {
		t.Fatalf("verbose_json default: %d %s %s", status, ctype, body)
	}

	reqs := f.Requests()
	a := reqs[0].Audio
	if len(reqs) != 2 || a.Duration != time.Minute || a.SampleRate != 16000 || a.Channels != 1 ||
		a.Active < 0.7 || a.Active > 0.8 || a.Peak < 0.49 || a.RMS < 0.3 {
		t.Fatalf("recorded %+v", a)
	}
}

func TestFakeRefuses(t *testing.T) {
	f := transcribetest.New(t)
	wav := transcribetest.WAV(transcribetest.Tone(time.Second, 440, 0.5, 16000), 16000)
	cases := []struct {
		name   string
		file   []byte
		fields []string
		status int
		want   string
	}{
		{"not audio", []byte("hello"), []string{"model", "whisper-1"}, 400, "Invalid file format"},
		{"bad sizes", wav[:len(wav)-2], []string{"model", "whisper-1"}, 400, "RIFF size"},
		{"no model", wav, nil, 400, "model parameter"},
		{"gpt verbose", wav, []string{"model", "gpt-4o-transcribe", "response_format", "verbose_json"}, 400, "not compatible"},
		{"srt", wav, []string{"model", "whisper-1", "response_format", "srt"}, 400, "response_format"},
		{"too large", make([]byte, transcribetest.MaxFileBytes+1), []string{"model", "whisper-1"}, 413, "Maximum content size"},
	}
	for _, c := range cases {
		status, _, body := post(t, f, c.file, c.fields...)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s; want %d saying %q", c.name, status, body, c.status, c.want)
		}
	}
	if f.Calls() != len(cases) || f.Requests()[0].Status != 400 {
		t.Fatalf("%d requests recorded", f.Calls())
	}
}

func TestFakeQueue(t *testing.T) {
	f := transcribetest.New(t)
	wav := transcribetest.WAV(transcribetest.Tone(time.Second, 440, 0.5, 16000), 16000)
	f.Enqueue(transcribetest.Status(429), transcribetest.Error(500, "", "boom"))
	f.SetFallback(transcribetest.Raw(200, "text/plain", "fallback"))
	for _, want := range []string{"scripted status 429", `"boom"`, "fallback", "fallback"} {
		if _, _, body := post(t, f, wav, "model", "whisper-1"); !strings.Contains(body, want) {
			t.Fatalf("body %q; want %q", body, want)
		}
	}
	if f.Pending() != 0 {
		t.Fatalf("%d replies pending", f.Pending())
	}
}
