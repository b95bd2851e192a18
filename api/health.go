package api

import (
	"net/http"

	"github.com/clara-backend/clara/core"
)

// The messages of the health and version checks.
const (
	msgHealth  = "Health check successful."
	msgVersion = "Version check successful."
)

// health answers GET /api/v1/health: 200 when Clara and its database
// answer, else 503 with the unhealthy report as data. The healthy answer is
// constant and written from bytes encoded once: this route is what load
// balancers poll.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	h, err := s.svc.Health(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	if h.Service == core.ServiceName && h.Status == core.StatusHealthy {
		writeBody(w, http.StatusOK, s.healthyBody)
		return
	}
	writeData(w, r, http.StatusOK, h, msgHealth)
}

// version answers GET /api/v1/version with Clara's release.
func (s *server) version(w http.ResponseWriter, r *http.Request) {
	writeBody(w, http.StatusOK, s.versionBody)
}
