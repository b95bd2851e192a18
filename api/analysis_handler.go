package api

import (
	"net/http"
	"strings"

	"github.com/clara-backend/clara/core"
)

// IdempotencyKeyHeader is the optional header that makes a retried
// analysis request return the task of the first (extension).
const IdempotencyKeyHeader = "Idempotency-Key"

// analysisRoute is the path pattern of Analysis, which reads multipart
// bodies under its own limit.
const analysisRoute = basePath + "/users/{user_id}/agent/analysis"

// analyze answers POST /api/v1/users/{user_id}/agent/analysis (general
// auth): a multipart/form-data body of a text field query and up to the
// policy's number of files, each under a field named after it. It starts
// the analysis, holding its credits, and answers 201 with the task in
// PENDING; clients poll View Task. Files over the limits are a 413 as soon
// as they are seen, without reading further; more files than allowed, or
// one the model cannot take, a 400 naming it; too few credits a 403. An
// Idempotency-Key header makes a retried request return the first task.
func (s *server) analyze(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	// Refuse an anonymous or invalid caller before reading an upload of
	// up to 25 MiB; the core checks everything else.
	if err := callerPresent(p); err != nil {
		writeError(w, r, err)
		return
	}
	in, err := readAnalysis(w, r, s.uploads)
	if err != nil {
		writeError(w, r, err)
		return
	}
	in.IdempotencyKey = r.Header.Get(IdempotencyKeyHeader)
	t, err := s.svc.Analyze(r.Context(), p, pathParam(r, "user_id"), in)
	reply(w, r, restField(err, "idempotency_key", IdempotencyKeyHeader), http.StatusCreated, t, msgAnalysisStarted)
}

// callerPresent returns a 401 when the request carries no credentials, the
// refusal of invalid, revoked or expired ones, and nil otherwise.
func callerPresent(p core.Principal) error {
	if p.Kind() == core.AuthNone {
		return core.ErrUnauthenticated()
	}
	return p.Refused()
}

// isAnalysis reports whether r is an Analysis request: POST
// /api/v1/users/{user_id}/agent/analysis.
func isAnalysis(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, basePath+"/users/")
	if !ok {
		return false
	}
	id, tail, ok := strings.Cut(rest, "/")
	return ok && id != "" && tail == "agent/analysis"
}
