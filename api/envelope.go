package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"

	"github.com/clara-backend/clara/core"
)

// The values of an envelope's status.
const (
	statusSuccess = "success"
	statusError   = "error"
)

// envelope is the body of every response that has one. Its fields are in
// the contract's key order: data, message, status, then errors (an
// extension, only on validation failures that name fields).
type envelope struct {
	Data    any               `json:"data"`
	Message string            `json:"message"`
	Status  string            `json:"status"`
	Errors  []core.FieldError `json:"errors,omitempty"`
}

// success returns the envelope of a successful answer.
func success(data any, message string) *envelope {
	return &envelope{Data: data, Message: message, Status: statusSuccess}
}

// Header values shared by every response. They are assigned to header maps
// directly, saving an allocation per response; never modify them in place.
// (A later Header.Add appends to a copy: each has len == cap.)
var (
	hdrJSON    = []string{"application/json"}
	hdrNosniff = []string{"nosniff"}
	hdrNoStore = []string{"no-store"}
)

// internalBody is the envelope of a 500, for when encoding another fails.
var internalBody = mustEncode(&envelope{Message: core.MsgInternal, Status: statusError})

// jsonEncoder encodes envelopes into a reusable buffer.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// maxPooledBuffer is the largest buffer kept for reuse; larger ones, from
// rare large answers, are left to the garbage collector.
const maxPooledBuffer = 64 << 10

var encoders = sync.Pool{New: func() any {
	e := new(jsonEncoder)
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// encode returns env as JSON followed by a newline, as json.Encoder writes
// it (without HTML escaping). The result is valid until release is called.
func encode(env *envelope) (body []byte, release func(), err error) {
	e := encoders.Get().(*jsonEncoder)
	e.buf.Reset()
	if err := e.enc.Encode(env); err != nil {
		encoders.Put(e)
		return nil, nil, err
	}
	return e.buf.Bytes(), func() {
		if e.buf.Cap() <= maxPooledBuffer {
			encoders.Put(e)
		}
	}, nil
}

// mustEncode returns env encoded; it panics when env cannot be, so use it
// only for answers fixed at build time.
func mustEncode(env *envelope) []byte {
	body, release, err := encode(env)
	if err != nil {
		panic("api: encode constant envelope: " + err.Error())
	}
	defer release()
	return bytes.Clone(body)
}

// writeData writes a success envelope of data and message with the HTTP
// status code.
func writeData(w http.ResponseWriter, r *http.Request, code int, data any, message string) {
	writeEnvelope(w, r, code, success(data, message))
}

// writeEnvelope writes env as the body of a response with status code. When
// env cannot be encoded (a bug), it logs why and answers 500 instead.
func writeEnvelope(w http.ResponseWriter, r *http.Request, code int, env *envelope) {
	body, release, err := encode(env)
	if err != nil {
		logger(r).LogAttrs(r.Context(), slog.LevelError, "encode response",
			slog.String("request_id", RequestID(r.Context())), slog.String("error", err.Error()))
		writeBody(w, http.StatusInternalServerError, internalBody)
		return
	}
	writeBody(w, code, body)
	release()
}

// writeBody writes an encoded envelope with status code and the headers of
// every JSON answer.
func writeBody(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["X-Content-Type-Options"] = hdrNosniff
	h["Cache-Control"] = hdrNoStore
	w.WriteHeader(code)
	_, _ = w.Write(body) // an error means the client has gone; nothing to do
}

// writeNoContent writes a 204 answer, which has no body.
func writeNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}
