package transcribe

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// chunk transcribes the samples sp of pcm. A verbose_json request that the
// server refuses for its format is made again in json, as are all the
// requests after it.
func (t *Transcriber) chunk(ctx context.Context, pcm []byte, sp span) (chunkResult, error) {
	format := t.format()
	r, err := t.request(ctx, pcm, sp, format)
	if err != nil && format == FormatVerboseJSON && t.opts.ResponseFormat == "" && refusedFormat(err) {
		t.noVerbose.Store(true)
		r, err = t.request(ctx, pcm, sp, FormatJSON)
	}
	return r, err
}

// request sends the samples sp of pcm as a WAV file, asking for format,
// and reads the answer.
func (t *Transcriber) request(ctx context.Context, pcm []byte, sp span, format string) (chunkResult, error) {
	data := pcm[sp.start*bytesPerSample : sp.end*bytesPerSample]
	file := io.MultiReader(bytes.NewReader(wavHeader(len(data))), bytes.NewReader(data))
	params := openai.AudioTranscriptionNewParams{
		File:           openai.File(file, "audio.wav", "audio/wav"),
		Model:          t.opts.Model,
		ResponseFormat: openai.AudioResponseFormat(format),
	}
	if format == FormatVerboseJSON {
		params.TimestampGranularities = []string{"segment"}
	}
	if t.opts.Language != "" {
		params.Language = openai.String(t.opts.Language)
	}
	var body []byte
	var res *http.Response
	_, err := t.service.New(ctx, params, option.WithResponseBodyInto(&body), option.WithResponseInto(&res))
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	if err != nil {
		return chunkResult{}, t.classify(ctx, status, err)
	}
	if res == nil {
		return chunkResult{}, t.classify(ctx, 0, errNoResponse)
	}
	return parseResponse(body, res.Header.Get("Content-Type"), samplesDuration(sp.end-sp.start))
}
