package api

import (
	"net/http"
	"strconv"

	"github.com/clara-backend/clara/core"
)

// The messages of the transaction endpoints (contract §5, rows 14–15).
const (
	msgTransactionsFetched = "Transactions fetched successfully."
	msgTransactionFetched  = "Transaction fetched successfully."
)

// listTransactions answers GET /api/v1/users/{user_id}/transactions
// (general auth): 200 with a page of the user's transactions, newest first.
// limit (default 20) and offset (default 0) must be integers; the core
// checks their ranges.
func (s *server) listTransactions(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := pageParams(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	list, err := s.svc.ListTransactions(r.Context(), principal(r), pathParam(r, "user_id"), limit, offset)
	reply(w, r, err, http.StatusOK, list, msgTransactionsFetched)
}

// viewTransaction answers GET
// /api/v1/users/{user_id}/transactions/{transaction_id} (general auth): 200
// with the transaction; another user's is a 403.
func (s *server) viewTransaction(w http.ResponseWriter, r *http.Request) {
	tx, err := s.svc.ViewTransaction(r.Context(), principal(r), pathParam(r, "user_id"), pathParam(r, "transaction_id"))
	reply(w, r, err, http.StatusOK, tx, msgTransactionFetched)
}

// pageParams reads the limit and offset query parameters of a list
// endpoint: absent or empty, they take their defaults; anything but a
// whole number is a 400 naming the parameter.
func pageParams(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	var fields []core.FieldError
	limit, ok := intParam(q.Get("limit"), core.DefaultLimit)
	if !ok {
		fields = append(fields, core.FieldError{Field: "limit", Problem: "must be a whole number from 1 to 100"})
	}
	offset, ok = intParam(q.Get("offset"), 0)
	if !ok {
		fields = append(fields, core.FieldError{Field: "offset", Problem: "must be a whole number of 0 or more"})
	}
	if fields != nil {
		return 0, 0, core.ErrInvalid(fields...)
	}
	return limit, offset, nil
}

// intParam parses a query parameter's value as a decimal integer; an empty
// value is def.
func intParam(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}
