package transcribetest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Request is a request the fake received, with what tests check of it.
type Request struct {
	Header http.Header // as sent (Authorization: Bearer <key>)

	// The form fields, by name, and the usual ones apart.
	Fields                 map[string][]string
	Model                  string
	ResponseFormat         string // "" when not sent (OpenAI then answers json)
	Language               string
	Prompt                 string
	TimestampGranularities []string // timestamp_granularities[]

	// The file part.
	Filename    string
	ContentType string
	FileSize    int
	// Audio is what the fake decoded of the file; AudioError says why it
	// could not ("" when it could).
	Audio      Audio
	AudioError string

	// Status is the HTTP status the fake answered.
	Status int
}

// parse reads the multipart upload of hr into a Request, decoding its
// file. An error is the fault of the request as a whole.
func parse(hr *http.Request) (Request, error) {
	if err := hr.ParseMultipartForm(MaxFileBytes); err != nil {
		return Request{}, fmt.Errorf("not a multipart form: %w", err)
	}
	f := hr.MultipartForm
	req := Request{Header: hr.Header.Clone(), Fields: f.Value}
	first := func(name string) string {
		if v := f.Value[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	req.Model, req.ResponseFormat = first("model"), first("response_format")
	req.Language, req.Prompt = first("language"), first("prompt")
	req.TimestampGranularities = append(f.Value["timestamp_granularities[]"], f.Value["timestamp_granularities"]...)
	files := f.File["file"]
	if len(files) != 1 {
		return req, fmt.Errorf("want one file part, got %d", len(files))
	}
	fh := files[0]
	req.Filename, req.ContentType, req.FileSize = fh.Filename, fh.Header.Get("Content-Type"), int(fh.Size)
	if fh.Size > MaxFileBytes {
		return req, errTooLarge
	}
	file, err := fh.Open()
	if err != nil {
		return req, fmt.Errorf("open the file part: %w", err)
	}
	defer func() { _ = file.Close() }()
	data, err := io.ReadAll(file)
	if err != nil {
		return req, fmt.Errorf("read the file part: %w", err)
	}
	if audio, _, err := DecodeWAV(data); err != nil {
		req.AudioError = err.Error()
	} else {
		req.Audio = audio
	}
	return req, nil
}

// errTooLarge is an upload over MaxFileBytes.
var errTooLarge = errors.New("file over 25 MiB")
