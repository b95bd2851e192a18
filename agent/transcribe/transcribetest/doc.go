// Package transcribetest is a wire-level fake of the OpenAI-compatible
// transcription endpoint (POST /v1/audio/transcriptions) for tests, served
// by httptest on 127.0.0.1.
//
// The fake parses the multipart upload as OpenAI does (model, file,
// response_format, language, …), decodes the WAV file it carries (header
// and PCM), and records every request with the audio's format, duration and
// energy, so that a test can check that real audio arrived: speech, not
// silence, of the expected length. It answers with the replies a test
// queues, in order: segments (Segments, Text), rendered in the
// response_format asked for (verbose_json, json or text); HTTP errors in
// OpenAI's error shape (Status, Error); or raw bodies (Raw, Oversized). With
// the queue empty it answers default segments, one per 30 s of the audio
// received. Like OpenAI it refuses an upload over 25 MiB (413), a file
// that is not audio (400), and verbose_json for its gpt-* transcription
// models (400, param response_format), and RefuseVerbose adds models to
// those.
//
//	f := transcribetest.New(t)
//	f.Enqueue(transcribetest.Status(429))
//	tr := transcribe.New(transcribe.Options{BaseURL: f.URL(), APIKey: "k"})
//	// …
//	req := f.Requests()[0] // req.Audio.Duration, req.Audio.RMS, req.ResponseFormat…
//
// It also makes test audio: WAV, Tone and Silence build PCM in Go, and
// Speech says a sentence with espeak-ng and converts it with ffmpeg. Only
// tests import it.
package transcribetest
