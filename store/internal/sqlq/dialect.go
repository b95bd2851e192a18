package sqlq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/core"
)

// Violation is the kind of constraint a database error reports violated.
type Violation int

// The violations MapErr translates.
const (
	NoViolation       Violation = iota // none, or one the core does not know
	UniqueViolation                    // a duplicate unique value
	ForeignKeyMissing                  // a missing referenced row (a user)
	NegativeBalance                    // CreditsCheck or HeldCheck
)

// The CHECKs of users that keep balances from going negative; a driver's
// classifier reports NegativeBalance for these two only.
const (
	CreditsCheck = "users_credits_nonnegative"
	HeldCheck    = "users_held_nonnegative"
)

// Dialect is what differs between the databases. Make one with PostgreSQL
// or SQLite.
type Dialect struct {
	classify func(err error) Violation
	// now is the SQL expression of the current time, as stored.
	now string
	// oneOf returns the SQL condition that a column is one of vals (to
	// follow the column), with args extended by its parameters; ok is
	// false when the condition is false for every row.
	oneOf func(args []any, vals []string) (cond string, all []any, ok bool)
	// postLedger and createTask are Queries.PostLedger and CreateTask.
	postLedger func(ctx context.Context, q Queries, e core.LedgerEntry) (core.LedgerEntry, bool, error)
	createTask func(ctx context.Context, q Queries, t taskRow, attachments []core.AttachmentData) error
}

// PostgreSQL is the dialect of PostgreSQL, whose errors classify
// classifies: PostLedger and CreateTask run as one statement each, and
// lists bind as one array parameter.
func PostgreSQL(classify func(error) Violation) *Dialect {
	return &Dialect{
		classify:   classify,
		now:        `now()`,
		oneOf:      anyArray,
		postLedger: postLedgerCTE,
		createTask: createTaskCTE,
	}
}

// SQLite is the dialect of SQLite, whose errors classify classifies: it
// has no data-modifying CTEs nor arrays, so PostLedger and CreateTask run
// several statements in one transaction (or under a savepoint of the
// caller's), and lists expand into IN (…).
func SQLite(classify func(error) Violation) *Dialect {
	return &Dialect{
		classify:   classify,
		now:        `strftime('%Y-%m-%d %H:%M:%f', 'now')`,
		oneOf:      inList,
		postLedger: postLedgerSteps,
		createTask: createTaskSteps,
	}
}

// MapErr translates the constraint violations the core knows: a duplicate
// unique value is core.CodeConflict, a missing referenced user
// core.CodeNotFound ("User"), and a negative balance (available or held)
// core.CodeInsufficientCredits. Any other error comes back as it is; a
// translated one keeps err as its cause.
func (d *Dialect) MapErr(err error) error {
	var e *core.Error
	switch d.classify(err) {
	case UniqueViolation:
		e = core.ErrConflict()
	case ForeignKeyMissing:
		e = core.ErrNotFound("User")
	case NegativeBalance:
		e = core.ErrInsufficientCredits()
	default:
		return err
	}
	e.Err = err
	return e
}

// isNoRows reports whether err says that a query returned no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// anyArray is the oneOf of PostgreSQL: = ANY($n), with vals as one array.
func anyArray(args []any, vals []string) (string, []any, bool) {
	args = append(args, vals)
	return fmt.Sprintf("= ANY($%d)", len(args)), args, true
}

// inList is the oneOf of SQLite: IN ($n, $n+1, …), one parameter a value.
func inList(args []any, vals []string) (string, []any, bool) {
	if len(vals) == 0 {
		return "", args, false
	}
	marks := make([]string, len(vals))
	for i, v := range vals {
		args = append(args, v)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	return "IN (" + strings.Join(marks, ", ") + ")", args, true
}

// strs returns the strings of vals.
func strs[S ~string](vals []S) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}
