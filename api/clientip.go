package api

import (
	"net/http"

	"github.com/clara-backend/clara/internal/clientaddr"
)

// clientIP returns the address of r's client as every transport of Clara
// sees it (see clientaddr.Of).
func clientIP(r *http.Request, trustProxy bool) string {
	return clientaddr.Of(r, trustProxy)
}
