package api

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
)

// The handlers of the REST API share one shape: read the path and the body,
// call one method of core.Service, and answer with reply or replyNoContent,
// which map a failure to its envelope through writeError.

// codeRequest is the body of the endpoints that take a one-time code.
type codeRequest struct {
	Code string `json:"code"`
}

// pathParam returns the path parameter name of r, percent-decoded: clients
// send an email in a path either escaped (ada%40example.com) or with a raw
// "@", and chi matches on the escaped path. A value that does not decode is
// returned as sent, for the core to refuse.
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if decoded, err := url.PathUnescape(v); err == nil {
		return decoded
	}
	return v
}

// reply answers err when it is not nil, else a success envelope of data and
// message with the HTTP status code.
func reply(w http.ResponseWriter, r *http.Request, err error, code int, data any, message string) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeData(w, r, code, data, message)
}

// replyNoContent answers err when it is not nil, else 204.
func replyNoContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeNoContent(w)
}
