package api

import (
	"net/http"
)

// The messages of the task and agent endpoints (contract §5, rows 16–19,
// and the cancel extension).
const (
	msgTasksFetched       = "Tasks fetched successfully."
	msgTaskFetched        = "Task fetched successfully."
	msgTaskCancelled      = "Task cancelled successfully."
	msgAttachmentsFetched = "Supported attachments fetched successfully."
	msgAnalysisStarted    = "Analysis started successfully."
)

// listTasks answers GET /api/v1/users/{user_id}/tasks (general auth): 200
// with a page of the user's analysis tasks, newest first; limit and offset
// as for transactions.
func (s *server) listTasks(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := pageParams(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	list, err := s.svc.ListTasks(r.Context(), principal(r), pathParam(r, "user_id"), limit, offset)
	reply(w, r, err, http.StatusOK, list, msgTasksFetched)
}

// viewTask answers GET /api/v1/users/{user_id}/tasks/{task_id} (general
// auth): 200 with the task, its result once COMPLETED; another user's is a
// 403.
func (s *server) viewTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.svc.ViewTask(r.Context(), principal(r), pathParam(r, "user_id"), pathParam(r, "task_id"))
	reply(w, r, err, http.StatusOK, t, msgTaskFetched)
}

// cancelTask answers DELETE /api/v1/users/{user_id}/tasks/{task_id}
// (general auth, extension): 200 with the task, FAILED and its credits
// released when it had not finished, else as it was.
func (s *server) cancelTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.svc.CancelTask(r.Context(), principal(r), pathParam(r, "user_id"), pathParam(r, "task_id"))
	reply(w, r, err, http.StatusOK, t, msgTaskCancelled)
}

// supportedAttachments answers GET
// /api/v1/users/{user_id}/agent/supported_attachments (general auth): 200
// with the file extensions the configured model takes, by category.
func (s *server) supportedAttachments(w http.ResponseWriter, r *http.Request) {
	m, err := s.svc.SupportedAttachments(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusOK, m, msgAttachmentsFetched)
}
