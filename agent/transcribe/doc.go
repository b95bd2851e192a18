// Package transcribe turns speech into timed text through an
// OpenAI-compatible transcription endpoint (POST {base}/audio/transcriptions):
// OpenAI's own models (whisper-1, gpt-4o-transcribe, …) or a local whisper
// server that speaks the same API, with the official openai-go client.
//
// The input is what the media package produces: a WAV file of PCM s16le,
// 16 kHz, mono; anything else is refused (ErrBadAudio) before any request.
// Long audio is cut into chunks under the provider's upload limit
// (Options.MaxChunkBytes) and Options.ChunkDuration, each cut at the
// quietest moment of the few seconds before the limit, so that a word is
// rarely split. Each chunk is a WAV file of its own, sent with
// response_format verbose_json (timed segments) when the model has it, and
// json otherwise (one segment spanning the chunk); the chunks' segments are
// put back on the timeline of the whole audio.
//
// Everything the provider sends is treated as hostile: responses are
// bounded in size (MaxResponseBytes), times are checked and clamped to the
// chunk they belong to, text is cleaned of control characters and bounded,
// and Transcript.Text, what the analysis model reads, is bounded too.
//
// Failures worth retrying (408, 429, 5xx, timeouts, network errors) match
// ErrRetryable (IsRetryable); a refused input matches ErrBadAudio; any other
// failure is permanent.
//
//	t := transcribe.New(transcribe.Options{APIKey: key, Model: "whisper-1"})
//	tr, err := t.Transcribe(ctx, "talk.mp4", wav)
//	prompt += tr.Text() // "[00:00] Hello…\n[00:04] …"
package transcribe
