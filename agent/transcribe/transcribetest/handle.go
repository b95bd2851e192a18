package transcribetest

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clara-backend/clara/internal/fakescript"
)

// handle serves POST /v1/audio/transcriptions.
func (s *Server) handle(w http.ResponseWriter, hr *http.Request) {
	hr.Body = http.MaxBytesReader(w, hr.Body, maxRequestBytes)
	req, err := parse(hr)
	status, param, msg := http.StatusBadRequest, "", ""
	switch {
	case errors.Is(err, errTooLarge):
		status, param, msg = http.StatusRequestEntityTooLarge, "file", "Maximum content size limit (26214400) exceeded."
	case err != nil:
		msg = "transcribetest: " + err.Error()
	case req.Model == "":
		param, msg = "model", "you must provide a model parameter"
	case req.AudioError != "":
		param, msg = "file", "Invalid file format. transcribetest: "+req.AudioError
	case !known(req.ResponseFormat):
		param, msg = "response_format", fmt.Sprintf("transcribetest: response_format %q is not one of verbose_json, json and text", req.ResponseFormat)
	case req.ResponseFormat == "verbose_json" && s.refusesVerbose(req.Model):
		param = "response_format"
		msg = fmt.Sprintf("response_format 'verbose_json' is not compatible with model '%s'. Use 'json' or 'text' instead.", req.Model)
	default:
		status = 0
	}
	if status != 0 {
		req.Status = status
		s.Record(req)
		writeError(w, status, param, msg)
		return
	}
	r := s.take()
	req.Status = r.status()
	s.Record(req)
	switch {
	case r.Hang:
		<-hr.Context().Done()
	case r.Body != nil:
		w.Header().Set("Content-Type", r.ContentType)
		w.WriteHeader(r.status())
		_, _ = w.Write(r.Body)
	case r.Status != 0:
		if r.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		msg := r.Message
		if msg == "" {
			msg = fmt.Sprintf("transcribetest: scripted status %d", r.Status)
		}
		writeError(w, r.Status, r.Param, msg)
	default:
		answer(w, req, r)
	}
}

// known reports whether the fake renders format ("" is json).
func known(format string) bool {
	switch format {
	case "", "json", "verbose_json", "text":
		return true
	}
	return false
}

// answer renders r's segments for req's audio in its response format.
func answer(w http.ResponseWriter, req Request, r Reply) {
	segs := r.segments(req.Audio.Duration)
	texts := make([]string, len(segs))
	for i, s := range segs {
		texts[i] = s.Text
	}
	text := strings.Join(texts, " ")
	usage := map[string]any{"type": "duration", "seconds": int(req.Audio.Duration.Round(time.Second) / time.Second)}
	switch req.ResponseFormat {
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(text + "\n"))
	case "verbose_json":
		lang := r.Language
		if lang == "" {
			lang = "english"
		}
		out := make([]map[string]any, len(segs))
		for i, s := range segs {
			out[i] = map[string]any{
				"id": i, "seek": 0, "start": s.Start.Seconds(), "end": s.End.Seconds(), "text": " " + s.Text,
				"tokens": []int{50364, 50414}, "temperature": 0.0, "avg_logprob": -0.25,
				"compression_ratio": 1.2, "no_speech_prob": 0.01,
			}
		}
		fakescript.WriteJSON(w, http.StatusOK, map[string]any{
			"task": "transcribe", "language": lang, "duration": req.Audio.Duration.Seconds(),
			"text": text, "segments": out, "usage": usage,
		})
	default:
		fakescript.WriteJSON(w, http.StatusOK, map[string]any{"text": text, "usage": usage})
	}
}

// writeError answers status with OpenAI's error body.
func writeError(w http.ResponseWriter, status int, param, message string) {
	kind := "invalid_request_error"
	if status >= 500 {
		kind = "server_error"
	}
	var p any
	if param != "" {
		p = param
	}
	fakescript.WriteJSON(w, status, map[string]any{"error": map[string]any{
		"message": message, "type": kind, "param": p, "code": strconv.Itoa(status),
	}})
}
