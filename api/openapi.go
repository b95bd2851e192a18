package api

import (
	_ "embed" // for the OpenAPI document
	"net/http"
)

// openapiDocument is the OpenAPI 3.1 document of the REST API, checked in
// as openapi.json and proved against the router and the live answers by
// openapi_test.go.
//
//go:embed openapi.json
var openapiDocument []byte

// openapi answers GET /api/v1/openapi.json (no auth; extension) with the
// OpenAPI document, with the headers of every JSON answer.
func (s *server) openapi(w http.ResponseWriter, r *http.Request) {
	writeBody(w, http.StatusOK, openapiDocument)
}
